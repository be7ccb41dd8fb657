"""``projectStats``'s aggregates kept up to date in the writing transaction: the summary
tables of ``db/tables/statistics.py`` and the statement-level triggers that maintain them.

Every statement that writes a project, its partners, countries, themes, programmes or
beneficiary groups fires one trigger (transition tables, not one call per row). It takes
the changed projects' ids and calls ``summary_refresh``, which, under a lock per project
(so two writers of one project take turns), adds to each bucket the negation of what the
projects counted for (their stored snapshot), computes them again from the tables, and adds
what they count for now. Buckets are partial sums (rows added, never updated), so writers
of different projects never wait for each other on a shared row (the total's, a top
funder's). Now and then (one refresh in 32 at random, and after a write of 1,000 projects
or more) ``summary_compact`` folds them back into one row per bucket, by the writer that
holds the compaction lock (one at a time, never waited for; only in READ COMMITTED, the
service's, whose statements each see what committed before them). The functions plan their
statements once per session (generic plans): a custom plan of the wide aggregates costs
more than running them. TRUNCATE is not followed: empty the tables with DELETE.

Revision ID: 0011
Revises: 0007
"""

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of db/tables/statistics.py's columns: a migration must not change when the
# models change later.
TALLIES = ("terms", "exact", "approximate", "at_least", "at_most")
TALLIED = ("targeted", "reached", "women")
PEOPLE: dict[str, Any] = {
    "groups": sa.BigInteger,
    "groups_without_target": sa.BigInteger,
    "targeted": sa.BigInteger,
    "reached": sa.BigInteger,
    "women": sa.Numeric,
    "groups_without_share": sa.BigInteger,
    "targeted_without_share": sa.BigInteger,
    **{f"{figure}_{t}": sa.BigInteger for figure in TALLIED for t in TALLIES},
}
MONEY: dict[str, Any] = {"amount": sa.Numeric, **dict.fromkeys(TALLIES, sa.BigInteger)}
PROJECT_LOCK = 22011
"""Advisory lock class of ``pg_advisory_xact_lock(class, project id)``."""
COMPACTION_LOCK = 22012
COMPACT_EVERY = 32
"""One refresh in this many, at random, compacts the partial sums."""

# The columns whose change changes what a row counts for, per table (and the column naming
# its project); a change elsewhere (a title, a version) refreshes nothing.
WATCHED = {
    "project": (
        "id",
        (
            "status",
            "effective_start",
            "budget_amount",
            "budget_currency",
            "budget_amount_qualifier",
        ),
    ),
    "project_partner": (
        "project_id",
        ("project_id", "partner_id", "role", "amount", "currency", "amount_qualifier"),
    ),
    "project_country": ("project_id", ("project_id", "country_code")),
    "project_theme": ("project_id", ("project_id", "theme_slug")),
    "project_programme": ("project_id", ("project_id", "programme_id")),
    "beneficiary_group": (
        "project_id",
        (
            "project_id",
            "target_count",
            "target_count_qualifier",
            "reached_count",
            "reached_count_qualifier",
            "women_share",
            "women_share_qualifier",
        ),
    ),
}


def _columns(types: dict[str, Any]) -> list[sa.Column[Any]]:
    return [sa.Column(name, kind, nullable=False) for name, kind in types.items()]


def _tallies(prefix: str, where: str, *qualifiers: str) -> list[str]:
    """``combined_qualifier``'s tests, counted: terms, all exact, any approximate, any at
    least, any at most."""

    def any_is(value: str) -> str:
        return " OR ".join(f"{q} = '{value}'" for q in qualifiers)

    all_exact = " AND ".join(f"{q} = 'EXACT'" for q in qualifiers)
    tests = [
        "true",
        all_exact,
        any_is("APPROXIMATE"),
        any_is("AT_LEAST"),
        any_is("AT_MOST"),
    ]
    return [f"count(*) FILTER (WHERE {where} AND ({test}))" for test in tests]


