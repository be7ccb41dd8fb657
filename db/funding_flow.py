"""Funding chains across publishers, followed in one recursive statement.

Projects link when a transaction names the other's activity (``provider-activity-id`` on
incoming funds and commitments, ``receiver-activity-id`` on outgoing ones) or a
participating organisation names it (``activity-id``: a funder's activity upstream, an
implementer's or extending organisation's downstream). A link resolves to a project when
the database holds that activity identifier, at the time of the query, so files imported
in any order link up; otherwise the identifier is kept as a node of its own. A transaction
that names an organisation but no activity ends at an organisation node.

The walk goes from the roots upstream and downstream separately (``BOTH`` is the two
walks, never up then down to a sibling), each row one (project, depth, direction); a
``UNION`` drops repeats and the depth stops the walk, so a cycle (A funds B funds A) ends
at the cap rather than looping. Edges are the transactions of the projects reached
before the last level, each transaction once, summed per (source, target, type,
reporting project, currency), converted at each value date on request.
"""

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from db.conversion import rate_value

MAX_DEPTH = 6
"""Hops a flow may follow: a chain donor, agency, implementer, sub-grantee and two more
is longer than IATI data has been seen to link; every level multiplies what a query can
reach (and is counted in its cost)."""

MAX_EDGES = 500
"""Edges an answer holds at most (the largest first); ``truncated`` says when more exist."""

CURRENCY = re.compile(r"[A-Z]{3}")
"""An ISO 4217 code, the only text written into the statement rather than bound."""

OUTGOING = "('2', '3', '4', '12')"
INCOMING = "('1', '11', '13')"


class FlowDirection(StrEnum):
    UPSTREAM = "UPSTREAM"
    DOWNSTREAM = "DOWNSTREAM"
    BOTH = "BOTH"


def _organisation(side: str) -> str:
    return (
        f"'O:' || coalesce(o.code, t.{side}_org_ref, t.{side}_org_narratives->0->>'text', "
        "'unnamed')"
    )


_NEIGHBOURS = {
    "DOWN": f"""
    SELECT r.id AS project_id FROM activity_transaction t
    JOIN project r ON r.iati_identifier = t.receiver_activity_id
    WHERE t.project_id = w.project_id AND t.transaction_type IN {OUTGOING}
    UNION
    SELECT t.project_id FROM activity_transaction t
    WHERE t.provider_activity_id = me.iati_identifier AND t.transaction_type IN {INCOMING}
    UNION
    SELECT pp.project_id FROM project_partner pp
    WHERE pp.activity_id = me.iati_identifier AND pp.role = 'FUNDING'""",
    "UP": f"""
    SELECT s.id AS project_id FROM activity_transaction t
    JOIN project s ON s.iati_identifier = t.provider_activity_id
    WHERE t.project_id = w.project_id AND t.transaction_type IN {INCOMING}
    UNION
    SELECT t.project_id FROM activity_transaction t
    WHERE t.receiver_activity_id = me.iati_identifier AND t.transaction_type IN {OUTGOING}
    UNION
    SELECT pp.project_id FROM project_partner pp
    WHERE pp.activity_id = me.iati_identifier AND pp.role IN ('IMPLEMENTING', 'EXTENDING')""",
}
"""The projects one hop from a walk's row ``w`` (project ``me``), in each direction."""

