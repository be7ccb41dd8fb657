"""Many records created, updated or deleted in one statement keep what one at a time promises:
each only at the version its writer read, its version raised, its audit entry of what changed."""

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q
from db import writes
from tests.conftest import StatementCounter

KEY = "test:many"


async def projects(conn: AsyncConnection, count: int) -> list[RowMapping]:
    rows = await conn.execute(sa.select(q.project).order_by(q.project.c.id).limit(count))
    return list(rows.mappings().all())


async def test_update_many_writes_each_at_its_version_and_audits_what_changed(
    conn: AsyncConnection,
) -> None:
    first, second, third = await projects(conn, 3)
    trail: list[dict[str, Any]] = []
    await writes.update_many(
        conn,
        q.project,
        [
            (first, {"title": "First, renamed", "summary": first["summary"]}),
            (second, {"summary": None, "title_narratives": [{"lang": "fr", "text": "Deux"}]}),
            (third, {"title": third["title"]}),
        ],
        key_name=KEY,
        trail=trail,
    )
    now = {r["id"]: r for r in await projects(conn, 3)}
    assert now[first["id"]]["title"] == "First, renamed"
    assert now[second["id"]]["summary"] is None
    assert now[second["id"]]["title_narratives"] == [{"lang": "fr", "text": "Deux"}]
    assert [now[r["id"]]["version"] - r["version"] for r in (first, second, third)] == [1, 1, 0]
    assert [(e["record_id"], e["operation"], e["before"], e["after"]) for e in trail] == [
        (first["id"], "UPDATE", {"title": first["title"]}, {"title": "First, renamed"}),
        (
            second["id"],
            "UPDATE",
            {"summary": second["summary"], "title_narratives": second["title_narratives"]},
            {"summary": None, "title_narratives": [{"lang": "fr", "text": "Deux"}]},
        ),
    ]


async def test_update_many_refuses_a_record_changed_since_it_was_read(
    conn: AsyncConnection,
) -> None:
    first, second = await projects(conn, 2)
    await writes.update(
        conn, q.project, second["id"], second["version"], {"title": "Meanwhile"}, key_name=KEY
    )
    with pytest.raises(writes.StaleVersion) as stale:
        await writes.update_many(
            conn,
            q.project,
            [(first, {"title": "Mine"}), (second, {"title": "Mine too"})],
            key_name=KEY,
            trail=[],
        )
    assert (stale.value.table, stale.value.record_id) == ("project", second["id"])
    assert stale.value.current == second["version"] + 1


async def test_delete_many_leaves_tombstones_and_refuses_what_is_gone(
    conn: AsyncConnection,
) -> None:
    links = list(
        (await conn.execute(sa.select(q.project_theme).order_by(q.project_theme.c.id).limit(3)))
        .mappings()
        .all()
    )
    trail: list[dict[str, Any]] = []
    await writes.delete_many(conn, q.project_theme, links[:2], key_name=KEY, trail=trail)
    assert [(e["record_id"], e["operation"], e["after"]) for e in trail] == [
        (links[0]["id"], "DELETE", None),
        (links[1]["id"], "DELETE", None),
    ]
    assert trail[0]["before"]["theme_slug"] == links[0]["theme_slug"]
    left = await conn.scalar(
        sa.select(sa.func.count()).where(q.project_theme.c.id.in_([r["id"] for r in links]))
    )
    assert left == 1
    with pytest.raises(writes.StaleVersion):
        await writes.delete_many(conn, q.project_theme, links[1:], key_name=KEY, trail=[])


async def test_create_many_audits_as_one_at_a_time_and_fetches_no_search_vector(
    conn: AsyncConnection, statements: StatementCounter
) -> None:
    """The rows come back only for their audit entries: a ``search_vector`` (a tsvector for
    every row of an import) is not among what those read."""
    one = await writes.create(
        conn, q.programme, {"code": "one-at-a-time", "name": "Decent work"}, key_name=KEY
    )
    audited = await conn.execute(
        sa.select(writes.change.c.after).where(
            writes.change.c.record_type == "programme", writes.change.c.record_id == one["id"]
        )
    )
    single: dict[str, Any] = audited.scalar_one()
    trail: list[dict[str, Any]] = []
    await statements.clear()
    await writes.create_many(
        conn,
        q.programme,
        [{"code": "many-1", "name": "Decent work"}, {"code": "many-2", "name": "Decent work"}],
        key_name=KEY,
        trail=trail,
    )
    [insert] = await statements.sent()
    assert insert.startswith("INSERT INTO programme")
    assert "search_vector" not in insert
    assert [e["after"] for e in trail] == [
        {**single, "code": "many-1"},
        {**single, "code": "many-2"},
    ]
    assert {(e["operation"], e["record_version"]) for e in trail} == {("CREATE", 1)}
    vectors = await conn.scalars(
        sa.select(q.programme.c.search_vector).where(q.programme.c.code.in_(["many-1", "many-2"]))
    )
    assert all(vectors.all())
