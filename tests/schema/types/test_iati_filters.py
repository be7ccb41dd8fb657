"""Project filters on the IATI model (sector, region, policy marker, humanitarian,
transactions), on an imported file, and that its reads cost a fixed number of statements."""

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from schema.build import build_schema
from schema.context import Context
from service.settings import Settings
from tests.conftest import Execute, StatementCounter
from tests.schema.types.conftest import FIRST, SECOND


async def _codes(gql: Execute, filter: str) -> set[str]:
    result = await gql(
        "{ projects(first: 100, filter: " + filter + ") { edges { node { code } } } }"
    )
    assert result.errors is None, result.errors
    return {edge["node"]["code"] for edge in result.data["projects"]["edges"]}


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ('{sectors: {codes: ["16020"]}}', {FIRST, SECOND}),
        ('{sectors: {codes: ["160"]}}', {FIRST, SECOND}),  # DAC category → its 5-digit codes
        ('{sectors: {codes: ["113"]}}', {FIRST}),
        ('{sectors: {codes: ["151"], vocabulary: "2"}}', {FIRST}),
        ('{sectors: {codes: ["5.2"]}}', {FIRST}),
        ('{sectors: {codes: ["5.2"], vocabulary: "1"}}', set()),
        ('{regions: ["289"]}', {FIRST, SECOND}),
        ('{policyMarker: {codes: ["1"]}}', {FIRST}),
        ('{policyMarker: {codes: ["1"], significance: ["2"]}}', {FIRST}),
        ('{policyMarker: {codes: ["7"], significance: ["2"]}}', set()),
        ('{transactions: {types: ["3"], years: [2023]}}', {FIRST}),
        ('{transactions: {types: ["2"]}}', {SECOND}),
        ("{transactions: {years: [2030]}}", set()),
        ("{humanitarian: true}", {FIRST}),
    ],
)
async def test_iati_filters(
    imported: AsyncConnection, gql: Execute, filter: str, expected: set[str]
) -> None:
    found = await _codes(gql, filter)
    assert found & {FIRST, SECOND} == expected
    if "humanitarian" not in filter:
        assert found <= {FIRST, SECOND}  # no project of the built-in dataset has these


async def test_not_humanitarian_keeps_the_rest(imported: AsyncConnection, gql: Execute) -> None:
    found = await _codes(gql, "{humanitarian: false}")
    assert SECOND in found
    assert FIRST not in found
    assert "tunisia-ict-jobs" in found
    # The dataset's own regions still match by their codes.
    asean = await _codes(gql, '{regions: ["ASEAN"]}')
    assert asean
    assert not asean & {FIRST, SECOND}


@pytest.mark.parametrize(
    ("filter", "argument"),
    [
        ('{sectors: {codes: ["' + "1" * 101 + '"]}}', "filter.sectors.codes"),
        ('{sectors: {codes: [""]}}', "filter.sectors.codes"),
        ("{transactions: {years: [0]}}", "filter.transactions.years"),
        (
            '{policyMarker: {codes: ["1"], significance: ["' + "x" * 200 + '"]}}',
            "filter.policyMarker.significance",
        ),
    ],
)
async def test_bad_filters_are_refused(
    imported: AsyncConnection, gql: Execute, filter: str, argument: str
) -> None:
    result = await gql("{ projects(filter: " + filter + ") { totalCount } }")
    assert result.errors is not None
    assert result.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert result.errors[0]["extensions"]["argument"] == argument


EVERYTHING = """query($codes: [String!]) { projects(first: 10, filter: {codes: $codes}) {
  edges { node {
    transactions { type { code name } value { amount } providerOrg { name partner { name } }
                   sectors { code { name } } recipientCountry { name } }
    budgets { type { name } value { amount } }
    plannedDisbursements { value { amount } providerOrg { ref } }
    sectors { vocabulary { name } code { name withdrawn } percentage }
    regionLinks { region { name } vocabulary { name } sources { excerpt } }
    policyMarkers { code { name } significance { name } }
    locations { name point { latitude } exactness { name } }
    documents { title categories { name } }
    relatedProjects { type { name } project { code } }
    results { title indicators { title baselines { value }
              periods { targets { value } actuals { value } } } }
    classifications { defaultFlowType { name } tags { code { name } }
                      humanitarianScopes { code } }
    reportingOrg { name partner { name } }
    publisherContacts { emails }
    warnings { kind message }
  } }
} }"""


@pytest.mark.parametrize("compiled", [False, True])
async def test_statements_do_not_grow_with_activities(
    imported: AsyncConnection, statements: StatementCounter, compiled: bool
) -> None:
    settings = Settings(_env_file=None, compiled_reads=compiled)
    counts = []
    for codes in ([FIRST], [FIRST, SECOND]):
        await statements.clear()
        context = Context(imported, settings)
        result = await build_schema().execute(
            EVERYTHING, variable_values={"codes": codes}, context_value=context
        )
        assert result.errors is None, result.errors
        assert result.data is not None
        assert len(result.data["projects"]["edges"]) == len(codes)
        counts.append(await statements.counted())
    assert counts[0] == counts[1], counts
