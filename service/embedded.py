"""The embedded default: a real PostgreSQL from the ``pgserver`` wheel, for a machine with none.

pgserver runs the server as its own system user when started as root and stops it when the
last Python process using the data directory exits (it keeps their pids in
``pgdata/.handle_pids.json``), so the handle must stay referenced for as long as the service
runs. Two gaps are closed here: a process killed without running its exit handlers left its
pid in that file, so no later process was ever "the last" and the server was never stopped
(pids of processes that no longer exist are pruned before the server is taken); and a
server that died (``kill -9`` of the postmaster) stayed dead: ``restart_if_dead`` starts it
again, and ``service.database_supervisor`` calls it while the service runs.
"""

import contextlib
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

DATABASE = "coopgraph"
HANDLE_FILE = ".handle_pids.json"
RECOVERY_SECONDS = 300


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        data_dir = data_dir.resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        _private_runtime_dir()
        import pgserver  # after the runtime dir is set: platformdirs reads it on import

        self.pgdata = data_dir / "pgdata"
        _prune_dead_handles(self.pgdata / HANDLE_FILE)
        self._server: Any = pgserver.get_server(  # type: ignore[attr-defined]
            self.pgdata, cleanup_mode="stop"
        )
        self.socket_dir = str(self.pgdata)

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

    def postmaster_pid(self) -> int | None:
        """The running postmaster's pid, or None when it is not running."""
        from pgserver.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(self.pgdata)
        return int(info.pid) if info is not None and info.is_running() else None

    def restart_if_dead(self) -> bool:
        """Start the server again if it is not running; whether it had to. Blocking: pg_ctl
        waits for the server to accept connections. After a crash the server first replays
        its write-ahead log, so every committed transaction is there when it answers."""
        if self.postmaster_pid() is not None:
            return False
        with self._server._lock:
            try:
                self._server.ensure_postgres_running()
            except subprocess.TimeoutExpired:
                self._wait_until_ready()
                self._server.ensure_postgres_running()  # takes the running server as its own
        return True

    def _wait_until_ready(self) -> None:
        """pgserver's ``pg_ctl start`` gives up after 10 s, while the server it started goes
        on replaying its log (a minute on a busy machine). Left there, the handle would
        still name the dead postmaster, and stopping the service would leave the new one
        running: wait for it to accept connections instead."""
        from pgserver.utils import PostmasterInfo

        deadline = time.monotonic() + RECOVERY_SECONDS
        while time.monotonic() < deadline:
            info = PostmasterInfo.read_from_pgdata(self.pgdata)
            if info is not None and info.is_running() and info.status == "ready":
                return
            time.sleep(0.5)
        raise TimeoutError(f"the embedded PostgreSQL did not recover in {RECOVERY_SECONDS} s")

    def stop(self) -> None:
        """Give up this process's handle: the server stops if no other process holds one."""
        self._server.cleanup()


def _prune_dead_handles(path: Path) -> None:
    try:
        pids = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and _alive(pid)]
    if alive != pids:
        with contextlib.suppress(OSError):
            path.write_text(json.dumps(alive))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _private_runtime_dir() -> None:
    """pgserver keeps a lock file under XDG_RUNTIME_DIR; give it a private one if unset."""
    if os.environ.get("XDG_RUNTIME_DIR"):
        return
    runtime = Path(tempfile.gettempdir()) / f"coopgraph-runtime-{os.getuid()}"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
