"""The built-in dataset: honest to its documents, and seeded idempotently."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection

from db.dataset import audit
from db.dataset.loader import DATASET_FILE, read_dataset, seed_dataset
from db.dataset.numbers import normalise, numbers_in
from db.dataset.records import Dataset, all_sources
from db.metadata import metadata
from service.settings import Settings


def _seeds_dir() -> Path:
    seeds = Settings(_env_file=None).seeds_dir
    if not seeds.is_dir():
        pytest.skip(f"source documents not found at {seeds}: set COOPGRAPH_SEEDS_DIR")
    return seeds


def test_every_excerpt_is_quoted_from_its_document() -> None:
    seeds = _seeds_dir()
    dataset = read_dataset()
    documents = {d.file: normalise((seeds / d.file).read_text("utf-8")) for d in dataset.documents}
    missing = [
        f"{where}: {source.excerpt[:60]!r} not in {source.document}"
        for source, where in all_sources(dataset)
        if normalise(source.excerpt) not in documents[source.document]
    ]
    assert missing == []


def test_every_document_of_the_seeds_is_cited() -> None:
    seeds = _seeds_dir()
    cited = {source.document for source, _ in all_sources(read_dataset())}
    assert cited == {p.name for p in seeds.glob("0*.txt")}


def _documents(dataset: Dataset) -> audit.Documents:
    return audit.Documents.read(_seeds_dir(), dataset)


def test_every_stored_number_is_written_in_its_passages() -> None:
    dataset = read_dataset()
    assert audit.unwritten_numbers(dataset, _documents(dataset)) == []


def test_every_derived_value_recomputes_from_its_inputs() -> None:
    dataset = read_dataset()
    assert audit.underived(dataset, _documents(dataset)) == []


def test_every_date_has_the_precision_its_passage_gives() -> None:
    dataset = read_dataset()
    assert audit.imprecise_dates(dataset, _documents(dataset)) == []


def _audit_rows() -> list[list[str]]:
    text = (DATASET_FILE.parent / "README.md").read_text("utf-8")
    audit_section = text.split("## Audit", 1)[1]
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in audit_section.splitlines()
        if line.startswith("| 0")
    ]


def test_the_audit_table_is_what_the_dataset_quotes() -> None:
    dataset = read_dataset()
    docs = _documents(dataset)
    counted = audit.statement_counts(dataset, docs)
    table = {
        row[0]: (int(row[1]), int(row[2]), int(row[3])) for row in _audit_rows() if len(row) == 4
    }
    assert table == {f: (n, quoted, n - quoted) for f, (n, quoted) in counted.items()}
    text = (DATASET_FILE.parent / "README.md").read_text("utf-8")
    sums = [sum(column) for column in zip(*table.values(), strict=True)]
    assert f"| total | {sums[0]} | {sums[1]} | {sums[2]} |" in text
    listed = sorted((row[0], row[1][1:-1]) for row in _audit_rows() if len(row) == 3)
    uncited = audit.uncited_statements(dataset, docs)
    assert len(listed) == sum(len(pieces) for pieces in uncited.values())
    for file, opening in listed:
        assert any(piece.startswith(opening) for piece in uncited[file]), (file, opening)


def _planted(change: Callable[[dict[str, Any]], None]) -> Dataset:
    raw = yaml.safe_load(DATASET_FILE.read_text("utf-8"))
    change(raw)
    return Dataset.model_validate(raw)


def _project(raw: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in raw["projects"] if p["code"] == code)


def test_a_number_planted_without_its_passage_is_caught() -> None:
    def plant(raw: dict[str, Any]) -> None:
        _project(raw, "psei-india")["budget"] = {
            "amount": "2500000",
            "currency": "USD",
            "qualifier": "EXACT",
        }
        _project(raw, "tunisia-ict-jobs")["duration_months"] = 36

    dataset = _planted(plant)
    assert audit.unwritten_numbers(dataset, _documents(dataset)) == [
        "project tunisia-ict-jobs duration_months: 36 is in none of its passages",
        "project psei-india budget: 2500000 is in none of its passages",
    ]


def test_a_derived_value_that_does_not_recompute_is_caught() -> None:
    def plant(raw: dict[str, Any]) -> None:
        _project(raw, "psei-india")["planned_end"]["value"] = "2023-03"
        _project(raw, "cameroon-women-empowerment")["duration_months"] = 50

    dataset = _planted(plant)
    assert audit.underived(dataset, _documents(dataset)) == [
        "project cameroon-women-empowerment duration_months: 50 from years {4}",
        "project psei-india planned_end: 2023-03-01 does not recompute",
    ]


def test_a_date_coarser_than_its_passage_is_caught() -> None:
    dataset = _planted(lambda raw: _project(raw, "psei-india").update(actual_start="2020"))
    assert audit.imprecise_dates(dataset, _documents(dataset)) == [
        "project psei-india actual_start: a year, but its passage names the month"
    ]


def test_a_derived_value_must_say_how() -> None:
    def plant(raw: dict[str, Any]) -> None:
        del _project(raw, "psei-india")["planned_end"]["derivation"]

    with pytest.raises(ValidationError, match="needs a derivation"):
        _planted(plant)


def test_a_date_with_a_trailing_newline_is_refused() -> None:
    def plant(raw: dict[str, Any]) -> None:
        _project(raw, "psei-india").update(actual_start="2020\n")

    with pytest.raises(ValidationError, match="is not YYYY, YYYY-MM or YYYY-MM-DD"):
        _planted(plant)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("benefits from US$2.4 million in support", "2400000"),
        ("US$ 41.8 million between 2018 and 2022", "41800000"),
        ("2,400,000", "2400000"),
        ("The 26-month project", "26"),
        ("The four-year project", "4"),
        ("in five online platforms", "5"),
        ("at least 65 per cent are women", "65"),
        ("at least 65% are women", "65"),
        ("0.30% of its GNI", "0.30"),
        ("USD 12 billion", "12000000000"),
        ("Phase I (2019-21)", "2021"),
    ],
)
def test_numbers_are_read_as_the_documents_write_them(text: str, number: str) -> None:
    assert Decimal(number) in numbers_in(text)


def test_a_dangling_reference_is_reported_with_its_record() -> None:
    raw = yaml.safe_load(DATASET_FILE.read_text("utf-8"))
    raw["projects"][0]["partners"][0]["partner"] = "nobody"
    with pytest.raises(ValidationError, match=r"unknown partner 'nobody'"):
        Dataset.model_validate(raw)


def test_a_record_without_sources_is_refused() -> None:
    raw = yaml.safe_load(DATASET_FILE.read_text("utf-8"))
    raw["projects"][0]["sources"] = []
    with pytest.raises(ValidationError, match="sources"):
        Dataset.model_validate(raw)


async def _counts(conn: AsyncConnection) -> dict[str, int]:
    counts = {}
    for table in metadata.sorted_tables:
        counts[table.name] = (
            await conn.execute(sa.select(sa.func.count()).select_from(table))
        ).scalar_one()
    return counts


async def test_seeding_again_changes_nothing(conn: AsyncConnection) -> None:
    before = await _counts(conn)
    inserted = await seed_dataset(conn, read_dataset())
    assert sum(inserted.values()) == 0
    assert await _counts(conn) == before


async def test_seeding_never_overwrites_an_edited_record(conn: AsyncConnection) -> None:
    await conn.execute(sa.text("UPDATE project SET title = 'Edited' WHERE code = 'psei-india'"))
    await conn.execute(sa.text("DELETE FROM outcome WHERE id = (SELECT min(id) FROM outcome)"))
    inserted = await seed_dataset(conn, read_dataset())
    title = await conn.scalar(sa.text("SELECT title FROM project WHERE code = 'psei-india'"))
    assert title == "Edited"
    assert inserted["outcome"] == 1  # what was missing is put back


async def test_everything_the_dataset_holds_is_loaded(conn: AsyncConnection) -> None:
    dataset = read_dataset()
    counts = await _counts(conn)
    assert counts["project"] == len(dataset.projects) >= 16
    assert counts["partner"] == len(dataset.partners)
    assert counts["source_document"] == 5
    assert counts["citation"] == len(all_sources(dataset))


async def _one(conn: AsyncConnection, sql: str) -> sa.RowMapping:
    return (await conn.execute(sa.text(sql))).mappings().one()


async def test_cameroon_targets_5000_people_at_least_65_percent_women(
    conn: AsyncConnection,
) -> None:
    group = await _one(
        conn,
        "SELECT g.* FROM beneficiary_group g JOIN project p ON p.id = g.project_id "
        "WHERE p.code = 'cameroon-women-empowerment' AND g.target_count IS NOT NULL",
    )
    assert (group["target_count"], group["target_count_qualifier"]) == (5000, "EXACT")
    assert (group["women_share"], group["women_share_qualifier"]) == (Decimal(65), "AT_LEAST")


async def test_koica_gives_psei_2_4_million_dollars(conn: AsyncConnection) -> None:
    link = await _one(
        conn,
        "SELECT pp.* FROM project_partner pp JOIN project p ON p.id = pp.project_id "
        "JOIN partner o ON o.id = pp.partner_id "
        "WHERE p.code = 'psei-india' AND o.acronym = 'KOICA'",
    )
    assert link["role"] == "FUNDING"
    assert (link["amount"], link["currency"], link["amount_qualifier"]) == (
        Decimal("2400000.00"),
        "USD",
        "EXACT",
    )


async def test_psei_end_is_derived_from_its_start_and_26_months(conn: AsyncConnection) -> None:
    project = await _one(conn, "SELECT * FROM project WHERE code = 'psei-india'")
    assert project["duration_months"] == 26
    assert (str(project["actual_start"]), project["actual_start_precision"]) == (
        "2020-12-01",
        "MONTH",
    )
    assert project["planned_end_derived"] is True


async def test_korea_assessed_contributions_2018_2022(conn: AsyncConnection) -> None:
    row = await _one(
        conn,
        "SELECT * FROM contribution WHERE kind = 'ASSESSED' AND period_start_year = 2018",
    )
    assert (row["amount"], row["amount_qualifier"], row["period_end_year"]) == (
        Decimal("41800000.00"),
        "EXACT",
        2022,
    )


async def test_voluntary_2018_2022_stays_a_lower_bound(conn: AsyncConnection) -> None:
    row = await _one(
        conn,
        "SELECT * FROM contribution WHERE kind LIKE 'VOLUNTARY%' AND period_start_year = 2018",
    )
    assert (row["amount"], row["amount_qualifier"]) == (Decimal("21200000.00"), "AT_LEAST")


async def test_sources_disagreeing_on_sse_countries_are_both_kept(conn: AsyncConnection) -> None:
    rows = (
        await conn.execute(
            sa.text(
                "SELECT pc.country_code, array_agg(DISTINCT d.file_name) AS documents "
                "FROM project_country pc JOIN project p ON p.id = pc.project_id "
                "JOIN citation c ON c.project_country_id = pc.id "
                "JOIN source_document d ON d.id = c.document_id "
                "WHERE p.code = 'sse-knowledge-base' AND pc.role = 'RECIPIENT' "
                "GROUP BY pc.country_code"
            )
        )
    ).all()
    documents = {code: set(docs) for code, docs in rows}
    assert documents["LA"] == {"003_58839891dcc834f1.txt"}
    assert "001_5c4b643fcbfcad66.txt" in documents["VN"]
    assert len(documents) == 6
