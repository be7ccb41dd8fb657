"""``coopgraph demo``: the service on a data directory of its own, with the made-up sample
IATI files of ``demo/iati/`` imported, so a new user sees a funding chain across three
publishers and the finance pages without touching the database ``serve`` uses.

The demo always runs the embedded server in ``COOPGRAPH_DEMO_DATA_DIR``: a
``DATABASE_URL`` in the environment or ``.env`` is the operator's real database, and
sample records must never land in it. ``serve`` never imports these files.
"""

import argparse
from pathlib import Path

from db.engine import create_engine
from iati.importing import IatiFile, ImportReport, files_under, import_files
from service.settings import Settings

DEMO_KEY_NAME = "demo:sample-files"
"""The audit trail's name for the sample records' writer, so they are told apart there too."""


class DemoRefused(Exception):
    """The demo would share a database with ``serve``, or has no sample files."""


def add_demo_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    demo = commands.add_parser(
        "demo",
        help="serve the made-up sample IATI files on a data directory of their own",
    )
    demo.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    demo.add_argument("--port", type=int, help="port to listen on (default 8000)")


def demo_settings(settings: Settings) -> Settings:
    """The settings ``demo`` runs with: the embedded server in the demo's own directory,
    whatever database the environment names."""
    if settings.demo_data_dir.resolve() == settings.data_dir.resolve():
        raise DemoRefused(
            f"COOPGRAPH_DEMO_DATA_DIR and COOPGRAPH_DATA_DIR are both {settings.data_dir}: "
            "the demo's made-up records need a data directory of their own"
        )
    if not settings.demo_files_dir.is_dir() or not files_under([settings.demo_files_dir]):
        raise DemoRefused(f"no sample IATI files in {settings.demo_files_dir}")
    return settings.model_copy(
        update={
            "data_dir": settings.demo_data_dir,
            "database_url": None,
            "database_read_url": None,
        }
    )


async def import_demo_files(url: str, folder: Path) -> ImportReport:
    """Import every sample file in one transaction (all or nothing); importing them again
    reports each activity unchanged, so a restarted demo keeps what was done in it."""
    paths = files_under([folder])
    engine = create_engine(url)
    try:
        async with engine.connect() as conn, conn.begin() as transaction:
            streams = [path.open("rb") for path in paths]
            try:
                report = await import_files(
                    conn,
                    [IatiFile(p.name, s) for p, s in zip(paths, streams, strict=True)],
                    key_name=DEMO_KEY_NAME,
                )
            finally:
                for stream in streams:
                    stream.close()
            if report.refused:
                await transaction.rollback()
        return report
    finally:
        await engine.dispose()
