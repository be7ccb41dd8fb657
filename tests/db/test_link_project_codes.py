"""Each project link carries its project's code, whatever the writer sends and whenever the
project's code changes (migration 0015): a parent's projects by code walk that index."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q

LINKS = [q.project_partner, q.project_programme, q.project_country, q.project_theme]


async def codes_on_links(conn: AsyncConnection) -> set[tuple[str, str, str]]:
    """Every link whose copy differs from its project's code: none, if they keep in step."""
    differing: set[tuple[str, str, str]] = set()
    for link in LINKS:
        rows = await conn.execute(
            sa.select(link.c.project_code, q.project.c.code)
            .join(q.project, q.project.c.id == link.c.project_id)
            .where(link.c.project_code.is_distinct_from(q.project.c.code))
        )
        differing |= {(link.name, *row) for row in rows}
    return differing


async def test_the_seeded_links_carry_their_projects_codes(conn: AsyncConnection) -> None:
    assert await codes_on_links(conn) == set()
    count = await conn.execute(sa.select(sa.func.count()).select_from(q.project_partner))
    assert count.scalar_one() > 0


async def test_a_link_written_with_another_code_gets_its_projects(conn: AsyncConnection) -> None:
    project_id = (await conn.execute(sa.select(sa.func.min(q.project.c.id)))).scalar_one()
    partner_id = (await conn.execute(sa.select(sa.func.max(q.partner.c.id)))).scalar_one()
    await conn.execute(
        q.project_partner.insert().values(
            project_id=project_id, partner_id=partner_id, role="EXTENDING", project_code="wrong"
        )
    )
    other = (await conn.execute(sa.select(sa.func.max(q.project.c.id)))).scalar_one()
    await conn.execute(
        q.project_theme.update()
        .where(q.project_theme.c.project_id == project_id)
        .values(project_id=other, project_code="wrong too")
    )
    assert await codes_on_links(conn) == set()


async def test_a_new_project_code_is_carried_to_its_links(conn: AsyncConnection) -> None:
    linked = (
        sa.select(q.project_country.c.project_id)
        .where(q.project_country.c.project_id.in_(sa.select(q.project_partner.c.project_id)))
        .limit(1)
        .scalar_subquery()
    )
    await conn.execute(
        q.project.update().where(q.project.c.id == linked).values(code="renamed-project")
    )
    assert await codes_on_links(conn) == set()
    renamed = await conn.execute(
        sa.select(sa.func.count())
        .select_from(q.project_partner)
        .where(q.project_partner.c.project_code == "renamed-project")
    )
    assert renamed.scalar_one() > 0
