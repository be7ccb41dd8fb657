"""``financeStats`` compiled answers what its resolver answers, byte for byte, in one
statement.

The corpus: the made-up three-publisher chain (``tests/finance_chain.py``) with records
chosen for what a sum in SQL is easy to get wrong against Python's ``Decimal`` (a zero left
out, a negative amount of fractions of a cent, a share rounding to a cent, no currency, a
currency without a rate, one organisation ref under two names), the repo's realistic IATI
files (policy markers, regions, several currencies), the README's worked examples on the
demo's files, and the two real publishers' files where ``COOPGRAPH_IATI_DIR`` has them.
Each query runs through the resolvers and compiled (``test_compiled_reads.both``): the same
JSON text, and the compiled path in one statement.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.conftest import StatementCounter
from tests.finance_chain import add_funding_chain
from tests.schema.test_compiled_reads import ROOT, SHIPPED, both
from tests.schema.test_compiled_reads_iati import REPO_FILES, import_iati_paths, real_file

MEASURE = """{ amounts { amount currency records estimatedBySplit } converted convertedRecords
  notConverted { amount currency records estimatedBySplit } }"""

MEASURES = [
    "incomingFunds",
    "commitments",
    "disbursements",
    "expenditure",
    "spend",
    "budget",
    "budgetLeft",
]

QUERY = """
query Everything($groupBy: [FinanceGrouping!], $currency: String, $budgetYear: BudgetYear,
                 $chain: ChainCounting, $filter: ProjectFilter, $vocabulary: String! = "1") {
  financeStats(groupBy: $groupBy, currency: $currency, budgetYear: $budgetYear,
               chain: $chain, filter: $filter, sectorVocabulary: $vocabulary) {
    currency budgetYear chain
    total { keys { grouping key label } records estimatedBySplit rebased %s }
    buckets { keys { grouping key label } records estimatedBySplit rebased %s }
  }
}"""

EVERY_MEASURE = [
    QUERY % (" ".join(f"{m} {MEASURE}" for m in MEASURES), f"{measure} {MEASURE}")
    for measure in MEASURES
]
"""Every field: every measure of the total, and of each bucket one measure a query (the
cost limit counts a detailed measure of 5,000 buckets as about 600,000 fields)."""


async def everything(
    conn: AsyncConnection, statements: StatementCounter, **variables: Any
) -> dict[str, Any]:
    """Every field of ``financeStats``, each query answered the same by both paths in one
    statement; the buckets' measures put together."""
    stats: dict[str, Any] = {}
    for measure, query in zip(MEASURES, EVERY_MEASURE, strict=True):
        answer = (await same(conn, statements, query, **variables))["financeStats"]
        if not stats:
            stats = answer
        for bucket, more in zip(stats["buckets"], answer["buckets"], strict=True):
            assert bucket["keys"] == more["keys"]
            bucket[measure] = more[measure]
    return {"financeStats": stats}


GROUPINGS = [
    "YEAR",
    "QUARTER",
    "RECIPIENT_COUNTRY",
    "REGION",
    "SECTOR",
    "SECTOR_CATEGORY",
    "PROVIDER",
    "RECEIVER",
    "PUBLISHER",
    "FUNDING_PARTNER",
    "TRANSACTION_TYPE",
    "POLICY_MARKER",
    "HUMANITARIAN",
]

CROSS_TABS = [
    ["YEAR", "RECIPIENT_COUNTRY"],
    ["RECIPIENT_COUNTRY", "YEAR"],
    ["SECTOR", "RECIPIENT_COUNTRY", "QUARTER"],
    ["FUNDING_PARTNER", "POLICY_MARKER"],
    ["PROVIDER", "RECEIVER", "TRANSACTION_TYPE"],
    ["REGION", "SECTOR_CATEGORY", "HUMANITARIAN"],
    ["PUBLISHER", "YEAR"],
]


TIE = "XM-TEST-TIE"


