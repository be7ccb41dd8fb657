"""The compiled rules of the IATI activity model answer what the resolvers answer.

The repo's realistic files (``tests/iati/files/roundtrip/``: several languages, SDG
sectors, regions only, points, negative transactions, a result with four periods, a
publisher's local refs), the read tests' file and one with codes outside their codelists
(``unmappable.xml``) are imported, and each query runs through the resolvers and compiled
(``test_compiled_reads.both``): the same JSON text, in one statement. The two real
publishers' files (``COOPGRAPH_IATI_DIR``'s ``real/``) are read the same way where they are
present, and skipped naming the setting where not.
"""

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from iati.importing import IatiFile, import_files
from tests.conftest import StatementCounter
from tests.iati.conftest import FILES, iati_dir
from tests.schema.test_compiled_reads import both
from tests.synthetic import add_synthetic_projects

ORGANISATION = """ref activityId type { code codelist name known withdrawn }
  name french: name(lang: "fr") nameNarratives { lang text } partner { code name }"""
NARRATIVES = "{ lang text }"

MONEY = "{ amount currency qualifier valueDate }"

TRANSACTION = f"""__typename id version ref date humanitarian
  type {{ code codelist name french: name(lang: "fr") known withdrawn }}
  value {MONEY}
  description french: description(lang: "fr") spanish: description(lang: "es")
  descriptionNarratives {NARRATIVES}
  providerOrg {{ {ORGANISATION} }} receiverOrg {{ {ORGANISATION} }}
  disbursementChannel {{ code name }}
  sectors {{ vocabulary {{ code name }} vocabularyUri code {{ code codelist name known }}
             percentage narratives {NARRATIVES} }}
  recipientCountryCode recipientCountry {{ code name }}
  recipientRegion {{ vocabulary {{ code name }} code percentage name region {{ code name }}
                     narratives {NARRATIVES} sources {{ document }} }}
  flowType {{ code name }} financeType {{ code name }} tiedStatus {{ code name }}
  aidTypes {{ vocabulary {{ code name }} code {{ code codelist name known }} }}
  project {{ code }}"""

RESULTS = f"""results {{
  type {{ code name }} aggregationStatus title french: title(lang: "fr") description
  titleNarratives {NARRATIVES} descriptionNarratives {NARRATIVES}
  indicators {{ measure {{ code name }} ascending aggregationStatus title
    french: title(lang: "fr") titleNarratives {NARRATIVES} descriptionNarratives {NARRATIVES}
    baselines {{ year isoDate value comment french: comment(lang: "fr")
                 commentNarratives {NARRATIVES} dimensions {{ name value }} locationRefs }} }} }}"""

TARGETS = f"""results {{ indicators {{ periods {{ periodStart periodEnd
  targets {{ value comment commentNarratives {NARRATIVES} dimensions {{ name value }}
             locationRefs }} }} }} }}"""

ACTUALS = """results { indicators { periods {
  actuals { value comment french: comment(lang: "fr") dimensions { name value } locationRefs }
} } }"""

