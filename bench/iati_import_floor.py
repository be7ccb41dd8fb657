"""The least an import of a file can cost on this machine: its reading's and its database's
floors, against which ``bench/iati_import.py``'s rate is to be read.

The reading's floor is lxml's own work on the file, in this process: parsing it, validating
it against the 2.03 XSD, and one Python visit of every element (its attributes and text),
which any mapping of the file to rows must make at least once. No row is built.

The database's floor is the rows the import writes, handed to PostgreSQL in the cheapest
way it takes them: the file is imported (``iati.importing.import_files``) into a scratch
database, every row that import inserted (its transaction's own, ``xmin``) is read out
by binary ``COPY``, and copied by binary ``COPY`` into a second scratch database made
from the same migrated and seeded template before the import, table after table in the
order of their foreign keys, in one transaction, as an import must be (all of a file or
none of it). The tables' constraints, indexes and triggers all hold, as they do for the
import; the client does nothing but send bytes it already has. The CPU time of the
server process that took them (from ``/proc``, so only for a server on this machine) is
the database's floor: one transaction is served by one server process, on one core, so
``activities / floor`` is the most activities per second an all-or-nothing import into
these tables can reach, however fast the client. Rows the import updated rather than
inserted (the statistics summaries, kept by triggers) are left out: the triggers of the
rows copied keep them again.

    .venv/bin/python bench/iati_import_floor.py [--activities 1000] [--seed 1] [--file PATH]
        [--without-triggers]

``--without-triggers`` copies the rows with every trigger off (``session_replication_role
= replica``), the foreign keys' checks and the summaries' count included: the difference is
what those cost the database; what is left is the rows, their indexes and their checks.
"""

import argparse
import asyncio
import io
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import sqlalchemy as sa
from iati_import import KEY_NAME, backend_cpu_seconds, generate_and_measure, prepare
from lxml import etree
from scratch import Server
from systems import asyncpg_dsn

from db.engine import create_engine
from db.metadata import metadata
from iati.gc_tuning import fewer_collections
from iati.importing import IatiFile, import_files
from iati.reading import activity_schema

IMPORTED = "coopgraph_bench_floor_imported"
COPIED = "coopgraph_bench_floor_copied"

WRITABLE_COLUMNS = """
SELECT attname FROM pg_attribute
WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
ORDER BY attnum
"""


def visit(root: etree._Element) -> None:
    """Touch every element's attributes and text once, as any mapping to rows must."""
    for element in root.iter():
        for _ in element.attrib.items():
            pass
        _ = element.text


def reading_floor(path: Path) -> list[tuple[str, float]]:
    """CPU seconds of parsing, validating and visiting the file, in this process."""
    steps: list[tuple[str, float]] = []
    start = time.process_time()
    tree = etree.parse(str(path))
    steps.append(("parse (lxml)", time.process_time() - start))
    schema = activity_schema()
    start = time.process_time()
    if not schema.validate(tree):
        raise SystemExit(f"{path} does not validate against the 2.03 XSD")
    steps.append(("validate (XSD 2.03)", time.process_time() - start))
    start = time.process_time()
    visit(tree.getroot())
    steps.append(("visit every element once (Python)", time.process_time() - start))
    return steps


@dataclass
class CopiedTable:
    name: str
    rows: int
    seconds: float
    server_cpu: float | None
    left_out: str | None = None


async def import_file(server: Server, path: Path) -> int:
    """Import the file into ``IMPORTED`` in one transaction; the transaction's id."""
    engine = create_engine(server.url(IMPORTED))
    try:
        with fewer_collections():
            async with engine.connect() as conn:
                transaction = await conn.begin()
                xid = int(
                    (await conn.execute(sa.text("SELECT txid_current() % 4294967296"))).scalar_one()
                )
                with path.open("rb") as stream:
                    files = [IatiFile(path.name, stream)]
                    report = await import_files(conn, files, key_name=KEY_NAME)
                if report.problems:
                    raise SystemExit(f"the import reported problems: {report.problems[:3]}")
                await transaction.commit()
    finally:
        await engine.dispose()
    return xid


KEPT_BY_TRIGGERS = ("summary_", "change_counter")
"""Tables no code writes (``db.tables.statistics``, the change counter): the triggers of
the rows copied write them, as they did for the import's."""


def tables_in_key_order() -> Iterator[str]:
    for table in metadata.sorted_tables:
        if not table.name.startswith(KEPT_BY_TRIGGERS):
            yield table.name


