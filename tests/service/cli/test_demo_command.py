"""``coopgraph demo``: made-up sample files, valid IATI, one funding chain, imported into a
database of the demo's own and never into the one ``serve`` uses."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree

from db.engine import create_engine
from iati.importing import files_under
from service.cli.demo_command import (
    DEMO_KEY_NAME,
    DemoRefused,
    demo_settings,
    import_demo_files,
)
from service.settings import Settings
from tests.iati.conftest import iati_dir

SAMPLES = Path(__file__).parents[3] / "demo" / "iati"
MADE_UP = "(made up)"


def _activities() -> list[etree._Element]:
    return [
        activity
        for path in files_under([SAMPLES])
        for activity in etree.parse(str(path)).getroot().iter("iati-activity")
    ]


def test_the_sample_files_are_valid_iati_2_03() -> None:
    schema = etree.XMLSchema(etree.parse(str(iati_dir() / "xsd" / "iati-activities-schema.xsd")))
    paths = files_under([SAMPLES])
    assert [p.name for p in paths] == ["agency.xml", "donor.xml", "implementer.xml"]
    for path in paths:
        document = etree.parse(str(path))
        assert schema.validate(document), (path.name, schema.error_log)
        assert document.getroot().get("version") == "2.03"


def test_every_sample_record_says_it_is_made_up() -> None:
    activities = _activities()
    assert len(activities) == 6
    for activity in activities:
        assert activity.findtext("iati-identifier", "").startswith("XE-EXAMPLE-MADEUP-")
        assert "(made-up sample)" in activity.findtext("title/narrative", "")
        assert "not real data" in activity.findtext("description/narrative", "")
        organisations = activity.xpath(
            "reporting-org | participating-org | transaction/provider-org"
            " | transaction/receiver-org"
        )
        for organisation in organisations:
            assert organisation.findtext("narrative", "").endswith(MADE_UP)
            assert organisation.get("ref", "").startswith("XE-EXAMPLE-MADEUP-")


def test_the_samples_are_one_chain_over_years_and_currencies() -> None:
    """Donor → agency → implementer, each hop named by activity identifier on both sides."""
    activities = _activities()
    identifiers = {a.findtext("iati-identifier") for a in activities}
    referenced = {
        ref
        for a in activities
        for ref in a.xpath(
            "transaction/provider-org/@provider-activity-id"
            " | transaction/receiver-org/@receiver-activity-id"
            " | participating-org/@activity-id | related-activity/@ref"
        )
    }
    assert referenced <= identifiers
    publishers = {a.xpath("string(reporting-org/@ref)") for a in activities}
    assert len(publishers) == 3
    # Every agency and implementer activity receives incoming funds naming the provider's
    # activity; every donor and agency activity disburses naming the receiver's.
    for activity in activities:
        publisher = activity.xpath("string(reporting-org/@ref)")
        incoming = activity.xpath("transaction[transaction-type/@code='1']")
        outgoing = activity.xpath("transaction[transaction-type/@code='3']")
        if publisher != "XE-EXAMPLE-MADEUP-DONOR":
            assert incoming
            assert all(t.find("provider-org").get("provider-activity-id") for t in incoming)
        if publisher != "XE-EXAMPLE-MADEUP-NGO":
            assert outgoing
            assert all(t.find("receiver-org").get("receiver-activity-id") for t in outgoing)
    transactions = [t for a in activities for t in a.iter("transaction")]
    assert {t.xpath("string(transaction-type/@code)") for t in transactions} == {"1", "2", "3", "4"}
    assert {t.xpath("string(transaction-date/@iso-date)")[:4] for t in transactions} == {
        "2021",
        "2022",
        "2023",
        "2024",
    }
    values = [v for a in activities for v in a.iter("value")]
    assert {v.get("currency") for v in values} == {"KRW", "USD", "EUR"}
    assert any((v.text or "").startswith("-") for v in values)


def test_the_demo_never_uses_the_served_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:app@db:5432/app")
    monkeypatch.setenv("DATABASE_READ_URL", "postgresql://app:app@replica:5432/app")
    settings = Settings(_env_file=None, demo_files_dir=SAMPLES)
    demo = demo_settings(settings)
    assert demo.database_url is None
    assert demo.database_read_url is None
    assert demo.data_dir == Path(".coopgraph-demo") != settings.data_dir

    with pytest.raises(DemoRefused, match="a data directory of their own"):
        demo_settings(Settings(_env_file=None, demo_data_dir=Path("./.coopgraph")))
    with pytest.raises(DemoRefused, match="no sample IATI files"):
        demo_settings(Settings(_env_file=None, demo_files_dir=Path("no-such-folder")))


async def test_the_demo_imports_every_sample_once(fresh_database_url: str) -> None:
    report = await import_demo_files(fresh_database_url, SAMPLES)
    assert (report.created, report.updated, report.problems) == (6, 0, [])
    again = await import_demo_files(fresh_database_url, SAMPLES)
    assert (again.created, again.updated, again.unchanged, again.problems) == (0, 0, 6, [])

    engine = create_engine(fresh_database_url)
    try:
        async with engine.connect() as conn:
            titles = (
                await conn.scalars(
                    sa.text(
                        "SELECT title FROM project WHERE code LIKE 'XE-EXAMPLE-MADEUP-%' "
                        "ORDER BY code"
                    )
                )
            ).all()
            writers = (
                await conn.scalars(
                    sa.text(
                        "SELECT DISTINCT key_name FROM change WHERE project_id IN "
                        "(SELECT id FROM project WHERE code LIKE 'XE-EXAMPLE-MADEUP-%')"
                    )
                )
            ).all()
            partners = (
                await conn.execute(
                    sa.text(
                        "SELECT iati_identifier, local_ref FROM partner "
                        "WHERE name LIKE '%(made up)' ORDER BY name"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    assert len(titles) == 6
    assert all("(made-up sample)" in title for title in titles)
    assert writers == [DEMO_KEY_NAME]
    # Registered identifiers (XE-EXAMPLE is a registration agency's prefix): each
    # organisation is one partner, whichever of the three publishers names it.
    assert [tuple(p) for p in partners] == [
        ("XE-EXAMPLE-MADEUP-AGENCY", None),
        ("XE-EXAMPLE-MADEUP-DONOR", None),
        ("XE-EXAMPLE-MADEUP-NGO", None),
    ]
