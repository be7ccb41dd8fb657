"""The GraphQL contract, asked as a front-end would, against the built-in dataset."""

from pathlib import Path
from typing import Any

from tests.conftest import Execute

EXAMPLE = Path(__file__).parents[2] / "schema" / "examples" / "koica_projects.graphql"


async def _ok(gql: Execute, query: str, variables: dict[str, Any] | None = None) -> Any:
    result = await gql(query, variables)
    assert result.errors is None
    return result.data


async def _project(gql: Execute, code: str, fields: str) -> dict[str, Any]:
    # One project, as the cost limit counts a plain list of projects under each by the most
    # it could hold.
    query = "query ($code: String!) { projects(filter: {codes: [$code]}, first: 1) "
    data = await _ok(gql, query + f"{{ edges {{ node {{ code {fields} }} }} }} }}", {"code": code})
    [project] = [e["node"] for e in data["projects"]["edges"] if e["node"]["code"] == code]
    return dict(project)


async def test_the_koica_example_answers_in_one_request(gql: Execute) -> None:
    data = await _ok(gql, EXAMPLE.read_text())
    [koica] = [e["node"] for e in data["partners"]["edges"] if e["node"]["acronym"] == "KOICA"]
    projects = {e["node"]["code"]: e["node"] for e in koica["projectsConnection"]["edges"]}
    assert {"psei-india", "cameroon-women-empowerment", "tunisia-ict-jobs"} <= set(projects)
    psei = projects["psei-india"]
    [funder] = [x for x in psei["partners"] if x["partner"]["acronym"] == "KOICA"]
    assert funder["role"] == "FUNDING"
    assert funder["amount"] == {"amount": "2400000.00", "currency": "USD", "qualifier": "EXACT"}
    assert funder["partner"]["parent"] is None  # the passages put KOICA "with" MOFA only
    assert psei["countries"] == [{"code": "IN", "name": "India"}]
    assert psei["actualStart"] == {"value": "2020-12", "precision": "MONTH"}
    assert psei["plannedEnd"]["derived"] is True
    assert all(s["excerpt"] and s["document"].endswith(".txt") for s in psei["sources"])
    cameroon = projects["cameroon-women-empowerment"]
    group = next(g for g in cameroon["beneficiaryGroups"] if g["targetCount"])
    assert group["targetCount"] == {"value": 5000, "qualifier": "EXACT"}
    assert group["womenShare"] == {"value": "65", "qualifier": "AT_LEAST"}
    assert group["sources"]


async def test_partner_hierarchy_runs_both_ways(gql: Execute) -> None:
    data = await _ok(
        gql,
        "{ partners(first: 100) { edges { node { acronym parent { acronym }"
        " children { acronym } } } } }",
    )
    by_acronym = {e["node"]["acronym"]: e["node"] for e in data["partners"]["edges"]}
    assert by_acronym["ROAP"]["parent"]["acronym"] == "ILO"
    assert by_acronym["PARDEV"]["parent"]["acronym"] == "ILO"
    assert by_acronym["MOEL"]["parent"]["acronym"] == "RoK"
    assert {"MOEL", "MOFA", "MOOF"} <= {c["acronym"] for c in by_acronym["RoK"]["children"]}
    assert by_acronym["ILO"]["parent"] is None
    assert by_acronym["KOICA"]["parent"] is None  # no passage states it


async def test_nested_links_run_both_ways(gql: Execute) -> None:
    project = await _project(
        gql,
        "sse-knowledge-base",
        "previousPhase { code nextPhases { code } } programmes { code projects { code } }"
        " beneficiaryGroups { project { code } } outcomes { project { code } }"
        " themes { slug projects { code } }"
        " countryLinks(role: RECIPIENT) { country { code projects { code } } sources { document } }"
        " countries(role: PARTICIPANT) { code }",
    )
    assert project["previousPhase"]["code"] == "sse-knowledge-base-phase-1"
    assert project["previousPhase"]["nextPhases"] == [{"code": "sse-knowledge-base"}]
    assert all(
        "sse-knowledge-base" in {p["code"] for p in g["projects"]} for g in project["programmes"]
    )
    assert all(o["project"]["code"] == "sse-knowledge-base" for o in project["outcomes"])
    assert all(t["projects"] for t in project["themes"])
    laos = next(x for x in project["countryLinks"] if x["country"]["code"] == "LA")
    assert laos["sources"] == [{"document": "003_58839891dcc834f1.txt"}]
    assert {"KR", "IT", "TZ", "TR", "CR"} == {c["code"] for c in project["countries"]}