async def add_edge_cases(conn: AsyncConnection) -> None:
    """Records beside the chain's, each for a rule of the sums' text."""
    await conn.execute(
        sa.text(
            """
            INSERT INTO activity_transaction
              (project_id, transaction_type, transaction_date, value, currency,
               provider_org_ref, provider_org_narratives, recipient_country_code, humanitarian)
            SELECT p.id, t.type, t.day::date, t.value, t.currency, t.provider,
                   t.names::jsonb, t.country, t.humanitarian
            FROM project p JOIN (VALUES
              -- nothing left out but a zero, in a currency and year without a rate
              ('test-i1', '4', '2026-02-01', 0, 'XOF', NULL, NULL, NULL, NULL),
              -- negative, in fractions of a cent, converted
              ('test-i1', '3', '2021-09-01', -12.345, 'USD', NULL, NULL, 'KE', true),
              -- no currency: never converted
              ('test-i1', '4', '2022-09-02', 7.5, NULL, NULL, NULL, NULL, false),
              -- split half and half into fractions of a cent
              ('test-a1', '3', '2022-06-03', 0.01, 'USD', NULL, NULL, NULL, NULL),
              -- one organisation ref written under two names
              ('test-d1', '2', '2022-02-01', 5, 'KRW', 'XM-TEST-TIE', '[{"text": "Zeta"}]',
               NULL, NULL),
              ('test-d1', '3', '2022-02-02', 5, 'KRW', 'XM-TEST-TIE', '[{"text": "Alpha"}]',
               NULL, NULL)
            ) t(project, type, day, value, currency, provider, names, country, humanitarian)
              ON t.project = p.code
            """
        )
    )


@pytest.fixture
async def money(conn: AsyncConnection) -> AsyncConnection:
    await add_funding_chain(conn)
    await add_edge_cases(conn)
    await import_iati_paths(conn, REPO_FILES)
    return conn


async def same(
    conn: AsyncConnection, statements: StatementCounter, query: str, **variables: Any
) -> dict[str, Any]:
    """Both paths' answer, asserted equal and compiled in one statement, without errors."""
    answer, count = await both(
        conn,
        statements,
        query,
        variables,
    )
    parsed = json.loads(answer)
    assert parsed["errors"] == [], parsed["errors"]
    assert count == 1
    data: dict[str, Any] = parsed["data"]
    return data


@pytest.mark.parametrize("grouping", GROUPINGS)
async def test_every_grouping_answers_the_same_in_one_statement(
    money: AsyncConnection, statements: StatementCounter, grouping: str
) -> None:
    for currency in ("USD", "EUR", None):
        data = await everything(money, statements, groupBy=[grouping], currency=currency)
        assert data["financeStats"]["buckets"]


@pytest.mark.parametrize("group_by", CROSS_TABS)
async def test_cross_tabulations_answer_the_same(
    money: AsyncConnection, statements: StatementCounter, group_by: list[str]
) -> None:
    for currency in ("USD", None):
        data = await everything(money, statements, groupBy=group_by, currency=currency)
        assert all(len(b["keys"]) == len(group_by) for b in data["financeStats"]["buckets"])


@pytest.mark.parametrize("budget_year", ["SPLIT_BY_DAYS", "END"])
@pytest.mark.parametrize("group_by", [["YEAR"], ["QUARTER"], ["YEAR", "RECIPIENT_COUNTRY"]])
async def test_both_budget_years_answer_the_same(
    money: AsyncConnection, statements: StatementCounter, budget_year: str, group_by: list[str]
) -> None:
    data = await everything(
        money, statements, groupBy=group_by, currency="USD", budgetYear=budget_year
    )
    assert data["financeStats"]["budgetYear"] == budget_year


