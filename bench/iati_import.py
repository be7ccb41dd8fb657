"""How long importing a large IATI file takes, and how much memory the importer needs for it.

Publisher files run to a hundred megabytes and more, and the importer is meant to stream
them; this measures whether it does, on a synthetic file from ``bench/iati_file.py``
(written by a subprocess, so that its memory does not count here). It creates a scratch
database ``coopgraph_bench_iati`` (dropped first if it exists) on the embedded server in
``.coopgraph``, or on the server of ``DATABASE_URL``, migrates it, seeds the built-in
dataset (the file's countries are in it), imports the file in one transaction, then imports
it again (every activity must come out unchanged), and drops the database. Each import runs
with the garbage collector set as ``coopgraph import-iati`` sets it (``iati.gc_tuning``).

For each import it prints the time (``time.perf_counter``, commit included), the CPU time of
this process over it and that of the server process serving its connection (read from
``/proc``, so only for a server on this machine; triggers and the commit's work included):
on a loaded machine the wall clock waits for cores, CPU time does not. Then the
rate, and the resident memory of this process: before the import, the peak sampled from
``/proc/self/statm`` every half second during it, and ``ru_maxrss`` (the high-water mark of
the whole process) after it. The PostgreSQL server's own memory is not counted. File sizes
are in MB (10^6 bytes), memory in MiB. Exits 1 if an import reports problems or the
re-import changes anything.

    .venv/bin/python bench/iati_import.py [--activities 1000] [--seed 1] [--keep-file PATH]
        [--without-summaries] [--changed-seed 2] [--breakdown]

``--changed-seed N`` imports a third file after the re-import: the same activities
(identifiers) generated with seed N, so every one of them is updated by a newer file.
``--breakdown`` says where the server's time goes, per import: the time the server spent
on each kind of statement (``log_min_duration_statement = 0`` on the import's connection,
read back from the embedded server's log; a statement's row and statement triggers are in
its time), the commit (the deferred summary count), and the trigger functions' own time
(``track_functions``, ``pg_stat_xact_user_functions``). Logging every statement costs time
of its own: take rates from a run without it.

The default, 1,000 activities (about 20 MB, 20 transactions, yearly budgets, locations and
results each), is a real publisher's file; the target is 500 activities/s or more.
"""

import argparse
import asyncio
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from scratch import Server
from sqlalchemy.ext.asyncio import AsyncEngine

from db.dataset.loader import read_dataset, seed_dataset
from db.engine import create_engine
from db.migrate import upgrade_to_head
from iati.gc_tuning import fewer_collections
from iati.importing import IatiFile, ImportReport, import_files

DATABASE = "coopgraph_bench_iati"
KEY_NAME = "bench:iati-import"
REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "bench" / "iati_file.py"
SAMPLE_SECONDS = 0.5
MIB = 1024 * 1024
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def max_rss_mib() -> float:
    """The process's resident-memory high-water mark so far (Linux reports it in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss() -> int:
    """The process's resident memory now, in bytes."""
    fields = Path("/proc/self/statm").read_text().split()
    return int(fields[1]) * PAGE_SIZE


class RssSampler:
    """Samples the current resident memory in a background thread and keeps the highest."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.peak = current_rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, current_rss())

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, current_rss())


@dataclass
class Run:
    """One timed import and the memory around it."""

    label: str
    seconds: float
    cpu_seconds: float
    server_cpu_seconds: float | None
    read: int
    report: ImportReport
    rss_before: float
    rss_peak: float
    max_rss_after: float
    waits: tuple[float, float | None] = (0.0, None)
    """Seconds this process and the server process spent runnable but waiting for a core
    (``/proc/.../schedstat``): on a loaded machine, where the wall time beyond CPU goes."""
    breakdown: "Breakdown | None" = None


@dataclass
class Breakdown:
    """Where one import's server time went (``--breakdown``)."""

    backend: int
    commit_seconds: float
    statements: dict[str, tuple[int, float]] = field(default_factory=dict)
    """Per kind of statement (its verb and table), how many and the server's seconds."""
    functions: list[tuple[str, int, float, float]] = field(default_factory=list)
    """Trigger and other functions: name, calls, total and own seconds."""


