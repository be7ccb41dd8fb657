"""The summaries' count at commit (0012) writes only what changed, in three statements.

0012's count took every noted project back and counted it again: it dropped and rewrote
each project's snapshot (its people row, its amounts, its ten or so memberships) and
updated every bucket the project was in, in both bucket tables, in about ten statements;
for one project's new budget that is some forty row writes where eleven change anything
(its amount, and each of its buckets' amounts), and ``updateProject`` paid 1.19-1.27x its
time without the summaries. Now a count of a few projects (``FEW_PROJECTS``, in READ
COMMITTED) computes what the projects count for now beside what they counted for (their
snapshot) in one statement, which rewrites only the snapshot rows that differ and returns
each bucket's change where it is not zero; a second and third statement add those changes
to the bucket rows, in bucket order as before, and are skipped when there are none. A new
budget then touches no people bucket, no membership and no people row; a new beneficiary
group touches no amount; a change that counts for nothing in the end writes nothing.

The locks are 0012's: the projects' own in id order (with ``ALL_PROJECTS_LOCK`` shared),
taken in a statement of their own before the count reads anything, so in READ COMMITTED the
count sees what a writer of the same projects committed while it waited. A larger count
(an import, the generator's) and any count under REPEATABLE READ or SERIALIZABLE keep
0012's body (``summary_recount``), which rewrites every snapshot row of its projects: there,
meeting a row changed since the transaction's snapshot fails the count with a
serialization error, where a count by difference that read an old snapshot and wrote
nothing of it could lose the other writer's change. The difference is computed by nested
loops over the few projects' rows (as 0012 plans them), which costs the square of their
number: hence the limit.

Revision ID: 0016
Revises: 0015
"""

import importlib.util
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _revision(name: str) -> ModuleType:
    """An earlier revision as written: its frozen column lists and functions."""
    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"revision_{path.stem}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PREVIOUS = _revision("0012_summaries_once_per_transaction.py")
PEOPLE: tuple[str, ...] = PREVIOUS.PEOPLE
MONEY: tuple[str, ...] = PREVIOUS.MONEY
BUCKET: tuple[str, ...] = PREVIOUS.BUCKET
NUMERIC = ("women", "amount")
"""The figures that are numeric sums; every other is a count (bigint)."""
FEW_PROJECTS = 64
"""The most projects a count takes by difference."""


