"""The statistics summaries (0011) counted once per transaction, at its commit, instead of
once per statement.

The IATI import writes an activity in a dozen statements, inside one transaction for the
whole file; each statement re-counted the projects it touched (``summary_refresh``), so the
same project was taken back and counted again a dozen times, and the import ran at half its
speed. Now a statement's trigger only notes the projects it touched (``summary_pending``)
and, on the transaction's first such note, queues one deferred constraint trigger
(``summary_flushed``, on the one row it adds to ``summary_flush``), which at commit counts
every noted project once, set-based, with ``summary_refresh``: its lock per project
(in id order) makes two writers of one project take turns there, so neither loses the
other's change, and neither can wait for a lock the other holds (they take nothing else).

``summary_pending`` is unlogged: a transaction inserts its notes (under its id, so that
it finds them by an index however many dead notes of others are still there) and deletes
them before it commits, so no other transaction ever sees them, and a rolled-back
transaction (or savepoint) takes its notes with it. Within the writing transaction, a read
of the summaries sees them as they were before it, until the deferred trigger has run:
``SET CONSTRAINTS summary_flushed IMMEDIATE`` runs it early.

The trigger functions are one per table, with static statements: PL/pgSQL plans them once
per session, where 0011's single function built its statements as text on every call.

``summary_refresh`` is rewritten to do less per commit, and for one row per bucket again:
the projects' old figures are kept aside (negated, in arrays of the buckets' row types) as
their snapshots are dropped, in one statement, and each bucket they touch is then updated
once, by its new figures less its old ones. 0011 added rows per write so that writers
never waited for each other on a shared row (the total's); with the count at commit, a
writer holds a bucket's row from its count to its commit only, and updates rows in bucket
order, so two writers queue on the total's row rather than deadlock. The rows it left (one
fold in 32 refreshes, 130 ms at 10,000 projects, and tables of dead rows every read then
walked: 1,330 pages for 653 live rows) are folded once here; an update in place of a row
whose indexed columns stay is a HOT update, which leaves the index as it is. Its generic
plans join by nested loops only: planned for a parameter array, a hash join read every
project's snapshot to find the few the array names (35 ms instead of 0.1 at 10,000
projects); a bulk refresh (the generator's, 10,000 ids) walks the indexes instead, which it
can afford.

A transaction that runs the count early (``SET CONSTRAINTS ... IMMEDIATE``) and writes
again holds bucket rows while it takes project locks at its second count: two such
transactions can deadlock, which PostgreSQL detects and ends by failing one (only a test
would do this; the service does not). Under REPEATABLE READ, a count that meets a bucket changed
since the snapshot fails with a serialization error, to be retried, rather than losing it.

Revision ID: 0012
Revises: 0011
"""

import importlib.util
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROJECT_LOCK = 22011
ALL_PROJECTS_LOCK = 22012
"""Held shared by every count that locks its projects one by one, and exclusively by a
count of more than ``MANY_PROJECTS``, which locks them all at once."""
MANY_PROJECTS = 1000
"""Well under what PostgreSQL's lock table holds for one transaction at its defaults
(``max_locks_per_transaction`` 64 times ``max_connections`` 100, shared by every session)."""
QUEUED = "coopgraph.summaries_queued"
"""Transaction-local setting: ``on`` once the transaction's deferred count is queued."""

# Frozen copy of 0011's WATCHED: per table, the column naming its project and the columns
# whose change changes what a row counts for.
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
TRIGGERS = ("summary_inserted", "summary_updated", "summary_deleted")

# Frozen copies of 0011's figures and of how a project's are counted.
TALLIES = ("terms", "exact", "approximate", "at_least", "at_most")
TALLIED = ("targeted", "reached", "women")
PEOPLE = (
    "groups",
    "groups_without_target",
    "targeted",
    "reached",
    "women",
    "groups_without_share",
    "targeted_without_share",
    *(f"{figure}_{t}" for figure in TALLIED for t in TALLIES),
)
MONEY = ("amount", *TALLIES)
BUCKET = ("projects", "projects_without_amount", *PEOPLE)


