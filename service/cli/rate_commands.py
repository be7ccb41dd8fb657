"""``coopgraph rates update FILE``: load a newer ECB history or IMF annual-average file.

Rates already stored are replaced where the file's figure differs (a source revises its
history) and kept otherwise; dates the file does not cover are left as they are.
"""

import argparse
import asyncio
from collections.abc import Sequence
from pathlib import Path

from db.engine import create_engine
from db.exchange_rates import Rate, RateFileError, read_rate_file, store_rates


def add_rate_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    rates = commands.add_parser("rates", help="exchange rates used for currency conversion")
    actions = rates.add_subparsers(dest="rate_command", required=True)
    update = actions.add_parser(
        "update",
        help="load an ECB eurofxref-hist file (.csv or .zip) or the IMF annual averages (.csv)",
    )
    update.add_argument("file", type=Path)


def run_rate_command(url: str, args: argparse.Namespace) -> int:
    """Carry out ``args.rate_command``; the exit status (2 for a file that cannot be read)."""
    path: Path = args.file
    if not path.is_file():
        print(f"no such file: {path}")
        return 2
    try:
        rates = read_rate_file(path)
    except (RateFileError, OSError, UnicodeDecodeError) as error:
        print(error)
        return 2
    sources = sorted({r.source.value for r in rates})
    written = asyncio.run(_store(url, rates))
    print(
        f"read {len(rates)} rates ({', '.join(sources) or 'none'}) from {path.name}: "
        f"{written} new or changed, {len(rates) - written} already stored"
    )
    return 0


async def _store(url: str, rates: Sequence[Rate]) -> int:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            return await store_rates(conn, rates)
    finally:
        await engine.dispose()
