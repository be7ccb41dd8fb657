"""One ranked search across every searchable kind of record, in one statement."""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q
from db.text_search import SEARCH_CONFIG, matches, rank, search_query

HIGHLIGHT = "StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MinWords=5, MaxWords=24"
"""Matched words are wrapped in <mark>…</mark>; up to two fragments, joined by " ... "."""

SEARCHABLE: dict[str, tuple[sa.Table, sa.ColumnElement[Any]]] = {
    "project": (q.project, sa.func.concat_ws(". ", q.project.c.title, q.project.c.summary)),
    "programme": (
        q.programme,
        sa.func.concat_ws(". ", q.programme.c.name, q.programme.c.description),
    ),
    "outcome": (q.outcome, sa.func.concat_ws(". ", q.outcome.c.statement, q.outcome.c.indicator)),
    "beneficiary_group": (
        q.beneficiary_group,
        sa.func.concat_ws(". ", q.beneficiary_group.c.description, q.beneficiary_group.c.location),
    ),
}


async def search_records(conn: AsyncConnection, text: str, limit: int) -> Sequence[RowMapping]:
    """The best ``limit`` matches of every kind: ``kind``, ``id``, ``rank`` and ``snippet``."""
    hits = sa.union_all(
        *(
            sa.select(
                sa.literal(kind).label("kind"),
                table.c.id,
                rank(table.c.search_vector, text).label("rank"),
                document.label("document"),
            ).where(matches(table.c.search_vector, text))
            for kind, (table, document) in SEARCHABLE.items()
        )
    ).subquery("hits")
    # Highlighting is the costly part: only the rows that make the page are highlighted.
    best = (
        sa.select(hits)
        .order_by(hits.c.rank.desc(), hits.c.kind, hits.c.id)
        .limit(limit)
        .subquery("best")
    )
    stmt = sa.select(
        best.c.kind,
        best.c.id,
        best.c.rank,
        sa.func.ts_headline(
            sa.literal_column(f"'{SEARCH_CONFIG}'::regconfig"),
            best.c.document,
            search_query(text),
            HIGHLIGHT,
        ).label("snippet"),
    ).order_by(best.c.rank.desc(), best.c.kind, best.c.id)
    return (await conn.execute(stmt)).mappings().all()