def _tallies(where: str, *qualifiers: str) -> list[str]:
    def any_is(value: str) -> str:
        return " OR ".join(f"{q} = '{value}'" for q in qualifiers)

    all_exact = " AND ".join(f"{q} = 'EXACT'" for q in qualifiers)
    tests = ["true", all_exact, any_is("APPROXIMATE"), any_is("AT_LEAST"), any_is("AT_MOST")]
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
    *_tallies(TARGETED, "g.target_count_qualifier"),
    *_tallies("g.reached_count IS NOT NULL", "g.reached_count_qualifier"),
    *_tallies(WITH_SHARE, "g.target_count_qualifier", "g.women_share_qualifier"),
]
MONEY_TERMS = _tallies("true", "money.qualifier")


def _list(names: Iterable[str], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{name}" for name in names)


def _sums(names: Iterable[str], alias: str) -> str:
    return ", ".join(f"sum({alias}.{name})" for name in names)


# A bucket's figures from its projects' snapshots (m: membership, f: summary_project, pm:
# summary_project_money), signed.
def _people_of() -> str:
    return (
        "m.grouped_by, m.ref, count(*), count(*) FILTER (WHERE NOT f.has_amount), "
        f"{_sums(PEOPLE, 'f')}"
    )


def _typed_sums(names: Iterable[str], alias: str) -> str:
    """Negated sums in their columns' types, as rows of the bucket tables."""
    numeric = ("women", "amount")
    return ", ".join(
        f"-sum({alias}.{name})" + ("" if name in numeric else "::bigint") for name in names
    )


def _added(names: Iterable[str]) -> str:
    return ", ".join(f"{name} = b.{name} + excluded.{name}" for name in names)


def _money_of() -> str:
    return f"m.grouped_by, m.ref, pm.currency, count(*), {_sums(MONEY, 'pm')}"


REFRESH = f"""
CREATE OR REPLACE FUNCTION summary_refresh(changed integer[]) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET enable_hashjoin = off
SET enable_mergejoin = off AS $$
DECLARE
  ids integer[];
  old_people summary_bucket[];
  old_money summary_bucket_money[];
BEGIN
  SELECT array_agg(DISTINCT id ORDER BY id) INTO ids FROM unnest(changed) AS id
  WHERE id IS NOT NULL;
  IF ids IS NULL THEN
    RETURN;
  END IF;
  IF cardinality(ids) > {MANY_PROJECTS} THEN
    -- More projects than the lock table holds for one transaction (an import of thousands
    -- of activities ran out of shared memory): one lock for every project instead.
    PERFORM pg_advisory_xact_lock({ALL_PROJECTS_LOCK}, 0);
  ELSE
    PERFORM pg_advisory_xact_lock_shared({ALL_PROJECTS_LOCK}, 0);
    -- In id order, so two writers of the same projects queue rather than deadlock.
    PERFORM pg_advisory_xact_lock({PROJECT_LOCK}, id) FROM unnest(ids) AS id;
  END IF;

  -- What the projects counted for, negated and kept aside, and their snapshots dropped.
  WITH gone_m AS (
    DELETE FROM summary_membership WHERE project_id = ANY (ids)
    RETURNING project_id, grouped_by, ref
  ), gone_p AS (
    DELETE FROM summary_project WHERE project_id = ANY (ids) RETURNING *
  ), gone_pm AS (
    DELETE FROM summary_project_money WHERE project_id = ANY (ids) RETURNING *
  )
  SELECT
    (SELECT array_agg(t::summary_bucket) FROM (
       SELECT m.grouped_by, m.ref, -count(*), -count(*) FILTER (WHERE NOT f.has_amount),
              {_typed_sums(PEOPLE, "f")}
       FROM gone_m m JOIN gone_p f USING (project_id)
       GROUP BY m.grouped_by, m.ref) t),
    (SELECT array_agg(t::summary_bucket_money) FROM (
       SELECT m.grouped_by, m.ref, pm.currency, -count(*), {_typed_sums(MONEY, "pm")}
       FROM gone_m m JOIN gone_pm pm USING (project_id)
       GROUP BY m.grouped_by, m.ref, pm.currency) t)
  INTO old_people, old_money;

  -- Each project's amount per currency: its budget where stated, else its funders' stated
  -- amounts (db/stats.py's _money).
  INSERT INTO summary_project_money (project_id, currency, {_list(MONEY)})
  SELECT money.project_id, money.currency, sum(money.amount), {", ".join(MONEY_TERMS)}
  FROM (
    SELECT p.id AS project_id, p.budget_currency AS currency, p.budget_amount AS amount,
           p.budget_amount_qualifier::text AS qualifier
    FROM project p WHERE p.id = ANY (ids) AND p.budget_amount IS NOT NULL
    UNION ALL
    SELECT pp.project_id, pp.currency, pp.amount, pp.amount_qualifier::text
    FROM project_partner pp JOIN project p ON p.id = pp.project_id
    WHERE pp.project_id = ANY (ids) AND pp.amount IS NOT NULL AND pp.role::text = 'FUNDING'
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
  WHERE p.id = ANY (ids);

  INSERT INTO summary_membership (project_id, grouped_by, ref)
  SELECT p.id, 'TOTAL', '' FROM project p WHERE p.id = ANY (ids)
  UNION
  SELECT p.id, 'STATUS', coalesce(p.status::text, '') FROM project p WHERE p.id = ANY (ids)
  UNION
  SELECT p.id, 'START_YEAR', coalesce(extract(year FROM p.effective_start)::integer::text, '')
  FROM project p WHERE p.id = ANY (ids)
  UNION
  SELECT l.project_id, 'COUNTRY', l.country_code FROM project_country l
  WHERE l.project_id = ANY (ids)
  UNION
  SELECT l.project_id, 'THEME', l.theme_slug FROM project_theme l WHERE l.project_id = ANY (ids)
  UNION
  SELECT l.project_id, 'PROGRAMME', l.programme_id::text FROM project_programme l
  WHERE l.project_id = ANY (ids)
  UNION
  SELECT l.project_id, 'PARTNER', l.partner_id::text FROM project_partner l
  WHERE l.project_id = ANY (ids)
  UNION
  SELECT l.project_id, 'PARTNER_' || l.role::text, l.partner_id::text FROM project_partner l
  WHERE l.project_id = ANY (ids);

  -- Each bucket the projects were in or are in now changes by what they count for now less
  -- what they counted for: one update of its row, in bucket order, so that two writers of
  -- the same buckets queue rather than deadlock.
  INSERT INTO summary_bucket AS b (grouped_by, ref, {_list(BUCKET)})
  SELECT grouped_by, ref, {_list(f"sum({name})" for name in BUCKET)}
  FROM (
    SELECT grouped_by, ref, {_list(BUCKET)} FROM unnest(old_people)
    UNION ALL
    SELECT {_people_of()}
    FROM summary_membership m JOIN summary_project f USING (project_id)
    WHERE m.project_id = ANY (ids)
    GROUP BY m.grouped_by, m.ref
  ) delta
  GROUP BY grouped_by, ref
  ORDER BY grouped_by, ref
  ON CONFLICT (grouped_by, ref) DO UPDATE SET {_added(BUCKET)};

  INSERT INTO summary_bucket_money AS b (grouped_by, ref, currency, records, {_list(MONEY)})
  SELECT grouped_by, ref, currency, sum(records), {_list(f"sum({name})" for name in MONEY)}
  FROM (
    SELECT grouped_by, ref, currency, records, {_list(MONEY)} FROM unnest(old_money)
    UNION ALL
    SELECT {_money_of()}
    FROM summary_membership m JOIN summary_project_money pm USING (project_id)
    WHERE m.project_id = ANY (ids)
    GROUP BY m.grouped_by, m.ref, pm.currency
  ) delta
  GROUP BY grouped_by, ref, currency
  ORDER BY grouped_by, ref, currency
  ON CONFLICT (grouped_by, ref, currency) DO UPDATE SET {_added(("records", *MONEY))};
END
$$
"""

QUEUE = f"""
CREATE FUNCTION summary_queue() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('{QUEUED}', true) IS DISTINCT FROM 'on' THEN
    INSERT INTO summary_flush DEFAULT VALUES;
    PERFORM set_config('{QUEUED}', 'on', true);
  END IF;
END
$$
"""

FLUSH = f"""
CREATE FUNCTION summary_flush() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids integer[];
  old_people summary_bucket[];
  old_money summary_bucket_money[];
BEGIN
  PERFORM set_config('{QUEUED}', '', true);
  DELETE FROM summary_flush WHERE id = NEW.id;
  WITH noted AS (
    DELETE FROM summary_pending WHERE xact = txid_current() RETURNING project_id
  )
  SELECT array_agg(DISTINCT project_id) INTO ids FROM noted;
  PERFORM summary_refresh(ids);
  RETURN NULL;
END
$$
"""


def _noting(table: str, project_column: str, watched: Sequence[str]) -> list[str]:
    """The three trigger functions of ``table``: note the projects its statement touched."""

    def function(operation: str, select: str) -> str:
        return f"""
CREATE FUNCTION summary_{operation}_{table}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO summary_pending (project_id) {select};
  IF FOUND THEN
    PERFORM summary_queue();
  END IF;
  RETURN NULL;
END
$$
"""

    changed = (
        f"({', '.join(f'o.{c}' for c in watched)}) IS DISTINCT FROM "
        f"({', '.join(f'n.{c}' for c in watched)})"
    )
    return [
        function("inserted", f"SELECT {project_column} FROM new_rows"),
        function(
            "updated",
            f"SELECT v.project_id FROM new_rows n JOIN old_rows o ON o.id = n.id, "
            f"LATERAL (VALUES (o.{project_column}), (n.{project_column})) AS v(project_id) "
            f"WHERE {changed}",
        ),
        function("deleted", f"SELECT {project_column} FROM old_rows"),
    ]


def _triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER summary_inserted AFTER INSERT ON {table} "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION summary_inserted_{table}()",
        f"CREATE TRIGGER summary_updated AFTER UPDATE ON {table} "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION summary_updated_{table}()",
        f"CREATE TRIGGER summary_deleted AFTER DELETE ON {table} "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION summary_deleted_{table}()",
    ]


