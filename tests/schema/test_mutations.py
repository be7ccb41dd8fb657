"""Writes: what lands, what is refused, and that a refused write changes nothing."""

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.relay import GlobalID

from db.enums import KeyScope
from schema.context import Principal
from tests.conftest import Execute
from tests.snapshot import table_digests

ADMIN = Principal("curator", KeyScope.ADMIN, None)


async def _partner_id(conn: AsyncConnection, code: str) -> int:
    return int(await conn.scalar(sa.text("SELECT id FROM partner WHERE code = :c"), {"c": code}))


async def _key_of(conn: AsyncConnection, code: str) -> Principal:
    return Principal(f"{code}-key", KeyScope.WRITE, await _partner_id(conn, code))


async def _node_id(gql: Execute, root: str, code: str) -> tuple[str, int]:
    result = await gql(f"{{ {root}(first: 100) {{ edges {{ node {{ id code version }} }} }} }}")
    [node] = [e["node"] for e in result.data[root]["edges"] if e["node"]["code"] == code]
    return node["id"], node["version"]


def _error(result: Any) -> dict[str, Any]:
    assert result.errors is not None, result.data
    [error] = result.errors
    return dict(error)


CREATE_PROJECT = """mutation($input: CreateProjectInput!) {
  createProject(input: $input) {
    project {
      id code version title budget { amount currency qualifier }
      plannedStart { value precision } partners { role partner { code } }
      countries { code } themes { slug }
      beneficiaryGroups { code targetCount { value qualifier } womenShare { value } }
      outcomes { code target { value } }
    }
  }
}"""


async def _new_project_input(conn: AsyncConnection, **overrides: Any) -> dict[str, Any]:
    koica = await _partner_id(conn, "koica")
    value = {
        "code": "viet-nam-coop-pilot",
        "title": "Cooperative statistics pilot in Viet Nam",
        "plannedStart": {"value": "2024-01"},
        "plannedEnd": {"value": "2025-12"},
        "budget": {"amount": "1500000", "currency": "USD"},
        "partners": [{"partnerId": str(GlobalID("Partner", str(koica))), "role": "FUNDING"}],
        "countries": [{"country": "VN"}],
        "themes": ["social-solidarity-economy"],
        "beneficiaryGroups": [
            {
                "code": "vn-coop-members",
                "description": "Members of agricultural cooperatives",
                "categories": ["WORKERS"],
                "targetCount": {"value": 2000},
                "womenShare": {"value": "40", "qualifier": "AT_LEAST"},
                "country": "VN",
            }
        ],
        "outcomes": [
            {
                "code": "vn-coop-survey",
                "kind": "OUTPUT",
                "statement": "A survey of cooperatives",
                "target": {"value": "1"},
            }
        ],
    }
    return value | overrides


async def test_create_project_writes_every_part_at_once(
    conn: AsyncConnection, gql: Execute
) -> None:
    koica = await _key_of(conn, "koica")
    result = await gql(CREATE_PROJECT, {"input": await _new_project_input(conn)}, key=koica)
    assert result.errors is None, result.errors
    project = result.data["createProject"]["project"]
    assert project["version"] == 1
    assert project["budget"] == {"amount": "1500000.00", "currency": "USD", "qualifier": "EXACT"}
    assert project["plannedStart"] == {"value": "2024-01", "precision": "MONTH"}
    assert project["partners"] == [{"role": "FUNDING", "partner": {"code": "koica"}}]
    assert project["countries"] == [{"code": "VN"}]
    assert project["beneficiaryGroups"][0]["womenShare"] == {"value": "40"}
    assert project["outcomes"][0]["code"] == "vn-coop-survey"

    changes = await gql(
        "{ changes(first: 100) { edges { node { keyName recordType operation } } } }", key=ADMIN
    )
    written = [e["node"] for e in changes.data["changes"]["edges"]]
    assert {(c["recordType"], c["operation"]) for c in written} == {
        ("project", "CREATE"),
        ("project_partner", "CREATE"),
        ("project_country", "CREATE"),
        ("project_theme", "CREATE"),
        ("beneficiary_group", "CREATE"),
        ("outcome", "CREATE"),
    }
    assert {c["keyName"] for c in written} == {"koica-key"}


