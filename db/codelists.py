"""The IATI codelists in the database: which codes are known, and loading newer lists.

The statements name their tables and columns with ``sa.table`` rather than the SQLModel
classes, so migration 0008, which loads the bundled lists through them, keeps working
whatever later migrations add to those tables.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from db.codelist_files import CodeItem, CodelistFile

codelist = sa.table(
    "codelist",
    sa.column("name", sa.String),
    sa.column("language", sa.String),
    sa.column("embedded", sa.Boolean),
    sa.column("complete", sa.Boolean),
    sa.column("category_codelist", sa.String),
    sa.column("titles", JSONB),
    sa.column("source", sa.String),
    sa.column("loaded_at", sa.DateTime(timezone=True)),
)
codelist_code = sa.table(
    "codelist_code",
    sa.column("codelist", sa.String),
    sa.column("code", sa.String),
    sa.column("names", JSONB),
    sa.column("descriptions", JSONB),
    sa.column("category", sa.String),
    sa.column("withdrawn", sa.Boolean),
    sa.column("withdrawal_date", sa.Date),
    sa.column("url", sa.String),
)
_country = sa.table(
    "country",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("alternative_names", sa.ARRAY(sa.Text)),
)
_region = sa.table("region", sa.column("code", sa.String), sa.column("name", sa.String))

REFERENCE_ROWS = {"Country": _country, "Region": _region}
"""Codelists whose codes are also rows projects link to: every country of the Country list,
every region of the Region list (the OECD DAC regions, RegionVocabulary 1)."""


@dataclass(frozen=True)
class CodeInfo:
    """What the import needs of a code to warn about it."""

    name: str | None
    """In the codelist's own language (English), else any it has."""
    category: str | None
    withdrawn: bool
    names: dict[str, str] = field(default_factory=dict)


async def known_codes(conn: AsyncConnection, codelist: str) -> dict[str, CodeInfo]:
    """Every code of ``codelist`` (``Sector``, ``Country``...), withdrawn ones included;
    empty for a codelist the database does not hold."""
    rows = await conn.execute(_codes_query([codelist]))
    return {row.code: _info(row) for row in rows}


async def known_codes_of(
    conn: AsyncConnection, codelists: Sequence[str]
) -> dict[str, dict[str, CodeInfo]]:
    """The codes of several codelists in one statement, by codelist."""
    found: dict[str, dict[str, CodeInfo]] = {name: {} for name in codelists}
    for row in await conn.execute(_codes_query(codelists)):
        found[row.codelist][row.code] = _info(row)
    return found


def _codes_query(codelists: Sequence[str]) -> sa.Select[Any]:
    c = codelist_code.c
    return (
        sa.select(c.codelist, c.code, c.names, c.category, c.withdrawn, codelist.c.language)
        .join(codelist, codelist.c.name == c.codelist)
        .where(c.codelist.in_(list(codelists)))
    )


def _info(row: Any) -> CodeInfo:
    names: dict[str, str] = dict(row.names)
    name = names.get(row.language) or next(iter(names.values()), None)
    return CodeInfo(name=name, category=row.category, withdrawn=row.withdrawn, names=names)


@dataclass
class CodelistChange:
    """What loading one file changed."""

    codelist: str
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    reference_rows: int = 0


def _item_row(name: str, item: CodeItem) -> dict[str, Any]:
    return {
        "codelist": name,
        "code": item.code,
        "names": item.names,
        "descriptions": item.descriptions,
        "category": item.category,
        "withdrawn": item.withdrawn,
        "withdrawal_date": item.withdrawal_date,
        "url": item.url,
    }


def codelist_statements(file: CodelistFile, source: str) -> list[sa.Executable]:
    """Upserts of the codelist and its codes. Codes the file no longer
    lists are kept: IATI withdraws codes rather than deleting them, and stored data may use
    them."""
    head = {
        "name": file.name,
        "language": file.language,
        "embedded": file.embedded,
        "complete": file.complete,
        "category_codelist": file.category_codelist,
        "titles": file.titles,
        "source": source,
    }
    upsert_head = insert(codelist).values(head)
    statements: list[sa.Executable] = [
        upsert_head.on_conflict_do_update(
            index_elements=["name"],
            set_={
                **{k: upsert_head.excluded[k] for k in head if k != "name"},
                "loaded_at": sa.func.now(),
            },
        )
    ]
    rows = [_item_row(file.name, item) for item in file.items]
    if rows:
        upsert = insert(codelist_code).values(rows)
        updated = ("names", "descriptions", "category", "withdrawn", "withdrawal_date", "url")
        current = sa.tuple_(*(codelist_code.c[k] for k in updated))
        incoming = sa.tuple_(*(upsert.excluded[k] for k in updated))
        statements.append(
            upsert.on_conflict_do_update(
                index_elements=["codelist", "code"],
                set_={k: upsert.excluded[k] for k in updated},
                where=current.is_distinct_from(incoming),
            )
        )
    return statements


def reference_statements(file: CodelistFile) -> list[sa.Executable]:
    """New countries and regions, named as the codelist names them. Rows already there keep
    their names: the seed owns the dataset countries' names, official and alternative names
    (``Viet Nam``, ``Turkey``), and a project's link must not change under it."""
    table = REFERENCE_ROWS.get(file.name)
    if table is None:
        return []
    rows = [
        {"code": item.code, "name": item.names.get(file.language) or item.code}
        for item in file.items
        if file.name != "Country" or _is_country_code(item.code)
    ]
    if not rows:
        return []
    return [insert(table).values(rows).on_conflict_do_nothing(index_elements=["code"])]


def _is_country_code(code: str) -> bool:
    return len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()


def load_bundled(connection: Connection, files: Iterable[CodelistFile]) -> None:
    """For migration 0008, on Alembic's synchronous connection."""
    for file in files:
        for statement in [*codelist_statements(file, "bundled"), *reference_statements(file)]:
            connection.execute(statement)


async def update_codelists(
    conn: AsyncConnection, files: Iterable[CodelistFile], source: str
) -> list[CodelistChange]:
    """Load newer codelist files; report per codelist the codes added, changed, unchanged."""
    report: list[CodelistChange] = []
    for file in files:
        before = {
            row.code: row
            for row in await conn.execute(
                sa.select(codelist_code).where(codelist_code.c.codelist == file.name)
            )
        }
        change = CodelistChange(file.name)
        for item in file.items:
            old = before.get(item.code)
            if old is None:
                change.added += 1
            elif _item_row(file.name, item) == dict(old._mapping):
                change.unchanged += 1
            else:
                change.changed += 1
        for statement in codelist_statements(file, source):
            await conn.execute(statement)
        for statement in reference_statements(file):
            change.reference_rows += (await conn.execute(statement)).rowcount
        report.append(change)
    return report


async def codes_by_key(
    conn: AsyncConnection, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], CodeInfo]:
    """The codes asked for as ``(codelist, code)``, in one statement; a code the codelist
    lacks is absent from the answer."""
    c = codelist_code.c
    wanted = sa.values(
        sa.column("codelist", sa.String), sa.column("code", sa.String), name="wanted"
    ).data(list(keys))
    stmt = (
        sa.select(c.codelist, c.code, c.names, c.category, c.withdrawn, codelist.c.language)
        .join(codelist, codelist.c.name == c.codelist)
        .join(wanted, sa.and_(wanted.c.codelist == c.codelist, wanted.c.code == c.code))
    )
    return {(row.codelist, row.code): _info(row) for row in await conn.execute(stmt)}
