"""The ``coopgraph`` command line: serve, demo, migrate, seed, keys, export-schema, IATI
files, codelists, exchange rates."""

import argparse
import asyncio
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa

from db.dataset.loader import read_dataset, seed_dataset
from db.engine import create_engine
from db.metadata import table_of
from db.migrate import hold_setup_lock, upgrade_to_head
from db.tables import Project
from service.cli.codelist_commands import add_codelist_commands, run_codelist_command
from service.cli.demo_command import (
    DemoRefused,
    add_demo_command,
    demo_settings,
    import_demo_files,
)
from service.cli.iati_commands import add_iati_commands, print_import, run_export, run_import
from service.cli.key_commands import add_key_commands, run_key_command
from service.cli.rate_commands import add_rate_commands, run_rate_command
from service.embedded import DATABASE, EmbeddedPostgres
from service.export_filters import FilterError
from service.settings import Settings, get_settings


def database_url(settings: Settings) -> tuple[str, EmbeddedPostgres | None]:
    """The configured server, or the embedded one (started if needed) when none is set.

    The embedded handle is returned so the caller keeps it, and so the server, alive.
    """
    if settings.database_url is not None:
        return settings.database_url, None
    embedded = EmbeddedPostgres(settings.data_dir)
    return embedded.ensure_database(DATABASE), embedded


class Signalled(SystemExit):
    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


def exit_on_signals() -> None:
    """SIGTERM and SIGHUP end the process by default without running its exit handlers, so
    the embedded PostgreSQL was left running with this pid in its handle file. Here they
    unwind like Ctrl-C does (``finally`` blocks run, the embedded server is let go), and
    ``main`` then ends the process by the same signal, so whoever started it sees the
    usual status. uvicorn installs its own handlers while it serves and, once it has shut
    down gracefully, raises the signal again, which lands here."""

    def leave(signum: int, _frame: object) -> None:
        raise Signalled(signum)

    if threading.current_thread() is threading.main_thread():  # where signals are handled
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, leave)


async def migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await upgrade_to_head(conn)
    finally:
        await engine.dispose()


async def seed(url: str, *, only_if_empty: bool = False) -> dict[str, int] | None:
    """Load the built-in dataset in one transaction; with ``only_if_empty``, skip a used db."""
    dataset = read_dataset()
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            if only_if_empty:
                await hold_setup_lock(conn)
                count = sa.select(sa.func.count()).select_from(table_of(Project))
                if (await conn.execute(count)).scalar_one() > 0:
                    return None
            return await seed_dataset(conn, dataset)
    finally:
        await engine.dispose()


def _print_seeded(inserted: dict[str, int] | None) -> None:
    if inserted is None:
        print("database already holds data: dataset not loaded")
        return
    total = sum(inserted.values())
    detail = ", ".join(f"{table} {n}" for table, n in sorted(inserted.items()) if n)
    print(f"seeded {total} rows" + (f" ({detail})" if detail else " (nothing was missing)"))


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return number


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="coopgraph", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="migrate, seed an empty database, serve")
    serve_cmd.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, help="port to listen on (default 8000)")
    serve_cmd.add_argument(
        "--workers",
        type=_positive,
        help="server processes on the one port, each with its own pool (default 1, or "
        "COOPGRAPH_WORKERS)",
    )
    commands.add_parser("migrate", help="apply database migrations")
    commands.add_parser("seed", help="insert whatever of the built-in dataset is missing")
    export = commands.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    export.add_argument("--output", type=Path, help="write to this file instead of stdout")
    export.add_argument(
        "--subgraph",
        action="store_true",
        help="the federation subgraph SDL (directives applied, not declared)",
    )
    add_demo_command(commands)
    add_key_commands(commands)
    add_iati_commands(commands)
    add_codelist_commands(commands)
    add_rate_commands(commands)
    args = parser.parse_args(argv)

    if args.command == "export-schema":
        from schema.sdl import client_sdl, subgraph_sdl

        sdl = subgraph_sdl() if args.subgraph else client_sdl()
        if args.output:
            args.output.write_text(sdl, encoding="utf-8")
        else:
            sys.stdout.write(sdl)
        return

    exit_on_signals()
    settings = get_settings()
    if args.command == "demo":
        try:
            settings = demo_settings(settings)
        except DemoRefused as refused:
            print(f"demo: {refused}", file=sys.stderr)
            sys.exit(2)
    url, embedded = database_url(settings)
    signalled: Signalled | None = None
    try:
        _run_command(args, settings, url, embedded)
    except Signalled as caught:
        signalled = caught
    finally:
        if embedded is not None:
            embedded.stop()
    if signalled is not None:
        signal.signal(signalled.signum, signal.SIG_DFL)
        signal.raise_signal(signalled.signum)
        raise signalled


def _run_command(
    args: argparse.Namespace, settings: Settings, url: str, embedded: EmbeddedPostgres | None
) -> None:
    if embedded is not None:
        # To stderr: ``export-iati`` writes its file to stdout.
        print(f"using the embedded PostgreSQL in {settings.data_dir.resolve()}", file=sys.stderr)
    if args.command == "migrate":
        asyncio.run(migrate(url))
        print("database is at the latest migration")
    elif args.command == "seed":
        _print_seeded(asyncio.run(seed(url)))
    elif args.command == "keys":
        asyncio.run(migrate(url))
        status = asyncio.run(run_key_command(url, args))
        if status:
            sys.exit(status)
    elif args.command == "codelists":
        asyncio.run(migrate(url))
        sys.exit(run_codelist_command(url, args))
    elif args.command == "rates":
        asyncio.run(migrate(url))
        sys.exit(run_rate_command(url, args))
    elif args.command == "import-iati":
        asyncio.run(migrate(url))
        sys.exit(asyncio.run(run_import(url, args)))
    elif args.command == "export-iati":
        try:
            sys.exit(asyncio.run(run_export(url, settings, args)))
        except FilterError as error:
            print(error, file=sys.stderr)
            sys.exit(2)
    elif args.command in ("serve", "demo"):
        _serve(args, settings, url, embedded)


def _serve(
    args: argparse.Namespace, settings: Settings, url: str, embedded: EmbeddedPostgres | None
) -> None:
    """Migrate and seed once (``demo``: and import the sample files), then serve: in this
    process, or in ``--workers`` processes started only once the database is ready for them."""
    from service.cli.serving import draining_server
    from service.observability import configure_json_logging

    if settings.log_format == "json":
        configure_json_logging()
    asyncio.run(migrate(url))
    if settings.seed_on_start:
        _print_seeded(asyncio.run(seed(url, only_if_empty=True)))
    if args.command == "demo":
        report = asyncio.run(import_demo_files(url, settings.demo_files_dir))
        print_import(report)
        if report.refused:
            sys.exit(1)
    host = args.host or settings.host
    port = args.port or settings.port
    workers = getattr(args, "workers", None) or settings.workers
    if (settings.explorer_dir / "index.html").is_file():
        print(f"Explorer: http://{host}:{port}/", flush=True)
    print(f"GraphiQL: http://{host}:{port}/graphql", flush=True)
    if workers == 1:
        draining_server(settings, url, embedded=embedded, host=host, port=port).run()
        return
    from service.cli.workers import run_workers

    print(f"{workers} workers", flush=True)
    signalled = run_workers(workers, url, host, port, embedded)
    if signalled is not None:
        raise Signalled(signalled)


if __name__ == "__main__":
    main()
