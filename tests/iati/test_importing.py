"""Importing IATI files into the tables: keyed by identifier, audited, all or nothing."""

import datetime
import io
import re
import threading
from copy import deepcopy
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncConnection

from db.criteria import ProjectCriteria
from iati.importing import (
    ACTIVITIES_PER_BATCH,
    IatiFile,
    ImportReport,
    import_files,
    read_batches,
)
from tests.conftest import Execute, StatementCounter
from tests.iati.conftest import FILES
from tests.snapshot import table_digests

KEY = "test-import"


async def _import(conn: AsyncConnection, *names: str, skip_invalid: bool = False) -> ImportReport:
    paths = [FILES / name for name in names]
    streams = [path.open("rb") for path in paths]
    try:
        return await import_files(
            conn,
            [IatiFile(p.name, s) for p, s in zip(paths, streams, strict=True)],
            key_name=KEY,
            skip_invalid=skip_invalid,
        )
    finally:
        for stream in streams:
            stream.close()


async def _changes(conn: AsyncConnection) -> list[tuple[str, str]]:
    rows = await conn.execute(
        sa.text("SELECT record_type, operation FROM change WHERE key_name = :k ORDER BY id"),
        {"k": KEY},
    )
    return [(record_type, operation) for record_type, operation in rows.all()]


PROJECT = """
query ($code: String!) {
  projects(filter: {codes: [$code]}) { edges { node {
    code title status budget { amount currency }
    actualStart { value precision }
    countryLinks { role percentage country { code } sources { document excerpt } }
    themes { slug name }
    programmes { code name }
    partners { role partner { acronym name } }
    beneficiaryGroups { description categories }
    outcomes { kind statement indicator measure dimensions { name value }
               baselineYear baseline { value } target { value } actual { value } }
    sources { document excerpt }
  } } }
}
"""


async def _project(gql: Execute, code: str) -> Any:
    result = await gql(PROJECT, {"code": code})
    assert result.errors is None, result.errors
    [edge] = result.data["projects"]["edges"]
    return edge["node"]


async def test_importing_a_file_creates_its_projects_with_every_part(
    conn: AsyncConnection, gql: Execute
) -> None:
    report = await _import(conn, "multi_activity.xml")
    assert (report.created, report.updated, report.unchanged, report.problems) == (3, 0, 0, [])

    project = await _project(gql, "XM-DAC-41302-TEST-001")
    assert project["status"] == "ACTIVE"
    assert project["budget"] == {"amount": "1000000.00", "currency": "USD"}
    assert project["actualStart"] == {"value": "2022-02-15", "precision": "DAY"}
    assert [(c["country"]["code"], c["percentage"]) for c in project["countryLinks"]] == [
        ("BD", "50.00"),
        ("KH", "30.00"),
        ("VN", "20.00"),
    ]
    partners = {
        (p["role"], p["partner"]["acronym"] or p["partner"]["name"]) for p in project["partners"]
    }
    # KOICA is the built-in partner, found by name; the ILO by its IATI identifier.
    assert ("FUNDING", "KOICA") in partners
    assert ("IMPLEMENTING", "ILO") in partners
    assert project["programmes"] == [
        {"code": "XM-DAC-41302-PROG-SKILLS", "name": "XM-DAC-41302-PROG-SKILLS"}
    ]
    women = [o for o in project["outcomes"] if o["dimensions"]]
    assert [(o["dimensions"], o["target"], o["actual"]) for o in women] == [
        ([{"name": "sex", "value": "female"}], {"value": "500"}, {"value": "430"})
    ]
    totals = next(o for o in project["outcomes"] if o["kind"] == "OUTCOME" and not o["dimensions"])
    assert (totals["measure"], totals["baselineYear"]) == ("UNIT", 2021)
    # Every imported record cites the file and the activity.
    cited = {"document": "multi_activity.xml", "excerpt": "iati-activity XM-DAC-41302-TEST-001"}
    assert project["sources"] == [cited]
    assert all(c["sources"] == [cited] for c in project["countryLinks"])


async def test_importing_the_same_file_twice_changes_nothing(conn: AsyncConnection) -> None:
    await _import(conn, "multi_activity.xml")
    before = await table_digests(conn)
    report = await _import(conn, "multi_activity.xml")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    after = await table_digests(conn)
    assert after == before


async def test_a_newer_file_updates_in_place_and_the_trail_says_what_changed(
    conn: AsyncConnection, gql: Execute
) -> None:
    await _import(conn, "multi_activity.xml")
    created = await _changes(conn)
    report = await _import(conn, "multi_activity_updated.xml")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert (await _changes(conn))[len(created) :] == [
        ("project", "UPDATE"),
        ("outcome", "UPDATE"),
    ]
    project = await _project(gql, "XM-DAC-41302-TEST-001")
    assert project["title"].endswith("(phase 2)")
    totals = next(o for o in project["outcomes"] if o["kind"] == "OUTCOME" and not o["dimensions"])
    assert totals["actual"] == {"value": "900"}
    changed = await conn.execute(
        sa.text(
            "SELECT before, after FROM change WHERE key_name = :k AND record_type = 'outcome' "
            "AND operation = 'UPDATE'"
        ),
        {"k": KEY},
    )
    assert changed.one() == ({"actual": "850.0000"}, {"actual": "900.0000"})


