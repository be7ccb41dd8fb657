"""Reading IATI files: the schema step on the standard's own cases, the mapping step, and
files that must be refused whole."""

from decimal import Decimal
from pathlib import Path

import pytest

from db.enums import IndicatorMeasure, OutcomeKind, PartnerRole, ProjectStatus
from iati.reading import FileRefused, ReadActivity, read_activities
from iati.records import Figure
from tests.iati.conftest import FILES, iati_dir


def _read(path: Path) -> list[ReadActivity]:
    return list(read_activities(path))


def test_the_standards_valid_cases_pass_the_schema_and_their_placeholders_are_refused() -> None:
    cases = sorted((iati_dir() / "schema-tests" / "should-pass").rglob("*.xml"))
    assert len(cases) > 30
    for case in cases:
        reads = _read(case)
        problems = [p for r in reads for p in r.problems]
        assert not [p for p in problems if p.message.startswith("schema:")], case.name
        # Their codes are placeholders ("xx"): the mapping names them, nothing is mapped.
        assert problems, case.name
        assert all(r.usable is None for r in reads), case.name
        assert all(p.line is not None for p in problems), case.name
    [*_, results] = _read(iati_dir() / "schema-tests" / "should-pass" / "24-results.xml")
    # What stops them is their empty identifier and version "xx"; codes outside the
    # codelists are only warnings, kept on the activity.
    assert {p.element for p in results.problems} == {"iati-identifier", "iati-activities"}
    assert results.activity is not None
    warnings = {w.message for w in results.activity.warnings}
    assert (
        "activity-status 'xx' is not one of 1-6: kept as written, the project has no status"
        in warnings
    )
    assert (
        "participating-org role 'xx' is not one of 1-4: kept as written, no partner is linked"
        in warnings
    )
    assert results.activity.status_code == "xx"
    assert [p.role for p in results.activity.participating_orgs] == ["xx"]


def test_the_standards_invalid_cases_each_fail_the_schema() -> None:
    cases = sorted((iati_dir() / "schema-tests" / "should-fail").rglob("*.xml"))
    assert len(cases) > 100
    for case in cases:
        try:
            reads = _read(case)
        except FileRefused:
            continue
        schema_problems = [p for r in reads for p in r.problems if p.message.startswith("schema:")]
        assert schema_problems, case.name
        assert all(r.usable is None for r in reads if r.problems)


def test_an_activity_maps_to_the_services_terms() -> None:
    first, second, third = (r.usable for r in _read(FILES / "multi_activity.xml"))
    assert first is not None
    assert second is not None
    assert third is not None
    assert first.identifier == "XM-DAC-41302-TEST-001"
    assert first.status is ProjectStatus.ACTIVE
    assert third.status is ProjectStatus.CLOSED
    assert set(first.dates) == {"planned_start", "actual_start", "planned_end"}
    assert set(third.dates) == {"planned_start", "actual_start", "planned_end", "actual_end"}
    assert [(c.code, c.percentage) for c in first.countries] == [
        ("BD", Decimal(50)),
        ("KH", Decimal(30)),
        ("VN", Decimal(20)),
    ]
    roles = {(link.organisation.ref, link.role) for link in first.partners}
    assert ("KR-GOV-010", PartnerRole.FUNDING) in roles
    assert ("XM-DAC-41302", PartnerRole.IMPLEMENTING) in roles
    # Two original budgets add up; an activity without budgets totals its commitments.
    assert first.budget is not None
    assert second.budget is not None
    assert (first.budget.amount, first.budget.currency) == (Decimal(1_000_000), "USD")
    assert (second.budget.amount, second.budget.currency) == (Decimal(250_000), "USD")
    assert {t.slug for t in second.themes} >= {"social-protection"}
    assert any(t.slug.startswith("dac-") for t in first.themes)
    assert [p.ref for p in first.programmes] == ["XM-DAC-41302-PROG-SKILLS"]
    assert first.groups
    assert first.groups[0].description.startswith("Young workers")


def test_results_keep_their_type_measure_and_dimensions() -> None:
    first = _read(FILES / "multi_activity.xml")[0].usable
    assert first is not None
    outcome = [r for r in first.results if r.kind is OutcomeKind.OUTCOME]
    totals, women = outcome
    assert totals.measure is IndicatorMeasure.UNIT
    assert (totals.target, totals.actual) == (Figure(Decimal(1000)), Figure(Decimal(850)))
    assert totals.dimensions == {}
    assert (totals.baseline_year, totals.baseline) == (2021, Figure(Decimal(0)))
    assert women.dimensions == {"sex": "female"}
    assert women.target is not None
    assert women.target.value == 500
    assert women.actual is not None
    assert women.actual.value == 430
    [output] = [r for r in first.results if r.kind is OutcomeKind.OUTPUT]
    assert output.measure is IndicatorMeasure.PERCENTAGE


def test_every_schema_problem_is_named_with_its_line_and_activity() -> None:
    reads = _read(FILES / "schema_invalid.xml")
    assert [r.identifier for r in reads] == [
        "XM-DAC-41302-TEST-101",
        "XM-DAC-41302-TEST-102",
        "XM-DAC-41302-TEST-103",
    ]
    assert reads[0].usable is not None
    for read in reads[1:]:
        assert read.activity is None  # schema-invalid: not even mapped
        [problem] = read.problems
        assert problem.activity == read.identifier
        assert problem.message.startswith("schema:")
        assert problem.line is not None
        assert read.line is not None
        assert problem.line > read.line
    assert "title" in reads[1].problems[0].message
    assert "activity-status" in reads[2].problems[0].message


def test_codes_outside_the_codelists_are_warnings_naming_line_and_element() -> None:
    valid, odd = _read(FILES / "unmappable.xml")
    assert valid.usable is not None
    assert valid.usable.warnings == []
    activity = odd.usable
    assert activity is not None
    assert activity.status is None
    [status] = activity.warnings
    assert (status.element, status.message) == (
        "activity-status",
        "activity-status '9' is not one of 1-6: kept as written, the project has no status",
    )
    assert activity.status_code == "9"
    assert status.line is not None
    assert activity.line is not None
    assert status.line > activity.line
    assert [c.code for c in activity.countries] == ["XX"]  # kept; the import warns


def test_a_file_that_is_not_well_formed_is_refused_at_its_line() -> None:
    reads: list[ReadActivity] = []
    with pytest.raises(FileRefused) as refused:
        reads.extend(read_activities(FILES / "not_well_formed.xml"))
    assert refused.value.problem.line == 35
    assert "not well-formed" in refused.value.problem.message
    assert [r.identifier for r in reads] == ["XM-DAC-41302-TEST-011"]


def test_version_1_files_are_unsupported() -> None:
    with pytest.raises(FileRefused, match=r"unsupported version '1\.05'"):
        _read(FILES / "version_105.xml")


@pytest.mark.parametrize("name", ["entity_expansion.xml", "external_entity.xml"])
def test_entity_tricks_are_refused_without_expanding_anything(name: str) -> None:
    with pytest.raises(FileRefused, match="document type") as refused:
        _read(FILES / name)
    assert "root:" not in str(refused.value)