async def test_country_alternative_names(gql: Execute) -> None:
    data = await _ok(gql, "{ countries { code name alternativeNames region } }")
    countries = {c["code"]: c for c in data["countries"]}
    assert "Turkey" in countries["TR"]["alternativeNames"]
    assert "Vietnam" in countries["VN"]["alternativeNames"]
    assert "Laos" in countries["LA"]["alternativeNames"]


async def test_contributions_with_qualifiers(gql: Execute) -> None:
    data = await _ok(
        gql,
        "{ contributions { totalCount edges { node { kind periodStartYear periodEndYear"
        " amount { amount currency qualifier } donor { name } recipient { acronym }"
        " sources { excerpt } } } } }",
    )
    rows = {
        (n["kind"], n["periodStartYear"], n["periodEndYear"]): n
        for n in (e["node"] for e in data["contributions"]["edges"])
    }
    assessed = rows[("ASSESSED", 2018, 2022)]
    assert assessed["amount"] == {"amount": "41800000.00", "currency": "USD", "qualifier": "EXACT"}
    assert assessed["recipient"]["acronym"] == "ILO"
    assert rows[("ASSESSED", 2012, 2016)]["amount"]["qualifier"] == "AT_LEAST"


async def test_agreements_programmes_and_facts(gql: Execute) -> None:
    data = await _ok(
        gql,
        "{ agreements(first: 20) { edges { node { kind signedOn { value precision }"
        " parties { acronym } projects { code } programme { name } } } }"
        " programmes(first: 20) { edges { node { code phases { code } parent { code }"
        " partners { role partner { acronym } sources { document } } } } } }",
    )
    agreements = [e["node"] for e in data["agreements"]["edges"]]
    mou_2021 = next(
        a for a in agreements if a["signedOn"] and a["signedOn"]["value"] == "2021-05-06"
    )
    assert mou_2021["kind"] == "MEMORANDUM_OF_UNDERSTANDING"
    assert "sse-knowledge-base" in {p["code"] for p in mou_2021["projects"]}
    assert {"EVALUATION", "ASSESSMENT"} <= {a["kind"] for a in agreements}
    programmes = {e["node"]["code"]: e["node"] for e in data["programmes"]["edges"]}
    assert {"kpp-2015-2017", "kpp-2021-2023"} <= {p["code"] for p in programmes["kpp"]["phases"]}
    assert programmes["kpp-2021-2023"]["parent"] == {"code": "kpp"}


async def test_partner_facts(gql: Execute) -> None:
    data = await _ok(
        gql,
        "{ partners(first: 100) { edges { node { code facts { topic asOf { value precision }"
        " value { value qualifier } countries { code } sources { document } } } } } }",
    )
    korea = next(
        e["node"] for e in data["partners"]["edges"] if e["node"]["code"] == "korea-government"
    )
    priority = next(f for f in korea["facts"] if len(f["countries"]) == 24)
    assert priority["asOf"] == {"value": "2017", "precision": "YEAR"}
    assert all(f["sources"] for f in korea["facts"])


async def test_node_fetches_every_kind_of_record(gql: Execute) -> None:
    data = await _ok(
        gql,
        "{ projects(first: 1) { edges { node { id outcomes { id } beneficiaryGroups { id } } } }"
        " partners(first: 1) { edges { node { id } } } countries { id } themes { id } }",
    )
    project = data["projects"]["edges"][0]["node"]
    ids = [project["id"], data["partners"]["edges"][0]["node"]["id"], data["countries"][0]["id"]]
    ids.append(data["themes"][0]["id"])
    for node_id in ids:
        found = await _ok(gql, "query($id: ID!) { node(id: $id) { id } }", {"id": node_id})
        assert found["node"]["id"] == node_id