async def test_a_file_with_invalid_activities_is_refused_whole(conn: AsyncConnection) -> None:
    before = await table_digests(conn)
    savepoint = await conn.begin_nested()  # the transaction a caller would roll back
    report = await _import(conn, "multi_activity.xml", "schema_invalid.xml")
    assert report.refused
    assert [(p.file, p.activity) for p in report.problems] == [
        ("schema_invalid.xml", "XM-DAC-41302-TEST-102"),
        ("schema_invalid.xml", "XM-DAC-41302-TEST-103"),
    ]
    await savepoint.rollback()
    assert await table_digests(conn) == before


async def test_skip_invalid_imports_the_valid_activities_and_reports_the_rest(
    conn: AsyncConnection,
) -> None:
    report = await _import(conn, "schema_invalid.xml", "unmappable.xml", skip_invalid=True)
    assert not report.refused
    assert report.created == 3
    assert report.skipped == ["XM-DAC-41302-TEST-102", "XM-DAC-41302-TEST-103"]
    # The schema accepts an unknown country and status: imported, with warnings.
    warnings = [str(w) for w in report.warnings]
    assert any(
        "unmappable.xml, line" in m and "element recipient-country" in m and "'XX'" in m
        for m in warnings
    )
    assert any("activity-status '9'" in m for m in warnings)


async def test_every_problem_is_reported_even_after_the_first(conn: AsyncConnection) -> None:
    report = await _import(conn, "unmappable.xml", "schema_invalid.xml", "version_105.xml")
    files = [p.file for p in report.problems]
    assert files.count("unmappable.xml") == 0  # an unknown country and status only warn
    assert files.count("schema_invalid.xml") == 2
    assert "version_105.xml" in files


def test_files_under_a_folder_are_found_in_name_order(tmp_path: Path) -> None:
    from iati.importing import files_under

    (tmp_path / "b.xml").write_text("<x/>")
    (tmp_path / "a.xml").write_text("<x/>")
    (tmp_path / "notes.txt").write_text("")
    assert [p.name for p in files_under([tmp_path])] == ["a.xml", "b.xml"]


async def test_an_undated_file_dates_the_status_at_its_first_import(
    conn: AsyncConnection,
) -> None:
    content = (FILES / "multi_activity.xml").read_bytes()
    undated = re.sub(rb' (generated|last-updated)-datetime="[^"]*"', b"", content)
    first = await import_files(conn, [IatiFile("undated.xml", io.BytesIO(undated))], key_name=KEY)
    again = await import_files(conn, [IatiFile("undated.xml", io.BytesIO(undated))], key_name=KEY)
    assert (first.created, again.unchanged) == (3, 3)
    as_of = await conn.scalar(
        sa.text("SELECT status_as_of FROM project WHERE code = 'XM-DAC-41302-TEST-001'")
    )
    assert as_of == datetime.date.today()


async def test_an_activity_the_database_refuses_is_reported_and_undone_alone(
    conn: AsyncConnection,
) -> None:
    """A service-written activity under a new identifier whose group codes another project
    already uses: the unique constraint refuses it, and only it."""
    from tests.iati.test_exporting import export

    xml, _ = await export(conn, ProjectCriteria(codes=("skills-knowledge-sharing-lics",)))
    clash = xml.replace(b"XM-DAC-41302-skills-knowledge-sharing-lics", b"XM-DAC-41302-CLASH")
    clash = clash.replace(b'code="skills-knowledge-sharing-lics"', b'code="clash"')
    valid = (FILES / "multi_activity.xml").read_bytes()
    files = [IatiFile("clash.xml", io.BytesIO(clash)), IatiFile("valid.xml", io.BytesIO(valid))]
    before = await conn.scalar(sa.text("SELECT count(*) FROM project"))

    report = await import_files(conn, files, key_name=KEY, skip_invalid=True)
    [problem] = report.problems
    assert problem.activity == "XM-DAC-41302-CLASH"
    assert problem.message.startswith("the database refused it (uq_beneficiary_group_code)")
    assert "already exists" in problem.message
    assert (report.created, report.skipped) == (3, ["XM-DAC-41302-CLASH"])
    assert await conn.scalar(sa.text("SELECT count(*) FROM project")) == before + 3
    assert not await conn.scalar(sa.text("SELECT count(*) FROM project WHERE code = 'clash'"))