GROUPS: dict[str, str] = {
    "transactions": f"""code language defaultCurrency humanitarian hierarchy iatiIdentifier
      transactions {{ {TRANSACTION} }}""",
    "budgets": f"""code
      budgets {{ __typename id version type {{ code name }} status {{ code name known }}
                 periodStart periodEnd value {MONEY} project {{ code }} }}
      plannedDisbursements {{ type {{ code name }} periodStart periodEnd value {MONEY}
                              providerOrg {{ {ORGANISATION} }} receiverOrg {{ ref name }} }}""",
    "classifications": f"""code
      sectors {{ vocabulary {{ code name french: name(lang: "fr") }} vocabularyUri
                 code {{ code codelist name known withdrawn }} percentage
                 narratives {NARRATIVES} }}
      regionLinks {{ vocabulary {{ code name }} vocabularyUri code percentage name
                     french: name(lang: "fr") narratives {NARRATIVES} region {{ code name }}
                     sources {{ document excerpt }} }}
      policyMarkers {{ vocabulary {{ code name }} vocabularyUri code {{ code codelist name }}
                       significance {{ code name }} narratives {NARRATIVES} }}
      classifications {{
        collaborationType {{ code name }} defaultFlowType {{ code name }}
        defaultFinanceType {{ code name }} defaultTiedStatus {{ code name }}
        activityScope {{ code name }} budgetNotProvided {{ code name }}
        defaultAidTypes {{ vocabulary {{ code name }} code {{ code codelist name }} }}
        tags {{ vocabulary {{ code name }} vocabularyUri code {{ code codelist name known }}
                narratives {NARRATIVES} }}
        humanitarianScopes {{ type {{ code name }} vocabulary {{ code name }} vocabularyUri
                              code narratives {NARRATIVES} }} }}""",
    "places and documents": f"""code title titleIn french: titleIn(lang: "fr")
      english: titleIn(lang: "EN") titleNarratives {NARRATIVES}
      locations {{ ref reach {{ code name }} locationIds {{ vocabulary {{ code name }} code }}
                   name french: name(lang: "fr") description nameNarratives {NARRATIVES}
                   descriptionNarratives {NARRATIVES}
                   activityDescriptionNarratives {NARRATIVES}
                   administrative {{ vocabulary {{ code name }} level code }}
                   point {{ latitude longitude srsName }} exactness {{ code name }}
                   locationClass {{ code name }} featureDesignation {{ code name }} }}
      documents {{ url format {{ code codelist known }} title french: title(lang: "fr")
                   titleNarratives {NARRATIVES} descriptionNarratives {NARRATIVES}
                   categories {{ code name }} languages {{ code name }} documentDate }}
      reportingOrg {{ ref type {{ code name }} secondaryReporter name french: name(lang: "fr")
                      nameNarratives {NARRATIVES} partner {{ code name }} }}
      relatedProjects {{ type {{ code name }} identifier project {{ code title }} }}
      warnings {{ kind message element line fileName }}
      publisherContacts {{ type {{ code name }} organisationNarratives {NARRATIVES}
        departmentNarratives {NARRATIVES} personNameNarratives {NARRATIVES}
        jobTitleNarratives {NARRATIVES} mailingAddressNarratives {NARRATIVES}
        mailingAddresses {NARRATIVES} telephones emails websites }}""",
    "elements as written": f"""code
      participatingOrgs {{ role {{ code codelist name french: name(lang: "fr") known }}
        {ORGANISATION} crsChannelCode }}
      activityDates {{ type {{ code codelist name known }} isoDate
                       narratives {NARRATIVES} }}""",
    "results": f"code {RESULTS}",
    "result targets": f"code {TARGETS}",
    "result actuals": f"code {ACTUALS}",
    "filtered lists": """code
      disbursements: transactions(filter: {types: ["3", "4"]}) { type { code } value { amount } }
      ofYears: transactions(filter: {years: [2023, 2024], humanitarian: false}) { date }
      humanitarian: transactions(filter: {humanitarian: true}) { date }
      none: transactions(filter: {types: []}) { date }
      everything: transactions(filter: {}) { date }
      dac: sectors(vocabulary: "1") { code { code name } percentage }
      sdg: sectors(vocabulary: "8") { code { code name } }
      siblings: relatedProjects(type: "3") { identifier project { code } }
      parents: relatedProjects(type: "1") { identifier }""",
    "names in other languages": """code titleIn(lang: "es") sectors { code { name(lang: "fr") } }
      transactions { type { name(lang: "fr") } description(lang: "en") }
      reportingOrg { name(lang: "es") }""",
    "beside the dataset's fields": """code title status statusAsOf statusCode
      budget { amount currency } countries { code }
      regions { code name } regionLinks { code vocabulary { code } region { code } }
      partners { role partner { code } } transactions { value { amount } }""",
}
"""Every IATI field, in groups a client could send (each under the query limits)."""

PAGE = """query($after: String) {
  projects(first: %d, after: $after, orderBy: [{field: CODE}]) {
    pageInfo { hasNextPage endCursor } edges { node { %s } } } }"""


def page_query(group: str) -> str:
    return PAGE % (PAGE_SIZES.get(group, 10), GROUPS[group])


PAGE_SIZES = {"transactions": 1, "results": 5, "result targets": 1, "result actuals": 1}
"""Pages small enough for the cost limit: a project's transactions count as 1,000."""


async def import_iati_paths(conn: AsyncConnection, paths: list[Path]) -> None:
    streams = [path.open("rb") for path in paths]
    try:
        files = [IatiFile(p.name, s) for p, s in zip(paths, streams, strict=True)]
        report = await import_files(conn, files, key_name="test-compiled")
    finally:
        for stream in streams:
            stream.close()
    assert not report.refused, report.problems


REPO_FILES = [
    *sorted((FILES / "roundtrip").glob("*.xml")),
    FILES / "finance_and_results.xml",
    FILES / "unmappable.xml",
]