async def _error(
    gql: Execute, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    result = await gql(query, variables)
    assert result.errors is not None
    [error] = result.errors
    return dict(error)


async def test_unknown_id_is_not_found(gql: Execute) -> None:
    from strawberry.relay import to_base64

    error = await _error(
        gql, "query($id: ID!) { node(id: $id) { id } }", {"id": to_base64("Project", 999999)}
    )
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "No Project has the id" in error["message"]


async def test_malformed_id_is_bad_user_input(gql: Execute) -> None:
    for bad in ["not-an-id", "UHJvamVjdDphYmM=", "Tm9wZToxMg=="]:  # junk, Project:abc, Nope:12
        error = await _error(gql, "query($id: ID!) { node(id: $id) { id } }", {"id": bad})
        assert error["extensions"]["code"] == "BAD_USER_INPUT", bad


async def test_page_size_limits(gql: Execute) -> None:
    too_many = await _error(gql, "{ projects(first: 101) { totalCount } }")
    assert too_many["extensions"] == {"code": "BAD_USER_INPUT", "argument": "first", "maximum": 100}
    negative = await _error(gql, "{ projects(last: -1) { totalCount } }")
    assert negative["extensions"]["code"] == "BAD_USER_INPUT"
    bad_cursor = await _error(gql, '{ projects(after: "garbage") { totalCount } }')
    assert bad_cursor["extensions"]["code"] == "BAD_USER_INPUT"


PAGE = """query($first: Int, $after: String, $last: Int, $before: String) {
  projects(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { code } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


async def test_pagination_walks_forward_and_back(gql: Execute) -> None:
    everything = (await _ok(gql, PAGE, {"first": 100}))["projects"]
    codes = [e["node"]["code"] for e in everything["edges"]]
    assert len(codes) == everything["totalCount"] >= 16
    assert codes == sorted(codes)

    first = (await _ok(gql, PAGE, {"first": 5}))["projects"]
    assert [e["node"]["code"] for e in first["edges"]] == codes[:5]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False

    second = (await _ok(gql, PAGE, {"first": 5, "after": first["pageInfo"]["endCursor"]}))[
        "projects"
    ]
    assert [e["node"]["code"] for e in second["edges"]] == codes[5:10]
    assert second["pageInfo"]["hasPreviousPage"]

    last = (await _ok(gql, PAGE, {"last": 3}))["projects"]
    assert [e["node"]["code"] for e in last["edges"]] == codes[-3:]
    assert last["pageInfo"]["hasNextPage"] is False
    assert last["pageInfo"]["hasPreviousPage"] is True

    before = await _ok(gql, PAGE, {"last": 2, "before": second["pageInfo"]["startCursor"]})
    assert [e["node"]["code"] for e in before["projects"]["edges"]] == codes[3:5]

    past_end = await _ok(gql, PAGE, {"first": 5, "after": last["pageInfo"]["endCursor"]})
    assert past_end["projects"]["edges"] == []
    assert past_end["projects"]["pageInfo"]["hasNextPage"] is False


async def test_default_page_size(gql: Execute) -> None:
    data = await _ok(gql, "{ outcomes { totalCount edges { node { code } } } }")
    assert len(data["outcomes"]["edges"]) == min(20, data["outcomes"]["totalCount"])


async def test_every_root_connection_answers(gql: Execute) -> None:
    roots = [
        "partners",
        "programmes",
        "projects",
        "beneficiaryGroups",
        "outcomes",
        "contributions",
        "agreements",
    ]
    query = (
        "{ "
        + " ".join(
            f"{r} {{ totalCount edges {{ node {{ id sources {{ excerpt }} }} }} }}" for r in roots
        )
        + " }"
    )
    data = await _ok(gql, query)
    for root in roots:
        assert data[root]["totalCount"] > 0, root
        assert all(e["node"]["sources"] for e in data[root]["edges"]), root


async def test_countries_lists_the_codelist_and_those_with_projects(gql: Execute) -> None:
    everything = await _ok(gql, "{ countries { code region } }")
    linked = await _ok(gql, "{ countries(withProjects: true) { code region } }")
    every = {c["code"]: c["region"] for c in everything["countries"]}
    assert len(every) >= 249  # every country of the IATI Country codelist
    assert every["FR"] is None  # no dataset states its region
    with_projects = {c["code"] for c in linked["countries"]}
    assert {"TN", "CM", "LA"} <= with_projects < set(every)
    assert all(every[code] is not None for code in with_projects)
