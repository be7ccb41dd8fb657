"""coopgraph against PostGraphile v4 and v5 and the SQL floor, on generated data of a scale.

    bench/run.sh [--scales 1] [--duration 6] [--runs 3] [--concurrency 1,16] [--seed 1]

(``bench/run.sh`` installs wrk, both PostGraphiles and the virtualenv where missing, then
runs this.) For each scale it generates the data or reuses it (``bench/generate.py``), then:

1. starts coopgraph and PostGraphile v4 and v5 on that database through a wire-protocol
   counter (``bench/wire_count.py``), asks each question of ``bench/queries/`` of them and of
   the floor, checks that they answer the same data (``bench/answers.py``; v5, which runs
   v4's documents, also against v4's answer) and counts the SQL statements and round trips
   each request costs;
2. starts them again directly, with the floor behind a minimal Starlette endpoint and
   behind a one-field Strawberry schema on FastAPI (``bench/floor_app.py``), and drives
   each question of each with wrk at every concurrency for ``--duration`` seconds, the
   floor statement also through asyncpg in a loop (``bench/load.py``): ``--runs`` rounds,
   each asking every system in turn (a warm-up before the first), so that a ratio compares
   runs made close together on a machine whose other load comes and goes;
3. prints a Markdown table, also written to ``bench/results/``: the median run's
   requests/s, p50 and p99 per question and system, the median of the rounds'
   coopgraph/PostGraphile v4 and v5 ratios (their range beside it), statements per
   request, the server processes' CPU time per request, peak memory.

With several scales (``--scales 0.1,1,5``) a last table gives latency per scale.
"""

import argparse
import asyncio
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import generate
import httpx
from answers import (
    PARAMETERS,
    Digest,
    Parameters,
    Question,
    Support,
    load_questions,
    parse,
    partial_differences,
    pick_parameters,
    used_variables,
)
from floor_app import GRAPHQL_DOCUMENT
from load import Measurement, run_statement, run_wrk
from scratch import REPO, Server, free_port
from systems import (
    POSTGRAPHILE,
    POSTGRAPHILE5,
    Cores,
    Pinned,
    Process,
    asyncpg_dsn,
    node_for_postgraphile5,
    postgres_processes,
    start_coopgraph,
    start_floor,
    start_postgraphile,
    start_postgraphile5,
    wait_until_answering,
)
from wire_count import KINDS, WireCounter

RESULTS = REPO / "bench" / "results"
GRAPHQL_PROBE: tuple[str, dict[str, Any]] = ("", {"query": "{ __typename }"})
FLOOR_PROBE: tuple[str, dict[str, Any]] = ("/q1", {"args": []})
WARM_REQUESTS, COUNTED_REQUESTS = 10, 5
"""Requests per question that warm caches (a pool's connections each prepare their own
statements), then requests whose statements are counted."""
LABELS = {
    "q1": "Q1 page of 50 projects, nested",
    "q2": "Q2 partner → 100 projects → outcomes",
    "q2b": "Q2b small partner → its projects → outcomes",
    "q3": "Q3 node: one project, everything",
    "q4": "Q4 filtered, ordered page",
    "q5": "Q5 aggregates by country, theme",
    "q6": "Q6 full-text search",
    "q7": "Q7 financeStats by year and country",
    "q8": "Q8 fundingFlow, depth 3",
    # Further questions join here: their three files in
    # bench/queries/ (coopgraph, PostGraphile with its support line, the SQL floor), their
    # parameters in answers.Parameters, and a label; a question without one is labelled
    # by its name and title.
}
POSTGRAPHILES = ("PostGraphile v4", "PostGraphile v5")
"""Both answer the same documents (``q*.postgraphile.graphql``): v5 through its V4 preset."""
SYSTEMS = ("coopgraph", *POSTGRAPHILES, "floor: SQL", "floor: HTTP", "floor: GraphQL")
SERVERS = {"floor: HTTP": "floor", "floor: GraphQL": "floor GraphQL"}
"""The server process each floor behind a server runs in."""
FLOORS = ("floor: SQL", "floor: HTTP", "floor: GraphQL")
CHOICES: dict[str, tuple[str, ...]] = {
    "coopgraph": ("coopgraph",),
    "postgraphile": POSTGRAPHILES,
    "postgraphile4": ("PostGraphile v4",),
    "postgraphile5": ("PostGraphile v5",),
    "floor": FLOORS,
    "floor-sql": ("floor: SQL",),
    "floor-http": ("floor: HTTP",),
    "floor-graphql": ("floor: GraphQL",),
}
"""``--systems`` names and the systems each stands for."""
SETTLE_SECONDS = 120
"""The longest a server may take to finish what a run left in flight."""
ACTIVE_STATEMENTS = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
"""


@dataclass
class Check:
    """A question's answers compared, and what each request cost on the wire."""

    problems: dict[str, list[str]] = field(default_factory=dict)
    wire: dict[str, dict[str, float]] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)


