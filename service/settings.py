"""Configuration from the environment (and an optional ``.env`` file).

``DATABASE_URL`` keeps its conventional name; everything else is prefixed ``COOPGRAPH_``.
"""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="COOPGRAPH_", env_file=".env", env_ignore_empty=True, extra="ignore"
    )

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "COOPGRAPH_DATABASE_URL"),
        description="PostgreSQL URL; unset means an embedded server under data_dir.",
    )
    database_read_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_READ_URL", "COOPGRAPH_DATABASE_READ_URL"),
        description="a read replica for plain queries; mutations and listening stay on the primary",
    )
    data_dir: Path = Field(default=Path(".coopgraph"), description="embedded server's home")
    demo_data_dir: Path = Field(
        default=Path(".coopgraph-demo"),
        description="the embedded server of `coopgraph demo`, never the one `serve` uses",
    )
    demo_files_dir: Path = Field(
        default=Path("demo/iati"), description="the made-up sample IATI files `demo` imports"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: list[str] = Field(default_factory=list, description="allowed browser origins")
    default_page_size: int = Field(default=20, ge=1)
    max_page_size: int = Field(default=100, ge=1)
    cache_max_age: int = Field(default=60, ge=0, description="Cache-Control max-age of GET answers")
    db_pool_size: int = Field(default=10, ge=1, description="connections per server process")
    workers: int = Field(
        default=1, ge=1, description="server processes `serve` runs (each with its own pool)"
    )
    worker_healthcheck_seconds: int = Field(
        default=30,
        ge=1,
        description="a worker that does not answer its manager's ping this long is replaced",
    )
    db_pool_timeout: float = Field(default=10.0, gt=0)
    seed_on_start: bool = Field(default=True, description="load the dataset into an empty db")
    public_reads: bool = Field(
        default=True, description="queries need no API key (writes always do)"
    )
    log_format: Literal["json", "text"] = Field(
        default="json", description="the service's log: one JSON object per line, or uvicorn's"
    )
    rate_limit_per_key: str = Field(
        default="1200/minute", description="requests per API key (the limits library's syntax)"
    )
    rate_limit_per_address: str = Field(
        default="600/minute", description="requests per client address without a key"
    )
    rate_limit_storage: str = Field(
        default="async+memory://", description="where counters live; memory is per process"
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="addresses or networks whose X-Forwarded-For is believed, as a JSON list",
    )
    tracing: bool = Field(
        default=False, description="OpenTelemetry spans, sent where OTEL_* variables say"
    )
    persisted_queries_only: bool = Field(
        default=False,
        description="allow-list mode: only the repo's registered operations run",
    )
    max_query_depth: int = Field(default=12, ge=1)
    max_query_tokens: int = Field(default=5000, ge=1)
    max_query_aliases: int = Field(default=30, ge=0)
    max_query_cost: int = Field(
        default=1_000_000, ge=1, description="fields a query may resolve at most (estimated)"
    )
    introspection: bool = Field(default=True, description="answer introspection queries")
    compiled_reads: bool = Field(
        default=True,
        description="answer the queries it can in one SQL statement building the JSON",
    )
    max_body_bytes: int = Field(default=1_000_000, ge=1, description="largest non-upload body")
    statement_timeout_seconds: float = Field(
        default=15.0, gt=0, description="longest a SQL statement of a request may run"
    )
    subscription_buffer: int = Field(
        default=1000, ge=1, description="changes a subscriber may fall behind before it is cut"
    )
    max_subscriptions_per_connection: int = Field(default=20, ge=1)
    max_subscriptions_per_key: int = Field(default=100, ge=1)
    key_recheck_seconds: float = Field(
        default=30.0, gt=0, description="how often a subscription checks its key is not revoked"
    )
    ws_ping_seconds: float = Field(
        default=20.0, gt=0, description="WebSocket heartbeat: ping interval and pong timeout"
    )
    header_timeout_seconds: float = Field(
        default=10.0, gt=0, description="a request's headers must arrive within this (408 after)"
    )
    body_timeout_seconds: float = Field(
        default=30.0, gt=0, description="longest pause between two chunks of a request body"
    )
    keep_alive_seconds: int = Field(
        default=5, ge=1, description="an idle connection is closed this long after a response"
    )
    max_connections_per_address: int = Field(
        default=100, ge=1, description="open connections (HTTP and WebSocket) per client address"
    )
    max_connections: int = Field(
        default=1000, ge=1, description="open connections in all; past it new requests get 503"
    )
    shutdown_grace_seconds: int = Field(
        default=20, ge=1, description="on SIGTERM, how long requests in flight may finish"
    )
    iati_reporting_org_ref: str = Field(
        default="XM-DAC-41302", description="IATI identifier of the organisation exports name"
    )
    iati_reporting_org_name: str = "International Labour Organization"
    iati_reporting_org_type: str = Field(default="40", description="IATI organisation type code")
    iati_max_upload_bytes: int = Field(
        default=50_000_000, ge=1, description="largest file importIati accepts"
    )
    explorer_dir: Path = Field(
        default=Path("explorer/dist"), description="the built explorer page, served at /"
    )
    iati_dir: Path = Field(
        default=Path("../shared/iati"), description="IATI schemas and test files, for tests"
    )
    seeds_dir: Path = Field(
        default=Path("../shared/seeds"), description="source documents, for dataset checks"
    )

    @field_validator("database_url", "database_read_url")
    @classmethod
    def _asyncpg_scheme(cls, url: str | None) -> str | None:
        """Accept the plain ``postgresql://`` URLs every tool prints, and use asyncpg."""
        if url is None:
            return None
        for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+asyncpg://" + url.removeprefix(prefix)
        raise ValueError("a database URL must be a postgresql:// URL")


@lru_cache
def get_settings() -> Settings:
    return Settings()
