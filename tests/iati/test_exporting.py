"""Exporting projects as IATI: valid against the 2.03 schema, honest, and a faithful round trip."""

import io
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncConnection

from db.criteria import ProjectCriteria
from iati.codes import EXTENSION_NAMESPACE
from iati.importing import IatiFile, import_files
from iati.loading import count_left_out, project_activities
from iati.writing import ExportReport, ReportingOrg, write_activities
from tests.conftest import Execute
from tests.iati.conftest import FILES

ILO = ReportingOrg("XM-DAC-41302", "International Labour Organization", "40")
KOICA_QUERY = (
    (Path(__file__).parents[2] / "schema" / "examples" / "koica_projects.graphql")
    .read_text(encoding="utf-8")
    # A partner's parent is not carried by the file: only the partners of its projects are.
    .replace("parent { acronym }", "")
)


async def export(
    conn: AsyncConnection, criteria: ProjectCriteria | None = None
) -> tuple[bytes, ExportReport]:
    report = ExportReport()
    activities = project_activities(conn, criteria or ProjectCriteria(), reporting_ref=ILO.ref)
    pieces = await write_activities(activities, ILO, report)
    return b"".join([piece async for piece in pieces]), report


def _validate(xml: bytes, schema_file: Path) -> etree._ElementTree:
    schema = etree.XMLSchema(etree.parse(str(schema_file)))
    document = etree.parse(io.BytesIO(xml))
    assert schema.validate(document), schema.error_log
    return document


async def test_the_built_in_dataset_exports_as_a_valid_file(
    conn: AsyncConnection, reference_schema: Path
) -> None:
    xml, report = await export(conn)
    document = _validate(xml, reference_schema)
    identifiers = document.xpath("/iati-activities/iati-activity/iati-identifier/text()")
    assert len(identifiers) == report.written > 0
    assert "XM-DAC-41302-skills-knowledge-sharing-lics" in identifiers
    # Left out, not padded: projects the sources give no status or no date for.
    assert report.left_out["psei-india"] == ["an activity status"]
    assert report.left_out["tunisia-ict-jobs"] == ["an activity date"]
    assert report.written + len(report.left_out) == 17
    assert await count_left_out(conn, ProjectCriteria()) == len(report.left_out)


async def test_what_iati_has_no_element_for_travels_in_the_extension(
    conn: AsyncConnection,
) -> None:
    xml, _ = await export(conn, ProjectCriteria(codes=("skills-knowledge-sharing-lics",)))
    document = etree.parse(io.BytesIO(xml))
    ns = {"cg": EXTENSION_NAMESPACE}
    [extension] = document.xpath("//cg:project", namespaces=ns)
    assert extension.get("code") == "skills-knowledge-sharing-lics"
    assert extension.get("status-derived") == "true"
    groups = extension.xpath("cg:beneficiary-group", namespaces=ns)
    assert groups
    assert all(g.get("categories") for g in groups)
    assert extension.xpath("cg:source", namespaces=ns)
    assert all(s.text for s in extension.xpath(".//cg:source", namespaces=ns))


async def _empty(conn: AsyncConnection) -> None:
    """Everything but the reference lists of places, which an import looks countries up in."""
    await conn.execute(
        sa.text(
            "TRUNCATE partner, programme, project, source_document, citation, contribution, "
            "agreement, partner_fact, theme, change, api_key CASCADE"
        )
    )


def _funded_projects(data: Any, codes: set[str]) -> dict[tuple[str, str], Any]:
    return {
        (partner["node"]["acronym"] or partner["node"]["name"], edge["node"]["code"]): edge["node"]
        for partner in data["partners"]["edges"]
        for edge in partner["node"]["projectsConnection"]["edges"]
        if edge["node"]["code"] in codes
    }


async def test_export_import_export_is_identical_and_answers_the_same(
    conn: AsyncConnection, gql: Execute
) -> None:
    first, report = await export(conn)
    exported = set(
        re.findall(rb'<cg:project[^>]* code="([^"]+)"', first)  # the projects in the file
    )
    codes = {code.decode() for code in exported}
    assert len(codes) == report.written
    before = await gql(KOICA_QUERY)
    assert before.errors is None

    await _empty(conn)
    imported = await import_files(
        conn, [IatiFile("koica.xml", io.BytesIO(first))], key_name="round-trip"
    )
    assert (imported.created, imported.problems) == (report.written, [])
    second, _ = await export(conn)
    assert second == first

    after = await gql(KOICA_QUERY)
    assert after.errors is None
    expected = _funded_projects(before.data, codes)
    assert expected, "some KOICA-query project is in the file"
    assert _funded_projects(after.data, codes) == expected


async def test_an_imported_file_exports_its_iati_elements_back(
    conn: AsyncConnection, reference_schema: Path
) -> None:
    with (FILES / "multi_activity.xml").open("rb") as stream:
        await import_files(conn, [IatiFile("multi_activity.xml", stream)], key_name="t")
    codes = ("XM-DAC-41302-TEST-001", "XM-DAC-41302-TEST-002", "XM-DAC-41302-TEST-003")
    xml, report = await export(conn, ProjectCriteria(codes=codes))
    assert report.written == 3
    document = _validate(xml, reference_schema)
    [first] = document.xpath("//iati-activity[iati-identifier='XM-DAC-41302-TEST-001']")
    assert [(c.get("code"), c.get("percentage")) for c in first.iter("recipient-country")] == [
        ("BD", "50"),
        ("KH", "30"),
        ("VN", "20"),
    ]
    # Budgets per period, as the file gave them (not one total over the whole span).
    assert [
        (b.xpath("string(period-start/@iso-date)"), b.xpath("string(value)"))
        for b in first.iterfind("budget")
    ] == [("2022-01-01", "600000"), ("2023-01-01", "400000")]
    assert first.xpath("reporting-org/@ref") == ["XM-DAC-41302"]
    assert first.xpath("related-activity/@ref") == ["XM-DAC-41302-PROG-SKILLS"]
    female = first.xpath("result/indicator/period/actual[dimension/@value='female']/@value")
    assert female == ["430"]
    assert first.xpath("participating-org[@ref='KR-GOV-010']/@role") == ["1"]


async def test_text_xml_cannot_hold_is_replaced_not_fatal(
    conn: AsyncConnection, reference_schema: Path
) -> None:
    await conn.execute(
        sa.text(
            "UPDATE project SET title = 'Skills\x01 for all' "
            "WHERE code = 'skills-knowledge-sharing-lics'"
        )
    )
    xml, report = await export(conn, ProjectCriteria(codes=("skills-knowledge-sharing-lics",)))
    assert report.written == 1
    document = _validate(xml, reference_schema)
    assert document.xpath("string(//title/narrative)") == "Skills\ufffd for all"