def _copies(content: bytes, times: int) -> bytes:
    """The file's activities, each given ``times`` times under new identifiers."""
    root = etree.fromstring(content)
    activities = list(root.iterchildren("iati-activity"))
    for n in range(1, times):
        for activity in activities:
            copy = deepcopy(activity)
            identifier = copy.find("iati-identifier")
            assert identifier is not None
            identifier.text = f"{identifier.text}-COPY-{n}"
            root.append(copy)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


async def test_a_batch_of_activities_costs_the_statements_of_one(
    conn: AsyncConnection, statements: StatementCounter
) -> None:
    """Projects, links, records and element rows go in one statement per table and batch:
    twice the activities, the same statements. (The first import also runs the driver's
    introspection of the tables' types, once per connection.)"""
    content = (FILES / "multi_activity.xml").read_bytes()
    counts = []
    for times, name in ((1, "one.xml"), (2, "two.xml"), (4, "four.xml")):
        data = _copies(content, times)
        async with conn.begin_nested() as savepoint:
            await statements.clear()
            report = await import_files(conn, [IatiFile(name, io.BytesIO(data))], key_name=KEY)
            assert (report.created, report.problems) == (3 * times, [])
            counts.append(await statements.counted())
            await savepoint.rollback()
    assert counts[1] == counts[2]


async def test_a_batch_of_updated_activities_costs_the_statements_of_one(
    conn: AsyncConnection, statements: StatementCounter
) -> None:
    """An activity updated by a newer file is written with the batch too: its project,
    records and links updated or replaced in one statement per table, so twice the
    updated activities cost the same statements."""
    content = (FILES / "multi_activity.xml").read_bytes()
    newer = (FILES / "multi_activity_updated.xml").read_bytes()
    counts = []
    for times in (1, 2, 4):
        async with conn.begin_nested() as savepoint:
            first = IatiFile("first.xml", io.BytesIO(_copies(content, times)))
            await import_files(conn, [first], key_name=KEY)
            await statements.clear()
            again = IatiFile("newer.xml", io.BytesIO(_copies(newer, times)))
            report = await import_files(conn, [again], key_name=KEY)
            assert (report.updated, report.unchanged, report.problems) == (times, 2 * times, [])
            counts.append(await statements.counted())
            await savepoint.rollback()
    assert counts[1] == counts[2]


async def test_a_refusal_in_a_batch_names_its_activity_and_imports_nothing(
    conn: AsyncConnection,
) -> None:
    """All or nothing: the database refusing one activity of a batch refuses the file, and
    the report names that activity, not the batch."""
    from tests.iati.test_exporting import export

    xml, _ = await export(conn, ProjectCriteria(codes=("skills-knowledge-sharing-lics",)))
    clash = etree.fromstring(
        xml.replace(b"XM-DAC-41302-skills-knowledge-sharing-lics", b"XM-DAC-41302-CLASH").replace(
            b'code="skills-knowledge-sharing-lics"', b'code="clash"'
        )
    ).find("iati-activity")
    assert clash is not None
    valid = etree.fromstring((FILES / "multi_activity.xml").read_bytes())
    valid.insert(1, clash)
    data = etree.tostring(valid)

    report = await import_files(conn, [IatiFile("mixed.xml", io.BytesIO(data))], key_name=KEY)
    assert report.refused
    [problem] = report.problems
    assert problem.activity == "XM-DAC-41302-CLASH"
    assert problem.message.startswith("the database refused it (uq_beneficiary_group_code)")


async def test_batches_are_read_ahead_in_a_thread_that_stops_with_the_writer() -> None:
    """A file of more than a batch comes in full batches then the rest; a writer that stops
    early (an error, a refused file) leaves no reading thread behind."""
    data = _copies((FILES / "multi_activity.xml").read_bytes(), 70)
    sizes = [len(batch.reads) async for batch in read_batches(io.BytesIO(data))]
    assert sizes == [ACTIVITIES_PER_BATCH, 210 - ACTIVITIES_PER_BATCH]
    batches = read_batches(io.BytesIO(data))
    first = await anext(batches)
    assert len(first.reads) == ACTIVITIES_PER_BATCH
    await batches.aclose()
    assert not [t for t in threading.enumerate() if t.name == "iati-reader"]


async def test_a_file_cut_short_imports_nothing_and_says_where(conn: AsyncConnection) -> None:
    """The activities read before the file stops being XML are checked, then the import is
    refused with the reading's problem, as when it read in the writer's thread."""
    data = (FILES / "multi_activity.xml").read_bytes()
    cut = data[: data.rindex(b"<iati-activity ")]
    report = await import_files(conn, [IatiFile("cut.xml", io.BytesIO(cut))], key_name=KEY)
    assert report.refused
    assert [p.message for p in report.problems if "not well-formed" in p.message]
    assert all(p.file == "cut.xml" for p in report.problems)