TARGETED = "g.target_count IS NOT NULL"
WITH_SHARE = "g.target_count IS NOT NULL AND g.women_share IS NOT NULL"
WITHOUT_SHARE = "g.target_count IS NOT NULL AND g.women_share IS NULL"
PEOPLE_OF_A_PROJECT = [
    "count(g.id)",
    "count(g.id) FILTER (WHERE g.target_count IS NULL)",
    "coalesce(sum(g.target_count), 0)",
    "coalesce(sum(g.reached_count), 0)",
    f"coalesce(sum(g.target_count * g.women_share / 100) FILTER (WHERE {WITH_SHARE}), 0)",
    f"count(g.id) FILTER (WHERE {WITHOUT_SHARE})",
    f"coalesce(sum(g.target_count) FILTER (WHERE {WITHOUT_SHARE}), 0)",
    *_tallies("targeted", TARGETED, "g.target_count_qualifier"),
    *_tallies("reached", "g.reached_count IS NOT NULL", "g.reached_count_qualifier"),
    *_tallies("women", WITH_SHARE, "g.target_count_qualifier", "g.women_share_qualifier"),
]


def _list(names: Iterable[str], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{name}" for name in names)


def _signed_sums(names: Sequence[str], alias: str) -> str:
    return ", ".join(f"sign * sum({alias}.{name})" for name in names)


def _sums(names: Sequence[str]) -> str:
    return ", ".join(f"sum({name})" for name in names)


MONEY_TERMS = _tallies("money", "true", "money.qualifier")

COMPACT = f"""
CREATE FUNCTION summary_compact() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed'
     OR NOT pg_try_advisory_xact_lock({COMPACTION_LOCK}, 0) THEN
    RETURN;
  END IF;
  WITH gone AS (DELETE FROM summary_bucket RETURNING *)
  INSERT INTO summary_bucket (grouped_by, ref, projects, projects_without_amount, {_list(PEOPLE)})
  SELECT grouped_by, ref, sum(projects), sum(projects_without_amount), {_sums(list(PEOPLE))}
  FROM gone GROUP BY grouped_by, ref HAVING sum(projects) <> 0;
  WITH gone AS (DELETE FROM summary_bucket_money RETURNING *)
  INSERT INTO summary_bucket_money (grouped_by, ref, currency, records, {_list(MONEY)})
  SELECT grouped_by, ref, currency, sum(records), {_sums(list(MONEY))}
  FROM gone GROUP BY grouped_by, ref, currency HAVING sum(records) <> 0;
END
$$
"""

COUNT = f"""
CREATE FUNCTION summary_count(ids integer[], sign integer) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  INSERT INTO summary_bucket (grouped_by, ref, projects, projects_without_amount, {_list(PEOPLE)})
  SELECT m.grouped_by, m.ref, sign * count(*), sign * count(*) FILTER (WHERE NOT f.has_amount),
         {_signed_sums(list(PEOPLE), "f")}
  FROM summary_membership m JOIN summary_project f USING (project_id)
  WHERE m.project_id IN (SELECT unnest(ids))
  GROUP BY m.grouped_by, m.ref;
  INSERT INTO summary_bucket_money (grouped_by, ref, currency, records, {_list(MONEY)})
  SELECT m.grouped_by, m.ref, pm.currency, sign * count(*), {_signed_sums(list(MONEY), "pm")}
  FROM summary_membership m JOIN summary_project_money pm USING (project_id)
  WHERE m.project_id IN (SELECT unnest(ids))
  GROUP BY m.grouped_by, m.ref, pm.currency;
END
$$
"""

REFRESH = f"""
CREATE FUNCTION summary_refresh(changed integer[]) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  ids integer[];
BEGIN
  SELECT array_agg(DISTINCT id ORDER BY id) INTO ids FROM unnest(changed) AS id
  WHERE id IS NOT NULL;
  IF ids IS NULL THEN
    RETURN;
  END IF;
  -- In id order, so two writers of the same projects queue rather than deadlock.
  PERFORM pg_advisory_xact_lock({PROJECT_LOCK}, id) FROM unnest(ids) AS id;
  PERFORM summary_count(ids, -1);
  DELETE FROM summary_membership WHERE project_id IN (SELECT unnest(ids));
  DELETE FROM summary_project_money WHERE project_id IN (SELECT unnest(ids));
  DELETE FROM summary_project WHERE project_id IN (SELECT unnest(ids));

  -- Each project's amount per currency: its budget where stated, else its funders' stated
  -- amounts (db/stats.py's _money).
  INSERT INTO summary_project_money (project_id, currency, {_list(MONEY)})
  SELECT money.project_id, money.currency, sum(money.amount), {", ".join(MONEY_TERMS)}
  FROM (
    SELECT p.id AS project_id, p.budget_currency AS currency, p.budget_amount AS amount,
           p.budget_amount_qualifier::text AS qualifier
    FROM project p WHERE p.id IN (SELECT unnest(ids)) AND p.budget_amount IS NOT NULL
    UNION ALL
    SELECT pp.project_id, pp.currency, pp.amount, pp.amount_qualifier::text
    FROM project_partner pp JOIN project p ON p.id = pp.project_id
    WHERE pp.project_id IN (SELECT unnest(ids)) AND pp.amount IS NOT NULL AND pp.role::text = 'FUNDING'
      AND p.budget_amount IS NULL
  ) money
  GROUP BY money.project_id, money.currency;

  INSERT INTO summary_project (project_id, has_amount, {_list(PEOPLE)})
  SELECT p.id, EXISTS (SELECT FROM summary_project_money pm WHERE pm.project_id = p.id),
         people.*
  FROM project p
  CROSS JOIN LATERAL (
    SELECT {", ".join(PEOPLE_OF_A_PROJECT)}
    FROM beneficiary_group g WHERE g.project_id = p.id
  ) people
  WHERE p.id IN (SELECT unnest(ids));

  INSERT INTO summary_membership (project_id, grouped_by, ref)
  SELECT p.id, 'TOTAL', '' FROM project p WHERE p.id IN (SELECT unnest(ids))
  UNION
  SELECT p.id, 'STATUS', coalesce(p.status::text, '') FROM project p WHERE p.id IN (SELECT unnest(ids))
  UNION
  SELECT p.id, 'START_YEAR', coalesce(extract(year FROM p.effective_start)::integer::text, '')
  FROM project p WHERE p.id IN (SELECT unnest(ids))
  UNION
  SELECT l.project_id, 'COUNTRY', l.country_code
  FROM project_country l JOIN project p ON p.id = l.project_id WHERE l.project_id IN (SELECT unnest(ids))
  UNION
  SELECT l.project_id, 'THEME', l.theme_slug
  FROM project_theme l JOIN project p ON p.id = l.project_id WHERE l.project_id IN (SELECT unnest(ids))
  UNION
  SELECT l.project_id, 'PROGRAMME', l.programme_id::text
  FROM project_programme l JOIN project p ON p.id = l.project_id WHERE l.project_id IN (SELECT unnest(ids))
  UNION
  SELECT l.project_id, 'PARTNER', l.partner_id::text
  FROM project_partner l JOIN project p ON p.id = l.project_id WHERE l.project_id IN (SELECT unnest(ids))
  UNION
  SELECT l.project_id, 'PARTNER_' || l.role::text, l.partner_id::text
  FROM project_partner l JOIN project p ON p.id = l.project_id WHERE l.project_id IN (SELECT unnest(ids));

  PERFORM summary_count(ids, 1);

  -- Now and then (and after a bulk write), fold the partial sums back into one row per
  -- bucket: amortised over the writes, and a read sums a few rows more meanwhile.
  IF cardinality(ids) >= 1000 OR random() < 1.0 / {COMPACT_EVERY} THEN
    PERFORM summary_compact();
  END IF;
END
$$
"""

CHANGED = """
CREATE FUNCTION summary_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  changed integer[];
BEGIN
  -- TG_ARGV: the column naming the project, and the test that an updated row changed.
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('SELECT array_agg(%I) FROM new_rows', TG_ARGV[0]) INTO changed;
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE format('SELECT array_agg(%I) FROM old_rows', TG_ARGV[0]) INTO changed;
  ELSE
    EXECUTE format(
      'SELECT array_agg(v.project_id) FROM new_rows n JOIN old_rows o ON o.id = n.id, '
      'LATERAL (VALUES (o.%1$I), (n.%1$I)) AS v(project_id) WHERE %2$s',
      TG_ARGV[0], TG_ARGV[1]
    ) INTO changed;
  END IF;
  PERFORM summary_refresh(changed);
  RETURN NULL;
END
$$
"""


def _triggers(table: str, project_column: str, watched: Sequence[str]) -> list[str]:
    changed = f"({_list(watched, 'o.')}) IS DISTINCT FROM ({_list(watched, 'n.')})"
    changed = changed.replace("'", "''")
    return [
        f"CREATE TRIGGER summary_inserted AFTER INSERT ON {table} "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION summary_changed('{project_column}', '')",
        f"CREATE TRIGGER summary_updated AFTER UPDATE ON {table} "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION summary_changed('{project_column}', '{changed}')",
        f"CREATE TRIGGER summary_deleted AFTER DELETE ON {table} "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION summary_changed('{project_column}', '')",
    ]


def upgrade() -> None:
    op.create_table(
        "summary_project",
        sa.Column("project_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("has_amount", sa.Boolean, nullable=False),
        *_columns(PEOPLE),
    )
    op.create_table(
        "summary_project_money",
        sa.Column("project_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("currency", sa.String(3), primary_key=True),
        *_columns(MONEY),
    )
    op.create_table(
        "summary_membership",
        sa.Column("project_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("grouped_by", sa.Text, primary_key=True),
        sa.Column("ref", sa.Text, primary_key=True),
    )
    op.create_table(
        "summary_bucket",
        sa.Column("grouped_by", sa.Text, nullable=False),
        sa.Column("ref", sa.Text, nullable=False),
        *_columns({"projects": sa.BigInteger, "projects_without_amount": sa.BigInteger}),
        *_columns(PEOPLE),
    )
    op.create_index("ix_summary_bucket_grouping_ref", "summary_bucket", ["grouped_by", "ref"])
    op.create_table(
        "summary_bucket_money",
        sa.Column("grouped_by", sa.Text, nullable=False),
        sa.Column("ref", sa.Text, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("records", sa.BigInteger, nullable=False),
        *_columns(MONEY),
    )
    op.create_index(
        "ix_summary_bucket_money_grouping_ref", "summary_bucket_money", ["grouped_by", "ref"]
    )
    for function in (COMPACT, COUNT, REFRESH, CHANGED):
        op.execute(function)
    for table, (project_column, watched) in WATCHED.items():
        for statement in _triggers(table, project_column, watched):
            op.execute(statement)
    op.execute("SELECT summary_refresh(array_agg(id)) FROM project")


def downgrade() -> None:
    for table in WATCHED:
        for name in ("summary_inserted", "summary_updated", "summary_deleted"):
            op.execute(f"DROP TRIGGER {name} ON {table}")
    op.execute("DROP FUNCTION summary_changed()")
    op.execute("DROP FUNCTION summary_refresh(integer[])")
    op.execute("DROP FUNCTION summary_count(integer[], integer)")
    op.execute("DROP FUNCTION summary_compact()")
    for table in (
        "summary_bucket_money",
        "summary_bucket",
        "summary_membership",
        "summary_project_money",
        "summary_project",
    ):
        op.drop_table(table)
