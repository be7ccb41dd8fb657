"""Audited writes with optimistic concurrency.

Each function writes one record and its audit entry on the caller's connection, inside the
caller's transaction: the API wraps a whole mutation in one, so a mutation lands whole or
not at all, and its audit entries with it. An update or delete names the version it read;
the row is locked and checked, so of two writers holding the same version exactly one
wins and the other is told (``StaleVersion``), never silently overwritten.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q
from db.enums import ChangeOperation
from db.metadata import table_of
from db.table_copy import copy_rows
from db.tables import Change

change = table_of(Change)

_NOT_AUDITED = {"id", "created_at", "updated_at", "version", "search_vector", "project_code"}


class WriteError(Exception):
    pass


@dataclass
class RecordMissing(WriteError):
    table: str
    record_id: int


@dataclass
class StaleVersion(WriteError):
    table: str
    record_id: int
    current: int


@dataclass
class StillReferenced(WriteError):
    table: str
    record_id: int
    references: dict[str, int]


_AS_THEY_ARE = frozenset({str, int, bool, float, dict, type(None)})
"""Types JSON holds as they are: most values of an audit entry, sorted out by one lookup
(an import audits hundreds of thousands of values; ``isinstance`` against ``Enum`` and the
rest costs several calls each)."""


def _plain(value: Any) -> Any:
    """A value as JSON can hold it, for the audit trail."""
    if type(value) in _AS_THEY_ARE:
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _project_of(table: sa.Table, row: Mapping[Any, Any]) -> int | None:
    if table is q.project:
        return int(row["id"])
    project_id = row.get("project_id")
    return None if project_id is None else int(project_id)


def _audited(values: Mapping[Any, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    # str(): a row's keys may be SQLAlchemy's ``quoted_name``, a str that orjson refuses.
    return {
        str(k): v if type(v) in _AS_THEY_ARE else _plain(v)
        for k, v in values.items()
        if k not in _NOT_AUDITED
    }


def _change_row(
    *,
    key_name: str,
    table: sa.Table,
    row: Mapping[Any, Any],
    operation: ChangeOperation,
    before: Mapping[Any, Any] | None,
    after: Mapping[Any, Any] | None,
) -> dict[str, Any]:
    return {
        "key_name": key_name,
        "record_type": table.name,
        "record_id": row["id"],
        "operation": operation.value,
        "before": _audited(before),
        "after": _audited(after),
        "project_id": _project_of(table, row),
        "record_version": row.get("version"),
    }


async def record_change(
    conn: AsyncConnection,
    *,
    key_name: str,
    table: sa.Table,
    row: Mapping[Any, Any],
    operation: ChangeOperation,
    before: Mapping[Any, Any] | None,
    after: Mapping[Any, Any] | None,
) -> None:
    await conn.execute(
        sa.insert(change).values(
            **_change_row(
                key_name=key_name,
                table=table,
                row=row,
                operation=operation,
                before=before,
                after=after,
            )
        )
    )


async def create(
    conn: AsyncConnection, table: sa.Table, values: Mapping[str, Any], *, key_name: str
) -> RowMapping:
    inserted = await conn.execute(sa.insert(table).values(**values).returning(table))
    row: RowMapping = inserted.mappings().one()
    await record_change(
        conn,
        key_name=key_name,
        table=table,
        row=row,
        operation=ChangeOperation.CREATE,
        before=None,
        after=row,
    )
    return row


def _entry_columns(table: sa.Table) -> list[sa.Column[Any]]:
    """What an audit entry reads of a created row: its id and version and the audited
    values. Not the rest: a ``search_vector`` (a tsvector of the row's text) would come back
    for every row of an import only to be dropped."""
    return [c for c in table.c if c.name in ("id", "version") or c.name not in _NOT_AUDITED]


async def create_many(
    conn: AsyncConnection,
    table: sa.Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    key_name: str,
    trail: list[dict[str, Any]] | None = None,
) -> None:
    """Several records of one table in one statement (an import writes thousands), in the
    order given. Their audit entries are written at once, or, given a ``trail``, added to it
    for the caller to write with ``record_changes`` in the same transaction: an importer
    writes the entries of all its tables together. Nothing is returned: the importer, its
    one caller, reserves the ids before it writes (``iati.pending_records``), so its rows
    go in by ``COPY`` (``_copied``)."""
    if not rows:
        return
    created = await _copied(conn, table, rows)
    if created is None:
        inserted = await conn.execute(
            sa.insert(table).returning(*_entry_columns(table), sort_by_parameter_order=True),
            [dict(r) for r in rows],
        )
        created = inserted.mappings().all()
    entries = [
        _change_row(
            key_name=key_name,
            table=table,
            row=row,
            operation=ChangeOperation.CREATE,
            before=None,
            after=row,
        )
        for row in created
    ]
    if trail is None:
        await record_changes(conn, entries)
    else:
        trail.extend(entries)


async def _copied(
    conn: AsyncConnection, table: sa.Table, rows: Sequence[Mapping[str, Any]]
) -> Sequence[RowMapping] | None:
    """Rows that carry their ids (reserved ahead, as an import does) and the same columns
    go in by ``COPY`` and are read back in one statement, defaults and triggers' values
    included, in the order given: for thousands of rows a fraction of what a multi-row
    ``INSERT ... RETURNING`` costs to build, bind and parse. None: the rows cannot (no id
    given, or columns that differ), and go in by ``INSERT``."""
    first = rows[0].keys()
    if "id" not in first or any(r.keys() != first for r in rows):
        return None
    await copy_rows(conn, table, [dict(r) for r in rows])
    ids = [r["id"] for r in rows]
    listed = sa.bindparam("ids", ids, type_=ARRAY(sa.BigInteger))
    found = await conn.execute(
        sa.select(*_entry_columns(table)).where(table.c.id == sa.any_(listed))
    )
    by_id = {row["id"]: row for row in found.mappings()}
    return [by_id[i] for i in ids]


async def record_changes(conn: AsyncConnection, entries: Sequence[Mapping[str, Any]]) -> None:
    """Many audit entries in one ``COPY``: one statement, so the change counter moves once
    (migration 0015), where a list of ``INSERT``s would run its statement trigger each."""
    await copy_rows(conn, change, [dict(e) for e in entries])


PARAMETERS_AT_ONCE = 30_000
"""Bind parameters per statement: PostgreSQL's protocol takes at most 32,767."""


def chunks(rows: Sequence[Any], width: int) -> list[Sequence[Any]]:
    """``rows`` in runs short enough for one statement each, at ``width`` parameters a row."""
    size = max(1, PARAMETERS_AT_ONCE // max(1, width))
    return [rows[i : i + size] for i in range(0, len(rows), size)]


async def update_many(
    conn: AsyncConnection,
    table: sa.Table,
    updates: Sequence[tuple[Mapping[Any, Any], Mapping[str, Any]]],
    *,
    key_name: str,
    trail: list[dict[str, Any]],
) -> None:
    """Update many records of one table in one statement, each ``(current, values)``: the
    record as the writer read it (with its ``version``) and the values it wants. As in
    ``update``, a record is written only if it is still at the version read, with its
    version raised and an audit entry of the fields that changed (added to ``trail``);
    one that was changed meanwhile raises ``StaleVersion`` (the caller rolls back)."""
    changes = [
        (current, {k: v for k, v in values.items() if current[k] != v})
        for current, values in updates
    ]
    changes = [(current, changed) for current, changed in changes if changed]
    if not changes:
        return
    columns = sorted({k for _, changed in changes for k in changed})
    keys = ["id", "version", *columns]
    for chunk in chunks(changes, len(keys)):
        # Bound (not literal NULLs), each with its column's type: every value is cast, and
        # goes through the type's processor as in ``update`` (a JSON None as JSON null).
        listed = [
            (current["id"], current["version"], *(changed.get(k, current[k]) for k in columns))
            for current, changed in chunk
        ]
        wanted = sa.values(*(sa.column(k, table.c[k].type) for k in keys), name="wanted").data(
            [
                tuple(
                    sa.bindparam(None, value, type_=table.c[k].type)
                    for k, value in zip(keys, row, strict=True)
                )
                for row in listed
            ]
        )
        stmt = (
            sa.update(table)
            .where(table.c.id == wanted.c.id, table.c.version == wanted.c.version)
            .values(
                {k: wanted.c[k] for k in columns}
                | {"version": table.c.version + 1, "updated_at": sa.func.now()}
            )
            .returning(table)
        )
        written = {row["id"]: row for row in (await conn.execute(stmt)).mappings()}
        for current, changed in chunk:
            row = written.get(current["id"])
            if row is None:
                raise await _stale(conn, table, current)
            trail.append(
                _change_row(
                    key_name=key_name,
                    table=table,
                    row=row,
                    operation=ChangeOperation.UPDATE,
                    before={k: current[k] for k in changed},
                    after={k: row[k] for k in changed},
                )
            )


async def delete_many(
    conn: AsyncConnection,
    table: sa.Table,
    rows: Sequence[Mapping[Any, Any]],
    *,
    key_name: str,
    trail: list[dict[str, Any]],
) -> None:
    """Delete many records (or links) of one table, as the writer read them, in one
    statement, each leaving its tombstone in ``trail``; a record changed or deleted
    meanwhile raises ``StaleVersion``, as ``delete`` would."""
    if not rows:
        return
    versioned = "version" in table.c
    for chunk in chunks(rows, 1):
        stmt = sa.delete(table).where(table.c.id.in_([r["id"] for r in chunk])).returning(table)
        deleted = {row["id"]: row for row in (await conn.execute(stmt)).mappings()}
        for read in chunk:
            row = deleted.get(read["id"])
            if row is None:
                raise await _stale(conn, table, read)
            if versioned and row["version"] != read["version"]:
                raise StaleVersion(table.name, int(read["id"]), int(row["version"]))
            trail.append(
                _change_row(
                    key_name=key_name,
                    table=table,
                    row=row,
                    operation=ChangeOperation.DELETE,
                    before=row,
                    after=None,
                )
            )


async def _stale(conn: AsyncConnection, table: sa.Table, read: Mapping[Any, Any]) -> StaleVersion:
    """What to raise for a record another write changed (or deleted) since it was read: the
    caller's statement left it alone, or found it changed."""
    current = await conn.scalar(
        sa.select(table.c.version if "version" in table.c else sa.literal(0)).where(
            table.c.id == read["id"]
        )
    )
    return StaleVersion(table.name, int(read["id"]), int(current or 0))


async def _locked(
    conn: AsyncConnection, table: sa.Table, record_id: int, version: int | None
) -> RowMapping:
    """The row, locked until the transaction ends, at the version the writer read."""
    row = (
        (await conn.execute(sa.select(table).where(table.c.id == record_id).with_for_update()))
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise RecordMissing(table.name, record_id)
    if version is not None and row["version"] != version:
        raise StaleVersion(table.name, record_id, row["version"])
    return row


async def update(
    conn: AsyncConnection,
    table: sa.Table,
    record_id: int,
    version: int,
    values: Mapping[str, Any],
    *,
    key_name: str,
) -> RowMapping:
    current = await _locked(conn, table, record_id, version)
    changed = {k: v for k, v in values.items() if current[k] != v}
    if not changed:
        return current
    row: RowMapping = (
        (
            await conn.execute(
                sa.update(table)
                .where(table.c.id == record_id)
                .values(**changed, version=table.c.version + 1, updated_at=sa.func.now())
                .returning(table)
            )
        )
        .mappings()
        .one()
    )
    await record_change(
        conn,
        key_name=key_name,
        table=table,
        row=row,
        operation=ChangeOperation.UPDATE,
        before={k: current[k] for k in changed},
        after={k: row[k] for k in changed},
    )
    return row


async def delete(
    conn: AsyncConnection,
    table: sa.Table,
    record_id: int,
    version: int | None,
    *,
    key_name: str,
) -> RowMapping:
    """Delete a record (``version`` None: a link, which has none); leave a tombstone."""
    current = (
        await _locked(conn, table, record_id, version)
        if "version" in table.c
        else (await conn.execute(sa.select(table).where(table.c.id == record_id).with_for_update()))
        .mappings()
        .one()
    )
    await conn.execute(sa.delete(table).where(table.c.id == record_id))
    await record_change(
        conn,
        key_name=key_name,
        table=table,
        row=current,
        operation=ChangeOperation.DELETE,
        before=current,
        after=None,
    )
    return current


async def delete_children(
    conn: AsyncConnection, table: sa.Table, column: str, parent_id: int, *, key_name: str
) -> Sequence[int]:
    """Delete the rows of ``table`` that belong to a parent being deleted, each with its
    tombstone, so a mirror syncing from the trail drops them too."""
    rows = (await conn.execute(sa.select(table).where(table.c[column] == parent_id))).mappings()
    deleted = []
    for row in rows.all():
        await delete(conn, table, row["id"], None, key_name=key_name)
        deleted.append(row["id"])
    return deleted


async def partner_references(conn: AsyncConnection, partner_id: int) -> dict[str, int]:
    """What still points at a partner, by kind, so deleting it never cascades silently."""
    counts = {
        "project_partner": sa.select(sa.func.count()).where(
            q.project_partner.c.partner_id == partner_id
        ),
        "programme_partner": sa.select(sa.func.count()).where(
            q.programme_partner.c.partner_id == partner_id
        ),
        "agreement_party": sa.select(sa.func.count()).where(
            q.agreement_party.c.partner_id == partner_id
        ),
        "contribution": sa.select(sa.func.count()).where(
            sa.or_(
                q.contribution.c.donor_id == partner_id,
                q.contribution.c.recipient_id == partner_id,
            )
        ),
        "partner": sa.select(sa.func.count()).where(q.partner.c.parent_id == partner_id),
    }
    stmt = sa.select(*(query.scalar_subquery().label(name) for name, query in counts.items()))
    row = (await conn.execute(stmt)).mappings().one()
    return {name: row[name] for name in counts if row[name]}


LINKS_OF_PARTNER = ("project_partner", "programme_partner", "agreement_party")
"""References a partner's deletion may remove when asked: links, not records."""


async def remove_partner_links(conn: AsyncConnection, partner_id: int, *, key_name: str) -> None:
    for name in LINKS_OF_PARTNER:
        await delete_children(conn, getattr(q, name), "partner_id", partner_id, key_name=key_name)
    children = (
        await conn.execute(sa.select(q.partner.c.id).where(q.partner.c.parent_id == partner_id))
    ).scalars()
    for child_id in children.all():
        child = await _locked(conn, q.partner, child_id, None)
        await update(
            conn, q.partner, child_id, child["version"], {"parent_id": None}, key_name=key_name
        )