Timings = dict[tuple[str, int, str], list[Measurement]]
"""Per question, concurrency and system, one measurement per round."""


@dataclass
class ScaleResult:
    scale: float
    database: str
    rows: dict[str, int]
    parameters: Parameters
    checks: dict[str, Check]
    timings: Timings
    peak_rss_mb: dict[str, float]
    load_average: tuple[float, float]
    """The machine's 1-minute load average before and after: other work on it shows here."""
    systems: tuple[str, ...] = SYSTEMS
    """The systems the run measured (``--systems``); the table shows the others as not run."""


def graphql_body(question: Question, system: str, parameters: Parameters) -> dict[str, Any]:
    if system == "coopgraph":
        document, variables = question.coopgraph, parameters.coopgraph_variables()
    else:
        document, variables = question.postgraphile, parameters.postgraphile_variables()
    return {"query": document, "variables": used_variables(document, variables)}


def floor_body(question: Question, parameters: Parameters) -> dict[str, Any]:
    return {"args": parameters.sql_args(question)}


def floor_graphql_body(question: Question, parameters: Parameters) -> dict[str, Any]:
    variables = {"name": question.name, "args": parameters.sql_args(question)}
    return {"query": GRAPHQL_DOCUMENT, "variables": variables}


def asks(question: Question, system: str) -> bool:
    return system not in POSTGRAPHILES or question.support is not Support.NONE