LOG_DURATION = re.compile(
    r"\[(\d+)\] LOG:  duration: ([\d.]+) ms  (?:statement|parse|bind|execute)[^:]*: (.*)"
)
STATEMENT_KIND = re.compile(
    r"^\s*(INSERT INTO|COPY|UPDATE|DELETE FROM|SELECT|WITH|SAVEPOINT|RELEASE SAVEPOINT|"
    r"ROLLBACK TO SAVEPOINT|COMMIT|BEGIN|SET)\b\W*([\w.\"]*)",
    re.IGNORECASE,
)
FROM_TABLE = re.compile(r"\bFROM\s+([\w.\"]+)", re.IGNORECASE)


def statement_kind(text: str) -> str:
    """A statement's verb and the table it writes or first reads: e.g. ``COPY
    activity_transaction``, ``SELECT project``."""
    found = STATEMENT_KIND.match(text)
    if found is None:
        return text[:40]
    verb, target = found.group(1).upper(), found.group(2).strip('"')
    if verb in ("SELECT", "WITH"):
        table = FROM_TABLE.search(text)
        target = table.group(1).strip('"') if table else ""
    elif verb in ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "SET"):
        target = ""
    return f"{verb} {target}".strip()


def server_log() -> Path | None:
    """The embedded server's log (``DATABASE_URL``'s server keeps its own elsewhere)."""
    log = REPO / ".coopgraph" / "pgdata" / "log"
    return None if os.environ.get("DATABASE_URL") or not log.exists() else log


def logged_statements(log: Path, offset: int, backend: int) -> dict[str, tuple[int, float]]:
    """The durations the server logged for ``backend`` after ``offset``, summed by kind."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    with log.open("rb") as lines:
        lines.seek(offset)
        for raw in lines:
            found = LOG_DURATION.search(raw.decode(errors="replace"))
            if found is None or int(found.group(1)) != backend:
                continue
            total = totals[statement_kind(found.group(3))]
            total[0] += 1
            total[1] += float(found.group(2)) / 1000
    return {kind: (int(n), seconds) for kind, (n, seconds) in totals.items()}


FUNCTIONS = sa.text(
    "SELECT funcname, calls, total_time, self_time FROM pg_stat_xact_user_functions"
    " ORDER BY total_time DESC"
)


def backend_cpu_seconds(pid: int) -> float | None:
    """The CPU time (user and system) of a server process on this machine, or None when the
    server runs elsewhere (``DATABASE_URL``) or hides it."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_queue_seconds(task: str) -> float | None:
    """How long a task has waited on a run queue (runnable, no core free), or None when
    the kernel does not say (``/proc/<task>/schedstat``: on CPU, waiting, slices, in ns)."""
    try:
        return int(Path(f"/proc/{task}/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def generate(path: Path, activities: int, seed: int) -> float:
    """Write the synthetic file with the generator in a subprocess; return the seconds taken."""
    sys.stdout.flush()
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(GENERATOR),
            "--activities",
            str(activities),
            "--seed",
            str(seed),
            "--out",
            str(path),
        ],
        check=True,
    )
    return time.perf_counter() - start


SUMMARISED = (
    "project",
    "project_partner",
    "project_country",
    "project_theme",
    "project_programme",
    "beneficiary_group",
)
"""The tables whose triggers keep the statistics summaries (migration 0011)."""


async def prepare(engine: AsyncEngine, *, summaries: bool) -> dict[str, int]:
    async with engine.begin() as conn:
        await upgrade_to_head(conn)
        if not summaries:
            for table in SUMMARISED:
                for trigger in ("summary_inserted", "summary_updated", "summary_deleted"):
                    await conn.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}"))
        return await seed_dataset(conn, read_dataset())


