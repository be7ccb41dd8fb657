"""Graceful shutdown of a real ``coopgraph serve`` process, as an orchestrator stops it:
SIGTERM while a write is in flight."""

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
import websockets

from db import api_keys
from db.engine import create_engine
from db.enums import KeyScope
from tests.service.test_live import PROJECT_ID, live

COOPGRAPH = str(Path(sys.executable).parent / "coopgraph")


async def _admin_key(url: str) -> str:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            return await api_keys.create_key(conn, "admin", KeyScope.ADMIN)
    finally:
        await engine.dispose()


async def _serve(database_url: str, port: int) -> asyncio.subprocess.Process:
    """``coopgraph serve`` as a deployment runs it, on an already migrated database."""
    env = {**os.environ, "DATABASE_URL": database_url, "COOPGRAPH_SEED_ON_START": "false"}
    return await asyncio.create_subprocess_exec(
        COOPGRAPH,
        "serve",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def _until_ready(client: httpx.AsyncClient) -> None:
    """Up to a minute: a loaded machine starts the service slowly."""
    for _ in range(600):
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)


async def test_sigterm_lets_the_write_in_flight_finish_and_refuses_new_work(
    fresh_database_url: str, unused_tcp_port: int
) -> None:
    key = await _admin_key(fresh_database_url)
    process = await _serve(fresh_database_url, unused_tcp_port)
    address = f"127.0.0.1:{unused_tcp_port}"
    engine = create_engine(fresh_database_url)
    try:
        async with httpx.AsyncClient(base_url=f"http://{address}", timeout=30) as client:
            await _until_ready(client)
            async with live(address, key) as subscriber, engine.connect() as blocker:
                await subscriber.subscribe(
                    "1", f'subscription {{ project(id: "{PROJECT_ID}") {{ version }} }}'
                )
                assert (await subscriber.data())["project"]["version"] == 1
                # Another transaction holds the project's row: the update waits in the database.
                await blocker.execute(sa.text("SELECT 1 FROM project WHERE id = 1 FOR UPDATE"))
                update = asyncio.create_task(
                    client.post(
                        "/graphql",
                        json={
                            "query": "mutation { updateProject(input: "
                            f'{{id: "{PROJECT_ID}", version: 1, title: "Finished"}}) '
                            "{ project { title version } } }"
                        },
                        headers={"Authorization": f"Bearer {key}"},
                    )
                )
                waiting = sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted")
                while not await blocker.scalar(waiting):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
                process.send_signal(signal.SIGTERM)

                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await subscriber.next()
                assert closed.value.rcvd is not None
                assert closed.value.rcvd.code == 1012  # service restart: resume elsewhere
                with pytest.raises(httpx.ConnectError):
                    async with httpx.AsyncClient(base_url=f"http://{address}") as late:
                        await late.get("/healthz")
                assert process.returncode is None
                assert not update.done()
                await blocker.rollback()

                response = await update
        assert response.status_code == 200
        assert response.json() == {
            "data": {"updateProject": {"project": {"title": "Finished", "version": 2}}}
        }
        # uvicorn re-raises the signal once it has drained and run the app's shutdown.
        assert await asyncio.wait_for(process.wait(), 30) == -signal.SIGTERM
        async with engine.connect() as conn:
            title = await conn.scalar(sa.text("SELECT title FROM project WHERE id = 1"))
        assert title == "Finished"
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await engine.dispose()


async def test_sigterm_ends_an_http_subscription_with_the_reason(
    fresh_database_url: str, unused_tcp_port: int
) -> None:
    """uvicorn waits for HTTP answers to finish; a graphql-sse subscription never would, so
    it is ended at once with a last event saying why, as a WebSocket gets 1012."""
    key = await _admin_key(fresh_database_url)
    process = await _serve(fresh_database_url, unused_tcp_port)
    address = f"127.0.0.1:{unused_tcp_port}"
    try:
        async with httpx.AsyncClient(base_url=f"http://{address}", timeout=30) as client:
            await _until_ready(client)
            query = "subscription { changes { position } }"
            headers = {"Accept": "text/event-stream", "Authorization": f"Bearer {key}"}
            async with client.stream(
                "POST", "/graphql", json={"query": query}, headers=headers
            ) as response:
                assert response.status_code == 200
                await asyncio.sleep(0.5)
                process.send_signal(signal.SIGTERM)
                body = await asyncio.wait_for(response.aread(), 10)
        events = [e for e in body.decode().split("\r\n\r\n") if e.startswith("event: next")]
        [last] = events
        payload = json.loads(last.split("data: ", 1)[1])
        assert payload["errors"][0]["extensions"] == {"code": "SHUTTING_DOWN", "closeCode": 1012}
        assert body.decode().rstrip().endswith("event: complete\r\ndata:")
        assert await asyncio.wait_for(process.wait(), 30) == -signal.SIGTERM
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