def chosen_systems(text: str) -> tuple[str, ...]:
    """``--systems``: the systems named (``CHOICES``), in the table's order."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in CHOICES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown system {', '.join(unknown) or '(none named)'}: choose from "
            f"{', '.join(CHOICES)}"
        )
    picked = {system for name in names for system in CHOICES[name]}
    return tuple(system for system in SYSTEMS if system in picked)


async def post(client: httpx.AsyncClient, url: str, body: dict[str, Any]) -> tuple[Any, int]:
    response = await client.post(url, json=body)
    answer = parse(response.content)
    if response.status_code != 200 or (isinstance(answer, dict) and answer.get("errors")):
        raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:500]}")
    return answer, len(response.content)


async def check_answers(
    url: str,
    questions: list[Question],
    parameters: Parameters,
    logs: Path,
    cores: Cores | None,
    workers: int,
    systems: tuple[str, ...],
) -> dict[str, Check]:
    """Ask every question of coopgraph, of the PostGraphiles among ``systems`` and of the
    floor, compare, and count statements. coopgraph is asked whatever ``systems`` says:
    its answer is what a PostGraphile's partial answer is compared with."""
    counter = WireCounter(url)
    await counter.start()
    coopgraph_url = counter.url("postgresql+asyncpg")
    servers = {"coopgraph": start_coopgraph(coopgraph_url, free_port(), logs, cores, workers)}
    if "PostGraphile v4" in systems:
        servers["PostGraphile v4"] = start_postgraphile(
            counter.url("postgres"), free_port(), logs, cores
        )
    if "PostGraphile v5" in systems:
        servers["PostGraphile v5"] = start_postgraphile5(
            counter.url("postgres"), free_port(), logs, cores
        )
    checks: dict[str, Check] = {}
    floor: Any = await asyncpg.connect(asyncpg_dsn(url))
    try:
        for process in servers.values():
            await wait_until_answering(process, GRAPHQL_PROBE)
        async with httpx.AsyncClient(timeout=120) as client:
            for question in questions:
                check = checks[question.name] = Check()
                text = await floor.fetchval(question.sql, *parameters.sql_args(question))
                expected = parse(text)
                check.bytes["floor: SQL"] = len(text)
                answers: dict[str, Any] = {}
                for system, process in servers.items():
                    if not asks(question, system):
                        continue
                    body = graphql_body(question, system, parameters)
                    for _ in range(WARM_REQUESTS):
                        await post(client, process.url, body)
                    before = counter.counts.copy()
                    for _ in range(COUNTED_REQUESTS):
                        answer, size = await post(client, process.url, body)
                    spent = counter.counts - before
                    check.wire[system] = {k: v / COUNTED_REQUESTS for k, v in spent.items()}
                    check.bytes[system] = size
                    answers[system] = answer["data"]
                    digest = Digest.of(answer["data"], question.ordered)
                    if system in POSTGRAPHILES and question.support is Support.PARTIAL:
                        # The floor answers more than PostGraphile can: compare the part
                        # it answers with coopgraph's answer, compared in full with the floor.
                        check.problems[system] = partial_differences(
                            question, answers["coopgraph"], answer["data"]
                        )
                    else:
                        check.problems[system] = Digest.of(expected, question.ordered).differences(
                            digest
                        )
                    if system == "PostGraphile v5" and "PostGraphile v4" in answers:
                        # The same document as v4's: the same data, whatever the floor says.
                        v4 = Digest.of(answers["PostGraphile v4"], question.ordered)
                        check.problems[system] += [
                            f"against v4's: {problem}" for problem in v4.differences(digest)
                        ]
    finally:
        await floor.close()
        for process in servers.values():
            process.stop()
        await counter.stop()
    return checks


async def settle(process: Process, dsn: str) -> None:
    """Until the server and its database are idle: requests a run left in flight (wrk stops
    waiting for them, the server and PostgreSQL do not) must not eat into the next run."""
    connection: Any = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            before = process.cpu_seconds()
            await asyncio.sleep(0.3)
            busy = await connection.fetchval(ACTIVE_STATEMENTS)
            if not busy and process.cpu_seconds() - before < 0.02:
                return
    finally:
        await connection.close()


async def time_question(
    question: Question,
    parameters: Parameters,
    servers: dict[str, Process],
    dsn: str,
    concurrency: int,
    args: argparse.Namespace,
    cores: Cores | None,
    warmup: float,
) -> dict[str, Measurement]:
    """Every system on one question at one concurrency, each after a warm-up of its own."""
    load_cores = cores.load if cores else None
    results = {}
    for system in filter(lambda s: asks(question, s), args.systems):
        if system == "floor: SQL":
            results[system] = await run_statement(
                dsn,
                question.sql,
                parameters.sql_args(question),
                concurrency,
                args.duration,
                warmup,
            )
            continue
        process = servers[SERVERS.get(system, system)]
        if system == "floor: HTTP":
            url, body = f"{process.url}/{question.name}", floor_body(question, parameters)
        elif system == "floor: GraphQL":
            url, body = process.url, floor_graphql_body(question, parameters)
        else:
            url, body = process.url, graphql_body(question, system, parameters)
        if warmup:
            await asyncio.to_thread(run_wrk, url, body, concurrency, warmup, load_cores)
            await settle(process, dsn)
        cpu = process.cpu_seconds()
        measured = await asyncio.to_thread(
            run_wrk, url, body, concurrency, args.duration, load_cores
        )
        await settle(process, dsn)
        cpu_ms = (process.cpu_seconds() - cpu) * 1000 / max(measured.requests, 1)
        results[system] = replace(measured, server_cpu_ms=cpu_ms)
    return results


