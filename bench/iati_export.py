"""How much memory exporting a large import as IATI takes: the export is meant to stream.

A synthetic file from ``bench/iati_file.py`` (written by a subprocess) is imported into a
scratch database ``coopgraph_bench_iati_export`` (dropped first if it exists; on the
embedded server in ``.coopgraph`` or the server of ``DATABASE_URL``), seeded with the
built-in dataset, then exported by ``coopgraph export-iati --output FILE`` in a process of
its own (``iati.loading`` in batches, ``iati.writing`` activity by activity, as the HTTP
endpoint does too), and the database is dropped.

It prints the import's time, and the export's time, CPU time and peak resident memory
(``ru_maxrss`` of the export's own process, which nothing else ran in; the CPU time tells
a loaded machine's waiting from the export's own work). That peak is what
streaming bounds: it stays the same whatever the number of activities (compare
``--activities 200`` with 1000), set by the batch size, not the file. The PostgreSQL
server's memory is not counted. Exits 1 if the import reports problems or the export
leaves an activity out.

    .venv/bin/python bench/iati_export.py [--activities 1000] [--seed 1]
"""

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from iati_import import generate, prepare
from scratch import Server

from db.engine import create_engine
from iati.importing import IatiFile, import_files

DATABASE = "coopgraph_bench_iati_export"
EXPORT = """
import atexit, resource, sys
def peak():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    print(f"peak RSS {usage.ru_maxrss / 1024:.0f} MiB, CPU {cpu:.1f} s", file=sys.stderr)
atexit.register(peak)
from service.cli.main import main
main(["export-iati", "--output", sys.argv[1]])
"""
"""The command as ``coopgraph export-iati`` runs it, reporting its own high-water mark."""


async def import_file(url: str, path: Path) -> tuple[float, int, list[str]]:
    engine = create_engine(url)
    try:
        await prepare(engine, summaries=True)
        start = time.perf_counter()
        with path.open("rb") as stream:
            async with engine.begin() as conn:
                report = await import_files(
                    conn, [IatiFile(path.name, stream)], key_name="bench:iati-export"
                )
        problems = [str(p) for p in report.problems[:20]]
        return time.perf_counter() - start, report.created, problems
    finally:
        await engine.dispose()


def export(url: str, out: Path) -> tuple[float, str]:
    """Run the export command in a process of its own; its time and what it printed."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", EXPORT, str(out)],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return time.perf_counter() - start, done.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    server = Server()
    with tempfile.TemporaryDirectory() as folder:
        path, out = Path(folder) / "activities.xml", Path(folder) / "export.xml"
        generate(path, args.activities, args.seed)
        asyncio.run(
            server.admin(
                f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)',
                f'CREATE DATABASE "{DATABASE}"',
            )
        )
        try:
            url = server.url(DATABASE)
            seconds, created, problems = asyncio.run(import_file(url, path))
            if problems:
                print("\n".join(problems))
                return 1
            print(f"import: {created:,} activities in {seconds:.1f} s")
            seconds, printed = export(url, out)
        finally:
            asyncio.run(server.admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        written = int(re.search(r"exported (\d+) activities", printed).group(1))  # type: ignore[union-attr]
        peak = re.search(r"peak RSS .*", printed).group(0)  # type: ignore[union-attr]
        print(
            f"export: {written:,} activities (the dataset's own with them), "
            f"{out.stat().st_size / 1e6:.1f} MB in {seconds:.1f} s, {peak}"
        )
    return 0 if written >= created > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
