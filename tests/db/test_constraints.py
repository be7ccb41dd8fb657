"""The database itself refuses impossible data, whatever client writes it."""

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from db.metadata import table_of
from db.tables import BeneficiaryGroup, Citation, Partner, Project


async def _project_id(conn: AsyncConnection, code: str) -> int:
    project = table_of(Project)
    result = await conn.execute(sa.select(project.c.id).where(project.c.code == code))
    return int(result.scalar_one())


async def _refused(conn: AsyncConnection, stmt: Any, constraint: str) -> None:
    with pytest.raises(IntegrityError) as raised:
        async with conn.begin_nested():
            await conn.execute(stmt)
    assert constraint in str(raised.value)


async def test_project_end_before_start_is_refused(conn: AsyncConnection) -> None:
    project = table_of(Project)
    stmt = project.insert().values(
        code="backwards",
        title="Backwards",
        planned_start=date(2023, 1, 1),
        planned_start_precision="YEAR",
        planned_end=date(2021, 1, 1),
        planned_end_precision="YEAR",
    )
    await _refused(conn, stmt, "ck_project_planned_ordered")


async def test_duplicate_project_code_is_refused(conn: AsyncConnection) -> None:
    stmt = table_of(Project).insert().values(code="psei-india", title="Copy")
    await _refused(conn, stmt, "uq_project_code")


async def test_budget_needs_an_iso_currency(conn: AsyncConnection) -> None:
    stmt = (
        table_of(Project)
        .insert()
        .values(
            code="x",
            title="X",
            budget_amount=1,
            budget_currency="usd",
            budget_amount_qualifier="EXACT",
        )
    )
    await _refused(conn, stmt, "ck_project_budget_currency_iso4217")


async def test_a_figure_needs_its_qualifier(conn: AsyncConnection) -> None:
    stmt = (
        table_of(Project)
        .insert()
        .values(code="x", title="X", budget_amount=1, budget_currency="USD")
    )
    await _refused(conn, stmt, "ck_project_budget_amount_qualified")


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"target_count": -1, "target_count_qualifier": "EXACT"}, "target_non_negative"),
        ({"women_share": 101, "women_share_qualifier": "AT_LEAST"}, "women_share_percent"),
        ({"categories": ["ALIENS"]}, "ck_beneficiary_group_categories"),
    ],
)
async def test_beneficiary_group_figures_are_checked(
    conn: AsyncConnection, values: dict[str, Any], constraint: str
) -> None:
    row = {
        "code": "bad-group",
        "project_id": await _project_id(conn, "psei-india"),
        "description": "bad",
        "categories": ["WORKERS"],
        **values,
    }
    await _refused(conn, table_of(BeneficiaryGroup).insert().values(row), constraint)


async def test_enum_columns_refuse_unknown_values(conn: AsyncConnection) -> None:
    # Raw SQL: SQLAlchemy would refuse the value before the database sees it.
    stmt = sa.text("INSERT INTO partner (code, name, kind) VALUES ('x', 'X', 'ALIEN')")
    await _refused(conn, stmt, "ck_partner_kind")


async def test_a_citation_cites_exactly_one_record(conn: AsyncConnection) -> None:
    project_id = await _project_id(conn, "psei-india")
    document_id = (await conn.execute(sa.text("SELECT min(id) FROM source_document"))).scalar()
    stmt = (
        table_of(Citation)
        .insert()
        .values(document_id=document_id, excerpt="x" * 20, project_id=project_id, partner_id=None)
    )
    async with conn.begin_nested():
        await conn.execute(stmt)
    partner_id = (await conn.execute(sa.text("SELECT min(id) FROM partner"))).scalar()
    both = (
        table_of(Citation)
        .insert()
        .values(
            document_id=document_id, excerpt="y" * 20, project_id=project_id, partner_id=partner_id
        )
    )
    await _refused(conn, both, "ck_citation_one_record")


async def test_unknown_country_is_refused(conn: AsyncConnection) -> None:
    stmt = table_of(Partner).insert().values(code="x", name="X", kind="NGO", country_code="XX")
    await _refused(conn, stmt, "fk_partner_country_code_country")
