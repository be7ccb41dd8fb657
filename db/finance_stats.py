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

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from db.conversion import rate_lateral


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


def _calendar(i: int, unit: str, budget_year: BudgetYear) -> _Dimension:
    """Years or quarters; a budget over several split by days, or all in its end's."""
    step = "1 year" if unit == "year" else "3 months"
    key_format = "YYYY" if unit == "year" else 'YYYY-"Q"Q'
    if budget_year is BudgetYear.END:
        return _Dimension(
            joins=f"CROSS JOIN LATERAL (SELECT date_trunc('{unit}', m.period_end)::date AS p) c{i}",
            key=f"to_char(c{i}.p, '{key_format}')",
            label=f"to_char(c{i}.p, '{key_format}')",
        )
    days = "(m.period_end - m.period_start + 1)"
    return _Dimension(
        joins=f"CROSS JOIN LATERAL (SELECT p::date AS p, count(*) OVER () AS n FROM "
        f"generate_series(date_trunc('{unit}', m.period_start), m.period_end, "
        f"interval '{step}') p) c{i}",
        key=f"to_char(c{i}.p, '{key_format}')",
        label=f"to_char(c{i}.p, '{key_format}')",
        share=f"CASE WHEN c{i}.n = 1 THEN 1::numeric ELSE (least(m.period_end, "
        f"(c{i}.p + interval '{step}')::date - 1) - greatest(m.period_start, c{i}.p) + 1)"
        f"::numeric / {days} END",
        split=f"c{i}.n > 1",
    )


def _geography(i: int, item: str) -> _Dimension:
    """Countries (``item`` C) or regions (R): the transaction's own, else the activity's
    shares (``geo_shares``), the other kind's share in the null bucket."""
    own = "m.recipient_country_code" if item == "C" else "m.recipient_region_code"
    key = f"CASE WHEN m.has_own_geo THEN {own} WHEN g{i}.item = '{item}' THEN g{i}.code END"
    joins = f"LEFT JOIN geo_shares g{i} ON NOT m.has_own_geo AND g{i}.project_id = m.project_id"
    if item == "C":
        joins += f" LEFT JOIN country n{i} ON n{i}.code = {key}"
    return _Dimension(
        joins=joins,
        key=key,
        label=f"n{i}.name" if item == "C" else "NULL::text",
        share=f"coalesce(g{i}.share, 1::numeric)",
        split=f"coalesce(g{i}.split, false)",
        rebased=f"coalesce(g{i}.rebased, false)",
    )


def _sector(i: int, category: bool) -> _Dimension:
    """The transaction's own sectors of the vocabulary (equal shares), else the activity's
    (``sector_shares``); a DAC category is a 5-digit code's first three digits."""
    own_code = "left(e->>'code', 3)" if category else "e->>'code'"
    vocabulary = "'1'" if category else ":sector_vocabulary"
    shares = "category_shares" if category else "sector_shares"
    return _Dimension(
        joins=f"LEFT JOIN LATERAL (SELECT {own_code} AS code, count(*) OVER () AS n "
        "FROM jsonb_array_elements(m.sectors) e "
        f"WHERE coalesce(e->>'vocabulary', '1') = {vocabulary}) o{i} ON true "
        f"LEFT JOIN {shares} s{i} ON o{i}.code IS NULL AND s{i}.project_id = m.project_id",
        key=f"coalesce(o{i}.code, s{i}.code)",
        label="NULL::text",
        share=f"CASE WHEN o{i}.code IS NOT NULL THEN 1::numeric / o{i}.n "
        f"ELSE coalesce(s{i}.share, 1::numeric) END",
        split=f"coalesce(o{i}.n > 1, s{i}.split, false)",
        rebased=f"coalesce(o{i}.code IS NULL AND s{i}.rebased, false)",
    )