@pytest.mark.parametrize(
    "variables",
    [
        {"chain": "FIRST_HOP", "groupBy": ["PUBLISHER"], "currency": "USD"},
        {"filter": {"codes": ["test-d1", "test-a1", "test-i1"]}, "groupBy": ["YEAR"]},
        {"filter": {"countries": ["KE"]}, "groupBy": ["SECTOR"], "currency": "KRW"},
        {"filter": {"or": [{"codes": ["test-i1"]}, {"humanitarian": True}]}, "currency": "USD"},
        {"vocabulary": "2", "groupBy": ["SECTOR"]},
        {"groupBy": []},
        {"groupBy": None, "currency": "JPY"},
    ],
    ids=["first hop", "filter", "filter by country", "or", "vocabulary", "no grouping", "total"],
)
async def test_arguments_answer_the_same(
    money: AsyncConnection, statements: StatementCounter, variables: dict[str, Any]
) -> None:
    await everything(money, statements, **variables)


async def test_nothing_counted_answers_the_same(
    money: AsyncConnection, statements: StatementCounter
) -> None:
    """A filter nothing meets: the total's zero counts and empty lists, no bucket."""
    for group_by in ([], ["YEAR", "RECIPIENT_COUNTRY"]):
        data = await everything(
            money,
            statements,
            filter={"codes": ["no-such-project"]},
            groupBy=group_by,
            currency="USD",
        )
        stats = data["financeStats"]
        assert stats["buckets"] == []
        assert stats["total"]["records"] == 0
        assert stats["total"]["spend"] == {
            "amounts": [],
            "converted": None,
            "convertedRecords": 0,
            "notConverted": [],
        }


async def test_the_corpus_reaches_what_the_sums_must_get_right(
    money: AsyncConnection, statements: StatementCounter
) -> None:
    """What the compared answers hold: converted, estimated by split and left out, each
    measure combined or not, and the decimals' text in each of its forms."""
    data = await everything(money, statements, groupBy=["YEAR"], currency="USD")
    buckets = data["financeStats"]["buckets"]
    measures = [b[m] for b in buckets for m in ("expenditure", "spend", "budgetLeft")]
    left_out = [a for m in measures for a in m["notConverted"]]
    assert any(a["amount"] == "0" for a in left_out)  # nothing but a zero left out
    assert any(a["amount"] not in ("0",) and a["records"] for a in left_out)
    assert any(a["currency"] is None for m in measures for a in m["amounts"])
    assert any(m["converted"] is None for m in measures)
    assert any(m["converted"] is not None and m["notConverted"] for m in measures)
    amounts = [a for b in buckets for m in ("disbursements", "budget") for a in b[m]["amounts"]]
    assert any(a["amount"].startswith("-") for a in amounts)
    assert any(a["estimatedBySplit"] not in ("0.00",) for a in amounts)
    assert any(b["estimatedBySplit"] for b in buckets)
    by_sector = await everything(money, statements, groupBy=["SECTOR"])
    assert any(b["rebased"] for b in by_sector["financeStats"]["buckets"])
    by_provider = await everything(money, statements, groupBy=["PROVIDER"])
    [tie] = [
        b["keys"][0] for b in by_provider["financeStats"]["buckets"] if b["keys"][0]["key"] == TIE
    ]
    assert tie["label"] == "Alpha"  # the least of its names, whichever row comes first


PARTIAL = """{
  commitmentsOnly: financeStats(groupBy: [YEAR]) { buckets { commitments { converted } } }
  combinedOnly: financeStats(groupBy: [RECIPIENT_COUNTRY], currency: "USD") {
    __typename total { __typename budgetLeft { notConverted { currency } } }
    buckets { keys { label } spend { amounts { records } } } }
  twice: financeStats(currency: "EUR") {
    total { left: budgetLeft { converted } budgetLeft { convertedRecords } spend { converted } }
    buckets { records }
  }
  argumentsOnly: financeStats(budgetYear: END, chain: FIRST_HOP) { currency budgetYear chain }
}"""


async def test_any_selection_answers_the_same(
    money: AsyncConnection, statements: StatementCounter
) -> None:
    """Only what is asked for, aliased, merged, several times in one query."""
    data = await same(money, statements, PARTIAL)
    assert data["twice"]["buckets"] == []