async def test_an_invalid_project_reports_every_problem_and_writes_nothing(
    conn: AsyncConnection, gql: Execute
) -> None:
    # Every ISO 3166 country is a row since the codelist migration: one removed here stands
    # for a code the service does not hold.
    await conn.execute(sa.text("DELETE FROM country WHERE code = 'FR'"))
    before = await table_digests(conn)
    bad = await _new_project_input(
        conn,
        code="psei-india",
        plannedStart={"value": "2025-01"},
        plannedEnd={"value": "2024"},
        budget={"amount": "-5", "currency": "DOLLARS"},
        countries=[{"country": "XX"}, {"country": "FR"}],
        themes=["no-such-theme"],
        beneficiaryGroups=[
            {
                "code": "g",
                "description": "x",
                "categories": ["WOMEN"],
                "targetCount": {"value": -3},
                "womenShare": {"value": "140"},
            }
        ],
    )
    error = _error(await gql(CREATE_PROJECT, {"input": bad}, key=ADMIN))
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    problems = {(p["path"], p["code"]) for p in error["extensions"]["problems"]}
    assert problems == {
        ("input.code", "DUPLICATE"),
        ("input.plannedEnd", "END_BEFORE_START"),
        ("input.budget.amount", "NEGATIVE"),
        ("input.budget.currency", "INVALID_CURRENCY"),
        ("input.countries.0.country", "INVALID_COUNTRY"),
        ("input.countries.1.country", "UNKNOWN_COUNTRY"),
        ("input.themes.0", "NOT_FOUND"),
        ("input.beneficiaryGroups.0.targetCount.value", "NEGATIVE"),
        ("input.beneficiaryGroups.0.womenShare.value", "OUT_OF_RANGE"),
    }
    assert await table_digests(conn) == before


UPDATE_PROJECT = """mutation($input: UpdateProjectInput!) {
  updateProject(input: $input) { project { title summary version updatedAt } }
}"""


async def test_update_changes_only_the_fields_given(conn: AsyncConnection, gql: Execute) -> None:
    project_id, version = await _node_id(gql, "projects", "psei-india")
    koica = await _key_of(conn, "koica")
    result = await gql(
        UPDATE_PROJECT,
        {"input": {"id": project_id, "version": version, "title": "PSEI, renamed"}},
        key=koica,
    )
    assert result.errors is None, result.errors
    project = result.data["updateProject"]["project"]
    assert project["title"] == "PSEI, renamed"
    assert project["summary"].startswith("Enables micro, small and medium enterprises")
    assert project["version"] == version + 1

    changes = await gql(
        '{ changes(recordTypes: ["project"]) { edges { node { operation before after } } } }',
        key=koica,
    )
    [change] = [e["node"] for e in changes.data["changes"]["edges"]]
    assert change["before"] == {"title": "Promoting Sustainable Enterprises in India"}
    assert change["after"] == {"title": "PSEI, renamed"}


async def test_a_written_date_says_how_it_was_derived(conn: AsyncConnection, gql: Execute) -> None:
    project_id, version = await _node_id(gql, "projects", "tunisia-ict-jobs")
    koica = await _key_of(conn, "koica")
    result = await gql(
        """mutation($input: UpdateProjectInput!) { updateProject(input: $input) { project {
          plannedEnd { value derived derivedHow } status statusDerived statusDerivedHow } } }""",
        {
            "input": {
                "id": project_id,
                "version": version,
                "plannedEnd": {
                    "value": "2025",
                    "derived": True,
                    "derivedHow": "start plus 3 years",
                },
                "status": "ACTIVE",
                "statusAsOf": "2024-01-01",
            }
        },
        key=koica,
    )
    assert result.errors is None, result.errors
    project = result.data["updateProject"]["project"]
    assert project["plannedEnd"] == {
        "value": "2025",
        "derived": True,
        "derivedHow": "start plus 3 years",
    }
    # The dataset's status was derived; the partner's own status is a statement.
    assert (project["statusDerived"], project["statusDerivedHow"]) == (False, None)