def _list(names: Iterable[str], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{name}" for name in names)


def _named(figures: Sequence[str], names: Sequence[str]) -> str:
    return ", ".join(f"{figure} AS {name}" for figure, name in zip(figures, names, strict=True))


def _same(names: Sequence[str], left: str, right: str) -> str:
    return f"({_list(names, f'{left}.')}) = ({_list(names, f'{right}.')})"


def _sums(names: Iterable[str]) -> str:
    """Sums in the bucket tables' column types."""
    return ", ".join(f"sum(d.{name})" + ("" if name in NUMERIC else "::bigint") for name in names)


def _any_changed(names: Iterable[str]) -> str:
    return " OR ".join(f"sum(d.{name}) <> 0" for name in names)


def _added(names: Iterable[str]) -> str:
    return ", ".join(f"{name} = b.{name} + excluded.{name}" for name in names)


def _replaced(names: Iterable[str]) -> str:
    return ", ".join(f"{name} = excluded.{name}" for name in names)


def _negated(names: Iterable[str], alias: str) -> str:
    return ", ".join(f"-{alias}.{name}" for name in names)


MEMBERSHIP = """
  SELECT p.id AS project_id, v.grouped_by, v.ref
  FROM project p, LATERAL (VALUES
    ('TOTAL', ''),
    ('STATUS', coalesce(p.status::text, '')),
    ('START_YEAR', coalesce(extract(year FROM p.effective_start)::integer::text, ''))
  ) AS v (grouped_by, ref)
  WHERE p.id = ANY (ids)
  UNION
  SELECT l.project_id, 'COUNTRY', l.country_code FROM project_country l
  WHERE l.project_id = ANY (ids)
  UNION
  SELECT l.project_id, 'THEME', l.theme_slug FROM project_theme l WHERE l.project_id = ANY (ids)
  UNION
  SELECT l.project_id, 'PROGRAMME', l.programme_id::text FROM project_programme l
  WHERE l.project_id = ANY (ids)
  UNION
  SELECT l.project_id, v.grouped_by, l.partner_id::text
  FROM project_partner l, LATERAL (VALUES ('PARTNER'), ('PARTNER_' || l.role::text))
    AS v (grouped_by)
  WHERE l.project_id = ANY (ids)
"""
"""The buckets each project is in now (as 0012 lists them)."""

AMOUNTS = f"""
  SELECT money.project_id, money.currency, sum(money.amount) AS amount,
         {_named(PREVIOUS.MONEY_TERMS, MONEY[1:])}
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
  GROUP BY money.project_id, money.currency
"""
"""Each project's amount per currency now: its budget where stated, else its funders'
stated amounts (db/stats.py's _money)."""

PEOPLE_NOW = f"""
  SELECT p.id AS project_id,
         EXISTS (SELECT FROM money_now pm WHERE pm.project_id = p.id) AS has_amount,
         {_list(f"people.{name}" for name in PEOPLE)}
  FROM project p
  CROSS JOIN LATERAL (
    SELECT {_named(PREVIOUS.PEOPLE_OF_A_PROJECT, PEOPLE)}
    FROM beneficiary_group g WHERE g.project_id = p.id
  ) people
  WHERE p.id = ANY (ids)
"""

FIGURES = ("has_amount", *PEOPLE)

BY_DIFFERENCE = f"""
  WITH money_now AS ({AMOUNTS}
  ), people_now AS ({PEOPLE_NOW}
  ), members_now AS ({MEMBERSHIP}
  ), money_was AS (
    SELECT * FROM summary_project_money WHERE project_id = ANY (ids)
  ), people_was AS (
    SELECT * FROM summary_project WHERE project_id = ANY (ids)
  ), members_was AS (
    SELECT project_id, grouped_by, ref FROM summary_membership WHERE project_id = ANY (ids)
  ), members_left AS (
    DELETE FROM summary_membership m WHERE m.project_id = ANY (ids) AND NOT EXISTS (
      SELECT FROM members_now n
      WHERE (n.project_id, n.grouped_by, n.ref) = (m.project_id, m.grouped_by, m.ref))
  ), members_joined AS (
    INSERT INTO summary_membership (project_id, grouped_by, ref)
    SELECT n.project_id, n.grouped_by, n.ref FROM members_now n WHERE NOT EXISTS (
      SELECT FROM members_was w
      WHERE (w.project_id, w.grouped_by, w.ref) = (n.project_id, n.grouped_by, n.ref))
  ), people_gone AS (
    DELETE FROM summary_project f WHERE f.project_id = ANY (ids)
      AND NOT EXISTS (SELECT FROM people_now n WHERE n.project_id = f.project_id)
  ), people_changed AS (
    INSERT INTO summary_project AS f (project_id, {_list(FIGURES)})
    SELECT n.project_id, {_list(FIGURES, "n.")} FROM people_now n WHERE NOT EXISTS (
      SELECT FROM people_was w
      WHERE w.project_id = n.project_id AND {_same(FIGURES, "w", "n")})
    ON CONFLICT (project_id) DO UPDATE SET {_replaced(FIGURES)}
  ), money_gone AS (
    DELETE FROM summary_project_money f WHERE f.project_id = ANY (ids) AND NOT EXISTS (
      SELECT FROM money_now n WHERE (n.project_id, n.currency) = (f.project_id, f.currency))
  ), money_changed AS (
    INSERT INTO summary_project_money AS f (project_id, currency, {_list(MONEY)})
    SELECT n.project_id, n.currency, {_list(MONEY, "n.")} FROM money_now n WHERE NOT EXISTS (
      SELECT FROM money_was w
      WHERE (w.project_id, w.currency) = (n.project_id, n.currency) AND {_same(MONEY, "w", "n")})
    ON CONFLICT (project_id, currency) DO UPDATE SET {_replaced(MONEY)}
  )
  SELECT
    (SELECT array_agg(t::summary_bucket) FROM (
       SELECT d.grouped_by, d.ref, {_sums(BUCKET)}
       FROM (
         SELECT m.grouped_by, m.ref, 1 AS projects,
                CASE WHEN f.has_amount THEN 0 ELSE 1 END AS projects_without_amount,
                {_list(PEOPLE, "f.")}
         FROM members_now m JOIN people_now f USING (project_id)
         UNION ALL
         SELECT m.grouped_by, m.ref, -1, CASE WHEN f.has_amount THEN 0 ELSE -1 END,
                {_negated(PEOPLE, "f")}
         FROM members_was m JOIN people_was f USING (project_id)
       ) d
       GROUP BY d.grouped_by, d.ref
       HAVING {_any_changed(BUCKET)}) t),
    (SELECT array_agg(t::summary_bucket_money) FROM (
       SELECT d.grouped_by, d.ref, d.currency, {_sums(("records", *MONEY))}
       FROM (
         SELECT m.grouped_by, m.ref, pm.currency, 1 AS records, {_list(MONEY, "pm.")}
         FROM members_now m JOIN money_now pm USING (project_id)
         UNION ALL
         SELECT m.grouped_by, m.ref, pm.currency, -1, {_negated(MONEY, "pm")}
         FROM members_was m JOIN money_was pm USING (project_id)
       ) d
       GROUP BY d.grouped_by, d.ref, d.currency
       HAVING {_any_changed(("records", *MONEY))}) t)
  INTO people_changes, money_changes;
"""
"""The projects' snapshots brought up to date row by row where they differ, and each
bucket's change (what its projects count for now less what they counted for) where it is
not zero. Every part reads the tables as the statement began."""

REFRESH = f"""
CREATE FUNCTION summary_refresh(changed integer[]) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET enable_hashjoin = off
SET enable_mergejoin = off AS $$
DECLARE
  ids integer[];
  people_changes summary_bucket[];
  money_changes summary_bucket_money[];
BEGIN
  SELECT array_agg(DISTINCT id ORDER BY id) INTO ids FROM unnest(changed) AS id
  WHERE id IS NOT NULL;
  IF ids IS NULL THEN
    RETURN;
  END IF;
  IF cardinality(ids) > {FEW_PROJECTS}
     OR current_setting('transaction_isolation') <> 'read committed' THEN
    PERFORM summary_recount(ids);
    RETURN;
  END IF;
  -- In id order, so two writers of the same projects queue rather than deadlock.
  PERFORM pg_advisory_xact_lock_shared({PREVIOUS.ALL_PROJECTS_LOCK}, 0),
          pg_advisory_xact_lock({PREVIOUS.PROJECT_LOCK}, id)
  FROM unnest(ids) AS id;
{BY_DIFFERENCE}
  -- Each bucket's row updated once, in bucket order, so that two writers of the same
  -- buckets queue rather than deadlock.
  IF people_changes IS NOT NULL THEN
    INSERT INTO summary_bucket AS b (grouped_by, ref, {_list(BUCKET)})
    SELECT grouped_by, ref, {_list(BUCKET)} FROM unnest(people_changes)
    ORDER BY grouped_by, ref
    ON CONFLICT (grouped_by, ref) DO UPDATE SET {_added(BUCKET)};
  END IF;
  IF money_changes IS NOT NULL THEN
    INSERT INTO summary_bucket_money AS b (grouped_by, ref, currency, records, {_list(MONEY)})
    SELECT grouped_by, ref, currency, records, {_list(MONEY)} FROM unnest(money_changes)
    ORDER BY grouped_by, ref, currency
    ON CONFLICT (grouped_by, ref, currency) DO UPDATE SET {_added(("records", *MONEY))};
  END IF;
END
$$
"""

FLUSH = f"""
CREATE OR REPLACE FUNCTION summary_flush() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids integer[];
BEGIN
  PERFORM set_config('{PREVIOUS.QUEUED}', '', true);
  WITH flushed AS (
    DELETE FROM summary_flush WHERE id = NEW.id
  ), noted AS (
    DELETE FROM summary_pending WHERE xact = txid_current() RETURNING project_id
  )
  SELECT array_agg(project_id) INTO ids FROM noted;
  PERFORM summary_refresh(ids);
  RETURN NULL;
END
$$
"""
"""0012's, in one statement fewer (``summary_refresh`` takes the ids apart itself)."""


def upgrade() -> None:
    # 0012's count stays, under another name, for many projects and the stricter levels.
    op.execute("ALTER FUNCTION summary_refresh(integer[]) RENAME TO summary_recount")
    op.execute(REFRESH)
    op.execute(FLUSH)


def downgrade() -> None:
    op.execute(PREVIOUS.FLUSH.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    op.execute("DROP FUNCTION summary_refresh(integer[])")
    op.execute("ALTER FUNCTION summary_recount(integer[]) RENAME TO summary_refresh")
