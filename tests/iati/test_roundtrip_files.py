"""The round-trip test's own files are valid as their versions say, and its comparator
sees what an export loses, changes or adds."""

import copy
from pathlib import Path

import pytest
from lxml import etree

from tests.iati.conftest import FILES
from tests.iati.roundtrip import canonical, compare, compare_files

ROUNDTRIP = sorted((FILES / "roundtrip").glob("*.xml"))


def _schema(version: str, reference_schema: Path) -> etree.XMLSchema:
    if version == "2.03":
        return etree.XMLSchema(etree.parse(str(reference_schema)))
    path = FILES / "xsd" / version / reference_schema.name
    return etree.XMLSchema(etree.parse(str(path)))


@pytest.mark.parametrize("path", ROUNDTRIP, ids=lambda p: p.name)
def test_each_file_is_valid_against_its_version_and_2_03(
    path: Path, reference_schema: Path
) -> None:
    document = etree.parse(str(path))
    version = document.getroot().get("version")
    assert version in ("2.01", "2.02", "2.03")
    for schema in {_schema(version, reference_schema), _schema("2.03", reference_schema)}:
        assert schema.validate(document), schema.error_log


def test_the_files_hold_what_the_issue_names() -> None:
    roots = [etree.parse(str(p)).getroot() for p in ROUNDTRIP]
    versions = {r.get("version") for r in roots}
    assert versions == {"2.01", "2.02", "2.03"}

    def found(xpath: str) -> list[etree._Element]:
        return [e for r in roots for e in r.xpath(xpath)]

    assert set(found("//narrative/@xml:lang")) >= {"en", "fr", "es", "ar"}
    assert found("//iati-activity/sector[@vocabulary='8' and contains(@code, '.')]")
    assert found("//iati-activity/sector[@vocabulary='7']")
    assert found("//iati-activity[recipient-region and not(recipient-country)]")
    assert found("//location/point/pos")
    assert found("//transaction/value[starts-with(normalize-space(), '-')]")
    assert found("//budget/value[starts-with(normalize-space(), '-')]")
    assert found("//indicator[count(period) = 4]")
    assert found("//iati-activity[count(budget) = 4]")
    assert set(found("//related-activity/@type")) >= {"1", "2", "3", "4", "5"}
    names_of_61 = {e.findtext("narrative") for e in found("//participating-org[@ref='61']")}
    assert len(names_of_61) == 2, "a local ref reused for two organisations"
    for element in (
        "other-identifier",
        "contact-info",
        "activity-scope",
        "tag",
        "country-budget-items",
        "humanitarian-scope",
        "policy-marker[@significance]",
        "collaboration-type",
        "default-flow-type",
        "default-finance-type",
        "default-aid-type",
        "default-tied-status",
        "planned-disbursement",
        "capital-spend",
        "document-link",
        "legacy-data",
        "conditions",
        "crs-add",
        "fss",
        "location",
        "result",
    ):
        assert found(f"//iati-activity/{element}"), element
    for element in ("sector", "recipient-country", "recipient-region", "aid-type"):
        assert found(f"//transaction/{element}"), f"transaction/{element}"
    assert found("//provider-org/@provider-activity-id")
    assert found("//receiver-org/@receiver-activity-id")
    assert found("//participating-org/@activity-id")


def _activity(xml: str) -> etree._Element:
    return etree.fromstring(
        '<iati-activity xml:lang="en"><iati-identifier>A</iati-identifier>'
        + xml
        + "</iati-activity>"
    )


def test_spelling_and_order_that_carry_no_data_are_not_differences() -> None:
    before = _activity(
        '<title><narrative>T</narrative><narrative xml:lang="FR">t</narrative></title>'
        '<budget><value currency="EUR">100.00</value></budget>'
        '<budget><value currency="EUR">-5</value></budget>'
        '<transaction humanitarian="1"><value>1</value></transaction>'
        '<policy-marker code="1" significance=""/><default-tied-status code=""/>'
    )
    after = _activity(
        '<budget><value currency="EUR">-5.0</value></budget>'
        '<title><narrative xml:lang="fr">t</narrative><narrative xml:lang="en">T</narrative>'
        '</title><budget><value currency="EUR">100</value></budget>'
        '<transaction humanitarian="true"><value>1</value></transaction>'
        '<policy-marker code="1"/><x:y xmlns:x="urn:x">extension</x:y>'
    )
    first, second = canonical(before), canonical(after)
    assert first is not None
    assert second is not None
    assert compare(first, second) == []


def test_differences_are_named_by_element_and_attribute() -> None:
    before = _activity(
        '<budget type="1"><value currency="EUR">100</value></budget>'
        '<budget type="2"><value currency="EUR">120</value></budget>'
        '<sector code="5.2" vocabulary="8" percentage="40"/>'
        '<activity-status code="3"/>'
    )
    after = _activity(
        '<budget type="1"><value currency="EUR">220</value></budget>'
        '<sector code="5.2" vocabulary="8"/>'
        '<activity-status code="4"/><tag code="x"/>'
    )
    first, second = canonical(before), canonical(after)
    assert first is not None
    assert second is not None
    found = {(d.kind, d.path) for d in compare(first, second)}
    assert found == {
        ("changed", "iati-activity/activity-status/@code"),
        ("missing", "iati-activity/sector/@percentage"),
        ("changed", "iati-activity/budget/value/text()"),
        ("missing", "iati-activity/budget"),
        ("extra", "iati-activity/tag"),
    }


def test_files_compare_by_identifier_and_count_elements(reference_schema: Path) -> None:
    path = FILES / "roundtrip" / "agency_programme_2_03.xml"
    before = etree.parse(str(path)).getroot()
    after = copy.deepcopy(before)
    after.remove(after[-1])
    result = compare_files(before, after)
    assert result.missing_activities == ["XM-DAC-41122-SAH-OUT-02"]
    assert result.elements_in["iati-activity/budget"] == 6
    assert result.elements_in == result.elements_out
    assert compare_files(before, before).identical