async def test_a_stale_version_is_a_conflict_and_changes_nothing(
    conn: AsyncConnection, gql: Execute
) -> None:
    project_id, version = await _node_id(gql, "projects", "psei-india")
    first = await gql(
        UPDATE_PROJECT, {"input": {"id": project_id, "version": version, "title": "A"}}, key=ADMIN
    )
    assert first.errors is None
    before = await table_digests(conn)
    error = _error(
        await gql(
            UPDATE_PROJECT,
            {"input": {"id": project_id, "version": version, "title": "B"}},
            key=ADMIN,
        )
    )
    assert error["extensions"] == {"code": "CONFLICT", "currentVersion": version + 1}
    assert await table_digests(conn) == before


async def test_a_partner_key_writes_only_its_own_projects(
    conn: AsyncConnection, gql: Execute
) -> None:
    koica = await _key_of(conn, "koica")
    sse_id, version = await _node_id(gql, "projects", "sse-knowledge-base")
    before = await table_digests(conn)
    error = _error(
        await gql(
            UPDATE_PROJECT, {"input": {"id": sse_id, "version": version, "title": "x"}}, key=koica
        )
    )
    assert error["extensions"]["code"] == "FORBIDDEN"
    moel_only = await _new_project_input(conn, code="moel-only", partners=[])
    assert _error(await gql(CREATE_PROJECT, {"input": moel_only}, key=koica))["extensions"] == {
        "code": "FORBIDDEN"
    }
    partner = await gql(
        'mutation { createPartner(input: {code: "x", name: "X", kind: NGO}) { partner { id } } }',
        key=koica,
    )
    assert _error(partner)["extensions"]["code"] == "FORBIDDEN"
    assert await table_digests(conn) == before


async def test_writing_needs_a_key(conn: AsyncConnection, gql: Execute) -> None:
    project_id, version = await _node_id(gql, "projects", "psei-india")
    error = _error(
        await gql(UPDATE_PROJECT, {"input": {"id": project_id, "version": version, "title": "x"}})
    )
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert _error(await gql("{ changes { totalCount } }"))["extensions"]["code"] == (
        "UNAUTHENTICATED"
    )


RECORD_PROGRESS = """mutation($input: RecordOutcomeProgressInput!) {
  recordOutcomeProgress(input: $input) {
    outcome { actual { value qualifier } progress periodEnd { value } version }
  }
}"""


async def test_recording_outcome_progress(conn: AsyncConnection, gql: Execute) -> None:
    await conn.execute(
        sa.text(
            "UPDATE outcome SET target = 5, target_qualifier = 'EXACT'"
            " WHERE code = 'pdp-bulk-cargo-training-material'"
        )
    )
    outcome_id, version = await _node_id(gql, "outcomes", "pdp-bulk-cargo-training-material")
    moof = await _key_of(conn, "moof")
    result = await gql(
        RECORD_PROGRESS,
        {
            "input": {
                "id": outcome_id,
                "version": version,
                "actual": {"value": "5"},
                "periodEnd": {"value": "2018"},
            }
        },
        key=moof,
    )
    assert result.errors is None, result.errors
    outcome = result.data["recordOutcomeProgress"]["outcome"]
    assert outcome["actual"] == {"value": "5", "qualifier": "EXACT"}
    assert outcome["progress"] == 1.0
    assert outcome["periodEnd"] == {"value": "2018"}


DELETE_PARTNER = """mutation($input: DeletePartnerInput!) {
  deletePartner(input: $input) { deletedId }
}"""


