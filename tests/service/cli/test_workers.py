"""``coopgraph serve --workers 2`` as a deployment runs it: both workers answer, a
subscription on each hears a write made through the other, SIGTERM ends every process,
and the embedded PostgreSQL, held by the parent alone, stops with it; the workers'
``/readyz`` reports the parent's view of it."""

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import psutil
import pytest
import websockets

from service.embedded import HANDLE_FILE
from tests.service.test_database_supervisor import _running
from tests.service.test_live import PROJECT_ID, Live, live
from tests.service.test_shutdown import _admin_key

COOPGRAPH = str(Path(sys.executable).parent / "coopgraph")
UPDATE = (
    'mutation { updateProject(input: {id: "%s", version: %d, title: "Seen by both"}) '
    "{ project { version } } }"
)


async def _serve_workers(port: int, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        COOPGRAPH,
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
        env={**env, "COOPGRAPH_LOG_FORMAT": "text"},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def _workers_ready(process: asyncio.subprocess.Process, port: int) -> list[int]:
    """The two workers' pids, once each has answered ``/readyz`` (up to four minutes: the
    workers start only once the parent has migrated and seeded, and a machine shared with
    other test runs took over two for that and their imports). A worker still starting
    accepts nothing, so new connections go to the other."""
    deadline = time.monotonic() + 240
    answered: set[int] = set()
    while True:
        assert time.monotonic() < deadline, f"only {answered} became ready"
        assert process.returncode is None, "serve ended"
        workers = _workers_of(process.pid)
        if len(workers) == 2:
            with contextlib.suppress(OSError, asyncio.TimeoutError):
                holder = await _ready_on(port, workers)
                if holder is not None:
                    answered.add(holder)
            if answered == set(workers):
                return workers
        await asyncio.sleep(0.2)


def _workers_of(parent: int) -> list[int]:
    """The parent's live spawned workers. A child that ended between the listing and the
    reading of its command line (a zombie not yet reaped: initdb, a worker restarting) is
    not one."""
    workers = []
    for child in psutil.Process(parent).children():
        with contextlib.suppress(psutil.ZombieProcess, psutil.NoSuchProcess, psutil.AccessDenied):
            if "spawn_main" in " ".join(child.cmdline()):
                workers.append(child.pid)
    return workers


async def _ready_on(port: int, workers: list[int]) -> int | None:
    """The worker that answered ``/readyz`` 200 on a new connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET /readyz HTTP/1.1\r\nhost: test\r\n\r\n")
        status = await asyncio.wait_for(reader.readline(), 30)
        if b" 200 " not in status:
            return None
        return _holder(workers, writer.get_extra_info("sockname")[1])
    finally:
        writer.close()


def _holder(workers: list[int], client_port: int) -> int | None:
    """The worker holding the server end of a client's connection."""
    for pid in workers:
        for c in psutil.Process(pid).net_connections("tcp"):
            if c.raddr and c.raddr.port == client_port:
                return pid
    return None


@contextlib.asynccontextmanager
async def _one_subscriber_per_worker(
    address: str, key: str, workers: list[int]
) -> AsyncIterator[dict[int, Live]]:
    """WebSocket connections until each worker holds one (the kernel hands a new connection
    to whichever worker accepts first), each subscribed to the project."""
    async with contextlib.AsyncExitStack() as stack:
        by_worker: dict[int, Live] = {}
        for _ in range(40):
            subscriber = await stack.enter_async_context(live(address, key))
            holder = _holder(workers, subscriber.ws.local_address[1])
            if holder is not None and holder not in by_worker:
                await subscriber.subscribe(
                    "1", f'subscription {{ project(id: "{PROJECT_ID}") {{ version }} }}'
                )
                assert (await subscriber.data(30))["project"]["version"] == 1
                by_worker[holder] = subscriber
            if len(by_worker) == len(workers):
                yield by_worker
                return
        pytest.fail(f"40 connections all went to {list(by_worker)}")


async def test_two_workers_share_writes_and_end_together_on_sigterm(
    fresh_database_url: str, unused_tcp_port: int
) -> None:
    key = await _admin_key(fresh_database_url)
    env = {**os.environ, "DATABASE_URL": fresh_database_url, "COOPGRAPH_SEED_ON_START": "false"}
    process = await _serve_workers(unused_tcp_port, env)
    address = f"127.0.0.1:{unused_tcp_port}"
    try:
        workers = await _workers_ready(process, unused_tcp_port)
        async with _one_subscriber_per_worker(address, key, workers) as subscribers:
            async with httpx.AsyncClient(base_url=f"http://{address}", timeout=30) as client:
                response = await client.post(
                    "/graphql",
                    json={"query": UPDATE % (PROJECT_ID, 1)},
                    headers={"Authorization": f"Bearer {key}"},
                )
            assert response.json()["data"]["updateProject"]["project"]["version"] == 2
            for subscriber in subscribers.values():
                assert (await subscriber.data(30))["project"]["version"] == 2

            process.send_signal(signal.SIGTERM)
            for subscriber in subscribers.values():
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await subscriber.next(30)
                assert closed.value.rcvd is not None
                assert closed.value.rcvd.code == 1012  # resume elsewhere
        assert await asyncio.wait_for(process.wait(), 60) == -signal.SIGTERM
        assert not any(_running(pid) for pid in workers)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_the_parent_alone_supervises_and_stops_the_embedded_server(
    tmp_path: Path, unused_tcp_port: int
) -> None:
    data = tmp_path / "served"
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "COOPGRAPH_DATABASE_URL")
    }
    env["COOPGRAPH_DATA_DIR"] = str(data)
    process = await _serve_workers(unused_tcp_port, env)
    pgdata = data / "pgdata"
    try:
        workers = await _workers_ready(process, unused_tcp_port)
        assert json.loads((pgdata / HANDLE_FILE).read_text()) == [process.pid]
        postmaster = again = _postmaster(pgdata)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{unused_tcp_port}") as client:
            embedded = (await client.get("/readyz")).json()["embedded"]
            assert embedded["state"] == "running"
            assert embedded["restarts"] == 0
            assert embedded["supervisor_pid"] == process.pid
            os.kill(postmaster, signal.SIGKILL)
            deadline = time.monotonic() + 180  # replaying the log on a busy machine
            ready = None
            while True:
                assert time.monotonic() < deadline, f"not restarted: {ready and ready.text}"
                with contextlib.suppress(httpx.TransportError, FileNotFoundError, ValueError):
                    again = _postmaster(pgdata)
                    ready = await client.get("/readyz")
                    if (
                        again != postmaster
                        and ready.status_code == 200
                        and ready.json()["embedded"]["restarts"] == 1
                    ):
                        break
                await asyncio.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 60) == -signal.SIGTERM
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert not any(_running(pid) for pid in workers)
    assert not (pgdata / "postmaster.pid").exists()
    assert not _running(again)
    assert json.loads((pgdata / HANDLE_FILE).read_text()) == []


def _postmaster(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().split()[0])
