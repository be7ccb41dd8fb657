"""Finance statistics over IATI transactions and budgets: one ``GROUP BY`` statement.

The rules (the README's "Finance statistics" shows them on the sample chain):

- **Measures.** Transaction types 1 (incoming funds), 2 (outgoing commitment),
  3 (disbursement) and 4 (expenditure), and budgets. Other types (interest, loan
  repayments, reimbursements, equity, pledges) are not measured.
- **Budgets.** Where a project has a revised budget (type 2) for a period, the original
  budgets (type 1) overlapping it are left out: the revision replaces them. A budget
  period over two years is split between them by days (``BudgetYear.SPLIT_BY_DAYS``, the
  default: a budget of July to June is half of each year, and year-by-year budget against
  spend stays comparable), or put in its end year whole (``BudgetYear.END``, as some
  publishers' annual plans count).
- **Splits.** A transaction's own recipient country or region, or its own sectors, win.
  Otherwise the activity's countries and regions (percentages of one whole, as the standard
  has them) and its sectors of the asked vocabulary are applied, sector share times country
  share together, each rebased to 100 % where its percentages do not add up (counted as
  ``rebased``), split equally where none is stated. Money on a region falls in the
  country grouping's null bucket, and the reverse. A project's several funding partners
  share its money equally (nothing says more). Policy markers do not split: an activity
  counts in full under each marker it carries (significance other than 0), as the DAC
  counts marked aid, so those buckets overlap.
- **Conversion** (``db.conversion``): at the value date, else the transaction date (the
  budget's period start); what has no rate, or no currency, is summed apart per currency.
- **Chains.** ``EACH_HOP`` (the default) counts each publisher's outgoing flows: money is
  counted once at each hop it leaves (a donor's disbursement to an agency and the agency's
  to an implementer are both disbursements); incoming funds are their own measure, never
  added to another. ``FIRST_HOP`` leaves out the outgoing flows of projects funded by
  another project in the database (an incoming-funds transaction whose provider activity
  is held), so money moving down a chain is counted once, where it enters.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSON
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal, _TraverseInternalsType

from db.conversion import rate_value


class FinanceGrouping(StrEnum):
    YEAR = "YEAR"
    QUARTER = "QUARTER"
    RECIPIENT_COUNTRY = "RECIPIENT_COUNTRY"
    REGION = "REGION"
    SECTOR = "SECTOR"
    SECTOR_CATEGORY = "SECTOR_CATEGORY"
    PROVIDER = "PROVIDER"
    RECEIVER = "RECEIVER"
    PUBLISHER = "PUBLISHER"
    FUNDING_PARTNER = "FUNDING_PARTNER"
    TRANSACTION_TYPE = "TRANSACTION_TYPE"
    POLICY_MARKER = "POLICY_MARKER"
    HUMANITARIAN = "HUMANITARIAN"


class BudgetYear(StrEnum):
    SPLIT_BY_DAYS = "SPLIT_BY_DAYS"
    END = "END"


class ChainCounting(StrEnum):
    EACH_HOP = "EACH_HOP"
    FIRST_HOP = "FIRST_HOP"


class Measure(StrEnum):
    INCOMING_FUNDS = "INCOMING_FUNDS"
    COMMITMENT = "COMMITMENT"
    DISBURSEMENT = "DISBURSEMENT"
    EXPENDITURE = "EXPENDITURE"
    BUDGET = "BUDGET"


OVERLAPPING = frozenset({FinanceGrouping.POLICY_MARKER})
"""Groupings whose buckets overlap (a record counts in full in several): their buckets do
not add up to the total."""

MAX_GROUPINGS = 3
"""A cross-tabulation of three groupings is already a cube; more would multiply rows per
record past any use (and is refused)."""


@dataclass(frozen=True)
class _Dimension:
    joins: str
    key: str
    label: str
    share: str = "1::numeric"
    split: str = "false"
    rebased: str = "false"
    first: str | None = "true"
    """Whether this part is the record's first in this grouping (its records are counted
    once in the total), where the parts' ``split`` and ``rebased`` are the record's own
    (the same for all its parts); None where they are not, the record's parts then being
    told apart by a window over the record."""


def _period(unit: str, day: str) -> str:
    """The year, or the quarter counted from year 0 (``year * 4 + quarter - 1``), of a
    date: integers, where ``date_trunc`` on a date goes through a time zone."""
    if unit == "year":
        return f"extract(year FROM {day})::int"
    return f"(extract(year FROM {day})::int * 4 + extract(quarter FROM {day})::int - 1)"


def _period_start(unit: str, period: str) -> str:
    if unit == "year":
        return f"make_date({period}, 1, 1)"
    return f"make_date({period} / 4, {period} % 4 * 3 + 1, 1)"


def _period_key(unit: str, period: str) -> str:
    """As ``to_char`` writes it: "2022", "2022-Q3", a year under 1000 with zeros ("0999")."""
    year = period if unit == "year" else f"({period} / 4)"
    text = f"CASE WHEN {year} < 1000 THEN lpad({year}::text, 4, '0') ELSE {year}::text END"
    return text if unit == "year" else f"{text} || '-Q' || ({period} % 4 + 1)"


def _calendar(i: int, unit: str, budget_year: BudgetYear) -> _Dimension:
    """Years or quarters; a budget over several split by days, or all in its end's."""
    if budget_year is BudgetYear.END:
        key = _period_key(unit, _period(unit, "m.period_end"))
        return _Dimension(joins="", key=key, label=key)
    first, last = _period(unit, "m.period_start"), _period(unit, "m.period_end")
    p = f"c{i}.p"
    return _Dimension(
        # A record within one period (every transaction) is not expanded; the array also
        # keeps the planner's guess of periods per record at 10, where a generate_series
        # counts 1,000 and sorts to disk what hashes in memory.
        joins=f"CROSS JOIN LATERAL (SELECT {first} AS first, {last} AS last) b{i} "
        f"CROSS JOIN LATERAL unnest(CASE WHEN b{i}.first = b{i}.last THEN ARRAY[b{i}.first] "
        f"ELSE ARRAY(SELECT generate_series(b{i}.first, b{i}.last)) END) c{i}(p)",
        key=_period_key(unit, p),
        label=_period_key(unit, p),
        share=f"CASE WHEN b{i}.first = b{i}.last THEN 1::numeric ELSE (least(m.period_end, "
        f"{_period_start(unit, f'({p} + 1)')} - 1) - greatest(m.period_start, "
        f"{_period_start(unit, p)}) + 1)::numeric / (m.period_end - m.period_start + 1) END",
        split=f"b{i}.first <> b{i}.last",
        first=f"{p} = b{i}.first",
    )


