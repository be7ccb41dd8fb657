"""Slow, idle and too many connections, and WebSocket messages past the HTTP bounds,
against the real protocol (this service runs with a 0.5 s header and body timeout)."""

import asyncio
import json
import time

import pytest
import websockets

from service.settings import Settings
from tests.hostile.conftest import HOSTILE_SETTINGS, Service, serve
from tests.postgres import DatabaseServer

HEADER_TIMEOUT = float(HOSTILE_SETTINGS["header_timeout_seconds"])  # type: ignore[arg-type]
CLOSE_BOUND = HEADER_TIMEOUT + 2.0


async def _closed_within(reader: asyncio.StreamReader, seconds: float) -> bytes:
    """What the server sent before it closed the connection; fails if it did not."""
    return await asyncio.wait_for(reader.read(), seconds)


async def test_an_idle_connection_is_closed(service: Service) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", service.port)
    started = time.monotonic()
    answer = await _closed_within(reader, CLOSE_BOUND)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started >= HEADER_TIMEOUT * 0.9


async def test_slowloris_headers_are_closed(service: Service) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", service.port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")

    async def trickle() -> None:
        for n in range(100):
            writer.write(f"X-Slow-{n}: a\r\n".encode())
            await asyncio.sleep(0.1)

    trickling = asyncio.create_task(trickle())
    try:
        answer = await _closed_within(reader, CLOSE_BOUND)
    finally:
        trickling.cancel()
        writer.close()
    assert answer.startswith(b"HTTP/1.1 408")


async def test_a_stalled_body_is_closed(service: Service) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", service.port)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{"
    )
    answer = await _closed_within(reader, CLOSE_BOUND)
    writer.close()
    assert b" 500 " not in answer


async def test_a_second_slow_request_on_a_kept_alive_connection_is_closed(
    service: Service,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", service.port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    first = await reader.readuntil(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 200")
    await reader.readexactly(15)  # {"status":"ok"}
    writer.write(b"GET /healthz HTTP/1.1\r\n")  # and nothing more
    answer = await _closed_within(reader, CLOSE_BOUND)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408")


async def test_connections_past_the_per_address_cap_are_closed(service: Service) -> None:
    cap = int(HOSTILE_SETTINGS["max_connections_per_address"])  # type: ignore[call-overload]
    opened = [await asyncio.open_connection("127.0.0.1", service.port) for _ in range(cap)]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", service.port)
        assert await asyncio.wait_for(reader.read(), 2) == b""  # closed at once, nothing said
        writer.close()
    finally:
        for _, held in opened:
            held.close()
    await asyncio.sleep(0.2)
    answer = await service.http.get("/healthz")
    assert answer.status_code == 200


async def test_a_websocket_message_over_the_body_limit_is_closed(service: Service) -> None:
    async with websockets.connect(
        f"ws://{service.address}/graphql",
        subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
        max_size=None,
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        huge = "x" * (int(HOSTILE_SETTINGS["max_body_bytes"]) + 1)  # type: ignore[call-overload]
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": huge}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009


async def _ping_until_closed(ws: websockets.ClientConnection) -> None:
    for n in range(20):
        await ws.send(json.dumps({"type": "ping", "payload": {"n": n}}))
        await asyncio.wait_for(ws.recv(), 5)


async def test_websocket_messages_count_against_the_address(server: DatabaseServer) -> None:
    """A socket sending messages past its address's allowance is closed with 4429."""
    settings = Settings(_env_file=None, rate_limit_per_address="5/minute", log_format="text")
    async with (
        serve(server, settings) as service,
        websockets.connect(
            f"ws://{service.address}/graphql",
            subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
        ) as ws,
    ):
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await _ping_until_closed(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4429
