"""A soak run: mixed load with rotating hostile clients, the embedded PostgreSQL killed.

Starts ``coopgraph serve`` on an embedded PostgreSQL of its own (a temporary data folder),
so the service's supervisor is what brings the database back, at the default query limits
(the rate limits are raised: every client here shares one address). For ``--minutes`` it
drives:

- normal clients: 4 reads (a page of projects with partners and countries) to 1 write (a
  partner with a unique code, so every acknowledged write can be looked for afterwards);
- hostile clients, each sending the next of a rotation of bodies the suites in
  ``tests/hostile`` and ``tests/schema/extensions`` refuse (odd bytes, deep and huge
  variables, overflowing ids and keys, odd amounts, huge and near-duplicate texts, the
  21-level fan-out through named and through inline fragments, a chain of plain lists,
  large distinct query texts that would grow the caches) and holding slow and idle
  connections;

and kills the postmaster with ``kill -9`` at a third and at two thirds of the run. It prints
requests served, the service's RSS over time, p50/p99 of the normal reads while attacked,
how long ``/readyz`` took to answer 200 again after each kill, what each hostile shape was
answered (the first error's code, or the status), and whether every acknowledged write is
in the database.

    .venv/bin/python bench/soak.py --minutes 30 [--clients 8] [--hostile 4]

The fan-outs and the list chain (issue 17's items 1 and 2) once held the process for 10 s
and 140 s; in the rotation they show that the document's measure refuses them
(``QUERY_TOO_LARGE``, ``QUERY_TOO_COSTLY``) without delaying the normal clients.
"""

import argparse
import asyncio
import base64
import itertools
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import sqlalchemy as sa
from scratch import REPO, free_port, prepare, wait_until_ready

from db.engine import create_engine
from service.embedded import EmbeddedPostgres

READ = """{ projects(first: 20) { edges { node { code title
  partners { role partner { acronym } } countries { code } } } } }"""
WRITE = """mutation ($code: String!) {
  createPartner(input: {code: $code, name: $code, kind: OTHER}) { partner { code } } }"""
CREATE = "mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }"


def _gid(type_name: str, number: str) -> str:
    return base64.b64encode(f"{type_name}:{number}".encode()).decode()


def fan_out(spread: str, levels: int = 21) -> str:
    """``query { ...F0 }`` where each fragment spreads the next twice: 2**21 fields written
    out from under a kilobyte, what took 10 s without the document's measure."""
    body = f"{spread} {spread}"
    fragments = "\n".join(
        f"fragment F{i} on Query {{ {body.format(next=i + 1)} }}" for i in range(levels)
    )
    return f"query {{ ...F0 }}\n{fragments}\nfragment F{levels} on Query {{ __typename }}"


def hostile_bodies() -> list[tuple[str, bytes, bool]]:
    """(name, body, needs the admin key) of each hostile request in the rotation."""
    node = "query($id: ID!) { node(id: $id) { id } }"
    codes = "query($c: [String!]) { projects(filter: {codes: $c}) { totalCount } }"
    bodies: list[tuple[str, Any, bool]] = [
        ("invalid utf-8", b'{"query": "{ __typename }", "variables": {"x": "\xff"}}', False),
        ("lone surrogate", b'{"query": "{ __typename }", "variables": {"x": "\\ud800"}}', False),
        (
            "deep variables",
            b'{"query": "{ __typename }", "variables": {"x": ' + b"[" * 1000 + b"]" * 1000 + b"}}",
            False,
        ),
        ("40,000 codes", {"query": codes, "variables": {"c": ["x"] * 40_000}}, False),
        ("overflowing id", {"query": node, "variables": {"id": _gid("Project", "9" * 30)}}, False),
        ("foreign digits id", {"query": node, "variables": {"id": _gid("Project", "١٢")}}, False),
        (
            "NaN amount",
            {
                "query": CREATE,
                "variables": {
                    "input": {
                        "code": "soak-x",
                        "title": "t",
                        "budget": {"amount": "NaN", "currency": "USD"},
                    }
                },
            },
            True,
        ),
        (
            "1e30 amount",
            {
                "query": CREATE,
                "variables": {
                    "input": {
                        "code": "soak-x",
                        "title": "t",
                        "budget": {"amount": "1e30", "currency": "USD"},
                    }
                },
            },
            True,
        ),
        (
            "huge title",
            {"query": CREATE, "variables": {"input": {"code": "soak-x", "title": "t" * 900_000}}},
            True,
        ),
        (
            "near-duplicate code",
            {"query": CREATE, "variables": {"input": {"code": "Tunisia-ICT-Jobs", "title": "t"}}},
            True,
        ),
        (
            "zero-width code",
            {"query": CREATE, "variables": {"input": {"code": "soak\u200bx", "title": "t"}}},
            True,
        ),
        (
            "currency XXX",
            {
                "query": CREATE,
                "variables": {
                    "input": {
                        "code": "soak-x",
                        "title": "t",
                        "budget": {"amount": "1", "currency": "XXX"},
                    }
                },
            },
            True,
        ),
        (
            "deep query",
            {
                "query": "{ partners { edges { node {"
                + " children {" * 12
                + " code"
                + " }" * 12
                + " } } } }"
            },
            False,
        ),
        (
            "alias bomb",
            {"query": "{" + " ".join(f"a{n}: __typename" for n in range(500)) + "}"},
            False,
        ),
        ("named fragment fan-out", {"query": fan_out("...F{next}")}, False),
        ("inline fragment fan-out", {"query": fan_out("... on Query {{ ...F{next} }}")}, False),
        (
            "plain-list chain",
            {"query": "{ countries { projects { partners { partner { projects { code } } } } } }"},
            False,
        ),
    ]
    return [
        (name, body if isinstance(body, bytes) else json.dumps(body).encode(), admin)
        for name, body, admin in bodies
    ]