DIRECTED = """query($details: Boolean!) { financeStats(groupBy: [YEAR], currency: "USD") {
  buckets { keys { key } records @include(if: $details)
    ... on FinanceBucket @skip(if: $details) { spend { converted } }
    ...Details @include(if: $details) } } }
fragment Details on FinanceBucket { disbursements { amounts { amount } } }"""


@pytest.mark.parametrize("details", [True, False])
async def test_skip_and_include_answer_the_same(
    money: AsyncConnection, statements: StatementCounter, details: bool
) -> None:
    await same(money, statements, DIRECTED, details=details)


async def test_the_benchmark_question_answers_in_one_statement(
    money: AsyncConnection, statements: StatementCounter
) -> None:
    data = await same(money, statements, SHIPPED["queries/q7.coopgraph.graphql"])
    assert data["financeStats"]["buckets"]


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ("groupBy: [YEAR, QUARTER, SECTOR, REGION]", "BAD_USER_INPUT"),
        ("groupBy: [YEAR, YEAR]", "BAD_USER_INPUT"),
        ('currency: "usd"', "BAD_USER_INPUT"),
        ('sectorVocabulary: "1 OR 1=1"', "BAD_USER_INPUT"),
        ('filter: {countries: ["Korea"]}', "BAD_USER_INPUT"),
    ],
)
async def test_what_the_resolver_refuses_is_refused_the_same(
    money: AsyncConnection, statements: StatementCounter, arguments: str, code: str
) -> None:
    answer, _ = await both(
        money, statements, f"{{ financeStats({arguments}) {{ total {{ records }} }} }}"
    )
    assert json.loads(answer)["errors"][0]["extensions"]["code"] == code


async def test_a_currency_with_a_line_break_after_it_is_refused_on_both_paths(
    money: AsyncConnection, statements: StatementCounter
) -> None:
    """``currency_argument`` checks the whole text: a ``$`` anchor once let ``"USD\\n"``
    through to the resolvers (the statement's text takes only ``[A-Z]{3}``), which answered
    null where any other text that is no code is refused."""
    query = "query($c: String) { financeStats(currency: $c) { total { spend { converted } } } }"
    answer, _ = await both(money, statements, query, {"c": "USD\n"})
    [error] = json.loads(answer)["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "currency"}


async def test_beside_a_field_without_a_rule_the_resolvers_answer(
    money: AsyncConnection, statements: StatementCounter
) -> None:
    query = "{ financeStats(groupBy: [YEAR]) { buckets { keys { key } } } themes { slug } }"
    answer, count = await both(money, statements, query)
    assert json.loads(answer)["errors"] == []
    assert count >= 2


def readme_examples() -> list[tuple[str, Any]]:
    """The README's ``financeStats`` queries with the answers it shows for them."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.finditer(r"QUERY='(.*?)'\n.*?```json\n(.*?)\n```", text, re.DOTALL)
    return [(m[1], json.loads(m[2])) for m in found if "financeStats" in m[1]]


DEMO = sorted((ROOT / "demo" / "iati").glob("*.xml"))


async def test_the_readme_examples_answer_as_shown(
    conn: AsyncConnection, statements: StatementCounter
) -> None:
    """On the demo's files alone, as ``make demo`` serves them: both paths print what the
    README shows."""
    examples = readme_examples()
    assert len(examples) >= 2
    await import_iati_paths(conn, DEMO)
    for query, shown in examples:
        data = await same(conn, statements, query)
        assert {"data": data} == shown


@pytest.mark.parametrize("name", ["undp-100-activities.xml", "spain-maec-indonesia.xml"])
async def test_real_files_answer_the_same(
    conn: AsyncConnection, statements: StatementCounter, name: str
) -> None:
    path: Path = real_file(name)
    await import_iati_paths(conn, [path])
    for group_by in [*([g] for g in GROUPINGS), *CROSS_TABS[:3]]:
        for currency in ("USD", None):
            await everything(conn, statements, groupBy=group_by, currency=currency)