def _geography(i: int, item: str) -> _Dimension:
    """Countries (``item`` C) or regions (R): the transaction's own, else the activity's
    shares (``country_shares``, ``region_shares``: the other kind's share summed into one
    null row)."""
    own = "m.recipient_country_code" if item == "C" else "m.recipient_region_code"
    shares = "country_shares" if item == "C" else "region_shares"
    key = f"CASE WHEN m.has_own_geo THEN {own} ELSE g{i}.code END"
    joins = f"LEFT JOIN {shares} g{i} ON NOT m.has_own_geo AND g{i}.project_id = m.project_id"
    if item == "C":
        joins += f" LEFT JOIN country n{i} ON n{i}.code = {key}"
    return _Dimension(
        joins=joins,
        key=key,
        label=f"n{i}.name" if item == "C" else "NULL::text",
        share=f"coalesce(g{i}.share, 1::numeric)",
        split=f"coalesce(g{i}.split, false)",
        rebased=f"coalesce(g{i}.rebased, false)",
        first=f"coalesce(g{i}.first, true)",
    )


def _sector(i: int, category: bool, vocabulary: str) -> _Dimension:
    """The transaction's own sectors of the vocabulary (equal shares), else the activity's
    (``sector_shares``); a DAC category is a 5-digit code's first three digits."""
    own_code = "left(e->>'code', 3)" if category else "e->>'code'"
    vocabulary = "'1'" if category else vocabulary
    shares = "category_shares" if category else "sector_shares"
    return _Dimension(
        joins=f"LEFT JOIN LATERAL (SELECT code, count(*) AS k, sum(count(*)) OVER () AS n "
        f"FROM (SELECT {own_code} AS code FROM jsonb_array_elements(m.sectors) e "
        f"WHERE coalesce(e->>'vocabulary', '1') = {vocabulary}) x GROUP BY code) o{i} ON true "
        f"LEFT JOIN {shares} s{i} ON o{i}.code IS NULL AND s{i}.project_id = m.project_id",
        key=f"coalesce(o{i}.code, s{i}.code)",
        label="NULL::text",
        share=f"CASE WHEN o{i}.code IS NOT NULL THEN o{i}.k::numeric / o{i}.n "
        f"ELSE coalesce(s{i}.share, 1::numeric) END",
        split=f"coalesce(o{i}.n > 1, s{i}.split, false)",
        rebased=f"coalesce(o{i}.code IS NULL AND s{i}.rebased, false)",
        first=None,
    )


