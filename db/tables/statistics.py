"""Aggregates of ``projectStats`` kept up to date by PostgreSQL as the data changes.

Grouping every project again on every request costs what the table holds (a second at
10,000 projects); these tables hold the answer instead, per bucket, and the triggers of
migrations 0011, 0012 and 0016 keep them right in the writing transaction itself, so every
writer (the mutations, the IATI import, the dataset loader, a hand-written ``UPDATE``) keeps
them without code of its own. No code writes them.

- ``summary_project`` and ``summary_project_money``: what each project counts for (its
  people, its amount per currency), as the stored snapshot the triggers take back before
  counting the project again.
- ``summary_membership``: the buckets each project is in, one row per distinct bucket.
- ``summary_bucket`` and ``summary_bucket_money``: one row per bucket (and currency), which
  a transaction's count updates by what its projects count for now less what they counted
  for, in bucket order, so two writers of the same buckets queue rather than deadlock. A
  bucket whose projects all left keeps its row, at zero.
- ``summary_pending`` and ``summary_flush``: a statement's trigger notes the projects it
  touched in the first (under its transaction's id, which finds them again at commit), and
  the transaction's first note queues a deferred constraint trigger (``summary_flushed``,
  on its one row of the second) that counts every noted project once, at commit. A count
  of a few projects writes only the rows whose figures change (0016): a new budget changes
  its buckets' amounts and nothing of their people. A transaction's own reads of the
  summaries see them as they were before its writes until then
  (``db.stats.flush_summaries`` runs the count early).

Qualifiers are kept as tallies of their terms (how many are exact, approximate, at least,
at most), from which ``db.stats`` combines a sum's qualifier as ``combined_qualifier``
does. Buckets are named by ``grouped_by`` (``TOTAL``, ``COUNTRY``, ``THEME``, ``PARTNER`` for
any role, ``PARTNER_FUNDING`` and the other roles, ``PROGRAMME``, ``STATUS``,
``START_YEAR``) and ``ref`` (a country code, a theme slug, a partner's or programme's id, a
status, a year; ``''`` for the total and for an unstated status or year).
"""

from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

TALLIED = ("targeted", "reached", "women")
"""Figures of people whose qualifier is tallied."""

TALLIES = ("terms", "exact", "approximate", "at_least", "at_most")


def tally_columns(prefix: str | None = None) -> list[str]:
    return [f"{prefix}_{t}" if prefix else t for t in TALLIES]


PEOPLE: dict[str, Any] = {
    "groups": sa.BigInteger,
    "groups_without_target": sa.BigInteger,
    "targeted": sa.BigInteger,
    "reached": sa.BigInteger,
    "women": sa.Numeric,
    "groups_without_share": sa.BigInteger,
    "targeted_without_share": sa.BigInteger,
    **{name: sa.BigInteger for figure in TALLIED for name in tally_columns(figure)},
}
"""A project's or a bucket's people, every column a sum over its beneficiary groups."""


def _figures(types: dict[str, Any]) -> list[sa.Column[Any]]:
    return [sa.Column(name, kind, nullable=False) for name, kind in types.items()]


summary_project = sa.Table(
    "summary_project",
    SQLModel.metadata,
    sa.Column("project_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("has_amount", sa.Boolean, nullable=False),
    *_figures(PEOPLE),
)

MONEY: dict[str, Any] = {"amount": sa.Numeric, **dict.fromkeys(TALLIES, sa.BigInteger)}

summary_project_money = sa.Table(
    "summary_project_money",
    SQLModel.metadata,
    sa.Column("project_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("currency", sa.String(3), primary_key=True),
    *_figures(MONEY),
)

summary_membership = sa.Table(
    "summary_membership",
    SQLModel.metadata,
    sa.Column("project_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("grouped_by", sa.Text, primary_key=True),
    sa.Column("ref", sa.Text, primary_key=True),
)

BUCKET: dict[str, Any] = {
    "projects": sa.BigInteger,
    "projects_without_amount": sa.BigInteger,
    **PEOPLE,
}

summary_bucket = sa.Table(
    "summary_bucket",
    SQLModel.metadata,
    sa.Column("grouped_by", sa.Text, nullable=False),
    sa.Column("ref", sa.Text, nullable=False),
    *_figures(BUCKET),
    sa.UniqueConstraint("grouped_by", "ref"),
)

summary_bucket_money = sa.Table(
    "summary_bucket_money",
    SQLModel.metadata,
    sa.Column("grouped_by", sa.Text, nullable=False),
    sa.Column("ref", sa.Text, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("records", sa.BigInteger, nullable=False),
    *_figures(MONEY),
    sa.UniqueConstraint("grouped_by", "ref", "currency"),
)

summary_pending = sa.Table(
    "summary_pending",
    SQLModel.metadata,
    sa.Column("xact", sa.BigInteger, nullable=False, server_default=sa.text("txid_current()")),
    sa.Column("project_id", sa.Integer, nullable=True),
    sa.Index("ix_summary_pending_xact", "xact"),
    prefixes=["UNLOGGED"],
)

summary_flush = sa.Table(
    "summary_flush",
    SQLModel.metadata,
    sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
    prefixes=["UNLOGGED"],
)


FLUSHED = "summary_flushed"
"""The deferred constraint trigger that counts a transaction's noted projects."""