async def run_scale(
    server: Server,
    scale: float,
    questions: list[Question],
    args: argparse.Namespace,
    cores: Cores | None,
    pinned: Pinned,
) -> ScaleResult:
    load_before = os.getloadavg()[0]
    name = generate.database_name(scale, args.seed)
    if args.regenerate or await generate.made_with(server, name) != generate.marker(
        scale, args.seed
    ):
        report = await generate.create(server, name, scale, args.seed)
        print(generate.describe(name, scale, args.seed, report), flush=True)
    else:
        print(f"reusing {name} ({generate.marker(scale, args.seed)})", flush=True)
    url = server.url(name)
    dsn = asyncpg_dsn(url)
    connection: Any = await asyncpg.connect(dsn)
    try:
        if cores:
            backend = await connection.fetchval("SELECT pg_backend_pid()")
            pinned.pin(postgres_processes(backend), cores.servers)
        parameters = pick_parameters(await connection.fetchrow(PARAMETERS))
        rows = {
            table: await connection.fetchval(f"SELECT count(*) FROM {table}")
            for table in ("partner", "programme", "project", "beneficiary_group", "outcome")
        }
    finally:
        await connection.close()
    logs = Path(tempfile.mkdtemp(prefix=f"coopgraph-bench-{name}-"))
    print(f"checking answers and counting statements (server logs in {logs})", flush=True)
    checks = await check_answers(
        url, questions, parameters, logs, cores, args.workers, args.systems
    )
    for question in questions:
        for system, problems in checks[question.name].problems.items():
            for problem in problems:
                print(f"  {question.name}: {system}'s answer differs: {problem}", flush=True)
    starts: dict[str, Callable[[], Process]] = {
        "coopgraph": lambda: start_coopgraph(url, free_port(), logs, cores, args.workers),
        "PostGraphile v4": lambda: start_postgraphile(url, free_port(), logs, cores),
        "PostGraphile v5": lambda: start_postgraphile5(url, free_port(), logs, cores),
        "floor": lambda: start_floor(url, free_port(), logs, cores),
        "floor GraphQL": lambda: start_floor(url, free_port(), logs, cores, kind="graphql"),
    }
    needed = {SERVERS.get(system, system) for system in args.systems} - {"floor: SQL"}
    servers = {name: start() for name, start in starts.items() if name in needed}
    timings: Timings = {}
    try:
        for process in servers.values():
            probe = FLOOR_PROBE if process.name == "floor" else GRAPHQL_PROBE
            await wait_until_answering(process, probe)
            # One worker answering is not all of them started: until every process is idle.
            await settle(process, dsn)
        for question in questions:
            for concurrency in args.concurrency:
                for round_ in range(args.runs):
                    print(
                        f"timing {question.name} at concurrency {concurrency}, "
                        f"run {round_ + 1} of {args.runs}",
                        flush=True,
                    )
                    warmup = args.warmup if round_ == 0 else 0
                    measured = await time_question(
                        question, parameters, servers, dsn, concurrency, args, cores, warmup
                    )
                    for system, measurement in measured.items():
                        timings.setdefault((question.name, concurrency, system), []).append(
                            measurement
                        )
        peak = {system: process.peak_rss_mb() for system, process in servers.items()}
    finally:
        for process in servers.values():
            process.stop()
    load = (load_before, os.getloadavg()[0])
    return ScaleResult(scale, name, rows, parameters, checks, timings, peak, load, args.systems)