def _organisation(i: int, side: str) -> _Dimension:
    return _Dimension(
        joins=f"LEFT JOIN partner o{i} ON o{i}.id = m.{side}_partner_id",
        key=f"coalesce(o{i}.code, m.{side}_org_ref)",
        label=f"coalesce(o{i}.acronym, o{i}.name, m.{side}_org_narratives->0->>'text')",
    )


def _dimension(
    i: int, grouping: FinanceGrouping, budget_year: BudgetYear, vocabulary: str
) -> _Dimension:
    if grouping is FinanceGrouping.YEAR:
        return _calendar(i, "year", budget_year)
    if grouping is FinanceGrouping.QUARTER:
        return _calendar(i, "quarter", budget_year)
    if grouping is FinanceGrouping.RECIPIENT_COUNTRY:
        return _geography(i, "C")
    if grouping is FinanceGrouping.REGION:
        return _geography(i, "R")
    if grouping in (FinanceGrouping.SECTOR, FinanceGrouping.SECTOR_CATEGORY):
        return _sector(i, grouping is FinanceGrouping.SECTOR_CATEGORY, vocabulary)
    if grouping is FinanceGrouping.PROVIDER:
        return _organisation(i, "provider")
    if grouping is FinanceGrouping.RECEIVER:
        return _organisation(i, "receiver")
    if grouping is FinanceGrouping.PUBLISHER:
        return _Dimension(
            joins=f"JOIN project pr{i} ON pr{i}.id = m.project_id "
            f"LEFT JOIN partner o{i} ON o{i}.id = pr{i}.reporting_org_partner_id",
            key=f"coalesce(o{i}.code, pr{i}.reporting_org_ref)",
            label=f"coalesce(o{i}.acronym, o{i}.name, pr{i}.reporting_org_narratives->0->>'text')",
        )
    if grouping is FinanceGrouping.FUNDING_PARTNER:
        return _Dimension(
            joins=f"LEFT JOIN funder_shares f{i} ON f{i}.project_id = m.project_id",
            key=f"f{i}.code",
            label=f"f{i}.label",
            share=f"coalesce(f{i}.share, 1::numeric)",
            split=f"coalesce(f{i}.split, false)",
            first=f"coalesce(f{i}.first, true)",
        )
    if grouping is FinanceGrouping.TRANSACTION_TYPE:
        return _Dimension(
            joins="",
            key="m.transaction_type",
            label="CASE m.measure WHEN 'BUDGET' THEN 'Budget' ELSE "
            "initcap(replace(m.measure, '_', ' ')) END",
        )
    if grouping is FinanceGrouping.POLICY_MARKER:
        return _Dimension(
            joins=f"LEFT JOIN (SELECT project_id, code, row_number() OVER "
            "(PARTITION BY project_id ORDER BY code) = 1 AS first FROM (SELECT DISTINCT "
            "project_id, code FROM activity_policy_marker "
            "WHERE coalesce(significance, '') <> '0') d) "
            f"pm{i} ON pm{i}.project_id = m.project_id",
            key=f"pm{i}.code",
            label="NULL::text",
            first=f"coalesce(pm{i}.first, true)",
        )
    return _Dimension(
        joins=f"JOIN project h{i} ON h{i}.id = m.project_id",
        key=f"CASE coalesce(m.humanitarian, h{i}.humanitarian) WHEN true THEN 'true' "
        "WHEN false THEN 'false' END",
        label=f"CASE coalesce(m.humanitarian, h{i}.humanitarian) WHEN true THEN "
        "'Humanitarian' WHEN false THEN 'Not humanitarian' END",
    )


