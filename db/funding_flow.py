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

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from db.conversion import rate_lateral

MAX_DEPTH = 6
"""Hops a flow may follow: a chain donor, agency, implementer, sub-grantee and two more
is longer than IATI data has been seen to link; every level multiplies what a query can
reach (and is counted in its cost)."""

MAX_EDGES = 500
"""Edges an answer holds at most (the largest first); ``truncated`` says when more exist."""

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


FLOW = f"""
WITH RECURSIVE walk(project_id, depth, direction) AS (
  SELECT r.id, 0, d.direction
  FROM (SELECT unnest(CAST(:roots AS integer[])) AS id
        UNION
        SELECT id FROM project WHERE reporting_org_partner_id = :publisher) AS r,
       unnest(CAST(:directions AS text[])) AS d(direction)
  UNION
  SELECT n.project_id, w.depth + 1, w.direction
  FROM walk w
  JOIN project me ON me.id = w.project_id
  CROSS JOIN LATERAL (
    SELECT r.id AS project_id FROM activity_transaction t
    JOIN project r ON r.iati_identifier = t.receiver_activity_id
    WHERE w.direction = 'DOWN' AND t.project_id = w.project_id
      AND t.transaction_type IN {OUTGOING}
    UNION
    SELECT t.project_id FROM activity_transaction t
    WHERE w.direction = 'DOWN' AND t.provider_activity_id = me.iati_identifier
      AND t.transaction_type IN {INCOMING}
    UNION
    SELECT pp.project_id FROM project_partner pp
    WHERE w.direction = 'DOWN' AND pp.activity_id = me.iati_identifier
      AND pp.role = 'FUNDING'
    UNION
    SELECT s.id FROM activity_transaction t
    JOIN project s ON s.iati_identifier = t.provider_activity_id
    WHERE w.direction = 'UP' AND t.project_id = w.project_id
      AND t.transaction_type IN {INCOMING}
    UNION
    SELECT t.project_id FROM activity_transaction t
    WHERE w.direction = 'UP' AND t.receiver_activity_id = me.iati_identifier
      AND t.transaction_type IN {OUTGOING}
    UNION
    SELECT pp.project_id FROM project_partner pp
    WHERE w.direction = 'UP' AND pp.activity_id = me.iati_identifier
      AND pp.role IN ('IMPLEMENTING', 'EXTENDING')
  ) n
  WHERE w.depth < :depth AND n.project_id <> w.project_id
),
visited AS (
  SELECT project_id, direction, min(depth) AS depth FROM walk GROUP BY project_id, direction
),
linked AS (
  SELECT t.id, t.project_id AS reporter, 'P:' || t.project_id AS source,
         coalesce('P:' || r.id, 'A:' || t.receiver_activity_id, {_organisation("receiver")})
           AS target,
         t.transaction_type, t.value, t.currency, coalesce(t.value_date, t.transaction_date)
           AS on_date
  FROM visited v
  JOIN activity_transaction t ON t.project_id = v.project_id
  LEFT JOIN project r ON r.iati_identifier = t.receiver_activity_id
  LEFT JOIN partner o ON o.id = t.receiver_partner_id
  WHERE v.direction = 'DOWN' AND v.depth < :depth AND t.transaction_type IN {OUTGOING}
  UNION
  SELECT t.id, t.project_id, 'P:' || v.project_id, 'P:' || t.project_id,
         t.transaction_type, t.value, t.currency, coalesce(t.value_date, t.transaction_date)
  FROM visited v
  JOIN project me ON me.id = v.project_id
  JOIN activity_transaction t ON t.provider_activity_id = me.iati_identifier
  WHERE v.direction = 'DOWN' AND v.depth < :depth AND t.transaction_type IN {INCOMING}
    AND t.project_id <> v.project_id
  UNION
  SELECT t.id, t.project_id,
         coalesce('P:' || s.id, 'A:' || t.provider_activity_id, {_organisation("provider")}),
         'P:' || t.project_id,
         t.transaction_type, t.value, t.currency, coalesce(t.value_date, t.transaction_date)
  FROM visited v
  JOIN activity_transaction t ON t.project_id = v.project_id
  LEFT JOIN project s ON s.iati_identifier = t.provider_activity_id
  LEFT JOIN partner o ON o.id = t.provider_partner_id
  WHERE v.direction = 'UP' AND v.depth < :depth AND t.transaction_type IN {INCOMING}
  UNION
  SELECT t.id, t.project_id, 'P:' || t.project_id, 'P:' || v.project_id,
         t.transaction_type, t.value, t.currency, coalesce(t.value_date, t.transaction_date)
  FROM visited v
  JOIN project me ON me.id = v.project_id
  JOIN activity_transaction t ON t.receiver_activity_id = me.iati_identifier
  WHERE v.direction = 'UP' AND v.depth < :depth AND t.transaction_type IN {OUTGOING}
    AND t.project_id <> v.project_id
),
rates AS (
  SELECT d.currency, d.on_date, fx.rate
  FROM (SELECT DISTINCT currency, on_date FROM linked
        WHERE CAST(:target AS text) IS NOT NULL AND currency IS NOT NULL) d
  {rate_lateral("d.currency", "d.on_date", "CAST(:target AS text)")}
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
  SELECT v.project_id, min(v.depth) AS depth, p.iati_identifier, p.title
  FROM visited v JOIN project p ON p.id = v.project_id
  GROUP BY v.project_id, p.iati_identifier, p.title
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

FLOW_STATEMENT = sa.text(FLOW).bindparams(
    sa.bindparam("roots", type_=ARRAY(sa.Integer())),
    sa.bindparam("directions", type_=ARRAY(sa.String())),
    sa.bindparam("target", type_=sa.String()),
    sa.bindparam("publisher", type_=sa.Integer()),
)


@dataclass(frozen=True)
class FlowRows:
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    edge_count: int


async def funding_flow(
    conn: AsyncConnection,
    *,
    roots: Sequence[int],
    publisher: int | None = None,
    direction: FlowDirection,
    depth: int,
    target: str | None,
) -> FlowRows:
    """The projects reached from ``roots`` (and the projects ``publisher`` reports) within
    ``depth`` hops, and the edges between them and their leaves, in one statement."""
    directions = {
        FlowDirection.UPSTREAM: ["UP"],
        FlowDirection.DOWNSTREAM: ["DOWN"],
        FlowDirection.BOTH: ["UP", "DOWN"],
    }[direction]
    text = await conn.scalar(
        FLOW_STATEMENT,
        {
            "roots": list(roots),
            "publisher": publisher,
            "directions": directions,
            "depth": depth,
            "target": target,
        },
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
