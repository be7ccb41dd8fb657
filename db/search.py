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


def best_matches(text: str, limit: int) -> sa.Subquery:
    """The best ``limit`` matches of every kind, best first: ``kind``, ``id``, ``rank`` and
    the ``document`` a snippet is cut from."""
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
    return sa.select(hits).order_by(*best_first(hits)).limit(limit).subquery("best")


def best_first(hits: sa.FromClause) -> list[sa.ColumnElement[Any]]:
    return [hits.c.rank.desc(), hits.c.kind, hits.c.id]


def snippet(document: sa.ColumnElement[Any], text: str) -> sa.ColumnElement[str]:
    """The document's matching passage. Highlighting is the costly part: only the rows that
    make the page are highlighted."""
    return sa.func.ts_headline(
        sa.literal_column(f"'{SEARCH_CONFIG}'::regconfig"),
        document,
        search_query(text),
        HIGHLIGHT,
        type_=sa.Text,
    )


async def search_records(conn: AsyncConnection, text: str, limit: int) -> Sequence[RowMapping]:
    """The best ``limit`` matches of every kind: ``kind``, ``id``, ``rank`` and ``snippet``."""
    best = best_matches(text, limit)
    stmt = sa.select(
        best.c.kind, best.c.id, best.c.rank, snippet(best.c.document, text).label("snippet")
    ).order_by(*best_first(best))
    return (await conn.execute(stmt)).mappings().all()