_SHARES = """
geo_items AS (
  SELECT project_id, 'C' AS item, country_code AS code, percentage
  FROM project_country WHERE {selected}
  UNION ALL
  SELECT project_id, 'R', code, percentage FROM activity_recipient_region
  WHERE coalesce(vocabulary, '1') = '1' AND {selected}
),
geo_shares AS (SELECT * FROM ({geo}) g),
country_shares AS (
  SELECT project_id, CASE item WHEN 'C' THEN code END AS code, sum(share) AS share,
         bool_or(split) AS split, bool_or(rebased) AS rebased,
         row_number() OVER (PARTITION BY project_id ORDER BY CASE item WHEN 'C' THEN code END)
           = 1 AS first
  FROM geo_shares GROUP BY project_id, 2
),
region_shares AS (
  SELECT project_id, CASE item WHEN 'R' THEN code END AS code, sum(share) AS share,
         bool_or(split) AS split, bool_or(rebased) AS rebased,
         row_number() OVER (PARTITION BY project_id ORDER BY CASE item WHEN 'R' THEN code END)
           = 1 AS first
  FROM geo_shares GROUP BY project_id, 2
),
sector_shares AS (
  SELECT project_id, code, sum(share) AS share, bool_or(split) AS split,
         bool_or(rebased) AS rebased
  FROM ({sector}) s GROUP BY project_id, code
),
category_shares AS (
  SELECT project_id, code, sum(share) AS share, bool_or(split) AS split,
         bool_or(rebased) AS rebased
  FROM ({category}) c GROUP BY project_id, code
),
funder_shares AS (
  SELECT pp.project_id, o.code, coalesce(o.acronym, o.name) AS label,
         1::numeric / count(*) OVER (PARTITION BY pp.project_id) AS share,
         count(*) OVER (PARTITION BY pp.project_id) > 1 AS split,
         row_number() OVER (PARTITION BY pp.project_id ORDER BY pp.id) = 1 AS first
  FROM project_partner pp JOIN partner o ON o.id = pp.partner_id
  WHERE pp.role = 'FUNDING' AND {selected}
)"""


def _shares_of(items: str) -> str:
    """(project_id, item, code, share, split, rebased) from (project_id, item, code,
    percentage): stated percentages rebased to their sum, equal shares where none is."""
    return f"""
    SELECT i.project_id, i.item, i.code,
           CASE WHEN t.stated = 0 OR t.total = 0 THEN 1::numeric / t.n
                ELSE coalesce(i.percentage, 0) / t.total END AS share,
           t.n > 1 AS split,
           t.stated > 0 AND t.total <> 100 AS rebased
    FROM ({items}) i JOIN (
      SELECT project_id, count(*) AS n, count(percentage) AS stated,
             sum(percentage) AS total
      FROM ({items}) x GROUP BY project_id
    ) t USING (project_id)"""