_LINKED = {
    "DOWN": f"""
  SELECT t.id, t.project_id AS reporter, 'P:' || t.project_id AS source,
         coalesce('P:' || r.id, 'A:' || t.receiver_activity_id, {_organisation("receiver")})
           AS target,
         t.transaction_type, t.value, t.currency, coalesce(t.value_date, t.transaction_date)
           AS on_date
  FROM inner_nodes v
  JOIN activity_transaction t ON t.project_id = v.project_id
  LEFT JOIN project r ON r.iati_identifier = t.receiver_activity_id
  LEFT JOIN partner o ON o.id = t.receiver_partner_id
  WHERE v.direction = 'DOWN' AND t.transaction_type IN {OUTGOING}
  UNION
  SELECT t.id, t.project_id, 'P:' || v.project_id, 'P:' || t.project_id,
         t.transaction_type, t.value, t.currency, coalesce(t.value_date, t.transaction_date)
  FROM inner_nodes v
  JOIN activity_transaction t ON t.provider_activity_id = v.iati_identifier
  WHERE v.direction = 'DOWN' AND t.transaction_type IN {INCOMING}
    AND t.project_id <> v.project_id""",
    "UP": f"""
  SELECT t.id, t.project_id AS reporter,
         coalesce('P:' || s.id, 'A:' || t.provider_activity_id, {_organisation("provider")})
           AS source,
         'P:' || t.project_id AS target,
         t.transaction_type, t.value, t.currency, coalesce(t.value_date, t.transaction_date)
           AS on_date
  FROM inner_nodes v
  JOIN activity_transaction t ON t.project_id = v.project_id
  LEFT JOIN project s ON s.iati_identifier = t.provider_activity_id
  LEFT JOIN partner o ON o.id = t.provider_partner_id
  WHERE v.direction = 'UP' AND t.transaction_type IN {INCOMING}
  UNION
  SELECT t.id, t.project_id, 'P:' || t.project_id, 'P:' || v.project_id,
         t.transaction_type, t.value, t.currency, coalesce(t.value_date, t.transaction_date)
  FROM inner_nodes v
  JOIN activity_transaction t ON t.receiver_activity_id = v.iati_identifier
  WHERE v.direction = 'UP' AND t.transaction_type IN {OUTGOING}
    AND t.project_id <> v.project_id""",
}
"""The transactions of a walk's inner nodes (those before the last level), each way."""


def flow_sql(walks: Sequence[str], depth: int, *, one_root: bool, target: str | None) -> str:
    """The statement for these walks ("UP", "DOWN") to ``depth``, converting into
    ``target``: each a text of its own, planned with only its own branches, its cap and its
    currency, whose one parameter (a project's ``:root``, or the ``:publisher`` whose
    projects it starts from) changes no estimate, so PostgreSQL keeps one plan per
    connection rather than planning it at each request (a parameter currency made the
    generic plan look dearer than a planned one, and every request was planned)."""
    if target is None:
        rates = "\n  SELECT currency, on_date, NULL::numeric AS rate FROM linked WHERE false"
    else:
        if not CURRENCY.fullmatch(target):
            raise ValueError(f"{target!r} is not an ISO 4217 code")
        rates = f"""
  SELECT d.currency, d.on_date, {rate_value("d.currency", "d.on_date", f"'{target}'")} AS rate
  FROM (SELECT DISTINCT currency, on_date FROM linked WHERE currency IS NOT NULL) d"""
    roots = (
        "SELECT CAST(:root AS integer) AS id"
        if one_root
        else "SELECT id FROM project WHERE reporting_org_partner_id = :publisher"
    )
    directions = " UNION ALL ".join(f"SELECT '{w}' AS direction" for w in walks)
    neighbours = "\n    UNION".join(
        _NEIGHBOURS[w].replace("WHERE ", f"WHERE w.direction = '{w}' AND ")
        if len(walks) > 1
        else _NEIGHBOURS[w]
        for w in walks
    )
    linked = "\n  UNION".join(_LINKED[w] for w in walks)
    return f"""
WITH RECURSIVE walk(project_id, depth, direction) AS (
  SELECT r.id, 0, d.direction FROM ({roots}) AS r, ({directions}) AS d
  UNION
  SELECT n.project_id, w.depth + 1, w.direction
  FROM walk w
  JOIN project me ON me.id = w.project_id
  CROSS JOIN LATERAL ({neighbours}
  ) n
  WHERE w.depth < {depth} AND n.project_id <> w.project_id
),
visited AS (
  SELECT project_id, direction, min(depth) AS depth FROM walk GROUP BY project_id, direction
),
inner_nodes AS (
  SELECT v.project_id, v.direction, p.iati_identifier
  FROM visited v JOIN project p ON p.id = v.project_id
  WHERE v.depth < {depth}
),
linked AS ({linked}
),
rates AS ({rates}
),
edges AS (
  SELECT l.source, l.target, l.transaction_type, l.reporter, l.currency,
         sum(l.value) AS amount, count(*) AS transactions,
         array_agg(l.id ORDER BY l.on_date, l.id) AS transaction_ids,
         round(sum(l.value * r.rate), 2) AS converted,
         count(r.rate) AS converted_transactions,
         sum(l.value) FILTER (WHERE r.rate IS NULL) AS not_converted
  FROM linked l
  LEFT JOIN rates r ON r.currency = l.currency AND r.on_date = l.on_date
  GROUP BY l.source, l.target, l.transaction_type, l.reporter, l.currency
),
ranked AS (
  SELECT *, count(*) OVER () AS edge_count FROM edges
  ORDER BY abs(amount) DESC, source, target, transaction_type, reporter, currency
  LIMIT {MAX_EDGES}
),
nodes AS (
  SELECT v.project_id, v.depth, p.iati_identifier, p.title
  FROM (SELECT project_id, min(depth) AS depth FROM visited GROUP BY project_id) v
  JOIN project p ON p.id = v.project_id
)
SELECT json_build_object(
  'nodes', (SELECT coalesce(json_agg(json_build_object(
                'id', project_id, 'depth', depth, 'identifier', iati_identifier,
                'title', title) ORDER BY depth, project_id), '[]') FROM nodes),
  'edges', (SELECT coalesce(json_agg(json_build_object(
                'source', source, 'target', target, 'type', transaction_type,
                'reporter', reporter, 'currency', currency, 'amount', amount,
                'transactions', transactions, 'ids', transaction_ids,
                'converted', converted, 'converted_transactions', converted_transactions,
                'not_converted', not_converted)), '[]') FROM ranked),
  'edge_count', (SELECT coalesce(max(edge_count), 0) FROM ranked)
)::text
"""


