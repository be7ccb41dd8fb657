"""The FastAPI application: GraphQL at ``/graphql``, health checks, browser-facing HTTP."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from opentelemetry.sdk.trace.export import SpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine
from service.change_hub import ChangeHub
from service.database import ConnectionSource, EngineConnections
from service.database_supervisor import DatabaseSupervisor
from service.embedded import EmbeddedPostgres
from service.http import health, iati_export
from service.http.body_limit import UPLOAD_OVERHEAD, BodyLimit
from service.http.compression import Compression
from service.http.database_errors import handle_database_errors
from service.http.explorer import serve_explorer
from service.http.graphql_router import graphql_router
from service.http.http_cache import GraphQLGetCache
from service.http.rate_limits import RateLimits, RequestLimits
from service.http.request_ids import RequestIds
from service.observability import Metrics, ObserveRequests, add_metrics_endpoint
from service.settings import Settings
from service.tracing import enable_tracing


def _engine(url: str, settings: Settings) -> AsyncEngine:
    return create_engine(
        url,
        pool_size=settings.db_pool_size,
        pool_timeout=settings.db_pool_timeout,
        statement_timeout=settings.statement_timeout_seconds,
    )


def create_app(
    settings: Settings,
    *,
    database_url: str | None = None,
    connections: ConnectionSource | None = None,
    span_exporter: SpanExporter | None = None,
    embedded: EmbeddedPostgres | None = None,
    embedded_status_file: Path | None = None,
) -> FastAPI:
    """Build the app on a database URL (an engine is made at start-up) or a connection source;
    given the embedded server it runs on, the app keeps that server running. A worker of
    ``serve --workers`` is given instead the file its parent, which keeps the server running,
    publishes the server's state in (``/readyz`` reports it)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if connections is not None:
            yield
            return
        url = database_url or settings.database_url
        if url is None:
            raise RuntimeError("no database URL: set DATABASE_URL or use `coopgraph serve`")
        engines = [_engine(url, settings)]
        app.state.connections = app.state.read_connections = EngineConnections(engines[0])
        if settings.database_read_url is not None:
            engines.append(_engine(settings.database_read_url, settings))
            app.state.read_connections = EngineConnections(engines[1])
        hub = ChangeHub(engines[0], url, buffer=settings.subscription_buffer)
        await hub.start()
        app.state.change_hub = hub
        supervisor = None
        if embedded is not None:
            supervisor = DatabaseSupervisor(embedded)
            await supervisor.start()
            app.state.database_supervisor = supervisor
        try:
            yield
        finally:
            if supervisor is not None:
                await supervisor.stop()
            await hub.stop()
            for engine in engines:
                await engine.dispose()

    app = FastAPI(
        title="coopgraph",
        summary="GraphQL API for development-cooperation data.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.embedded_status_file = embedded_status_file
    metrics = Metrics()
    app.state.metrics = metrics
    add_metrics_endpoint(app, metrics)
    if connections is not None:
        app.state.connections = app.state.read_connections = connections
    handle_database_errors(app)
    app.include_router(graphql_router(settings))
    app.include_router(health.router)
    app.include_router(iati_export.router)
    serve_explorer(app, settings.explorer_dir)

    app.add_middleware(GraphQLGetCache, path="/graphql", max_age=settings.cache_max_age)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.iati_max_upload_bytes + UPLOAD_OVERHEAD,
    )
    app.add_middleware(Compression, minimum_size=1024)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Content-Type", "Authorization"],
        max_age=600,
    )
    request_limits = RequestLimits(
        per_key=settings.rate_limit_per_key,
        per_address=settings.rate_limit_per_address,
        storage=settings.rate_limit_storage,
        trusted_proxies=settings.trusted_proxies,
    )
    app.state.request_limits = request_limits
    app.add_middleware(RateLimits, limits=request_limits)
    app.add_middleware(ObserveRequests, metrics=metrics)
    app.add_middleware(RequestIds)
    if settings.tracing:
        enable_tracing(app, span_exporter)
    return app