def _sector_items(category: bool, selected: str, vocabulary: str) -> str:
    code = "left(code, 3)" if category else "code"
    vocabulary = "'1'" if category else vocabulary
    return (
        f"SELECT project_id, 'S' AS item, {code} AS code, percentage FROM activity_sector "
        f"WHERE coalesce(vocabulary, '1') = {vocabulary} AND {selected}"
    )


MONEY = """
funded_in_database AS (
  SELECT DISTINCT t.project_id FROM activity_transaction t
  JOIN project source ON source.iati_identifier = t.provider_activity_id
  WHERE t.transaction_type IN ('1', '11') AND source.id <> t.project_id
),
money AS (
  SELECT 2 * t.id AS record, t.project_id,
         CASE t.transaction_type WHEN '1' THEN 'INCOMING_FUNDS' WHEN '2' THEN 'COMMITMENT'
              WHEN '3' THEN 'DISBURSEMENT' ELSE 'EXPENDITURE' END AS measure,
         t.transaction_type, t.value, t.currency,
         coalesce(t.value_date, t.transaction_date) AS on_date,
         t.transaction_date AS period_start, t.transaction_date AS period_end,
         t.recipient_country_code, t.recipient_region_code,
         t.recipient_country_code IS NOT NULL OR t.recipient_region_code IS NOT NULL
           AS has_own_geo,
         t.sectors, t.humanitarian,
         t.provider_partner_id, t.provider_org_ref, t.provider_org_narratives,
         t.receiver_partner_id, t.receiver_org_ref, t.receiver_org_narratives
  FROM activity_transaction t
  WHERE t.transaction_type IN ('1', '2', '3', '4') AND {selected} AND {chain}
  UNION ALL
  SELECT 2 * b.id + 1, b.project_id, 'BUDGET', NULL, b.value, b.currency,
         coalesce(b.value_date, b.period_start),
         b.period_start, greatest(b.period_end, b.period_start),
         NULL, NULL, false, '[]'::jsonb, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL
  FROM activity_budget b
  WHERE {selected} AND b.id NOT IN (
    SELECT o.id FROM activity_budget o
    JOIN activity_budget r ON r.project_id = o.project_id AND r.type = '2'
      AND r.period_start <= o.period_end AND r.period_end >= o.period_start
    WHERE o.type = '1' OR o.type IS NULL)
),
rates AS (
  SELECT d.currency, d.on_date, {rate} AS rate
  FROM (SELECT DISTINCT currency, on_date FROM money
        WHERE {target} IS NOT NULL AND currency IS NOT NULL) d
)"""

FIRST_HOP = """(t.transaction_type = '1'
    OR t.project_id NOT IN (SELECT project_id FROM funded_in_database))"""