def distinct_large_query(n: int) -> bytes:
    """A new 0.9 MB query text each time: what grew the caches without a byte bound."""
    padding = "#" + "x" * 900_000 + "\n"
    return json.dumps(
        {"query": f"{padding}{{ projects(first: {1 + n % 100}) {{ totalCount }} }}"}
    ).encode()


@dataclass
class Tally:
    read_latencies: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    acknowledged: list[str] = field(default_factory=list)
    hostile: Counter[str] = field(default_factory=Counter)
    rss: list[tuple[float, float]] = field(default_factory=list)
    back_to_ready: list[float] = field(default_factory=list)


async def normal_client(
    http: httpx.AsyncClient, key: str, number: int, until: float, tally: Tally
) -> None:
    for n in itertools.count(1):
        if time.perf_counter() >= until:
            return
        writing = n % 5 == 0
        code = f"soak-{number}-{n}"
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
        except (httpx.HTTPError, ValueError) as error:
            outcome = type(error).__name__
        tally.outcomes[("write " if writing else "read ") + outcome] += 1
        if not writing and outcome == "ok":
            tally.read_latencies.append(time.perf_counter() - began)
        if writing and outcome == "ok":
            tally.acknowledged.append(code)
        if outcome != "ok":
            await asyncio.sleep(0.05)


def refusal(response: httpx.Response) -> str:
    """The first error's code, else the status: shows each shape was refused as it should."""
    try:
        errors = response.json().get("errors") or []
        code = errors[0].get("extensions", {}).get("code") if errors else None
    except (ValueError, AttributeError, IndexError):
        code = None
    return f"{response.status_code} {code}" if code else str(response.status_code)


async def hostile_client(
    http: httpx.AsyncClient, key: str, number: int, until: float, tally: Tally
) -> None:
    rotation = hostile_bodies()
    for n in itertools.count(number):
        if time.perf_counter() >= until:
            return
        if n % 7 == 0:
            name, body, admin = "distinct 0.9 MB query", distinct_large_query(n), False
        else:
            name, body, admin = rotation[n % len(rotation)]
        headers = {"Content-Type": "application/json"}
        if admin:
            headers["Authorization"] = f"Bearer {key}"
        elif n % 3 == 0:
            headers["Authorization"] = f"Bearer cg_{n}_madeup{n:030d}"
        try:
            response = await http.post("/graphql", content=body, headers=headers)
            # While the database is down every request is a 503 SERVICE_UNAVAILABLE, which
            # is the truth; any other 5xx is a failure.
            outcome = refusal(response)
            if response.status_code == 503:
                outcome = "503 while the database was down"
            elif response.status_code >= 500:
                outcome = "5xx"
            if response.status_code < 500 and '"INTERNAL_SERVER_ERROR"' in response.text:
                outcome = "internal error"
        except httpx.HTTPError as error:
            outcome = type(error).__name__
        tally.hostile[f"{name}: {outcome}"] += 1


