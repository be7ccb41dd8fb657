"""Two real publishers' files (UNDP's 2.03, Spain's 2.01): every activity the schema
accepts is imported, every repeated element lands as rows, and organisations a
publisher's local refs name stay apart.

The files are found through the IATI directory setting (``COOPGRAPH_IATI_DIR``, its
``real/`` folder); the tests are skipped, naming the setting, where they are absent.
"""

from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncConnection

from iati.importing import IatiFile, ImportReport, import_files
from tests.iati.conftest import iati_dir

KEY = "test-real"
UNDP = "undp-100-activities.xml"
SPAIN = "spain-maec-indonesia.xml"

ELEMENTS: dict[str, str] = {
    "transaction": "activity_transaction",
    "budget": "activity_budget",
    "planned-disbursement": "activity_planned_disbursement",
    "sector": "activity_sector",
    "recipient-region": "activity_recipient_region",
    "recipient-country": "project_country",
    "policy-marker": "activity_policy_marker",
    "tag": "activity_tag",
    "humanitarian-scope": "activity_humanitarian_scope",
    "location": "activity_location",
    "document-link": "activity_document_link",
    "related-activity": "activity_related_activity",
    "description": "activity_description",
    "other-identifier": "activity_other_identifier",
    "conditions/condition": "activity_condition",
    "contact-info": "activity_contact_info",
    "legacy-data": "activity_legacy_data",
    "country-budget-items/budget-item": "activity_country_budget_item",
    "result": "activity_result",
    "result/indicator": "activity_indicator",
    "result/indicator/baseline": "activity_indicator_baseline",
    "result/indicator/period": "activity_indicator_period",
    "result/indicator/period/target": "activity_period_value WHERE kind = 'TARGET'",
    "result/indicator/period/actual": "activity_period_value WHERE kind = 'ACTUAL'",
}
"""A repeated element of the activity, and the rows that hold it."""

SINGLE: dict[str, str] = {
    "collaboration-type": "collaboration_type IS NOT NULL",
    "default-flow-type": "default_flow_type IS NOT NULL",
    "default-finance-type": "default_finance_type IS NOT NULL",
    "default-tied-status": "default_tied_status IS NOT NULL",
    "activity-scope": "activity_scope IS NOT NULL",
    "capital-spend": "capital_spend IS NOT NULL",
    "conditions": "conditions_attached IS NOT NULL",
    "crs-add": "crs_add IS NOT NULL",
    "fss": "fss IS NOT NULL",
    "reporting-org": "reporting_org_partner_id IS NOT NULL",
    "title": "title_narratives IS NOT NULL",
}
"""An element an activity has at most once, and the project column that holds it."""


def real_file(name: str) -> Path:
    path = iati_dir() / "real" / name
    if not path.is_file():
        pytest.skip(f"{path} not found: set COOPGRAPH_IATI_DIR to the IATI reference files")
    return path


async def _import(conn: AsyncConnection, *paths: Path) -> ImportReport:
    streams = [p.open("rb") for p in paths]
    try:
        files = [IatiFile(p.name, s) for p, s in zip(paths, streams, strict=True)]
        return await import_files(conn, files, key_name=KEY)
    finally:
        for stream in streams:
            stream.close()


def counts_in_file(path: Path) -> dict[str, int]:
    activities = etree.parse(str(path)).getroot().findall("iati-activity")
    counts = {"iati-activity": len(activities)}
    for element in [*ELEMENTS, *SINGLE]:
        counts[element] = sum(len(a.findall(element)) for a in activities)
    counts["default-aid-type"] = sum(len(a.findall("default-aid-type")) for a in activities)
    return counts


async def counts_stored(conn: AsyncConnection, path: Path) -> dict[str, int]:
    """The rows of the activities of one file (its publisher's identifiers)."""
    identifiers = [
        (a.findtext("iati-identifier") or "").strip()
        for a in etree.parse(str(path)).getroot().findall("iati-activity")
    ]
    ids = list(
        (
            await conn.execute(
                sa.text("SELECT id FROM project WHERE iati_identifier = ANY(:i)"),
                {"i": identifiers},
            )
        ).scalars()
    )
    counts = {"iati-activity": len(ids)}
    for element, table in ELEMENTS.items():
        where = "AND" if " WHERE " in table else "WHERE"
        counts[element] = await conn.scalar(
            sa.text(f"SELECT count(*) FROM {table} {where} project_id = ANY(:ids)"), {"ids": ids}
        )
    for element, condition in SINGLE.items():
        counts[element] = await conn.scalar(
            sa.text(f"SELECT count(*) FROM project WHERE {condition} AND id = ANY(:ids)"),
            {"ids": ids},
        )
    counts["default-aid-type"] = await conn.scalar(
        sa.text(
            "SELECT coalesce(sum(jsonb_array_length(default_aid_types)), 0) FROM project "
            "WHERE id = ANY(:ids)"
        ),
        {"ids": ids},
    )
    return counts


@pytest.mark.parametrize("name", [UNDP, SPAIN])
async def test_a_real_file_imports_every_activity_and_every_element(
    conn: AsyncConnection, name: str
) -> None:
    path = real_file(name)
    report = await _import(conn, path)
    expected = counts_in_file(path)
    assert report.problems == []
    assert (report.created, report.updated, report.unchanged) == (expected["iati-activity"], 0, 0)
    assert await counts_stored(conn, path) == expected


