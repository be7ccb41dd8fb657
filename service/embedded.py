"""The embedded default: a real PostgreSQL from the ``pgserver`` wheel, for a machine with none.

pgserver runs the server as its own system user when started as root and stops it when the
last Python process using the data directory exits, so the handle must stay referenced
for as long as the service runs.
"""

import os
import tempfile
from pathlib import Path
from typing import Any

DATABASE = "coopgraph"


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        data_dir = data_dir.resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        _private_runtime_dir()
        import pgserver  # after the runtime dir is set: platformdirs reads it on import

        self._server: Any = pgserver.get_server(  # type: ignore[attr-defined]
            data_dir / "pgdata", cleanup_mode="stop"
        )
        self.socket_dir = str(data_dir / "pgdata")

    def ensure_database(self, name: str) -> str:
        """Create ``name`` if missing and return its asyncpg URL."""
        exists = self._server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
        if "(1 row)" not in exists:
            self._server.psql(f'CREATE DATABASE "{name}";')
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgresql+asyncpg://postgres@/{name}?host={self.socket_dir}"

    def psql(self, sql: str) -> str:
        return str(self._server.psql(sql))


def _private_runtime_dir() -> None:
    """pgserver keeps a lock file under XDG_RUNTIME_DIR; give it a private one if unset."""
    if os.environ.get("XDG_RUNTIME_DIR"):
        return
    runtime = Path(tempfile.gettempdir()) / f"coopgraph-runtime-{os.getuid()}"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
