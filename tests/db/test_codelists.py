"""The bundled IATI codelists in the database, and loading newer files over them."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from db.codelist_files import BUNDLED, CodelistFileError, read_codelist, read_codelists
from db.codelists import known_codes, known_codes_of, update_codelists

SECTOR = BUNDLED / "non-embedded" / "Sector.xml"


async def test_every_bundled_code_is_known(conn: AsyncConnection) -> None:
    for file in read_codelists(BUNDLED):
        codes = await known_codes(conn, file.name)
        assert set(codes) == {item.code for item in file.items}, file.name


async def test_codes_carry_names_categories_and_withdrawal(conn: AsyncConnection) -> None:
    sectors = await known_codes(conn, "Sector")
    assert sectors["11110"].name == "Education policy and administrative management"
    assert sectors["11110"].names["fr"] == "Politique de l'éducation et gestion administrative"
    assert sectors["11110"].category == "111"
    assert not sectors["11110"].withdrawn
    assert sectors["11321"].withdrawn  # withdrawn in 2019, still in old files
    targets = await known_codes(conn, "UNSDG-Targets")
    assert "5.2" in targets
    statuses = await known_codes(conn, "ActivityStatus")
    assert statuses["3"].name == "Finalisation"
    both = await known_codes_of(conn, ["SectorCategory", "Nothing"])
    assert both["SectorCategory"]["111"].name == "Education, Level Unspecified"
    assert both["Nothing"] == {}


async def test_every_country_and_region_is_a_reference_row(conn: AsyncConnection) -> None:
    countries = set((await conn.execute(sa.text("SELECT code FROM country"))).scalars())
    assert {"AF", "FR", "TN", "VN"} <= countries
    assert len(countries) >= 249
    # The seed still owns the dataset countries' names: Turkey and Laos keep matching.
    rows = await conn.execute(sa.text("SELECT code, alternative_names FROM country"))
    names = {row.code: row.alternative_names for row in rows}
    assert "Turkey" in names["TR"]
    assert "Laos" in names["LA"]
    region = await conn.scalar(sa.text("SELECT name FROM region WHERE code = '298'"))
    assert region == "Africa, regional"


def _newer_sector_file(folder: Path) -> Path:
    text = SECTOR.read_text(encoding="utf-8")
    text = text.replace(
        '<codelist-item status="active">\n            <code>11110</code>',
        '<codelist-item status="withdrawn">\n            <code>11110</code>',
    )
    text = text.replace(
        "    </codelist-items>",
        '        <codelist-item status="active">\n            <code>99999</code>\n'
        "            <name><narrative>A sector of tomorrow</narrative></name>\n"
        "            <category>998</category>\n        </codelist-item>\n    </codelist-items>",
    )
    path = folder / "Sector.xml"
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_newer_file_adds_and_marks_codes(conn: AsyncConnection, tmp_path: Path) -> None:
    newer = read_codelist(_newer_sector_file(tmp_path))
    [change] = await update_codelists(conn, [newer], source=str(tmp_path))
    assert (change.added, change.changed) == (1, 1)
    assert change.unchanged == len(newer.items) - 2
    sectors = await known_codes(conn, "Sector")
    assert sectors["99999"].name == "A sector of tomorrow"
    assert sectors["11110"].withdrawn

    [again] = await update_codelists(conn, [newer], source=str(tmp_path))
    assert (again.added, again.changed) == (0, 0)


async def test_codes_a_newer_file_leaves_out_stay_known(
    conn: AsyncConnection, tmp_path: Path
) -> None:
    text = (BUNDLED / "non-embedded" / "Country.xml").read_text(encoding="utf-8")
    path = tmp_path / "Country.xml"
    path.write_text(text.replace("<code>AF</code>", "<code>XQ</code>"), encoding="utf-8")
    [change] = await update_codelists(conn, [read_codelist(path)], source="test")
    assert change.reference_rows == 1
    codes = await known_codes(conn, "Country")
    assert {"AF", "XQ"} <= set(codes)
    assert await conn.scalar(sa.text("SELECT name FROM country WHERE code = 'XQ'")) == (
        "Afghanistan"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<codelist><codelist-items/></codelist>", "not a codelist"),
        ("<codelist name='X'><codelist-items>", "not well-formed"),
        (
            "<!DOCTYPE codelist [<!ENTITY e 'x'>]><codelist name='X'/>",
            "declares a document type",
        ),
        (
            "<codelist name='X'><codelist-items><codelist-item><code>1</code></codelist-item>"
            "<codelist-item status='withdrawn'><code>1</code></codelist-item>"
            "</codelist-items></codelist>",
            "listed twice, differently",
        ),
    ],
)
def test_files_that_are_not_codelists_are_refused(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "Bad.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CodelistFileError, match=message):
        read_codelist(path)
