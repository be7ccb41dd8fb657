"""How much memory exporting a large import as IATI takes: the export is meant to stream.

A synthetic file from ``bench/iati_file.py`` (written by a subprocess) is imported into a
scratch database ``coopgraph_bench_iati_export`` (dropped first if it exists; on the
embedded server in ``.coopgraph`` or the server of ``DATABASE_URL``), seeded with the
built-in dataset, then exported the way ``coopgraph export-iati`` and the HTTP endpoint do
(``iati.loading`` in batches, ``iati.writing`` activity by activity) to a temporary file,
and the database is dropped.

It prints, for the import and for the export, the time and the resident memory of this
process: before, the peak sampled from ``/proc/self/statm`` every 0.1 s during it, and the
growth (peak minus before). The export's growth is what streaming bounds: it stays the
same whatever the number of activities (compare ``--activities 1000`` with 4000), set by
the batch size, not the file. The PostgreSQL server's memory is not counted. Exits 1 if
the import reports problems or the export leaves an activity out.

    .venv/bin/python bench/iati_export.py [--activities 1000] [--seed 1] [--batch-size 200]
"""

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from iati_import import MIB, RssSampler, current_rss, generate, prepare
from scratch import Server

from db.criteria import ProjectCriteria
from db.engine import create_engine
from iati.importing import IatiFile, import_files
from iati.loading import project_activities
from iati.writing import ExportReport, ReportingOrg, write_activities

DATABASE = "coopgraph_bench_iati_export"
REPORTING = ReportingOrg("XM-DAC-41302", "International Labour Organization", "40")
SAMPLE_SECONDS = 0.1


@dataclass
class Step:
    label: str
    seconds: float
    rss_before: float
    rss_peak: float

    def line(self) -> str:
        return (
            f"{self.label:<8} {self.seconds:7.1f} s   RSS before {self.rss_before:6.0f} MiB, "
            f"peak {self.rss_peak:6.0f} MiB, growth {self.rss_peak - self.rss_before:5.0f} MiB"
        )


async def run(url: str, path: Path, out: Path, batch_size: int) -> tuple[list[Step], int, int]:
    engine = create_engine(url)
    steps = []
    try:
        await prepare(engine)
        before = current_rss() / MIB
        with RssSampler(SAMPLE_SECONDS) as sampler, path.open("rb") as stream:
            start = time.perf_counter()
            async with engine.begin() as conn:
                imported = await import_files(
                    conn, [IatiFile(path.name, stream)], key_name="bench:iati-export"
                )
            seconds = time.perf_counter() - start
        steps.append(Step("import", seconds, before, sampler.peak / MIB))
        if imported.problems:
            print("\n".join(str(p) for p in imported.problems[:20]))
            return steps, imported.created, -1
        report = ExportReport()
        before = current_rss() / MIB
        with RssSampler(SAMPLE_SECONDS) as sampler, out.open("wb") as sink:
            start = time.perf_counter()
            async with engine.connect() as conn:
                activities = project_activities(
                    conn, ProjectCriteria(), reporting_ref=REPORTING.ref, batch_size=batch_size
                )
                async for piece in await write_activities(activities, REPORTING, report):
                    sink.write(piece)
            seconds = time.perf_counter() - start
        steps.append(Step("export", seconds, before, sampler.peak / MIB))
        return steps, imported.created, report.written
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=200)
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
            steps, created, written = asyncio.run(
                run(server.url(DATABASE), path, out, args.batch_size)
            )
        finally:
            asyncio.run(server.admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        print(
            f"file: {args.activities:,} activities, {path.stat().st_size / 1e6:.1f} MB; "
            f"export: {out.stat().st_size / 1e6:.1f} MB"
        )
        for step in steps:
            print(step.line())
        print(f"imported {created:,} activities, exported {written:,} (with the dataset's own)")
    return 0 if written >= created > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