def upgrade() -> None:
    op.create_table(
        "summary_pending",
        sa.Column("xact", sa.BigInteger, nullable=False, server_default=sa.text("txid_current()")),
        sa.Column("project_id", sa.Integer, nullable=True),
        prefixes=["UNLOGGED"],
    )
    op.create_index("ix_summary_pending_xact", "summary_pending", ["xact"])
    op.create_table(
        "summary_flush",
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        prefixes=["UNLOGGED"],
    )
    # One row per bucket from now on: 0011's partial sums folded, then kept unique.
    op.execute("SELECT summary_compact()")
    op.drop_index("ix_summary_bucket_grouping_ref", "summary_bucket")
    op.drop_index("ix_summary_bucket_money_grouping_ref", "summary_bucket_money")
    op.create_unique_constraint(
        "uq_summary_bucket_grouped_by_ref", "summary_bucket", ["grouped_by", "ref"]
    )
    op.create_unique_constraint(
        "uq_summary_bucket_money_grouped_by_ref_currency",
        "summary_bucket_money",
        ["grouped_by", "ref", "currency"],
    )
    op.execute("DROP FUNCTION summary_compact()")
    op.execute("DROP FUNCTION summary_count(integer[], integer)")
    op.execute(REFRESH)
    op.execute(QUEUE)
    op.execute(FLUSH)
    op.execute(
        "CREATE CONSTRAINT TRIGGER summary_flushed AFTER INSERT ON summary_flush "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION summary_flush()"
    )
    for table, (project_column, watched) in WATCHED.items():
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON {table}")
        for statement in (*_noting(table, project_column, watched), *_triggers(table)):
            op.execute(statement)
    op.execute("DROP FUNCTION summary_changed()")