def median_run(runs: list[Measurement] | None) -> Measurement | None:
    """The run of median requests/s (the lower of the two middle ones for an even count),
    its latencies with it; server CPU per request is the median of the runs'. Failed
    requests are those of every run."""
    if not runs:
        return None
    ordered = sorted(runs, key=lambda m: m.per_second)
    middle = ordered[(len(ordered) - 1) // 2]
    cpus = sorted(m.server_cpu_ms for m in runs if m.server_cpu_ms is not None)
    cpu = cpus[(len(cpus) - 1) // 2] if cpus else None
    return replace(middle, failed=sum(m.failed for m in runs), server_cpu_ms=cpu)


def cell(m: Measurement | None) -> str:
    if m is None:
        return "—"
    if not m.requests:
        return f"none finished in {m.seconds:.0f} s"
    failed = f" ({m.failed} failed)" if m.failed else ""
    return f"{rate(m)} / {m.p50_ms:.1f} / {m.p99_ms:.1f}{failed}"


def label(question: Question) -> str:
    return LABELS.get(question.name, f"{question.name.upper()} {question.title}")


def rate(m: Measurement) -> str:
    return f"{m.per_second:,.0f}" if m.per_second >= 10 else f"{m.per_second:.1f}"


def ratio(result: ScaleResult, question: Question, concurrency: int, peer: str) -> str:
    """The median of the rounds' ratios of requests/s, with their range where there are
    several; a question PostGraphile answers in part gets its ratio marked so (it does
    less than coopgraph for it)."""
    if question.support is Support.NONE:
        return f"— ({question.support.value})"
    if not {"coopgraph", peer} <= set(result.systems):
        return "— (not run)"
    ours = result.timings.get((question.name, concurrency, "coopgraph"), [])
    theirs = result.timings.get((question.name, concurrency, peer), [])
    ratios = sorted(
        a.per_second / b.per_second for a, b in zip(ours, theirs, strict=False) if b.requests
    )
    if not ratios:
        return "— (none finished)"
    text = f"{ratios[(len(ratios) - 1) // 2]:.2f}"
    if len(ratios) > 1:
        text += f" ({ratios[0]:.2f} to {ratios[-1]:.2f})"
    if question.support is Support.PARTIAL:
        text += f" ({question.support.value})"
    return text


def timing(result: ScaleResult, question: str, concurrency: int, system: str) -> Measurement | None:
    return median_run(result.timings.get((question, concurrency, system)))


def scale_report(result: ScaleResult, questions: list[Question], concurrency: list[int]) -> str:
    runs = max((len(m) for m in result.timings.values()), default=0)
    rows = ", ".join(f"{n:,} {t.replace('_', ' ')}s" for t, n in result.rows.items())
    p = result.parameters
    lines = [
        f"## Scale {result.scale:g}: {rows}",
        "",
        f"Database `{result.database}`. Parameters: partner `{p.partner}` (the top funder), "
        f"project id {p.project}, country `{p.country}`, status `{p.status}`, currency "
        f"`{p.currency}`, search `{p.text}`.",
        "",
        f"Each cell: requests/s / p50 ms / p99 ms of the median of {runs} run(s). coopgraph/v4 "
        "and coopgraph/v5: the median of the runs' ratios of requests/s to PostGraphile's "
        "(above 1: coopgraph serves more), their range in brackets; each run asks every "
        "system in turn, so a ratio compares runs made within seconds of each other.",
        "",
        "| question | clients | coopgraph | PostGraphile v4 | PostGraphile v5 | coopgraph/v4 "
        "| coopgraph/v5 | floor: SQL (asyncpg) | floor: HTTP (Starlette) "
        "| floor: GraphQL (Strawberry) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for question in questions:
        for c in concurrency:
            cells = [
                not_run(result, s) or cell(timing(result, question.name, c, s)) for s in SYSTEMS
            ]
            ratios = [ratio(result, question, c, peer) for peer in POSTGRAPHILES]
            lines.append(
                f"| {label(question)} | {c} | {' | '.join(cells[:3])} | "
                f"{' | '.join(ratios)} | {' | '.join(cells[3:])} |"
            )
    lines += [
        "",
        "Per request, counted on the wire between each server and PostgreSQL: statements "
        "run (queries + transaction control + pings) / round trips / statements prepared, "
        "and the answer's size; then the server process's CPU time per request at "
        f"{min(concurrency)} client(s), PostgreSQL's aside (coopgraph / PostGraphile v4 / v5 "
        "/ floor HTTP / floor GraphQL):",
        "",
        "| question | coopgraph | PostGraphile v4 | PostGraphile v5 | floor "
        "| server CPU ms per request | same data as the floor |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for question in questions:
        check = result.checks[question.name]
        wire = " | ".join(wire_cell(check, s) for s in ("coopgraph", *POSTGRAPHILES))
        floor = f"1 (1 + 0 + 0) / 1 / 0, {check.bytes['floor: SQL']:,} B"
        cpu = " / ".join(
            cpu_cell(timing(result, question.name, min(concurrency), s))
            for s in ("coopgraph", *POSTGRAPHILES, "floor: HTTP", "floor: GraphQL")
        )
        same = verdict(question, check, result.systems)
        lines.append(f"| {label(question)} | {wire} | {floor} | {cpu} | {same} |")
    peak = ", ".join(f"{name} {mb:,.0f} MB" for name, mb in result.peak_rss_mb.items())
    before, after = result.load_average
    lines += [
        "",
        f"Peak resident memory (VmHWM) after the run: {peak}.",
        "",
        f"Load average (1 min) when the scale began and when its last run ended: "
        f"{before:.2f}, {after:.2f}. The benchmark keeps up to {os.cpu_count()} cores busy; "
        "more means other work shared the machine and the figures are noisier.",
        "",
    ]
    for question in questions:
        if question.support is not Support.FULL:
            lines.append(
                f"- PostGraphile v4 and v5, {question.name}, {question.support.value}: "
                f"{question.reason}"
            )
    return "\n".join(lines)


def not_run(result: ScaleResult, system: str) -> str:
    """A table cell's text for a system the run did not measure; empty for one it did."""
    return "" if system in result.systems else "not run"


def cpu_cell(m: Measurement | None) -> str:
    return "—" if m is None or m.server_cpu_ms is None else f"{m.server_cpu_ms:.1f}"


def wire_cell(check: Check, system: str) -> str:
    if system not in check.wire:
        return "—"
    w = check.wire[system]
    kinds = " + ".join(f"{w.get(k, 0):.3g}" for k in KINDS)
    spent = f"{sum(w.get(k, 0) for k in KINDS):.3g} ({kinds}) / {w.get('round trips', 0):.3g}"
    return f"{spent} / {w.get('parses', 0):.3g}, {check.bytes[system]:,} B"


def verdict(question: Question, check: Check, systems: tuple[str, ...]) -> str:
    parts = []
    for system in ("coopgraph", *POSTGRAPHILES):
        if system != "coopgraph" and system not in systems:
            parts.append(f"{system}: not run")
        elif system not in check.problems:
            parts.append(f"{system}: cannot answer")
        elif check.problems[system]:
            parts.append(f"{system}: **differs** ({'; '.join(check.problems[system])[:300]})")
        elif system in POSTGRAPHILES and question.support is Support.PARTIAL:
            parts.append(f"{system}: same counts as coopgraph (partial)")
        else:
            parts.append(f"{system}: yes")
    return ", ".join(parts)


def scaling_report(
    results: list[ScaleResult], questions: list[Question], low: int, top: int
) -> str:
    scales = " | ".join(f"scale {r.scale:g}" for r in results)
    lines = [
        "## Latency by scale",
        "",
        f"p50 ms at {low} client(s) / requests/s at {top} clients.",
        "",
        f"| question | system | {scales} |",
        "|---|---|" + "---:|" * len(results),
    ]
    for question in questions:
        for system in SYSTEMS:
            if not asks(question, system) or any(system not in r.systems for r in results):
                continue
            cells = []
            for r in results:
                one = timing(r, question.name, low, system)
                many = timing(r, question.name, top, system)
                cells.append(f"{one.p50_ms:.1f} ms" if one and one.requests else "none finished")
                cells[-1] += f" / {rate(many)}" if many else ""
            lines.append(f"| {label(question)} | {system} | {' | '.join(cells)} |")
    return "\n".join(lines)


def environment(cores: Cores | None, args: argparse.Namespace, postgres: str) -> str:
    peers = [
        f"PostGraphile {installed_version(folder)} (Node {node_version(node)})"
        for name, folder, node in zip(
            POSTGRAPHILES,
            (POSTGRAPHILE, POSTGRAPHILE5),
            ("node", node_for_postgraphile5()),
            strict=True,
        )
        if name in args.systems
    ]
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    if cores:
        pinning = cores.describe()
    else:
        pinning = "one core: nothing pinned" if args.pin else "nothing pinned (--no-pin)"
    return "\n".join(
        [
            f"# coopgraph benchmark, {datetime.now():%Y-%m-%d %H:%M}",
            "",
            f"- nproc: {os.cpu_count()} ({pinning})",
            f"- {args.runs} run(s) of {args.duration:g} s per question, system and "
            f"concurrency, after {args.warmup:g} s of warm-up before the first; clients: "
            f"{', '.join(map(str, args.concurrency))}; seed {args.seed}",
            f"- systems measured (`--systems`): {', '.join(args.systems)}",
            f"- coopgraph serves with {args.workers} worker(s) (`serve --workers`)",
            f"- coopgraph {commit}, Python {platform.python_version()}; "
            f"{''.join(f'{peer}, ' for peer in peers)}{postgres}; wrk {wrk}",
        ]
    )


def installed_version(folder: Path) -> str:
    package = folder / "node_modules" / "postgraphile" / "package.json"
    version: str = json.loads(package.read_text())["version"]
    return version


def node_version(node: str) -> str:
    return subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()


async def postgres_version(server: Server) -> str:
    connection: Any = await asyncpg.connect(asyncpg_dsn(server.maintenance_url))
    try:
        version: str = await connection.fetchval("SHOW server_version")
        return f"PostgreSQL {version}"
    finally:
        await connection.close()


async def run(args: argparse.Namespace) -> int:
    task = asyncio.current_task()
    assert task is not None
    # Stopped (SIGTERM), stop the servers it started too, on the way out.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    server = Server()
    cores = Cores.split() if args.pin else None
    pinned = Pinned()
    if cores:
        # The driver itself (the asyncpg loop, the wire counter) is load, not server.
        os.sched_setaffinity(0, cores.load)
    questions = [q for q in load_questions() if not args.questions or q.name in args.questions]
    results = []
    try:
        header = environment(cores, args, await postgres_version(server))
        for scale in args.scales:
            results.append(await run_scale(server, scale, questions, args, cores, pinned))
    finally:
        pinned.restore()
    asked = "\n".join(f"- {label(q).split()[0]}: {q.title}" for q in questions)
    sections = [
        header,
        f"Questions (`bench/queries/`):\n\n{asked}",
        *(scale_report(r, questions, args.concurrency) for r in results),
    ]
    if len(results) > 1:
        low, top = min(args.concurrency), max(args.concurrency)
        sections.append(scaling_report(results, questions, low, top))
    report = "\n\n".join(sections) + "\n"
    print(report)
    RESULTS.mkdir(exist_ok=True)
    scales = "_".join(f"{s:g}" for s in args.scales)
    path = RESULTS / f"{datetime.now():%Y%m%d-%H%M%S}-scale-{scales}.md"
    path.write_text(report)
    print(f"written to {path.relative_to(REPO)}")
    differs = any(p for r in results for c in r.checks.values() for p in c.problems.values())
    return 1 if differs else 0


def numbers(kind: type[float] | type[int]) -> Any:
    return lambda text: [kind(x) for x in text.split(",") if x]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=numbers(float), default=[1.0], help="e.g. 0.1,1,5")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=6, help="seconds per run")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median counts")
    parser.add_argument("--workers", type=int, default=1, help="coopgraph's serve --workers")
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help="leave every process on every core (by default wrk gets the last one)",
    )
    parser.add_argument("--warmup", type=float, default=2, help="seconds before each run")
    parser.add_argument("--concurrency", type=numbers(int), default=[1, 16])
    parser.add_argument("--questions", type=lambda t: t.split(","), help="e.g. q1,q4")
    parser.add_argument("--regenerate", action="store_true", help="remake the data")
    parser.add_argument(
        "--systems",
        type=chosen_systems,
        default=SYSTEMS,
        help=f"the systems to measure, e.g. coopgraph,floor (of {', '.join(CHOICES)}); all "
        "by default",
    )
    try:
        return asyncio.run(run(parser.parse_args(argv)))
    except asyncio.CancelledError:
        print("stopped; the servers it started are stopped too", file=sys.stderr)
        return 128 + signal.SIGTERM


if __name__ == "__main__":
    sys.exit(main())