async def timed_import(
    engine: AsyncEngine, path: Path, label: str, *, breakdown: bool = False
) -> Run:
    """Import the file in one transaction, committed at the end unless the import is refused."""
    read = 0
    log = server_log() if breakdown else None
    log_offset = log.stat().st_size if log is not None else 0
    functions: list[tuple[str, int, float, float]] = []
    commit_seconds = 0.0

    def count() -> None:
        nonlocal read
        read += 1

    rss_before = current_rss() / MIB
    # The collector set as ``coopgraph import-iati`` sets it.
    with RssSampler(SAMPLE_SECONDS) as sampler, path.open("rb") as stream, fewer_collections():
        start = time.perf_counter()
        cpu_start = time.process_time()
        async with engine.connect() as conn:
            backend = int(await conn.scalar(sa.text("SELECT pg_backend_pid()")) or 0)
            if breakdown:
                for setting in (
                    "track_functions = 'all'",
                    "log_min_duration_statement = 0",
                    "log_parameter_max_length = 0",
                ):
                    await conn.execute(sa.text(f"SET {setting}"))
            await conn.commit()
            server_start = backend_cpu_seconds(backend)
            waits_start = (run_queue_seconds("thread-self"), run_queue_seconds(str(backend)))
            transaction = await conn.begin()
            report = await import_files(
                conn, [IatiFile(path.name, stream)], key_name=KEY_NAME, on_activity=count
            )
            if breakdown:
                rows = await conn.execute(FUNCTIONS)
                functions = [(n, c, t / 1000, o / 1000) for n, c, t, o in rows.all()]
            commit_start = time.perf_counter()
            if report.refused:
                await transaction.rollback()
            else:
                await transaction.commit()
            commit_seconds = time.perf_counter() - commit_start
            server_end = backend_cpu_seconds(backend)
            waits_end = (run_queue_seconds("thread-self"), run_queue_seconds(str(backend)))
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
        server_cpu = (
            None if server_start is None or server_end is None else server_end - server_start
        )
    peak = sampler.peak / MIB
    client_wait, server_wait = (
        None if start is None or end is None else end - start
        for start, end in zip(waits_start, waits_end, strict=True)
    )
    found = None
    if breakdown:
        found = Breakdown(backend, commit_seconds, functions=functions)
        if log is not None:
            found.statements = logged_statements(log, log_offset, backend)
    return Run(
        label,
        seconds,
        cpu_seconds,
        server_cpu,
        read,
        report,
        rss_before,
        peak,
        max_rss_mib(),
        (client_wait or 0.0, server_wait),
        found,
    )


def print_breakdown(run: Run, activities: int) -> None:
    found = run.breakdown
    if found is None:
        return
    print(f"{run.label}: server backend {found.backend}, commit {found.commit_seconds:.2f} s")
    if found.statements:
        logged = sum(seconds for _, seconds in found.statements.values())
        print(
            f"  statements the server logged: {sum(n for n, _ in found.statements.values())},"
            f" {logged:.2f} s ({logged / activities * 1000:.2f} ms per activity)"
        )
        ranked = sorted(found.statements.items(), key=lambda kv: -kv[1][1])
        for kind, (n, seconds) in ranked[:25]:
            print(f"  {seconds:>8.2f} s {n:>7} x  {kind}")
    else:
        print("  (no server log to read: statements not broken down)")
    if found.functions:
        print("  functions (pg_stat_xact_user_functions, before commit): total s, own s, calls")
        for name, calls, total, own in found.functions[:15]:
            print(f"  {total:>8.2f} {own:>8.2f} {calls:>8}  {name}")


def print_runs(runs: list[Run], activities: int, file_mb: float) -> None:
    header = (
        f"{'import':<14}{'activities':>11}{'file MB':>9}{'seconds':>9}{'CPU s':>8}"
        f"{'server CPU s':>14}"
        f"{'act/s':>8}{'MB/s':>7}{'RSS before':>12}{'RSS peak':>10}{'maxrss after':>14}"
    )
    print(header)
    for run in runs:
        print(
            f"{run.label:<14}{activities:>11}{file_mb:>9.1f}{run.seconds:>9.1f}"
            f"{run.cpu_seconds:>8.1f}"
            f"{'n/a' if run.server_cpu_seconds is None else f'{run.server_cpu_seconds:.1f}':>14}"
            f"{activities / run.seconds:>8.1f}{file_mb / run.seconds:>7.2f}"
            f"{run.rss_before:>12.1f}{run.rss_peak:>10.1f}{run.max_rss_after:>14.1f}"
        )
    print(
        "(CPU s: this process only; server CPU s: the server process of the import's"
        " connection, triggers and commit included; RSS columns in MiB of this process,"
        " peak sampled every 0.5 s during the import)"
    )
    for run in runs:
        client_wait, server_wait = run.waits
        server = "n/a" if server_wait is None else f"{server_wait:.1f} s"
        print(
            f"{run.label}: waiting for a core: this process {client_wait:.1f} s,"
            f" the server {server}"
        )
    for run in runs:
        report = run.report
        skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
        print(
            f"{run.label}: {run.read} read, {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.problems)} problems{skipped}"
            + (" (refused, rolled back)" if report.refused else "")
        )
        for problem in report.problems[:10]:
            print(f"  {problem}")
        if len(report.problems) > 10:
            print(f"  ... and {len(report.problems) - 10} more")