async def test_deleting_a_referenced_partner_is_refused_unless_links_go_too(
    conn: AsyncConnection, gql: Execute
) -> None:
    wfp_id, version = await _node_id(gql, "partners", "wfp")
    before = await table_digests(conn)
    error = _error(
        await gql(DELETE_PARTNER, {"input": {"id": wfp_id, "version": version}}, key=ADMIN)
    )
    assert error["extensions"] == {"code": "CONFLICT", "references": {"project_partner": 1}}
    assert await table_digests(conn) == before

    deleted = await gql(
        DELETE_PARTNER,
        {"input": {"id": wfp_id, "version": version, "removeLinks": True}},
        key=ADMIN,
    )
    assert deleted.errors is None, deleted.errors
    gone = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": wfp_id})
    assert _error(gone)["extensions"]["code"] == "NOT_FOUND"
    tombstones = await gql(
        "{ changes { edges { node { recordType operation before } } } }", key=ADMIN
    )
    operations = {
        (e["node"]["recordType"], e["node"]["operation"])
        for e in tombstones.data["changes"]["edges"]
    }
    assert operations == {("project_partner", "DELETE"), ("partner", "DELETE")}


async def test_a_partner_with_contributions_is_never_deleted(
    conn: AsyncConnection, gql: Execute
) -> None:
    ilo_id, version = await _node_id(gql, "partners", "ilo")
    before = await table_digests(conn)
    error = _error(
        await gql(
            DELETE_PARTNER,
            {"input": {"id": ilo_id, "version": version, "removeLinks": True}},
            key=ADMIN,
        )
    )
    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["references"]["contribution"] == 4
    assert await table_digests(conn) == before


async def test_deleting_a_project_leaves_tombstones_for_its_parts(
    conn: AsyncConnection, gql: Execute
) -> None:
    project_id, version = await _node_id(gql, "projects", "cameroon-women-empowerment")
    result = await gql(
        "mutation($id: ID!, $v: Int!) {"
        " deleteProject(input: {id: $id, version: $v}) { deletedId } }",
        {"id": project_id, "v": version},
        key=await _key_of(conn, "koica"),
    )
    assert result.errors is None, result.errors
    changes = await gql(
        '{ changes(recordTypes: ["project", "beneficiary_group", "outcome"]) {'
        " edges { node { recordType operation recordGlobalId } } } }",
        key=ADMIN,
    )
    deleted = {
        (e["node"]["recordType"], e["node"]["operation"]) for e in changes.data["changes"]["edges"]
    }
    assert deleted == {
        ("project", "DELETE"),
        ("beneficiary_group", "DELETE"),
        ("outcome", "DELETE"),
    }


async def test_updated_since_finds_what_changed(conn: AsyncConnection, gql: Execute) -> None:
    moment = await conn.scalar(sa.text("SELECT now() + interval '1 second'"))
    await conn.execute(
        sa.text(
            "UPDATE project SET updated_at = now() + interval '2 seconds' WHERE code = 'psei-india'"
        )
    )
    result = await gql(
        "query($t: DateTime!) { projects(filter: {updatedSince: $t}) { edges { node { code } } } }",
        {"t": moment.isoformat()},
    )
    assert [e["node"]["code"] for e in result.data["projects"]["edges"]] == ["psei-india"]


async def test_a_partner_key_sees_only_its_projects_changes(
    conn: AsyncConnection, gql: Execute
) -> None:
    psei_id, psei_version = await _node_id(gql, "projects", "psei-india")
    sse_id, sse_version = await _node_id(gql, "projects", "sse-knowledge-base")
    for node_id, version in ((psei_id, psei_version), (sse_id, sse_version)):
        result = await gql(
            UPDATE_PROJECT, {"input": {"id": node_id, "version": version, "title": "T"}}, key=ADMIN
        )
        assert result.errors is None
    query = "{ changes { totalCount edges { node { recordGlobalId } } } }"
    seen = await gql(query, key=await _key_of(conn, "koica"))
    assert [e["node"]["recordGlobalId"] for e in seen.data["changes"]["edges"]] == [psei_id]
    assert (await gql(query, key=ADMIN)).data["changes"]["totalCount"] == 2