def _organisation(i: int, side: str) -> _Dimension:
    return _Dimension(
        joins=f"LEFT JOIN partner o{i} ON o{i}.id = m.{side}_partner_id",
        key=f"coalesce(o{i}.code, m.{side}_org_ref)",
        label=f"coalesce(o{i}.acronym, o{i}.name, m.{side}_org_narratives->0->>'text')",
    )


def _dimension(i: int, grouping: FinanceGrouping, budget_year: BudgetYear) -> _Dimension:
    if grouping is FinanceGrouping.YEAR:
        return _calendar(i, "year", budget_year)
    if grouping is FinanceGrouping.QUARTER:
        return _calendar(i, "quarter", budget_year)
    if grouping is FinanceGrouping.RECIPIENT_COUNTRY:
        return _geography(i, "C")
    if grouping is FinanceGrouping.REGION:
        return _geography(i, "R")
    if grouping in (FinanceGrouping.SECTOR, FinanceGrouping.SECTOR_CATEGORY):
        return _sector(i, grouping is FinanceGrouping.SECTOR_CATEGORY)
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
            joins=f"LEFT JOIN activity_policy_marker pm{i} ON pm{i}.project_id = m.project_id "
            f"AND coalesce(pm{i}.significance, '') <> '0'",
            key=f"pm{i}.code",
            label="NULL::text",
        )
    return _Dimension(
        joins=f"JOIN project h{i} ON h{i}.id = m.project_id",
        key=f"CASE coalesce(m.humanitarian, h{i}.humanitarian) WHEN true THEN 'true' "
        "WHEN false THEN 'false' END",
        label=f"CASE coalesce(m.humanitarian, h{i}.humanitarian) WHEN true THEN "
        "'Humanitarian' WHEN false THEN 'Not humanitarian' END",
    )


SELECTED = "SELECT id FROM project WHERE :all_projects OR id = ANY(:project_ids)"

_SHARES = """
geo_items AS (
  SELECT project_id, 'C' AS item, country_code AS code, percentage
  FROM project_country WHERE project_id IN (SELECT id FROM selected)
  UNION ALL
  SELECT project_id, 'R', code, percentage FROM activity_recipient_region
  WHERE coalesce(vocabulary, '1') = '1' AND project_id IN (SELECT id FROM selected)
),
geo_shares AS (SELECT * FROM ({geo}) g),
sector_shares AS (SELECT * FROM ({sector}) s),
category_shares AS (
  SELECT project_id, code, sum(share) AS share, bool_or(split) AS split,
         bool_or(rebased) AS rebased
  FROM ({category}) c GROUP BY project_id, code
),
funder_shares AS (
  SELECT pp.project_id, o.code, coalesce(o.acronym, o.name) AS label,
         1::numeric / count(*) OVER (PARTITION BY pp.project_id) AS share,
         count(*) OVER (PARTITION BY pp.project_id) > 1 AS split
  FROM project_partner pp JOIN partner o ON o.id = pp.partner_id
  WHERE pp.role = 'FUNDING' AND pp.project_id IN (SELECT id FROM selected)
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


def _sector_items(category: bool) -> str:
    code = "left(code, 3)" if category else "code"
    vocabulary = "'1'" if category else ":sector_vocabulary"
    return (
        f"SELECT project_id, 'S' AS item, {code} AS code, percentage FROM activity_sector "
        f"WHERE coalesce(vocabulary, '1') = {vocabulary} "
        "AND project_id IN (SELECT id FROM selected)"
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
  WHERE t.transaction_type IN ('1', '2', '3', '4')
    AND t.project_id IN (SELECT id FROM selected)
    AND (:chain = 'EACH_HOP' OR t.transaction_type = '1'
         OR t.project_id NOT IN (SELECT project_id FROM funded_in_database))
  UNION ALL
  SELECT 2 * b.id + 1, b.project_id, 'BUDGET', NULL, b.value, b.currency,
         coalesce(b.value_date, b.period_start),
         b.period_start, greatest(b.period_end, b.period_start),
         NULL, NULL, false, '[]'::jsonb, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL
  FROM activity_budget b
  WHERE b.project_id IN (SELECT id FROM selected)
    AND NOT (coalesce(b.type, '1') = '1' AND EXISTS (
      SELECT FROM activity_budget r
      WHERE r.project_id = b.project_id AND r.type = '2'
        AND r.period_start <= b.period_end AND r.period_end >= b.period_start))
),
rates AS (
  SELECT d.currency, d.on_date, fx.rate
  FROM (SELECT DISTINCT currency, on_date FROM money
        WHERE CAST(:target AS text) IS NOT NULL AND currency IS NOT NULL) d
  {rate}
)"""


