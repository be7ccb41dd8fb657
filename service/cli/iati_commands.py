"""``coopgraph import-iati`` and ``coopgraph export-iati``.

``import-iati`` exits 0 when every activity was imported (created, updated, unchanged, or
kept because the database holds a newer version), 3 when some were skipped
(``--skip-invalid``), 1 when nothing was imported (the files were refused, or no activity
of them could be), and 2 for a file that does not exist (as for a bad argument).
"""

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from db.engine import create_engine
from iati.gc_tuning import fewer_collections
from iati.importing import IatiFile, ImportReport, files_under, import_files
from iati.loading import project_activities
from iati.writing import ExportReport, NothingToExport, ReportingOrg, write_activities
from service.export_filters import add_filter_arguments, criteria_from_arguments
from service.settings import Settings

IMPORT_KEY_NAME = "cli:import-iati"
ALL_IMPORTED, NOTHING_IMPORTED, NO_SUCH_FILE, SOME_SKIPPED = 0, 1, 2, 3


def add_iati_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    imp = commands.add_parser("import-iati", help="import IATI activity files or folders")
    imp.add_argument("paths", nargs="+", type=Path, help="files, or folders of .xml files")
    imp.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid activities and report the rest (default: refuse the whole lot)",
    )
    exp = commands.add_parser("export-iati", help="write projects as an IATI 2.03 file")
    exp.add_argument("--output", type=Path, help="write to this file instead of stdout")
    add_filter_arguments(exp)


class _Progress:
    """Counts bytes as the parser reads them, for the progress bar."""

    def __init__(self, stream: IO[bytes], bar: "tqdm[Any]") -> None:
        self.stream = stream
        self.bar = bar

    def read(self, size: int = -1, /) -> bytes:
        data = self.stream.read(size)
        self.bar.update(len(data))
        return data


def print_import(report: ImportReport) -> int:
    """Print the report; the exit status it means."""
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.refused:
        print(
            f"refused: {len(report.problems)} problem(s); nothing was imported "
            "(--skip-invalid imports the valid activities)",
            file=sys.stderr,
        )
        return NOTHING_IMPORTED
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for identifier in report.older:
        print(f"kept: {identifier}: the database holds a newer version", file=sys.stderr)
    older = f", {len(report.older)} older (kept)" if report.older else ""
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    warned = f"; {len(report.warnings)} warning(s)" if report.warnings else ""
    print(
        f"imported: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged{older}{skipped}{warned}"
    )
    if report.nothing_imported:
        print("nothing was imported: no activity of the files could be", file=sys.stderr)
        return NOTHING_IMPORTED
    return SOME_SKIPPED if report.skipped else ALL_IMPORTED


async def run_import(url: str, args: argparse.Namespace) -> int:
    paths = files_under(args.paths)
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"no such file: {', '.join(missing)}", file=sys.stderr)
        return NO_SUCH_FILE
    engine = create_engine(url)
    try:
        with ExitStack() as stack:
            total = sum(p.stat().st_size for p in paths)
            bar = stack.enter_context(
                tqdm(total=total, unit="B", unit_scale=True, disable=not sys.stderr.isatty())
            )
            files = (
                IatiFile(p.name, _Progress(stack.enter_context(p.open("rb")), bar)) for p in paths
            )
            stack.enter_context(fewer_collections())
            async with engine.connect() as conn, conn.begin() as transaction:
                report = await import_files(
                    conn, files, key_name=IMPORT_KEY_NAME, skip_invalid=args.skip_invalid
                )
                if report.nothing_imported:
                    await transaction.rollback()
        return print_import(report)
    finally:
        await engine.dispose()


async def run_export(url: str, settings: Settings, args: argparse.Namespace) -> int:
    reporting = ReportingOrg(
        settings.iati_reporting_org_ref,
        settings.iati_reporting_org_name,
        settings.iati_reporting_org_type,
    )
    report = ExportReport()
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            activities = project_activities(
                conn, criteria_from_arguments(args), reporting_ref=reporting.ref
            )
            try:
                pieces = await write_activities(activities, reporting, report)
            except NothingToExport:
                pieces = None
            with ExitStack() as stack:
                out = (
                    stack.enter_context(args.output.open("wb"))
                    if args.output
                    else sys.stdout.buffer
                )
                if pieces is not None:
                    async for piece in pieces:
                        out.write(piece)
    finally:
        await engine.dispose()
    for code, lacks in report.left_out.items():
        print(f"left out {code}: lacks {', '.join(lacks)}", file=sys.stderr)
    print(f"exported {report.written} activities, left out {len(report.left_out)}", file=sys.stderr)
    if report.written == 0:
        print("no project could be exported: an IATI file needs at least one", file=sys.stderr)
        return 1
    return 0