async def test_both_files_import_into_a_database_not_yet_seeded(conn: AsyncConnection) -> None:
    undp, spain = real_file(UNDP), real_file(SPAIN)
    await conn.execute(
        sa.text(
            "TRUNCATE country, region, theme, partner, programme, project, source_document, "
            "citation, contribution, agreement, partner_fact, change CASCADE"
        )
    )
    report = await _import(conn, undp, spain)
    assert report.problems == []
    assert report.created == 183
    countries = await conn.scalar(sa.text("SELECT count(*) FROM country"))
    assert countries is not None
    assert countries > 30
    assert await counts_stored(conn, undp) == counts_in_file(undp)


async def test_the_same_files_again_are_unchanged_and_write_nothing(
    conn: AsyncConnection,
) -> None:
    undp, spain = real_file(UNDP), real_file(SPAIN)
    await _import(conn, undp, spain)
    transactions = await conn.scalar(sa.text("SELECT count(*) FROM activity_transaction"))
    changes = await conn.scalar(sa.text("SELECT count(*) FROM change"))
    report = await _import(conn, undp, spain)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 183)
    assert await conn.scalar(sa.text("SELECT count(*) FROM activity_transaction")) == transactions
    assert await conn.scalar(sa.text("SELECT count(*) FROM change")) == changes


async def test_a_local_ref_used_for_two_organisations_gives_two_partners(
    conn: AsyncConnection,
) -> None:
    """Spain's ministry writes ref="61" for FAO in one activity and for its labour ministry
    in others: not a registered identifier, so each name is its own partner."""
    await _import(conn, real_file(SPAIN))
    rows = await conn.execute(
        sa.text(
            "SELECT DISTINCT p.name, p.local_ref, p.publisher_ref, p.iati_identifier "
            "FROM activity_participating_org o JOIN partner p ON p.id = o.partner_id "
            "WHERE o.ref = '61' ORDER BY p.name"
        )
    )
    assert [tuple(r) for r in rows.all()] == [
        (
            "FAO - Organización de las Naciones Unidas para la Agricultura y la Alimentación",
            "61",
            "ES-DIR3-E04585801",
            None,
        ),
        ("MESS - Ministerio de Empleo y Seguridad Social", "61", "ES-DIR3-E04585801", None),
    ]
    # The publisher's own registered identifier names one partner, whatever the name.
    publisher = await conn.scalar(
        sa.text("SELECT count(*) FROM partner WHERE iati_identifier = 'ES-DIR3-E04585801'")
    )
    assert publisher == 1


async def test_one_registered_ref_under_two_names_is_one_partner_and_two_elements(
    conn: AsyncConnection,
) -> None:
    """UNDP names XM-DAC-21-1 "GOVERNMENT OF IRELAND" and "Irish Aid" as funders of one
    output: a registered identifier, so one partner and one funding link, and both
    elements kept as written, each naming that partner."""
    await _import(conn, real_file(UNDP))
    rows = await conn.execute(
        sa.text(
            "SELECT o.project_id, o.role, o.narratives -> 0 ->> 'text', p.name "
            "FROM activity_participating_org o JOIN partner p ON p.id = o.partner_id "
            "WHERE o.ref = 'XM-DAC-21-1' ORDER BY o.project_id, o.position"
        )
    )
    found = rows.all()
    by_project: dict[int, list[str]] = {}
    for project_id, role, name, _ in found:
        assert role == "1"
        by_project.setdefault(project_id, []).append(name)
    assert ["GOVERNMENT OF IRELAND", "Irish Aid"] in by_project.values()
    assert len({partner for *_, partner in found}) == 1
    links = await conn.scalar(
        sa.text(
            "SELECT count(*) FROM project_partner pp JOIN partner p ON p.id = pp.partner_id "
            "WHERE p.iati_identifier = 'XM-DAC-21-1' AND pp.role = 'FUNDING'"
        )
    )
    assert links == len(by_project)


async def test_warnings_are_kept_on_the_activity_with_line_and_element(
    conn: AsyncConnection,
) -> None:
    report = await _import(conn, real_file(SPAIN))
    negative = [w for w in report.warnings if "negative" in w.message]
    assert negative
    assert all(w.file == SPAIN and w.line and w.element == "budget/value" for w in negative)
    stored = await conn.execute(
        sa.text(
            "SELECT kind, element, line, file_name FROM activity_warning "
            "WHERE kind = 'NEGATIVE_VALUE' ORDER BY line"
        )
    )
    rows = stored.all()
    assert len(rows) == len(negative)
    assert {(r.element, r.file_name) for r in rows} == {("budget/value", SPAIN)}
    values = await conn.scalar(sa.text("SELECT count(*) FROM activity_budget WHERE value < 0"))
    assert values == len(negative)


async def test_sdg_targets_are_sectors_of_vocabulary_8_with_their_percentages(
    conn: AsyncConnection,
) -> None:
    path = real_file(UNDP)
    await _import(conn, path)
    in_file = [
        (s.get("code", ""), s.get("percentage"))
        for a in etree.parse(str(path)).getroot().iterfind("iati-activity")
        for s in a.iterfind("sector")
        if s.get("vocabulary") == "8"
    ]
    assert in_file
    assert any("." in code for code, _ in in_file)
    rows = await conn.execute(
        sa.text("SELECT code, percentage FROM activity_sector WHERE vocabulary = '8'")
    )
    stored = sorted((code, None if p is None else str(p)) for code, p in rows.all())
    assert stored == sorted(in_file)