@pytest.fixture
async def imported(conn: AsyncConnection) -> AsyncConnection:
    await import_iati_paths(conn, REPO_FILES)
    return conn


def _data(answer: str) -> Any:
    parsed = json.loads(answer)
    assert parsed["errors"] == [], parsed["errors"]
    return parsed["data"]


async def every_page(
    conn: AsyncConnection, statements: StatementCounter, group: str
) -> list[dict[str, Any]]:
    """Every project, a page at a time, each page answered the same by both paths in one
    statement; the nodes of all the pages."""
    query, after, nodes = page_query(group), None, []
    while True:
        answer, count = await both(conn, statements, query, {"after": after})
        page = _data(answer)["projects"]
        assert count == 1, group
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("group", list(GROUPS))
async def test_iati_fields_answer_the_same_in_one_statement(
    imported: AsyncConnection, statements: StatementCounter, group: str
) -> None:
    assert len(await every_page(imported, statements, group)) > 17


async def test_the_corpus_reaches_what_the_rules_must_get_right(
    imported: AsyncConnection, statements: StatementCounter
) -> None:
    """The answers compared hold what rules are easy to get wrong on: nulls, several
    languages, empty lists, negative values, decimals, codes the codelists lack."""
    money = await every_page(imported, statements, "transactions")
    amounts = [t["value"]["amount"] for n in money for t in n["transactions"] if t["value"]]
    assert any(a.startswith("-") for a in amounts)
    assert any("." in a for a in amounts)
    assert any(not n["transactions"] for n in money)
    assert any(n["transactions"] for n in money)
    assert any(t["providerOrg"] is None for n in money for t in n["transactions"])
    places = await every_page(imported, statements, "places and documents")
    assert any(n["french"] is not None for n in places)
    assert any(n["french"] is None and n["titleNarratives"] for n in places)
    assert {x["lang"] for n in places for x in n["titleNarratives"]} >= {None, "fr"}
    assert any(n["reportingOrg"] is None for n in places)
    assert any(loc["point"] for n in places for loc in n["locations"])
    results = await every_page(imported, statements, "result targets")
    periods = [
        p for n in results for r in n["results"] for i in r["indicators"] for p in i["periods"]
    ]
    assert any(p["targets"] and p["targets"][0]["dimensions"] for p in periods)
    written = await every_page(imported, statements, "elements as written")
    roles = [(o["role"]["code"], o["ref"]) for n in written for o in n["participatingOrgs"]]
    assert any(o["role"]["known"] is False for n in written for o in n["participatingOrgs"])
    assert len(roles) > len(set(roles))
    assert any(d["narratives"] for n in written for d in n["activityDates"])
    assert any(len(c["mailingAddresses"]) > 1 for n in places for c in n["publisherContacts"])
    kinds = await every_page(imported, statements, "classifications")
    assert any(s["percentage"] is None for n in kinds for s in n["sectors"])
    assert any(s["percentage"] is not None for n in kinds for s in n["sectors"])
    beside = await every_page(imported, statements, "beside the dataset's fields")
    assert any(n["statusCode"] is not None and n["status"] is None for n in beside)
    assert any(n["status"] is not None for n in beside)


async def test_one_statement_whatever_the_number_of_activities(
    imported: AsyncConnection, statements: StatementCounter
) -> None:
    """The same page of every IATI field before and after more activities come in."""
    for group in GROUPS:
        answer, before = await both(imported, statements, page_query(group), {"after": None})
        _data(answer)
        assert before == 1, group
    await add_synthetic_projects(imported, 20)
    await import_iati_paths(imported, [FILES / "multi_activity.xml"])
    for group in GROUPS:
        answer, after = await both(imported, statements, page_query(group), {"after": None})
        _data(answer)
        assert after == 1, group


def real_file(name: str) -> Path:
    path = iati_dir() / "real" / name
    if not path.is_file():
        pytest.skip(f"{path} not found: set COOPGRAPH_IATI_DIR to the IATI reference files")
    return path


@pytest.mark.parametrize("name", ["undp-100-activities.xml", "spain-maec-indonesia.xml"])
async def test_real_files_answer_the_same_in_one_statement(
    conn: AsyncConnection, statements: StatementCounter, name: str
) -> None:
    """A real publisher's activities, every field of every one: thousands of transactions,
    SDG targets, locations, results, negative budgets, local refs."""
    await import_iati_paths(conn, [real_file(name)])
    for group in GROUPS:
        assert len(await every_page(conn, statements, group)) >= 83