def failures(runs: list[Run], activities: int) -> list[str]:
    found = [f"{run.label} reported problems" for run in runs if run.report.problems]
    again = runs[1].report
    if again.created or again.updated or again.unchanged != activities:
        found.append(f"{runs[1].label} did not leave all {activities} activities unchanged")
    for run in runs[2:]:
        if run.report.updated != activities:
            found.append(f"{run.label} did not update all {activities} activities")
    return found


def generate_and_measure(path: Path, activities: int, seed: int) -> float:
    """Generate the file, say how big it is and return its size in MB."""
    seconds = generate(path, activities, seed)
    size = path.stat().st_size
    print(
        f"file: {path} ({size / 1e6:.1f} MB, {size / activities / 1000:.2f} KB per activity, "
        f"generated in {seconds:.1f} s by a subprocess)",
        flush=True,
    )
    return size / 1e6


async def benchmark(
    args: argparse.Namespace,
    path: Path,
    file_mb: float,
    max_rss_start: float,
    changed: Path | None = None,
) -> int:
    server = Server()
    await server.admin(
        f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', f'CREATE DATABASE "{DATABASE}"'
    )
    try:
        engine = create_engine(server.url(DATABASE))
        try:
            start = time.perf_counter()
            seeded = await prepare(engine, summaries=not args.without_summaries)
            print(
                f"database {DATABASE}: migrated and seeded ({sum(seeded.values())} rows) "
                f"in {time.perf_counter() - start:.1f} s",
                flush=True,
            )
            print(
                f"maxrss: {max_rss_start:.1f} MiB at start, "
                f"{max_rss_mib():.1f} MiB after generation, migration and seeding",
                flush=True,
            )
            runs = [await timed_import(engine, path, "first import", breakdown=args.breakdown)]
            runs.append(await timed_import(engine, path, "re-import", breakdown=args.breakdown))
            if changed is not None:
                runs.append(
                    await timed_import(engine, changed, "changed file", breakdown=args.breakdown)
                )
        finally:
            await engine.dispose()
    finally:
        await server.admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')

    print()
    print_runs(runs, args.activities, file_mb)
    for run in runs:
        print_breakdown(run, args.activities)
    found = failures(runs, args.activities)
    for failure in found:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if found else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--activities", type=int, default=1000, help="activities in the file")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--keep-file", type=Path, help="write the generated file here and keep it afterwards"
    )
    parser.add_argument(
        "--without-summaries",
        action="store_true",
        help="with the statistics summaries' triggers off: what keeping them costs",
    )
    parser.add_argument(
        "--changed-seed",
        type=int,
        help="then import the same activities generated with this seed: all of them updated",
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="say where the server's time goes: statements, commit, trigger functions",
    )
    args = parser.parse_args()
    if args.activities < 1:
        parser.error("--activities must be at least 1")

    max_rss_start = max_rss_mib()
    with tempfile.TemporaryDirectory(prefix="coopgraph-bench-iati-") as scratch:
        path = args.keep_file or Path(scratch) / "synthetic-iati.xml"
        file_mb = generate_and_measure(path, args.activities, args.seed)
        changed = None
        if args.changed_seed is not None:
            changed = Path(scratch) / "synthetic-iati-changed.xml"
            generate_and_measure(changed, args.activities, args.changed_seed)
        return asyncio.run(benchmark(args, path, file_mb, max_rss_start, changed))


if __name__ == "__main__":
    sys.exit(main())
