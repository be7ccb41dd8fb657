"""``coopgraph codelists update DIR``: load newer IATI codelist files.

The migration loads the codelists bundled with the service; IATI publishes new codes
between releases (a DAC sector, a registration agency). This reads every ``.xml`` codelist
under a folder (IATI-Codelists' ``xml/`` as checked out, or a download of the published
files) and, in one transaction, adds the new codes and updates names, categories and
withdrawn marks. Nothing is deleted: a code a newer file leaves out stays known.
"""

import argparse
import asyncio
import sys
from pathlib import Path

from db.codelist_files import CodelistFile, CodelistFileError, codelist_paths, read_codelist
from db.codelists import CodelistChange, update_codelists
from db.engine import create_engine


def add_codelist_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    codelists = commands.add_parser("codelists", help="IATI codelists: load newer files")
    actions = codelists.add_subparsers(dest="codelist_command", required=True)
    update = actions.add_parser("update", help="load the codelist files under a folder")
    update.add_argument("folder", type=Path, help="a folder of IATI codelist .xml files")


def run_codelist_command(url: str, args: argparse.Namespace) -> int:
    """Carry out ``args.codelist_command``; the exit status (2: nothing could be read).
    Every file is read before the database is touched: one bad file loads nothing."""
    folder: Path = args.folder
    if not folder.is_dir():
        print(f"{folder}: not a folder", file=sys.stderr)
        return 2
    paths = codelist_paths(folder)
    if not paths:
        print(f"{folder}: no .xml files", file=sys.stderr)
        return 2
    try:
        files = [read_codelist(path) for path in paths]
    except CodelistFileError as error:
        print(f"refused: {error}; nothing was loaded", file=sys.stderr)
        return 2
    report = asyncio.run(_load(url, files, str(folder.resolve())))
    for change in report:
        if change.added or change.changed:
            rows = f" ({change.reference_rows} new reference rows)" if change.reference_rows else ""
            print(
                f"{change.codelist}: {change.added} added, {change.changed} changed, "
                f"{change.unchanged} unchanged{rows}"
            )
    added = sum(c.added for c in report)
    changed = sum(c.changed for c in report)
    print(f"loaded {len(report)} codelists: {added} codes added, {changed} changed")
    return 0


async def _load(url: str, files: list[CodelistFile], source: str) -> list[CodelistChange]:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            return await update_codelists(conn, files, source=source)
    finally:
        await engine.dispose()
