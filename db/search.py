"""One ranked search across every searchable kind of record, in one statement.

The text is parsed into a ``tsquery`` once per statement, in a materialised CTE that every
table's match, rank and snippet read. Written as ``websearch_to_tsquery($n)`` at each use
instead, it is constant-folded only in a custom plan; the generic plan a prepared statement
settles on after five runs (asyncpg prepares every statement) parsed the text again for
every matching row's rank, and its cost, so inflated, made the planner run the union on two
parallel workers: twice the hand-written statement's time (``bench/queries/q6.sql``, whose
CTE does the same). A materialised CTE is parallel-restricted too, as the floor's is."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q
from db.text_search import SEARCH_CONFIG, search_query

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


@dataclass(frozen=True)
class Matches:
    """A search's best matches: ``best`` (``kind``, ``id``, ``rank`` and the ``document`` a
    snippet is cut from, best first) and ``query``, the text parsed once, which the snippets
    of the page highlight."""

    best: sa.Subquery
    query: sa.ColumnElement[Any]


def best_matches(text: str, limit: int) -> Matches:
    """The best ``limit`` matches of every kind."""
    parsed = sa.select(search_query(text).label("q")).cte().prefix_with("MATERIALIZED")
    hits = sa.union_all(
        *(
            sa.select(
                sa.literal_column(f"'{kind}'", sa.Text).label("kind"),
                table.c.id,
                sa.func.ts_rank_cd(table.c.search_vector, parsed.c.q, type_=sa.Float).label("rank"),
                document.label("document"),
            )
            .select_from(table.join(parsed, sa.true()))
            .where(table.c.search_vector.bool_op("@@")(parsed.c.q))
            for kind, (table, document) in SEARCHABLE.items()
        )
    ).subquery("hits")
    best = sa.select(hits).order_by(*best_first(hits)).limit(limit).subquery("best")
    return Matches(best, sa.select(parsed.c.q).scalar_subquery())


def best_first(hits: sa.FromClause) -> list[sa.ColumnElement[Any]]:
    return [hits.c.rank.desc(), hits.c.kind, hits.c.id]


def snippet(document: sa.ColumnElement[Any], query: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
    """The document's matching passage. Highlighting is the costly part: only the rows that
    make the page are highlighted."""
    return sa.func.ts_headline(
        sa.literal_column(f"'{SEARCH_CONFIG}'::regconfig"),
        document,
        query,
        HIGHLIGHT,
        type_=sa.Text,
    )


async def search_records(conn: AsyncConnection, text: str, limit: int) -> Sequence[RowMapping]:
    """The best ``limit`` matches of every kind: ``kind``, ``id``, ``rank`` and ``snippet``."""
    matches = best_matches(text, limit)
    best = matches.best
    stmt = sa.select(
        best.c.kind,
        best.c.id,
        best.c.rank,
        snippet(best.c.document, matches.query).label("snippet"),
    ).order_by(*best_first(best))
    return (await conn.execute(stmt)).mappings().all()