@pytest.mark.parametrize(
    ("mutation", "code"),
    [
        (
            'createPartner(input: {code: "koica", name: " ", kind: NGO, country: "ZZ"})',
            "BAD_USER_INPUT",
        ),
        (
            'createProgramme(input: {code: "p", name: "P", start: {value: "2024"},'
            ' end: {value: "2020"}})',
            "BAD_USER_INPUT",
        ),
        ('updateOutcome(input: {id: "T3V0Y29tZTo5OTk5", version: 1, statement: "x"})', "NOT_FOUND"),
        ('deleteOutcome(input: {id: "not-an-id", version: 1})', "BAD_USER_INPUT"),
    ],
)
async def test_each_failure_class_leaves_the_database_as_it_was(
    conn: AsyncConnection, gql: Execute, mutation: str, code: str
) -> None:
    before = await table_digests(conn)
    result = await gql(f"mutation {{ {mutation} {{ __typename }} }}", key=ADMIN)
    assert _error(result)["extensions"]["code"] == code
    assert await table_digests(conn) == before


async def _ok(gql: Execute, query: str, variables: dict[str, Any] | None = None) -> Any:
    result = await gql(query, variables, key=ADMIN)
    assert result.errors is None, result.errors
    return result.data


async def test_every_admin_mutation_succeeds(conn: AsyncConnection, gql: Execute) -> None:
    partner = (
        await _ok(
            gql,
            'mutation { createPartner(input: {code: "acme", name: "Acme Institute", kind: '
            'RESEARCH_ACADEMIA, country: "KR"}) { partner { id version kind country { code } } } }',
        )
    )["createPartner"]["partner"]
    assert partner["country"] == {"code": "KR"}
    renamed = await _ok(
        gql,
        'mutation($id: ID!) { updatePartner(input: {id: $id, version: 1, acronym: "ACME"})'
        " { partner { acronym version } } }",
        {"id": partner["id"]},
    )
    assert renamed["updatePartner"]["partner"] == {"acronym": "ACME", "version": 2}

    programme = (
        await _ok(
            gql,
            'mutation { createProgramme(input: {code: "kpp-2024-2026", name: "KPP 2024-2026",'
            ' start: {value: "2024"}, end: {value: "2026"}}) { programme { id version } } }',
        )
    )["createProgramme"]["programme"]
    await _ok(
        gql,
        'mutation($id: ID!) { updateProgramme(input: {id: $id, version: 1, description: "Next"})'
        " { programme { description } } }",
        {"id": programme["id"]},
    )
    link = {"programmeId": programme["id"], "partnerId": partner["id"], "role": "IMPLEMENTING"}
    linked = await _ok(
        gql,
        "mutation($l: ProgrammePartnerLinkInput!) { linkProgrammePartner(input: $l)"
        " { link { role } programme { partners { partner { code } } } } }",
        {"l": link},
    )
    assert linked["linkProgrammePartner"]["programme"]["partners"] == [
        {"partner": {"code": "acme"}}
    ]
    unlinked = await _ok(
        gql,
        "mutation($l: ProgrammePartnerLinkInput!) { unlinkProgrammePartner(input: $l)"
        " { link { role } programme { partners { role } } } }",
        {"l": link},
    )
    assert unlinked["unlinkProgrammePartner"] == {"link": None, "programme": {"partners": []}}

    korea, _ = await _node_id(gql, "partners", "korea-government")
    contribution = (
        await _ok(
            gql,
            'mutation($d: ID!, $r: ID!) { createContribution(input: {code: "c1", donorId: $d,'
            ' recipientId: $r, kind: VOLUNTARY_CORE, amount: {amount: "1000", currency: "USD"},'
            " periodStartYear: 2023, periodEndYear: 2023}) { contribution { id version } } }",
            {"d": korea, "r": partner["id"]},
        )
    )["createContribution"]["contribution"]
    await _ok(
        gql,
        "mutation($id: ID!) { updateContribution(input: {id: $id, version: 1, periodEndYear: 2024})"
        " { contribution { periodEndYear } } }",
        {"id": contribution["id"]},
    )
    await _ok(
        gql,
        "mutation($id: ID!) { deleteContribution(input: {id: $id, version: 2}) { deletedId } }",
        {"id": contribution["id"]},
    )
    await _ok(
        gql,
        "mutation($id: ID!) { deleteProgramme(input: {id: $id, version: 2}) { deletedId } }",
        {"id": programme["id"]},
    )
    await _ok(
        gql,
        "mutation($id: ID!) { deletePartner(input: {id: $id, version: 2}) { deletedId } }",
        {"id": partner["id"]},
    )