def _finance_sql(
    groupings: Sequence[FinanceGrouping],
    budget_year: BudgetYear,
    *,
    selected: str,
    chain: ChainCounting,
    target: str,
    vocabulary: str,
) -> tuple[str, str]:
    """The statement's common table expressions (without ``WITH``) and its final select:
    one row per bucket, measure and currency, one per measure and currency for the total
    (``bucket`` false), and one per bucket and the total without measure (``measure``
    null, ``counts_only``) with the bucket's record counts. ``selected`` is the condition
    on ``project_id`` of the projects counted, ``target`` the currency converted into and
    ``vocabulary`` the sector vocabulary, each an SQL expression."""
    dimensions = [_dimension(i, g, budget_year, vocabulary) for i, g in enumerate(groupings)]
    keys = ", ".join(f"{d.key} AS k{i}, {d.label} AS l{i}" for i, d in enumerate(dimensions))
    share = " * ".join(["m.value", *(f"({d.share})" for d in dimensions)])
    split = " OR ".join(["false", *(f"({d.split})" for d in dimensions)])
    rebased = " OR ".join(["false", *(f"({d.rebased})" for d in dimensions)])
    joins = "\n  ".join(d.joins for d in dimensions if d.joins)
    key_columns = ", ".join(f"k{i}" for i in range(len(dimensions)))
    labels = "".join(f"min(l{i}) AS l{i}, " for i in range(len(dimensions)))
    fine_labels = labels
    bucket = f"({key_columns}, measure, currency), ({key_columns})," if dimensions else ""
    grouping = f"GROUPING({key_columns}) = 0" if dimensions else "false"
    firsts = [d.first for d in dimensions]
    if all(first is not None for first in firsts):
        # Each part knows whether it is its record's first, and split and rebased are the
        # record's: no window over the record (a sort of every part).
        record = (
            f"{' AND '.join(['true', *(f'({f})' for f in firsts)])} AS first, "
            f"{split} AS any_split, {rebased} AS any_rebased"
        )
        window = ""
    else:
        record = (
            f"row_number() OVER record = 1 AS first, bool_or({split}) OVER record AS any_split, "
            f"bool_or({rebased}) OVER record AS any_rebased"
        )
        window = "WINDOW record AS (PARTITION BY m.record)"
    shares = _SHARES.format(
        geo=_shares_of("SELECT project_id, item, code, percentage FROM geo_items"),
        sector=_shares_of(_sector_items(False, selected, vocabulary)),
        category=_shares_of(_sector_items(True, selected, vocabulary)),
        selected=selected,
    )
    money = MONEY.format(
        selected=selected,
        chain="true" if chain is ChainCounting.EACH_HOP else FIRST_HOP,
        rate=rate_value("d.currency", "d.on_date", target),
        target=target,
    )
    ctes = f"""{shares},
{money},
split AS (
  SELECT m.measure, m.currency, {keys + "," if keys else ""}
         {share} AS amount, {split} AS split, {rebased} AS rebased, r.rate, {record}
  FROM money m
  {joins}
  LEFT JOIN rates r ON r.currency = m.currency AND r.on_date = m.on_date
  {window}
),
fine AS (
  -- Summed once per bucket, measure and currency; the coarser sets below add these up
  -- (exact numeric sums and counts), not the parts again; with no money at all, the
  -- total's counts are 0 as count(*) makes them.
  SELECT {key_columns + "," if key_columns else ""} {fine_labels} measure, currency,
         sum(amount) AS amount, sum(amount) FILTER (WHERE split) AS split_amount,
         sum(amount * rate) AS converted, sum(amount) FILTER (WHERE rate IS NULL) AS not_converted,
         count(*) AS parts, count(*) FILTER (WHERE first) AS records,
         count(*) FILTER (WHERE split) AS split_parts,
         count(*) FILTER (WHERE first AND any_split) AS split_records,
         count(*) FILTER (WHERE rebased) AS rebased_parts,
         count(*) FILTER (WHERE first AND any_rebased) AS rebased_records,
         count(*) FILTER (WHERE rate IS NOT NULL) AS converted_parts,
         count(*) FILTER (WHERE first AND rate IS NOT NULL) AS converted_records
  FROM split
  GROUP BY {key_columns + "," if key_columns else ""} measure, currency
)"""
    final = f"""
SELECT {grouping} AS bucket, {key_columns + "," if key_columns else ""} {labels}
       GROUPING(measure) = 1 AS counts_only, measure, currency,
       round(sum(amount), 2) AS amount,
       round(coalesce(sum(split_amount), 0), 2) AS split_amount,
       coalesce(CASE WHEN {grouping} THEN sum(parts)
                     ELSE sum(records) END, 0)::bigint AS records,
       coalesce(CASE WHEN {grouping} THEN sum(split_parts)
                     ELSE sum(split_records) END, 0)::bigint AS split_records,
       coalesce(CASE WHEN {grouping} THEN sum(rebased_parts)
                     ELSE sum(rebased_records) END, 0)::bigint AS rebased_records,
       round(sum(converted), 2) AS converted,
       round(sum(not_converted), 2) AS not_converted,
       coalesce(CASE WHEN {grouping} THEN sum(converted_parts)
                     ELSE sum(converted_records) END, 0)::bigint AS converted_records
FROM fine
GROUP BY GROUPING SETS ({bucket} (measure, currency), ())
"""
    return ctes, final


