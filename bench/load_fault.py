"""A mixed read/write load for a fixed time, optionally with the database restarted midway.

Starts a PostgreSQL of its own (pgserver, in a temporary folder), migrates and seeds it,
starts ``coopgraph serve`` on it as a separate process, and drives it with C concurrent
clients for T seconds: reads (a page of projects with partners and countries) and writes
(each creates a partner with a unique code, so every acknowledged write can be looked for
afterwards). With ``--restart-at S`` the database is restarted (``pg_ctl restart``) S seconds
in; the script reports how long requests failed, whether the service recovered by itself,
and whether every write it acknowledged is in the database.

    .venv/bin/python bench/load_fault.py [--seconds 20] [--clients 16] [--restart-at 8]
"""

import argparse
import asyncio
import importlib
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from scratch import REPO, free_port, prepare, wait_until_ready

from db.engine import create_engine
from service.embedded import EmbeddedPostgres

READ = """{ projects(first: 20) { edges { node { code title
  partners { role partner { acronym } } countries { code } } } } }"""
WRITE = """mutation ($code: String!) {
  createPartner(input: {code: $code, name: $code, kind: OTHER}) { partner { code } } }"""


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    acknowledged: list[str] = field(default_factory=list)
    failures: list[float] = field(default_factory=list)
    successes: list[float] = field(default_factory=list)


async def client_loop(
    http: httpx.AsyncClient, key: str, number: int, until: float, tally: Tally, start: float
) -> None:
    n = 0
    while time.perf_counter() < until:
        n += 1
        writing = n % 5 == 0
        code = f"load-{number}-{n}"
        body: dict[str, Any] = (
            {"query": WRITE, "variables": {"code": code}} if writing else {"query": READ}
        )
        began = time.perf_counter()
        try:
            response = await http.post(
                "/graphql", json=body, headers={"Authorization": f"Bearer {key}"}
            )
            errors = response.json().get("errors") if response.status_code < 500 else None
            outcome = (
                str(response.status_code)
                if response.status_code >= 400
                else (errors[0]["extensions"]["code"] if errors else "ok")
            )
        except httpx.HTTPError as error:
            outcome = type(error).__name__
        ended = time.perf_counter()
        tally.latencies.append(ended - began)
        tally.outcomes[("write " if writing else "read ") + outcome] += 1
        (tally.successes if outcome == "ok" else tally.failures).append(ended - start)
        if writing and outcome == "ok":
            tally.acknowledged.append(code)
        if outcome != "ok":
            await asyncio.sleep(0.05)


async def run(seconds: float, clients: int, restart_at: float | None) -> int:
    folder = Path(tempfile.mkdtemp(prefix="coopgraph-load-"))
    embedded = EmbeddedPostgres(folder)
    server: Any = embedded._server
    pg_ctl = importlib.import_module("pgserver._commands").pg_ctl
    url = embedded.ensure_database("coopgraph")
    key = await prepare(url, "load")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "COOPGRAPH_SEED_ON_START": "false",
        "COOPGRAPH_RATE_LIMIT_PER_KEY": "1000000/minute",
        "COOPGRAPH_LOG_FORMAT": "text",
    }
    service = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "service.cli.main", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=(folder / "service.log").open("wb"),
    )
    tally = Tally()
    restarted_at: float | None = None
    try:
        limits = httpx.Limits(max_connections=clients)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", timeout=30, limits=limits
        ) as http:
            await wait_until_ready(http)
            start = time.perf_counter()
            until = start + seconds
            load = [
                asyncio.create_task(client_loop(http, key, i, until, tally, start))
                for i in range(clients)
            ]
            if restart_at is not None:
                await asyncio.sleep(restart_at)
                restarted_at = time.perf_counter() - start
                restart = ["-w", "-m", "fast", "restart"]
                await asyncio.to_thread(
                    pg_ctl, restart, pgdata=server.pgdata, user=server.system_user
                )
            await asyncio.gather(*load)
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                stored = set(
                    (
                        await conn.execute(
                            sa.text("SELECT code FROM partner WHERE code LIKE 'load-%'")
                        )
                    ).scalars()
                )
        finally:
            await engine.dispose()
    finally:
        service.terminate()
        await service.wait()
        server.cleanup()
        print(f"service log: {folder / 'service.log'}")

    ms = sorted(v * 1000 for v in tally.latencies)
    q = statistics.quantiles(ms, n=100)
    total = len(ms)
    print(f"{clients} clients for {seconds:.0f} s, {os.cpu_count()} cores")
    print(f"requests: {total} ({total / seconds:.0f}/s); p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms")
    for outcome, count in sorted(tally.outcomes.items()):
        print(f"  {outcome}: {count}")
    missing = [code for code in tally.acknowledged if code not in stored]
    print(
        f"writes acknowledged: {len(tally.acknowledged)}; found afterwards: "
        f"{len(tally.acknowledged) - len(missing)}; missing: {len(missing)}"
    )
    if restarted_at is not None:
        after = [t for t in tally.failures if t >= restarted_at]
        recovered = [t for t in tally.successes if t > (max(after) if after else restarted_at)]
        window = (max(after) - min(after)) if after else 0.0
        print(
            f"database restarted at {restarted_at:.1f} s: requests failed for {window:.2f} s "
            f"({len(after)} failed); recovered by itself: {'yes' if recovered else 'no'}"
        )
    return 1 if missing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--restart-at", type=float, help="restart the database after S seconds")
    args = parser.parse_args()
    return asyncio.run(run(args.seconds, args.clients, args.restart_at))


if __name__ == "__main__":
    sys.exit(main())