async def test_every_project_part_mutation_succeeds(conn: AsyncConnection, gql: Execute) -> None:
    project, _ = await _node_id(gql, "projects", "tunisia-ict-jobs")
    unhcr, _ = await _node_id(gql, "partners", "unhcr")
    group = (
        await _ok(
            gql,
            'mutation($p: ID!) { createBeneficiaryGroup(input: {projectId: $p, code: "tn-women",'
            ' description: "Young women in Sfax", categories: [WOMEN, YOUTH],'
            ' targetCount: {value: 300, qualifier: APPROXIMATE}, country: "TN"})'
            " { beneficiaryGroup { id version project { code } } } }",
            {"p": project},
        )
    )["createBeneficiaryGroup"]["beneficiaryGroup"]
    assert group["project"] == {"code": "tunisia-ict-jobs"}
    updated = await _ok(
        gql,
        "mutation($id: ID!) { updateBeneficiaryGroup(input: {id: $id, version: 1,"
        ' womenShare: {value: "100"}}) { beneficiaryGroup { womenShare { value } version } } }',
        {"id": group["id"]},
    )
    assert updated["updateBeneficiaryGroup"]["beneficiaryGroup"] == {
        "womenShare": {"value": "100"},
        "version": 2,
    }
    await _ok(
        gql,
        "mutation($id: ID!) { deleteBeneficiaryGroup(input: {id: $id, version: 2}) { deletedId } }",
        {"id": group["id"]},
    )
    outcome = (
        await _ok(
            gql,
            'mutation($p: ID!) { createOutcome(input: {projectId: $p, code: "tn-jobs",'
            ' kind: OUTCOME, statement: "ICT jobs created", target: {value: "200"}})'
            " { outcome { id progress } } }",
            {"p": project},
        )
    )["createOutcome"]["outcome"]
    changed = await _ok(
        gql,
        'mutation($id: ID!) { updateOutcome(input: {id: $id, version: 1, indicator: "Jobs",'
        ' actual: {value: "50"}}) { outcome { indicator progress } } }',
        {"id": outcome["id"]},
    )
    assert changed["updateOutcome"]["outcome"] == {"indicator": "Jobs", "progress": 0.25}
    await _ok(
        gql,
        "mutation($id: ID!) { deleteOutcome(input: {id: $id, version: 2}) { deletedId } }",
        {"id": outcome["id"]},
    )
    link = {"projectId": project, "partnerId": unhcr, "role": "IMPLEMENTING"}
    linked = await _ok(
        gql,
        "mutation($l: LinkProjectPartnerInput!) { linkProjectPartner(input: $l)"
        " { link { role partner { code } } } }",
        {"l": link},
    )
    assert linked["linkProjectPartner"]["link"] == {
        "role": "IMPLEMENTING",
        "partner": {"code": "unhcr"},
    }
    again = await gql(
        "mutation($l: LinkProjectPartnerInput!) {"
        " linkProjectPartner(input: $l) { link { role } } }",
        {"l": link},
        key=ADMIN,
    )
    assert _error(again)["extensions"]["problems"][0]["code"] == "DUPLICATE"
    unlinked = await _ok(
        gql,
        "mutation($l: UnlinkProjectPartnerInput!) { unlinkProjectPartner(input: $l)"
        " { link { role } project { partners { partner { code } } } } }",
        {"l": link},
    )
    codes = {p["partner"]["code"] for p in unlinked["unlinkProjectPartner"]["project"]["partners"]}
    assert codes == {"koica", "ilo"}
