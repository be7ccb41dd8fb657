"""The IATI elements the service's own terms would merge or leave out, read as written:
each participating-org (one partner named twice in a role, a role outside 1-4), each
activity-date with its narratives, every mailing address of a contact, an activity-status
code outside the codelist."""

from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from db.enums import KeyScope
from iati.importing import IatiFile, import_files
from schema.context import Principal
from tests.conftest import Execute
from tests.iati.conftest import FILES

MINISTRY = FILES / "roundtrip" / "ministry_local_refs_2_01.xml"
WATER, LOAN = "ES-DIR3-E04585801-2014-000731", "ES-DIR3-E04585801-2015-000118"
UNMAPPABLE = FILES / "unmappable.xml"
ODD_STATUS, KNOWN_STATUS = "XM-DAC-41302-TEST-202", "XM-DAC-41302-TEST-201"


async def _node(
    conn: AsyncConnection, gql: Execute, identifier: str, selection: str, file: Path = MINISTRY
) -> Any:
    with file.open("rb") as stream:
        report = await import_files(conn, [IatiFile(file.name, stream)], key_name="test")
    assert not report.refused, report.problems
    result = await gql(
        "query($codes: [String!]) { projects(filter: {codes: $codes}) { edges { node { "
        + selection
        + " } } } }",
        {"codes": [identifier]},
    )
    assert result.errors is None, result.errors
    [edge] = result.data["projects"]["edges"]
    return edge["node"]


async def test_one_partner_named_twice_in_a_role_is_one_link_and_two_elements(
    conn: AsyncConnection, gql: Execute
) -> None:
    node = await _node(
        conn,
        gql,
        WATER,
        """participatingOrgs { role { code name } ref name type { code } partner { code } }
           partners { role partner { code iatiIdentifier } }""",
    )
    extending = [o for o in node["participatingOrgs"] if o["role"]["code"] == "3"]
    assert [o["name"] for o in extending] == [
        "Agencia Española de Cooperación Internacional para el Desarrollo",
        "AECID",
    ]
    assert extending[0]["role"]["name"] == "Extending"
    assert {o["partner"]["code"] for o in extending} == {extending[0]["partner"]["code"]}
    links = [p for p in node["partners"] if p["role"] == "EXTENDING"]
    assert [p["partner"]["iatiIdentifier"] for p in links] == ["ES-DIR3-E04585801"]


async def test_a_role_outside_the_codelist_is_kept_without_a_partner(
    conn: AsyncConnection, gql: Execute
) -> None:
    node = await _node(
        conn,
        gql,
        LOAN,
        """participatingOrgs { role { code known } name partner { code } }
           warnings { element message }""",
    )
    [odd] = [o for o in node["participatingOrgs"] if o["role"]["code"] == "5"]
    assert odd == {
        "role": {"code": "5", "known": False},
        "name": "Oficina de evaluación externa",
        "partner": None,
    }
    assert {
        "element": "participating-org",
        "message": "participating-org role '5' is not one of 1-4: kept as written, no partner "
        "is linked",
    } in node["warnings"]


async def test_dates_with_narratives_and_every_mailing_address(
    conn: AsyncConnection, gql: Execute
) -> None:
    node = await _node(
        conn,
        gql,
        WATER,
        """actualEnd { date } activityDates { type { code name } isoDate narratives { text } }
           publisherContacts { mailingAddresses { text } mailingAddressNarratives { text } }""",
    )
    assert [d["type"]["code"] for d in node["activityDates"]] == ["1", "2", "3", "4"]
    closing = node["activityDates"][3]
    assert (closing["isoDate"], node["actualEnd"]["date"]) == ("2015-12-31", "2015-12-31")
    assert closing["narratives"] == [
        {"text": "Cierre técnico; el informe final se entregó en febrero de 2016."}
    ]
    [contact] = node["publisherContacts"]
    assert [a[0]["text"] for a in contact["mailingAddresses"]] == [
        "Calle Serrano Galvache 26, 28071 Madrid",
        "Oficina Técnica de Cooperación, Jl. Jend. Sudirman 58, Jakarta 12190",
    ]
    assert contact["mailingAddressNarratives"] == contact["mailingAddresses"][0]


async def test_an_activity_status_outside_the_codelist_is_read_as_written(
    conn: AsyncConnection, gql: Execute
) -> None:
    selection = "id version status statusAsOf statusCode warnings { element message }"
    odd = await _node(conn, gql, ODD_STATUS, selection, UNMAPPABLE)
    assert (odd["status"], odd["statusAsOf"], odd["statusCode"]) == (None, None, "9")
    assert {
        "element": "activity-status",
        "message": "activity-status '9' is not one of 1-6: kept as written, the project has "
        "no status",
    } in odd["warnings"]
    known = await _node(conn, gql, KNOWN_STATUS, selection, UNMAPPABLE)
    assert (known["status"], known["statusCode"]) == ("ACTIVE", None)

    # A status a writer states replaces the code the service could not read.
    result = await gql(
        """mutation($input: UpdateProjectInput!) { updateProject(input: $input) {
          project { status statusCode } } }""",
        {
            "input": {
                "id": odd["id"],
                "version": odd["version"],
                "status": "COMPLETED",
                "statusAsOf": "2024-06-30",
            }
        },
        key=Principal("curator", KeyScope.ADMIN, None),
    )
    assert result.errors is None, result.errors
    assert result.data["updateProject"]["project"] == {"status": "COMPLETED", "statusCode": None}