async def copy_inserted(
    server: Server, xid: int, *, without_triggers: bool
) -> tuple[list[CopiedTable], float | None]:
    """Copy the rows transaction ``xid`` inserted in ``IMPORTED`` into ``COPIED``."""
    source = await asyncpg.connect(asyncpg_dsn(server.url(IMPORTED)))
    target = await asyncpg.connect(asyncpg_dsn(server.url(COPIED)))
    copied: list[CopiedTable] = []
    try:
        backend = int(await target.fetchval("SELECT pg_backend_pid()"))
        if without_triggers:
            # Foreign keys' checks are triggers too: this turns them off with the rest.
            await target.execute("SET session_replication_role = replica")
        # A row's xmin is a 32-bit transaction id (the import's, above, without its epoch);
        # those of the import's savepoints come after its own.
        inserted = "(xmin::text)::bigint >= $1"
        cpu_start = backend_cpu_seconds(backend)
        transaction = target.transaction()
        await transaction.start()
        for name in tables_in_key_order():
            columns = [r["attname"] for r in await source.fetch(WRITABLE_COLUMNS, name)]
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = int(
                await source.fetchval(f'SELECT count(*) FROM "{name}" WHERE {inserted}', xid)
            )
            if rows == 0:
                continue
            data = io.BytesIO()
            await source.copy_from_query(
                f'SELECT {quoted} FROM "{name}" WHERE {inserted}', xid, output=data, format="binary"
            )
            data.seek(0)
            before = backend_cpu_seconds(backend)
            start = time.perf_counter()
            left_out = None
            try:
                async with target.transaction():
                    await target.copy_to_table(name, source=data, columns=columns, format="binary")
            except asyncpg.UniqueViolationError:
                left_out = "updated by the import, not inserted: left out"
            after = backend_cpu_seconds(backend)
            copied.append(
                CopiedTable(
                    name,
                    rows,
                    time.perf_counter() - start,
                    None if before is None or after is None else after - before,
                    left_out,
                )
            )
        before = backend_cpu_seconds(backend)
        start = time.perf_counter()
        await transaction.commit()
        cpu_end = backend_cpu_seconds(backend)
        copied.append(
            CopiedTable(
                "(commit: the summaries' count)",
                0,
                time.perf_counter() - start,
                None if before is None or cpu_end is None else cpu_end - before,
            )
        )
    finally:
        await source.close()
        await target.close()
    server_cpu = None if cpu_start is None or cpu_end is None else cpu_end - cpu_start
    return copied, server_cpu


def print_floor(
    activities: int,
    reading: list[tuple[str, float]],
    copied: list[CopiedTable],
    server_cpu: float | None,
) -> None:
    reading_total = sum(s for _, s in reading)
    print(f"\nreading's floor ({activities} activities), CPU s of this process:")
    for step, spent in reading:
        print(f"  {spent:>7.2f}  {step}")
    print(f"  {reading_total:>7.2f}  in all: at most {activities / reading_total:.0f} activities/s")
    print("\ndatabase's floor: the import's rows by binary COPY in one transaction")
    print(f"  {'table':<34}{'rows':>9}{'seconds':>9}{'server CPU s':>14}")
    ranked = sorted(copied, key=lambda t: -(t.server_cpu or t.seconds))
    for table in ranked:
        cpu = "n/a" if table.server_cpu is None else f"{table.server_cpu:.2f}"
        note = f"  ({table.left_out})" if table.left_out else ""
        print(f"  {table.name:<34}{table.rows:>9}{table.seconds:>9.2f}{cpu:>14}{note}")
    rows = sum(t.rows for t in copied if t.left_out is None)
    copying = sum(t.seconds for t in copied)
    print(f"  {'in all, commit included':<34}{rows:>9}{copying:>9.2f}", end="")
    if server_cpu is None:
        print(f"{'n/a':>14}")
        return
    print(f"{server_cpu:>14.2f}")
    print(
        f"  one server process, one core: at most {activities / server_cpu:.0f} activities/s"
        f" ({server_cpu / activities * 1000:.2f} ms and"
        f" {server_cpu / rows * 1e6:.1f} µs per row of server CPU)"
    )


async def benchmark(
    path: Path, *, without_triggers: bool
) -> tuple[list[CopiedTable], float | None]:
    server = Server()
    await server.admin(
        *(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in (IMPORTED, COPIED)),
        f'CREATE DATABASE "{IMPORTED}"',
    )
    try:
        engine = create_engine(server.url(IMPORTED))
        try:
            await prepare(engine, summaries=True)
        finally:
            await engine.dispose()
        await server.admin(f'CREATE DATABASE "{COPIED}" TEMPLATE "{IMPORTED}"')
        start = time.perf_counter()
        xid = await import_file(server, path)
        print(f"imported into {IMPORTED} in {time.perf_counter() - start:.1f} s", flush=True)
        copied, server_cpu = await copy_inserted(server, xid, without_triggers=without_triggers)
    finally:
        await server.admin(
            *(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in (IMPORTED, COPIED))
        )
    return copied, server_cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--activities", type=int, default=1000, help="activities in the file")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--file", type=Path, help="an IATI file to use instead of generating one")
    parser.add_argument(
        "--without-triggers",
        action="store_true",
        help=(
            "copy with the triggers off, foreign keys' checks and the summaries' included"
            " (session_replication_role = replica; needs a superuser): what they cost"
        ),
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coopgraph-bench-floor-") as scratch:
        path = args.file
        activities = args.activities
        if path is None:
            path = Path(scratch) / "synthetic-iati.xml"
            generate_and_measure(path, activities, args.seed)
        else:
            activities = len(etree.parse(str(path)).getroot().findall("iati-activity"))
        reading = reading_floor(path)
        copied, server_cpu = asyncio.run(benchmark(path, without_triggers=args.without_triggers))
    print_floor(activities, reading, copied, server_cpu)
    return 0


if __name__ == "__main__":
    sys.exit(main())