def finance_statement(
    groupings: Sequence[FinanceGrouping], budget_year: BudgetYear
) -> sa.TextClause:
    """The statement for these groupings: one row per bucket, measure and currency, one
    per measure and currency for the total (``bucket`` false), and one per bucket and the
    total without measure (``measure`` null) with the bucket's record counts."""
    dimensions = [_dimension(i, g, budget_year) for i, g in enumerate(groupings)]
    keys = ", ".join(f"{d.key} AS k{i}, {d.label} AS l{i}" for i, d in enumerate(dimensions))
    share = " * ".join(["m.value", *(f"({d.share})" for d in dimensions)])
    split = " OR ".join(["false", *(f"({d.split})" for d in dimensions)])
    rebased = " OR ".join(["false", *(f"({d.rebased})" for d in dimensions)])
    joins = "\n  ".join(d.joins for d in dimensions if d.joins)
    key_columns = ", ".join(f"k{i}" for i in range(len(dimensions)))
    labels = "".join(f"min(l{i}) AS l{i}, " for i in range(len(dimensions)))
    bucket = f"({key_columns}, measure, currency), ({key_columns})," if dimensions else ""
    grouping = f"GROUPING({key_columns}) = 0" if dimensions else "false"
    shares = _SHARES.format(
        geo=_shares_of("SELECT project_id, item, code, percentage FROM geo_items"),
        sector=_shares_of(_sector_items(category=False)),
        category=_shares_of(_sector_items(category=True)),
    )
    sql = f"""
WITH selected AS ({SELECTED}),
{shares},
{MONEY.format(rate=rate_lateral("d.currency", "d.on_date", "CAST(:target AS text)"))},
split AS (
  SELECT m.record, m.measure, m.currency, {keys + "," if keys else ""}
         {share} AS amount, {split} AS split, {rebased} AS rebased, r.rate
  FROM money m
  {joins}
  LEFT JOIN rates r ON r.currency = m.currency AND r.on_date = m.on_date
)
SELECT {grouping} AS bucket, {key_columns + "," if key_columns else ""} {labels}
       GROUPING(measure) = 1 AS counts_only, measure, currency,
       round(sum(amount), 2) AS amount,
       round(coalesce(sum(amount) FILTER (WHERE split), 0), 2) AS split_amount,
       count(DISTINCT record) AS records,
       count(DISTINCT record) FILTER (WHERE split) AS split_records,
       count(DISTINCT record) FILTER (WHERE rebased) AS rebased_records,
       round(sum(amount * rate), 2) AS converted,
       round(sum(amount) FILTER (WHERE rate IS NULL), 2) AS not_converted,
       count(DISTINCT record) FILTER (WHERE rate IS NOT NULL) AS converted_records
FROM split
GROUP BY GROUPING SETS ({bucket} (measure, currency), ())
"""
    return sa.text(sql).bindparams(
        sa.bindparam("project_ids", type_=ARRAY(sa.Integer())),
        sa.bindparam("target", type_=sa.String()),
    )


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
    statement = finance_statement(groupings, budget_year)
    rows = await conn.execute(
        statement,
        {
            "all_projects": project_ids is None,
            "project_ids": list(project_ids or []),
            "target": target,
            "chain": chain.value,
            "sector_vocabulary": sector_vocabulary,
        },
    )
    return rows.mappings().all()
