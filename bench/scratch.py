"""The server a benchmark makes its scratch database on: the embedded one of the checkout
(``.coopgraph``), or the server of ``DATABASE_URL``. Benchmarks never touch the service's
own database."""

import os
from pathlib import Path

import sqlalchemy as sa

from db.engine import create_engine
from service.embedded import EmbeddedPostgres

REPO = Path(__file__).resolve().parent.parent


class Server:
    """The server of the scratch database: the embedded one, or that of ``DATABASE_URL``."""

    def __init__(self) -> None:
        url = os.environ.get("DATABASE_URL")
        # Held for as long as the benchmark runs: the embedded server stops with its handle.
        self.embedded: EmbeddedPostgres | None = None
        if url:
            base = sa.engine.make_url(url).set(drivername="postgresql+asyncpg")
            self.maintenance_url = base.set(database="postgres").render_as_string(
                hide_password=False
            )
        else:
            self.embedded = EmbeddedPostgres(REPO / ".coopgraph")
            self.maintenance_url = self.embedded.url("postgres")

    def url(self, database: str) -> str:
        return (
            sa.engine.make_url(self.maintenance_url)
            .set(database=database)
            .render_as_string(hide_password=False)
        )

    async def admin(self, *statements: str) -> None:
        engine = create_engine(self.maintenance_url)
        try:
            async with engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                for statement in statements:
                    await conn.execute(sa.text(statement))
        finally:
            await engine.dispose()