async def slow_connections(port: int, until: float, tally: Tally) -> None:
    """Idle and slowloris connections, reopened as the service closes them."""

    async def one(kind: str) -> None:
        while time.perf_counter() < until:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(1)
                continue
            opened = time.perf_counter()
            try:
                if kind == "slowloris":
                    writer.write(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
                while time.perf_counter() < until:
                    try:
                        await asyncio.wait_for(reader.read(1024), 1)
                        break  # the service answered (408) or closed the connection
                    except TimeoutError:
                        if kind == "slowloris":
                            writer.write(b"X-a: b\r\n")
                else:
                    continue
                tally.hostile[
                    f"{kind} connection: closed after {round(time.perf_counter() - opened)} s"
                ] += 1
            except OSError:
                pass
            finally:
                writer.close()

    await asyncio.gather(*(one(kind) for kind in ["idle"] * 10 + ["slowloris"] * 10))


async def watch_rss(pid: int, start: float, until: float, tally: Tally) -> None:
    process = psutil.Process(pid)
    while time.perf_counter() < until:
        tally.rss.append((time.perf_counter() - start, process.memory_info().rss / 2**20))
        await asyncio.sleep(15)
    tally.rss.append((time.perf_counter() - start, process.memory_info().rss / 2**20))


async def kill_and_time(
    http: httpx.AsyncClient, pgdata: Path, at: float, start: float, tally: Tally
) -> None:
    await asyncio.sleep(max(0.0, start + at - time.perf_counter()))
    pid = int((pgdata / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)
    killed = time.perf_counter()
    await asyncio.sleep(0.5)
    while True:
        try:
            if (await http.get("/readyz")).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.1)
    tally.back_to_ready.append(time.perf_counter() - killed)


async def run(minutes: float, clients: int, hostile: int) -> int:
    folder = Path(tempfile.mkdtemp(prefix="coopgraph-soak-"))
    embedded = EmbeddedPostgres(folder)
    url = embedded.ensure_database("coopgraph")
    key = await prepare(url, "soak")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "COOPGRAPH_DATABASE_URL")
    }
    env.update(
        {
            "COOPGRAPH_DATA_DIR": str(folder),
            "COOPGRAPH_SEED_ON_START": "false",
            "COOPGRAPH_RATE_LIMIT_PER_KEY": "1000000/minute",
            "COOPGRAPH_RATE_LIMIT_PER_ADDRESS": "1000000/minute",
            "COOPGRAPH_MAX_CONNECTIONS_PER_ADDRESS": "200",
            "COOPGRAPH_LOG_FORMAT": "text",
        }
    )
    service = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "service.cli.main", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=(folder / "service.log").open("wb"),
    )
    tally = Tally()
    seconds = minutes * 60
    try:
        limits = httpx.Limits(max_connections=clients + hostile + 4)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", timeout=60, limits=limits
        ) as http:
            await wait_until_ready(http)
            start = time.perf_counter()
            until = start + seconds
            await asyncio.gather(
                *(normal_client(http, key, i, until, tally) for i in range(clients)),
                *(hostile_client(http, key, i, until, tally) for i in range(hostile)),
                slow_connections(port, until, tally),
                watch_rss(service.pid, start, until, tally),
                kill_and_time(http, folder / "pgdata", seconds / 3, start, tally),
                kill_and_time(http, folder / "pgdata", 2 * seconds / 3, start, tally),
            )
            restarts = (await http.get("/readyz")).json().get("embedded", {})
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                stored = set(
                    (
                        await conn.execute(
                            sa.text("SELECT code FROM partner WHERE code LIKE 'soak-%'")
                        )
                    ).scalars()
                )
        finally:
            await engine.dispose()
    finally:
        service.send_signal(signal.SIGTERM)
        await service.wait()
        embedded.stop()
        print(f"service log: {folder / 'service.log'}")

    served = sum(tally.outcomes.values())
    reads = sorted(v * 1000 for v in tally.read_latencies)
    q = statistics.quantiles(reads, n=100)
    print(
        f"{minutes:g} min, {clients} normal and {hostile} hostile clients, "
        f"20 slow connections, {os.cpu_count()} cores"
    )
    print(
        f"normal requests served: {served} ({served / seconds:.0f}/s); hostile requests: "
        f"{sum(tally.hostile.values())}"
    )
    print(f"normal reads while attacked: p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms")
    for outcome, count in sorted(tally.outcomes.items()):
        print(f"  {outcome}: {count}")
    print("hostile answers:")
    for answer, count in sorted(tally.hostile.items()):
        print(f"  {answer}: {count}")
    bad = {k: v for k, v in tally.hostile.items() if "5xx" in k or "internal" in k}
    print(f"hostile answers that were a 5xx or INTERNAL_SERVER_ERROR: {sum(bad.values())} {bad}")
    print("RSS (MiB) over time: " + ", ".join(f"{t:.0f} s {mib:.0f}" for t, mib in tally.rss))
    print(
        "back to ready after each kill -9: "
        + ", ".join(f"{s:.2f} s" for s in tally.back_to_ready)
        + f" (supervisor: {restarts})"
    )
    missing = [code for code in tally.acknowledged if code not in stored]
    print(
        f"writes acknowledged: {len(tally.acknowledged)}; found afterwards: "
        f"{len(tally.acknowledged) - len(missing)}; missing: {len(missing)}"
    )
    return 1 if missing or bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--hostile", type=int, default=4)
    args = parser.parse_args()
    return asyncio.run(run(args.minutes, args.clients, args.hostile))


if __name__ == "__main__":
    sys.exit(main())