def finance_statement(
    groupings: Sequence[FinanceGrouping],
    budget_year: BudgetYear,
    *,
    all_projects: bool = False,
    chain: ChainCounting = ChainCounting.EACH_HOP,
) -> sa.TextClause:
    """``_finance_sql``'s rows, with the currency (``:target``) and the sector vocabulary
    (``:sector_vocabulary``) bound. Over every project (``all_projects``) it reads the
    tables whole, else the projects of ``:project_ids``."""
    ctes, final = _finance_sql(
        groupings,
        budget_year,
        selected="true" if all_projects else "project_id = ANY(:project_ids)",
        chain=chain,
        target="CAST(:target AS text)",
        vocabulary=":sector_vocabulary",
    )
    statement = sa.text(f"WITH {ctes}\n{final}").bindparams(
        sa.bindparam("target", type_=sa.String())
    )
    if all_projects:
        return statement
    return statement.bindparams(sa.bindparam("project_ids", type_=ARRAY(sa.Integer())))


async def finance_stats(
    conn: AsyncConnection,
    *,
    project_ids: Sequence[int] | None,
    groupings: Sequence[FinanceGrouping],
    target: str | None,
    budget_year: BudgetYear,
    chain: ChainCounting,
    sector_vocabulary: str,
) -> Sequence[RowMapping]:
    """``project_ids`` None: every project."""
    statement = finance_statement(
        groupings, budget_year, all_projects=project_ids is None, chain=chain
    )
    rows = await conn.execute(
        statement,
        {
            "project_ids": list(project_ids or []),
            "target": target,
            "sector_vocabulary": sector_vocabulary,
        },
    )
    return rows.mappings().all()


COMBINED: dict[str, tuple[tuple[Measure, int], ...]] = {
    "SPEND": ((Measure.DISBURSEMENT, 1), (Measure.EXPENDITURE, 1)),
    "BUDGET_LEFT": ((Measure.BUDGET, 1), (Measure.DISBURSEMENT, -1), (Measure.EXPENDITURE, -1)),
}
"""Measures that are signed sums of others, per currency: spend, and budget left."""

CURRENCY = re.compile(r"[A-Z]{3}")
VOCABULARY = re.compile(r"[0-9A-Za-z]{1,8}")
"""What ``FinanceAnswer`` writes into its statement's text rather than binds (checked
whole, with ``fullmatch``): an ISO 4217 code, a SectorVocabulary code."""


def measure_rows(groupings: int) -> sa.TableClause:
    """The rows ``FinanceAnswer``'s expression reads: ``_finance_sql``'s, and per bucket
    and currency those of the ``COMBINED`` measures it was asked for, with
    ``has_not_converted`` saying whether any record summed into ``not_converted`` had a
    part left out (Python's sum of ``Decimal``s then has cents, else it is a bare 0)."""
    numeric = ("amount", "split_amount", "converted", "not_converted")
    counts = ("records", "split_records", "rebased_records", "converted_records")
    return sa.table(
        "measure_rows",
        sa.column("bucket", sa.Boolean),
        *(sa.column(f"{c}{i}", sa.Text) for i in range(groupings) for c in ("k", "l")),
        sa.column("counts_only", sa.Boolean),
        sa.column("measure", sa.Text),
        sa.column("currency", sa.Text),
        *(sa.column(name, sa.Numeric) for name in numeric),
        *(sa.column(name, sa.Numeric) for name in counts),
        sa.column("has_not_converted", sa.Boolean),
    )