def _revision_0011() -> ModuleType:
    """0011 as written: what the downgrade puts back."""
    path = Path(__file__).with_name("0011_statistics_summaries.py")
    spec = importlib.util.spec_from_file_location("revision_0011", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    previous = _revision_0011()
    op.drop_constraint("uq_summary_bucket_money_grouped_by_ref_currency", "summary_bucket_money")
    op.drop_constraint("uq_summary_bucket_grouped_by_ref", "summary_bucket")
    op.create_index("ix_summary_bucket_grouping_ref", "summary_bucket", ["grouped_by", "ref"])
    op.create_index(
        "ix_summary_bucket_money_grouping_ref", "summary_bucket_money", ["grouped_by", "ref"]
    )
    op.execute(previous.COMPACT)
    op.execute(previous.COUNT)
    op.execute(previous.REFRESH.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    op.execute(previous.CHANGED)
    for table, (project_column, watched) in WATCHED.items():
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}_{table}()")
        for statement in previous._triggers(table, project_column, watched):
            op.execute(statement)
    op.execute("DROP TRIGGER summary_flushed ON summary_flush")
    op.execute("DROP FUNCTION summary_flush()")
    op.execute("DROP FUNCTION summary_queue()")
    op.drop_table("summary_flush")
    op.drop_table("summary_pending")