@functools.lru_cache(maxsize=256)
def flow_statement(
    walks: tuple[str, ...], depth: int, one_root: bool, target: str | None
) -> sa.TextClause:
    parameter = "root" if one_root else "publisher"
    return sa.text(flow_sql(walks, depth, one_root=one_root, target=target)).bindparams(
        sa.bindparam(parameter, type_=sa.Integer())
    )


@dataclass(frozen=True)
class FlowRows:
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    edge_count: int


async def funding_flow(
    conn: AsyncConnection,
    *,
    root: int | None = None,
    publisher: int | None = None,
    direction: FlowDirection,
    depth: int,
    target: str | None,
) -> FlowRows:
    """The projects reached from project ``root``, or from the projects ``publisher``
    reports, within ``depth`` hops, and the edges between them and their leaves, in one
    statement."""
    walks = {
        FlowDirection.UPSTREAM: ("UP",),
        FlowDirection.DOWNSTREAM: ("DOWN",),
        FlowDirection.BOTH: ("UP", "DOWN"),
    }[direction]
    one_root = publisher is None
    text = await conn.scalar(
        flow_statement(walks, depth, one_root, target),
        {"root": root} if one_root else {"publisher": publisher},
    )
    found = json.loads(text or "{}", parse_float=Decimal)
    return FlowRows(
        nodes=found.get("nodes", []),
        edges=found.get("edges", []),
        edge_count=int(found.get("edge_count", 0)),
    )


async def traceability(
    conn: AsyncConnection, partner_ids: Sequence[int]
) -> dict[int, tuple[int, int]]:
    """Per publishing partner: its incoming-funds transactions, and those naming the
    provider's activity (the IATI Dashboard's traceability)."""
    rows = await conn.execute(
        sa.text(
            "SELECT p.reporting_org_partner_id AS partner, count(*) AS incoming, "
            "count(*) FILTER (WHERE coalesce(t.provider_activity_id, '') <> '') AS traced "
            "FROM activity_transaction t JOIN project p ON p.id = t.project_id "
            "WHERE t.transaction_type = '1' AND p.reporting_org_partner_id = ANY(:ids) "
            "GROUP BY p.reporting_org_partner_id"
        ).bindparams(sa.bindparam("ids", type_=ARRAY(sa.Integer()))),
        {"ids": list(partner_ids)},
    )
    return {row.partner: (row.incoming, row.traced) for row in rows}