def _measure_rows_sql(groupings: int, combined: Sequence[str]) -> str:
    keys = "".join(f"f.k{i}, " for i in range(groupings))
    labels = "".join(f"f.l{i}, " for i in range(groupings))
    rows = f"""
  SELECT f.bucket, {keys}{labels}f.counts_only, f.measure, f.currency, f.amount,
         f.split_amount, f.records, f.split_records, f.rebased_records, f.converted,
         f.converted_records, f.not_converted,
         coalesce(f.not_converted, 0) <> 0 AS has_not_converted
  FROM finance_rows f"""
    parts = ", ".join(
        f"('{name}', '{measure.value}', {sign})"
        for name in sorted(combined)
        for measure, sign in COMBINED[name]
    )
    if not parts:
        return rows
    no_labels = "NULL::text, " * groupings
    return f"""{rows}
  UNION ALL
  SELECT f.bucket, {keys}{no_labels}false, c.measure, f.currency, sum(c.sign * f.amount),
         sum(c.sign * f.split_amount), sum(f.records), 0, 0, sum(c.sign * f.converted),
         sum(f.converted_records), sum(c.sign * coalesce(f.not_converted, 0)),
         bool_or(coalesce(f.not_converted, 0) <> 0)
  FROM finance_rows f JOIN (VALUES {parts}) AS c(measure, part, sign) ON c.part = f.measure
  GROUP BY f.bucket, {keys}c.measure, f.currency"""


class FinanceAnswer(ColumnElement[Any]):
    """``body``, an expression over ``measure_rows``, evaluated in one subquery whose
    ``WITH`` computes the finance statement's rows once: the answer of a whole
    ``financeStats`` built inside a compiled query's one statement. The projects counted
    are those ``projects`` (a select of project ids) selects, or every one; the currency
    and the vocabulary are written into the text, so its plan is kept per shape (the
    groupings, the budget years, the chain, the currency, the combined measures)."""

    inherit_cache = False
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012 (SQLAlchemy's own)
        ("clauses", InternalTraversal.dp_clauseelement_list)
    ]

    def __init__(
        self,
        body: ColumnElement[Any],
        *,
        groupings: Sequence[FinanceGrouping],
        budget_year: BudgetYear,
        chain: ChainCounting,
        target: str | None,
        vocabulary: str,
        projects: sa.Select[Any] | None,
        combined: Sequence[str],
    ) -> None:
        if target is not None and not CURRENCY.fullmatch(target):
            raise ValueError(f"{target!r} is not an ISO 4217 code")
        if not VOCABULARY.fullmatch(vocabulary):
            raise ValueError(f"{vocabulary!r} is not a SectorVocabulary code")
        if not set(combined) <= set(COMBINED):
            raise ValueError(f"not combined measures: {combined!r}")
        self.body = body
        self.groupings = tuple(groupings)
        self.budget_year = budget_year
        self.chain = chain
        self.target = target
        self.vocabulary = vocabulary
        self.projects = projects
        self.combined = tuple(sorted(combined))
        self.clauses = [body] if projects is None else [body, projects]
        self.type = JSON()


@compiles(FinanceAnswer)
def _compile_finance_answer(element: FinanceAnswer, compiler: SQLCompiler, **kw: Any) -> str:
    chosen = ""
    selected = "true"
    if element.projects is not None:
        ids = compiler.process(element.projects.correlate(None).scalar_subquery(), **kw)
        # Computed once, an array the scans probe as the resolver's bound ids are.
        chosen = f"chosen_projects AS MATERIALIZED (SELECT ARRAY{ids} AS ids),\n"
        # The cast makes ANY take the array, not the subquery's rows.
        selected = "project_id = ANY(CAST((SELECT ids FROM chosen_projects) AS integer[]))"
    ctes, final = _finance_sql(
        element.groupings,
        element.budget_year,
        selected=selected,
        chain=element.chain,
        target="NULL::text" if element.target is None else f"'{element.target}'::text",
        vocabulary=f"'{element.vocabulary}'",
    )
    rows = _measure_rows_sql(len(element.groupings), element.combined)
    body = compiler.process(element.body, **kw)
    return (
        f"(WITH {chosen}{ctes},\nfinance_rows AS ({final}),\nmeasure_rows AS ({rows}\n)\n"
        f"SELECT {body})"
    )
