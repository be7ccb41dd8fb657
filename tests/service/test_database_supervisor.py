"""The embedded PostgreSQL, supervised: started again after ``kill -9`` of its postmaster,
and stopped, with no pid left in its handle file, when ``coopgraph serve`` ends on a signal."""

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from service.database_supervisor import DatabaseSupervisor
from service.embedded import HANDLE_FILE, EmbeddedPostgres

COOPGRAPH = str(Path(sys.executable).parent / "coopgraph")


def _running(pid: int) -> bool:
    """Not a zombie: a stopped server whose parent (here, init) has not reaped it yet."""
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


async def test_a_killed_postmaster_is_started_again(tmp_path: Path) -> None:
    embedded = EmbeddedPostgres(tmp_path / "supervised")
    supervisor = DatabaseSupervisor(embedded, check_seconds=0.2)
    await supervisor.start()
    try:
        pid = embedded.postmaster_pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while supervisor.restarts == 0 or supervisor.state != "running":
            assert time.monotonic() < deadline, supervisor.status()
            await asyncio.sleep(0.2)
        assert embedded.postmaster_pid() not in (None, pid)
        assert "(1 row)" in embedded.psql("SELECT 1;")
        assert supervisor.status()["restarts"] == 1
    finally:
        await supervisor.stop()
        embedded.stop()


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
async def test_serve_stops_its_embedded_server_on_a_signal(
    tmp_path: Path, unused_tcp_port: int, stop_with: signal.Signals
) -> None:
    data = tmp_path / "served"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "COOPGRAPH_DATABASE_URL")
    }
    env.update({"COOPGRAPH_DATA_DIR": str(data), "COOPGRAPH_LOG_FORMAT": "text"})
    process = await asyncio.create_subprocess_exec(
        COOPGRAPH,
        "serve",
        "--port",
        str(unused_tcp_port),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{unused_tcp_port}") as client:
            deadline = time.monotonic() + 90
            while True:
                assert time.monotonic() < deadline, "serve did not become ready"
                try:
                    ready = await client.get("/readyz")
                    if ready.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.3)
            assert ready.json()["embedded"]["state"] == "running"
        postmaster = int((data / "pgdata" / "postmaster.pid").read_text().split()[0])
        process.send_signal(stop_with)
        await asyncio.wait_for(process.wait(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert not (data / "pgdata" / "postmaster.pid").exists()
    assert not _running(postmaster)
    assert json.loads((data / "pgdata" / HANDLE_FILE).read_text()) == []
