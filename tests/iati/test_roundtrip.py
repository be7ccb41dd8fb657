"""A file in, the same file out: import IATI files, export them, compare element by element.

The files: the repo's realistic round-trip files (``files/roundtrip``), the standard's own
should-pass activity files and the two real publishers' files, both found through the IATI
directory setting (``COOPGRAPH_IATI_DIR``, skipped naming it when absent). Each is imported
through the import pipeline, the imported activities are exported, the export is checked
against the 2.03 schema and compared with the file by ``tests.iati.roundtrip``
(order-insensitive where the standard is, see its docstring).

What the round trip does not keep yet is listed in ``KNOWN_LOSSES``, each with its
reason: anything else that differs fails the test.
"""

import difflib
import io
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncConnection

from db.criteria import ProjectCriteria
from iati.importing import IatiFile, import_files
from iati.loading import project_activities
from iati.writing import ExportReport, ReportingOrg, write_activities
from tests.iati.conftest import FILES, iati_dir
from tests.iati.roundtrip import FileComparison, compare_files

ILO = ReportingOrg("XM-DAC-41302", "International Labour Organization", "40")

KNOWN_LOSSES: dict[tuple[str, str], str] = {}
"""(kind, path) of a difference → why the round trip does not keep it yet."""


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.xml"))


REALISTIC = _files(FILES / "roundtrip")


def _parse(data: bytes | Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    if isinstance(data, Path):
        return etree.parse(str(data), parser).getroot()
    return etree.fromstring(data, parser)


def _read(path: Path) -> bytes:
    return path.read_bytes()


async def round_trip(
    conn: AsyncConnection, path: Path, data: bytes | None = None
) -> tuple[FileComparison, bytes]:
    """Import ``path`` (or ``data`` under its name: the activities the service accepts),
    export everything, compare the imported activities with the file's."""
    data = _read(path) if data is None else data
    report = await import_files(
        conn, [IatiFile(path.name, io.BytesIO(data))], key_name="round-trip", skip_invalid=True
    )
    root = _parse(data)
    identifiers = [
        (a.findtext("iati-identifier") or "").strip() for a in root.iterchildren("iati-activity")
    ]
    imported = [i for i in identifiers if i and i not in report.skipped]
    exported = ExportReport()
    activities = project_activities(conn, ProjectCriteria(), reporting_ref=ILO.ref)
    pieces = await write_activities(activities, ILO, exported)
    xml = b"".join([piece async for piece in pieces])
    return compare_files(root, _parse(xml), imported), xml


def _unexpected(result: FileComparison) -> tuple[list[str], set[tuple[str, str]]]:
    seen: set[tuple[str, str]] = set()
    unexpected = []
    for identifier, found in result.differences.items():
        for d in found:
            key = (d.kind, d.path)
            seen.add(key)
            if key not in KNOWN_LOSSES:
                unexpected.append(f"{identifier}: {d}")
    unexpected += [f"not exported: {i}" for i in result.missing_activities]
    return unexpected, seen


def _valid(xml: bytes, schema: Path) -> None:
    validator = etree.XMLSchema(etree.parse(str(schema)))
    assert validator.validate(etree.fromstring(xml)), validator.error_log


@pytest.mark.parametrize("path", REALISTIC, ids=lambda p: p.name)
async def test_the_realistic_files_come_back_with_nothing_lost_or_changed(
    conn: AsyncConnection, path: Path, reference_schema: Path
) -> None:
    result, xml = await round_trip(conn, path)
    assert result.activities_in == len(_parse(path).findall("iati-activity"))
    _valid(xml, reference_schema)
    unexpected, _ = _unexpected(result)
    assert unexpected == [], "\n".join(unexpected[:60])


def _should_pass() -> list[Path]:
    folder = iati_dir() / "schema-tests" / "should-pass"
    return _files(folder)


def _with_identity(path: Path) -> bytes:
    """The schema tests' placeholders filled in where the model keys on them:
    ``version="xx"`` becomes 2.03 (the version decides how a file is read) and an empty
    ``iati-identifier`` one named after the file (activities are keyed by it). Every other
    placeholder stays: a status, date type or role outside its codelist (``xx``) is kept as
    written, like any code the codelists lack."""
    root = _parse(path)
    if root.get("version") not in ("2.01", "2.02", "2.03"):
        root.set("version", "2.03")
    for n, activity in enumerate(root.iterchildren("iati-activity"), start=1):
        identifier = activity.find("iati-identifier")
        if identifier is not None and not (identifier.text or "").strip():
            identifier.text = f"XX-SCHEMA-TEST-{path.stem}-{n}"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


async def test_the_standards_should_pass_files_come_back(
    conn: AsyncConnection, reference_schema: Path
) -> None:
    """All in one test, each file's import undone after it: every activity imports, and
    comes back as it was."""
    problems = []
    for path in _should_pass():
        async with conn.begin_nested() as savepoint:
            data = _with_identity(path)
            result, xml = await round_trip(conn, path, data)
            _valid(xml, reference_schema)
            unexpected, _ = _unexpected(result)
            if result.activities_in != len(_parse(data).findall("iati-activity")):
                unexpected.append("not every activity was imported")
            problems += [f"{path.name}: {u}" for u in unexpected]
            await savepoint.rollback()
    assert problems == [], "\n".join(problems[:80])


def _real(name: str) -> Path:
    path = iati_dir() / "real" / name
    if not path.is_file():
        pytest.skip(f"{path} not found: set COOPGRAPH_IATI_DIR")
    return path


@pytest.mark.parametrize("name", ["undp-100-activities.xml", "spain-maec-indonesia.xml"])
async def test_the_real_files_import_every_activity_and_come_back(
    conn: AsyncConnection, name: str, reference_schema: Path
) -> None:
    path = _real(name)
    result, xml = await round_trip(conn, path)
    assert result.activities_in == len(_parse(path).findall("iati-activity"))
    _valid(xml, reference_schema)
    unexpected, _ = _unexpected(result)
    assert unexpected == [], "\n".join(unexpected[:60])
    assert sum(result.elements_in.values()) > 0


async def test_an_exported_file_round_trips_by_itself(conn: AsyncConnection) -> None:
    """Export → import → export gives the same bytes for imported activities too."""
    path = FILES / "roundtrip" / "agency_programme_2_03.xml"
    _, first = await round_trip(conn, path)
    with io.BytesIO(first) as stream:
        report = await import_files(conn, [IatiFile("export.xml", stream)], key_name="again")
    assert report.problems == []
    exported = ExportReport()
    activities = project_activities(conn, ProjectCriteria(), reporting_ref=ILO.ref)
    second = b"".join([p async for p in await write_activities(activities, ILO, exported)])
    changed = list(
        difflib.unified_diff(
            first.decode().splitlines(), second.decode().splitlines(), lineterm="", n=1
        )
    )
    assert changed == [], "\n".join(changed[:80])
