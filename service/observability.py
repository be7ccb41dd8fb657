"""What operators see: a JSON log line per request and Prometheus metrics at ``/metrics``.

Each request's line carries its id, method, path, GraphQL operation, status, duration and
client address. The metrics count requests and their latency per operation, GraphQL errors
by code, and the database pool's use. Each app has its own registry, so several apps in one
process (tests) do not collide.

Operation names are the client's to choose, and each name is a series of its own: past
``MAX_OPERATION_NAMES`` names, a new one is counted as ``other`` (the log line keeps the
name), so no client can grow the registry without bound.
"""

import logging
import time
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from pythonjsonlogger.orjson import OrjsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("coopgraph.requests")

MAX_OPERATION_NAMES = 200
OTHER_OPERATIONS = "other"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "coopgraph_requests",
            "HTTP requests, by GraphQL operation and status.",
            ["operation", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "coopgraph_request_seconds",
            "Time to answer a request, by GraphQL operation.",
            ["operation"],
            registry=self.registry,
        )
        self.errors = Counter(
            "coopgraph_graphql_errors",
            "GraphQL errors, by extensions.code.",
            ["code"],
            registry=self.registry,
        )
        self._request_series: dict[tuple[str, str], tuple[Any, Any]] = {}
        self._operations: set[str] = set()
        self.pool_in_use = Gauge(
            "coopgraph_db_connections_in_use",
            "Database connections checked out of the pool.",
            registry=self.registry,
        )
        self.pool_size = Gauge(
            "coopgraph_db_connections_open",
            "Database connections the pool holds open.",
            registry=self.registry,
        )

    def count_request(self, operation: str, status: int, seconds: float) -> None:
        """Counts a request and its latency, on series looked up once per operation and
        status (``labels`` checks and joins its values on every call)."""
        key = (operation, str(status))
        series = self._request_series.get(key)
        if series is None:
            if operation not in self._operations and operation != OTHER_OPERATIONS:
                if len(self._operations) >= MAX_OPERATION_NAMES:
                    self.count_request(OTHER_OPERATIONS, status, seconds)
                    return
                self._operations.add(operation)
            series = (
                self.requests.labels(operation=operation, status=key[1]),
                self.latency.labels(operation=operation),
            )
            self._request_series[key] = series
        series[0].inc()
        series[1].observe(seconds)


class RequestObserver:
    """Put on each request's GraphQL context; the schema reports the operation to it."""

    def __init__(self, metrics: Metrics, scope: Scope) -> None:
        self.metrics = metrics
        self.scope = scope

    def operation(self, name: str, seconds: float, error_codes: list[str]) -> None:
        self.scope.setdefault("state", {})["operation"] = name
        for code in error_codes:
            self.metrics.errors.labels(code=code).inc()


class ObserveRequests:
    """The per-request log line and the request metrics (ASGI, around everything else), and
    a ``Server-Timing: app;dur=<ms>`` header: how long the service took until it started its
    answer, as the service measured it (a client's clock also counts the network and its
    own queueing; the hostile-client tests bound the server's time with it)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/metrics":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                elapsed = (time.perf_counter() - started) * 1000
                timing = (b"server-timing", f"app;dur={elapsed:.2f}".encode())
                message = {**message, "headers": [*message.get("headers", []), timing]}
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            seconds = time.perf_counter() - started
            state = scope.get("state", {})
            operation = state.get("operation") or ("-" if scope["path"] != "/graphql" else "none")
            self.metrics.count_request(operation, status, seconds)
            client = scope.get("client")
            access_log.info(
                "request",
                extra={
                    "request_id": state.get("request_id"),
                    "method": scope["method"],
                    "path": scope["path"],
                    "operation": operation,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "client": client[0] if client else None,
                },
            )


def add_metrics_endpoint(app: FastAPI, metrics: Metrics) -> None:
    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        connections = getattr(app.state, "connections", None)
        pool: Any = getattr(getattr(connections, "engine", None), "pool", None)
        if pool is not None:
            metrics.pool_in_use.set(pool.checkedout())
            metrics.pool_size.set(pool.checkedin() + pool.checkedout())
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


def json_formatter() -> logging.Formatter:
    return OrjsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")


def configure_json_logging(level: int = logging.INFO) -> None:
    """One JSON object per line on stderr, for the service's own logs and uvicorn's."""
    handler = logging.StreamHandler()
    handler.setFormatter(json_formatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # our line per request replaces it
