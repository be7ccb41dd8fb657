"""How long a committed write takes to reach live subscribers: 100 of them by default.

Starts ``coopgraph serve`` (a separate process, so the clients do not share its event loop)
on a scratch database ``coopgraph_bench_live``, opens N WebSocket subscribers to the
``changes`` subscription, then makes W writes through the API one after another and records
when each subscriber receives each change. The latency of a delivery is measured from the
moment the write's HTTP answer arrived (the commit was acknowledged) and from the moment the
write was sent; a delivery can beat the acknowledgement, since the notification leaves the
database at commit, before the API answers.

    .venv/bin/python bench/live_latency.py [--subscribers 100] [--writes 50]
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time

import httpx
import websockets
from scratch import REPO, Server, free_port, prepare, wait_until_ready

DATABASE = "coopgraph_bench_live"
PROJECT = "UHJvamVjdDox"
SUBSCRIPTION = "subscription { changes(types: [PROJECT]) { position after } }"


async def subscriber(address: str, key: str, ready: asyncio.Event, arrivals: list[float]) -> None:
    async with websockets.connect(
        f"ws://{address}/graphql", subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
    ) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}}
        await ws.send(json.dumps(init))
        await ws.recv()
        payload = {"query": SUBSCRIPTION}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        ready.set()
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "next":
                arrivals.append(time.perf_counter())


async def write(client: httpx.AsyncClient, key: str, version: int) -> None:
    query = (
        "mutation ($v: Int!, $t: String!) { updateProject(input: "
        f'{{id: "{PROJECT}", version: $v, title: $t}}) {{ project {{ version }} }} }}'
    )
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": {"v": version, "t": f"bench {version}"}},
        headers={"Authorization": f"Bearer {key}"},
    )
    response.raise_for_status()
    if response.json().get("errors"):
        raise RuntimeError(response.json()["errors"])


def percentiles(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    q = statistics.quantiles(ms, n=100)
    return f"p50 {q[49]:7.1f}  p95 {q[94]:7.1f}  p99 {q[98]:7.1f}  max {ms[-1]:7.1f} ms"


async def run(subscribers: int, writes: int, pause: float) -> int:
    server = Server()
    await server.admin(
        f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', f'CREATE DATABASE "{DATABASE}"'
    )
    url = server.url(DATABASE)
    key = await prepare(url, "bench-live")
    port = free_port()
    address = f"127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": url, "COOPGRAPH_SEED_ON_START": "false"}
    service = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "service.cli.main", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    tasks: list[asyncio.Task[None]] = []
    try:
        async with httpx.AsyncClient(base_url=f"http://{address}") as client:
            await wait_until_ready(client)
            arrivals: list[list[float]] = [[] for _ in range(subscribers)]
            readies = [asyncio.Event() for _ in range(subscribers)]
            tasks = [
                asyncio.create_task(subscriber(address, key, ready, got))
                for ready, got in zip(readies, arrivals, strict=True)
            ]
            await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 30)
            await asyncio.sleep(0.5)
            sent, acknowledged = [], []
            for n in range(writes):
                sent.append(time.perf_counter())
                await write(client, key, n + 1)
                acknowledged.append(time.perf_counter())
                await asyncio.sleep(pause)
            await asyncio.sleep(2)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        service.terminate()
        await service.wait()
        await server.admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')

    from_ack = [got[n] - acknowledged[n] for got in arrivals for n in range(len(got))]
    from_sent = [got[n] - sent[n] for got in arrivals for n in range(len(got))]
    received = sum(len(got) for got in arrivals)
    print(f"{subscribers} subscribers, {writes} writes {pause:.2f} s apart, {os.cpu_count()} cores")
    print(f"deliveries: {received} of {subscribers * writes}")
    print(f"from the write's acknowledgement: {percentiles(from_ack)}")
    print(f"from the write's request:         {percentiles(from_sent)}")
    return 0 if received == subscribers * writes else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--writes", type=int, default=50)
    parser.add_argument("--pause", type=float, default=0.1, help="seconds between writes")
    args = parser.parse_args()
    return asyncio.run(run(args.subscribers, args.writes, args.pause))


if __name__ == "__main__":
    sys.exit(main())
