"""An administrator's mutations: partners, programmes (and their partners), contributions.

Over 400 lines, and kept whole: the three kinds of record share the conversion of an input
to columns (``_columns``) and the check that what they point at exists (``_exists``).
"""

from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q
from db import tables, writes
from db.enums import ContributionKind, PartnerKind, PartnerRole
from schema.descriptions import described
from schema.info import Info
from schema.mutations.inputs import (
    ID_TO_WRITE,
    UPDATE_INPUT,
    VERSION_READ,
    WRITE_INPUT,
    AmountInput,
    FuzzyDateInput,
    amount_columns,
    fuzzy_columns,
    given,
)
from schema.mutations.problems import Problems
from schema.mutations.results import (
    DeleteInput,
    DeletePayload,
    camel,
    delete_record,
    known_countries,
    record_id_of,
    unique_code,
    update_of,
)
from schema.mutations.running import run_write
from schema.permissions import IsAdmin
from schema.types.funding import Contribution
from schema.types.partner import Partner
from schema.types.programme import Programme, ProgrammePartner

PARTNER_FIELDS = {
    "id": ID_TO_WRITE,
    "version": VERSION_READ,
    "code": "Stable key, unique among partners (koica); used by filters and IATI exports.",
    "name": "Full name of the organisation.",
    "kind": "What kind of organisation it is; it decides its IATI organisation type.",
    "acronym": "Short name (KOICA); shown in place of the name where space is short.",
    "parent_id": "The global id of the partner it is part of (KOICA → MOFA); not itself.",
    "country": "ISO 3166-1 alpha-2 code of its home country; one of the service's countries.",
    "website": "Its web address, as a full URL.",
    "description": "What the organisation is and does, in a paragraph.",
    "iati_identifier": "Its IATI organisation identifier (XM-DAC-41302 for the ILO).",
}
PROGRAMME_FIELDS = {
    "id": ID_TO_WRITE,
    "version": VERSION_READ,
    "code": "Stable key, unique among programmes.",
    "name": "Full name of the programme.",
    "acronym": "Short name the sources use.",
    "description": "What the programme does, in a paragraph.",
    "start": "When it starts, as precisely as known.",
    "end": "When it ends, as precisely as known; not before `start`.",
    "parent_id": "The global id of the programme this one is a phase of; not itself.",
    "programme_id": "The global id of the programme.",
    "partner_id": "The global id of the partner.",
    "role": "The partner's role in the programme (IATI participating-org role).",
}
CONTRIBUTION_FIELDS = {
    "id": ID_TO_WRITE,
    "version": VERSION_READ,
    "code": "Stable key, unique among contributions.",
    "donor_id": "The global id of the partner that gives.",
    "recipient_id": "The global id of the partner that receives (the ILO, for one).",
    "kind": "Assessed, voluntary core or voluntary earmarked.",
    "amount": "The amount over the whole period, in the currency the source states.",
    "period_start_year": "First year of the period the amount covers.",
    "period_end_year": "Last year of that period (the same as the first for one year); "
    "not before it.",
    "programme_id": "The global id of the programme the contribution funds, if earmarked to one.",
    "project_id": "The global id of the project the contribution funds, if earmarked to one.",
}


@described(PARTNER_FIELDS)
@strawberry.input(description="A new partner organisation.")
class CreatePartnerInput:
    code: str
    name: str
    kind: PartnerKind
    acronym: str | None = None
    parent_id: strawberry.ID | None = None
    country: str | None = None
    website: str | None = None
    description: str | None = None
    iati_identifier: str | None = None


@described(PARTNER_FIELDS)
@strawberry.input(description=f"Changes to a partner. {UPDATE_INPUT}")
class UpdatePartnerInput:
    id: strawberry.ID
    version: int
    code: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    kind: PartnerKind | None = strawberry.UNSET
    acronym: str | None = strawberry.UNSET
    parent_id: strawberry.ID | None = strawberry.UNSET
    country: str | None = strawberry.UNSET
    website: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    iati_identifier: str | None = strawberry.UNSET


@strawberry.input(description="The partner to delete, at the version read.")
class DeletePartnerInput:
    id: strawberry.ID = strawberry.field(description="The global id of the partner to delete.")
    version: int = strawberry.field(description=VERSION_READ)
    remove_links: bool = strawberry.field(
        default=False,
        description="Also remove the partner's project, programme and agreement links and "
        "detach its sub-organisations (each change recorded). Without it, a partner still "
        "referenced is not deleted (CONFLICT). Contributions always block: delete them first.",
    )


@described(PROGRAMME_FIELDS)
@strawberry.input(description="A new programme, or a phase of one (with `parentId`).")
class CreateProgrammeInput:
    code: str
    name: str
    acronym: str | None = None
    description: str | None = None
    start: FuzzyDateInput | None = None
    end: FuzzyDateInput | None = None
    parent_id: strawberry.ID | None = None


@described(PROGRAMME_FIELDS)
@strawberry.input(description=f"Changes to a programme. {UPDATE_INPUT}")
class UpdateProgrammeInput:
    id: strawberry.ID
    version: int
    code: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    acronym: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    start: FuzzyDateInput | None = strawberry.UNSET
    end: FuzzyDateInput | None = strawberry.UNSET
    parent_id: strawberry.ID | None = strawberry.UNSET


@described(PROGRAMME_FIELDS)
@strawberry.input(description="A partner's link to a programme in one role.")
class ProgrammePartnerLinkInput:
    programme_id: strawberry.ID
    partner_id: strawberry.ID
    role: PartnerRole


@described(CONTRIBUTION_FIELDS)
@strawberry.input(description="A new contribution from a donor to an organisation.")
class CreateContributionInput:
    code: str
    donor_id: strawberry.ID
    recipient_id: strawberry.ID
    kind: ContributionKind
    amount: AmountInput
    period_start_year: int
    period_end_year: int
    programme_id: strawberry.ID | None = None
    project_id: strawberry.ID | None = None


@described(CONTRIBUTION_FIELDS)
@strawberry.input(description=f"Changes to a contribution. {UPDATE_INPUT}")
class UpdateContributionInput:
    id: strawberry.ID
    version: int
    kind: ContributionKind | None = strawberry.UNSET
    amount: AmountInput | None = strawberry.UNSET
    period_start_year: int | None = strawberry.UNSET
    period_end_year: int | None = strawberry.UNSET


@strawberry.type(description="What a partner mutation wrote.")
class PartnerPayload:
    partner: Partner = strawberry.field(
        description="The partner as stored now, with its new `version`."
    )


@strawberry.type(description="What a programme mutation wrote.")
class ProgrammePayload:
    programme: Programme = strawberry.field(
        description="The programme as stored now, with its new `version`."
    )


@strawberry.type(description="What linking or unlinking a programme's partner wrote.")
class ProgrammePartnerPayload:
    link: ProgrammePartner | None = strawberry.field(description="Null after an unlink.")
    programme: Programme = strawberry.field(
        description="The programme after the write, to refresh its `partners` in a cache."
    )


@strawberry.type(description="What a contribution mutation wrote.")
class ContributionPayload:
    contribution: Contribution = strawberry.field(
        description="The contribution as stored now, with its new `version`."
    )


_REQUIRED = {"code", "name", "kind", "title", "amount", "period_start_year", "period_end_year"}


def _columns(values: dict[str, Any], problems: Problems, ids: dict[str, str]) -> dict[str, Any]:
    """Plain columns, global ids (``ids``: field → type) decoded, dates and money split."""
    columns: dict[str, Any] = {}
    for name, value in values.items():
        at = f"input.{camel(name)}"
        if value is None and name in _REQUIRED:
            problems.add(at, "REQUIRED", "Must not be null.")
        if isinstance(value, str):
            problems.required_text(value, at)
        if name in ids:
            columns[name] = None if value is None else problems.global_id(value, ids[name], at)
        elif name in ("start", "end"):
            columns |= fuzzy_columns(f"{name}_date", value, problems, at)
        elif name == "amount":
            columns |= amount_columns("amount", "currency", "amount_qualifier", value, problems, at)
        elif name == "country":
            columns["country_code"] = value
        elif name == "kind":
            columns[name] = None if value is None else value.value
        else:
            columns[name] = value
    return columns


async def _exists(
    conn: AsyncConnection, table: sa.Table, record_id: int | None, path: str, problems: Problems
) -> None:
    if record_id is not None and not await q.existing_keys(conn, table, "id", [record_id]):
        problems.add(path, "NOT_FOUND", f"No {table.name} has this id.")


async def _check_partner(
    conn: AsyncConnection, columns: dict[str, Any], own_id: int | None, problems: Problems
) -> None:
    if columns.get("country_code") is not None:
        code = columns["country_code"]
        problems.country(code, await known_countries(conn, [code]), "input.country")
    await _exists(conn, q.partner, columns.get("parent_id"), "input.parentId", problems)
    if own_id is not None and columns.get("parent_id") == own_id:
        problems.add("input.parentId", "SELF_REFERENCE", "A partner cannot be its own parent.")
    await unique_code(conn, q.partner, columns.get("code"), own_id, problems)


@strawberry.mutation(description="Create a partner organisation.", permission_classes=[IsAdmin])
async def create_partner(
    info: Info, input: Annotated[CreatePartnerInput, strawberry.argument(description=WRITE_INPUT)]
) -> PartnerPayload:
    problems = Problems.checking(input)
    columns = _columns(given(input), problems, {"parent_id": "Partner"})

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        await _check_partner(conn, columns, None, problems)
        problems.raise_if_any()
        return await writes.create(conn, q.partner, columns, key_name=key_name)

    return PartnerPayload(partner=Partner.from_row(await run_write(info, write)))


@strawberry.mutation(description="Change some fields of a partner.", permission_classes=[IsAdmin])
async def update_partner(
    info: Info, input: Annotated[UpdatePartnerInput, strawberry.argument(description=WRITE_INPUT)]
) -> PartnerPayload:
    problems = Problems.checking(input)
    partner_id, version, values = update_of(problems, input, "Partner")
    columns = _columns(values, problems, {"parent_id": "Partner"})

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        await _check_partner(conn, columns, partner_id, problems)
        problems.raise_if_any()
        return await writes.update(conn, q.partner, partner_id, version, columns, key_name=key_name)

    return PartnerPayload(partner=Partner.from_row(await run_write(info, write)))


@strawberry.mutation(
    description="Delete a partner; refused (CONFLICT) while anything references it, unless "
    "`removeLinks` asks for its links to go too.",
    permission_classes=[IsAdmin],
)
async def delete_partner(
    info: Info, input: Annotated[DeletePartnerInput, strawberry.argument(description=WRITE_INPUT)]
) -> DeletePayload:
    problems = Problems.checking(input)
    partner_id = record_id_of(problems, input.id, "Partner")

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        references = await writes.partner_references(conn, partner_id)
        removable = set(writes.LINKS_OF_PARTNER) | {"partner"}
        if references and (not input.remove_links or set(references) - removable):
            raise writes.StillReferenced("partner", partner_id, references)
        if references:
            await writes.remove_partner_links(conn, partner_id, key_name=key_name)
        return await writes.delete(conn, q.partner, partner_id, input.version, key_name=key_name)

    await run_write(info, write)
    return DeletePayload(deleted_id=input.id)


async def _check_programme(
    conn: AsyncConnection, columns: dict[str, Any], own_id: int | None, problems: Problems
) -> None:
    current = (
        {}
        if own_id is None
        else dict((await q.load_by_key(conn, tables.Programme, [own_id])).get(own_id, {}))
    )
    merged = {**current, **columns}
    problems.ordered(merged.get("start_date"), merged.get("end_date"), "input.end")
    await _exists(conn, q.programme, columns.get("parent_id"), "input.parentId", problems)
    if own_id is not None and columns.get("parent_id") == own_id:
        problems.add("input.parentId", "SELF_REFERENCE", "A programme cannot be its own phase.")
    await unique_code(conn, q.programme, columns.get("code"), own_id, problems)


@strawberry.mutation(
    description="Create a programme or a phase of one.", permission_classes=[IsAdmin]
)
async def create_programme(
    info: Info, input: Annotated[CreateProgrammeInput, strawberry.argument(description=WRITE_INPUT)]
) -> ProgrammePayload:
    problems = Problems.checking(input)
    columns = _columns(given(input), problems, {"parent_id": "Programme"})

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        await _check_programme(conn, columns, None, problems)
        problems.raise_if_any()
        return await writes.create(conn, q.programme, columns, key_name=key_name)

    return ProgrammePayload(programme=Programme.from_row(await run_write(info, write)))


@strawberry.mutation(description="Change some fields of a programme.", permission_classes=[IsAdmin])
async def update_programme(
    info: Info, input: Annotated[UpdateProgrammeInput, strawberry.argument(description=WRITE_INPUT)]
) -> ProgrammePayload:
    problems = Problems.checking(input)
    programme_id, version, values = update_of(problems, input, "Programme")
    columns = _columns(values, problems, {"parent_id": "Programme"})

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        await _check_programme(conn, columns, programme_id, problems)
        problems.raise_if_any()
        return await writes.update(
            conn, q.programme, programme_id, version, columns, key_name=key_name
        )

    return ProgrammePayload(programme=Programme.from_row(await run_write(info, write)))


@strawberry.mutation(
    description="Delete a programme with its project and partner links (recorded); its "
    "phases become programmes of their own.",
    permission_classes=[IsAdmin],
)
async def delete_programme(
    info: Info, input: Annotated[DeleteInput, strawberry.argument(description=WRITE_INPUT)]
) -> DeletePayload:
    problems = Problems.checking(input)
    programme_id = record_id_of(problems, input.id, "Programme")

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        for table in (q.project_programme, q.programme_partner):
            await writes.delete_children(
                conn, table, "programme_id", programme_id, key_name=key_name
            )
        phases = await conn.execute(
            sa.select(q.programme.c.id, q.programme.c.version).where(
                q.programme.c.parent_id == programme_id
            )
        )
        for phase_id, version in phases.all():
            await writes.update(
                conn, q.programme, phase_id, version, {"parent_id": None}, key_name=key_name
            )
        return await writes.delete(
            conn, q.programme, programme_id, input.version, key_name=key_name
        )

    await run_write(info, write)
    return DeletePayload(deleted_id=input.id)


def _programme_link(input: ProgrammePartnerLinkInput, problems: Problems) -> tuple[int, int]:
    programme_id = problems.global_id(input.programme_id, "Programme", "input.programmeId")
    partner_id = problems.global_id(input.partner_id, "Partner", "input.partnerId")
    problems.raise_if_any()
    assert programme_id is not None
    assert partner_id is not None
    return programme_id, partner_id


async def _programme_link_id(
    conn: AsyncConnection, programme_id: int, partner_id: int, role: PartnerRole
) -> int | None:
    link = q.programme_partner
    return await conn.scalar(
        sa.select(link.c.id).where(
            link.c.programme_id == programme_id,
            link.c.partner_id == partner_id,
            link.c.role == role.value,
        )
    )


@strawberry.mutation(
    description="Give a partner a role in a programme.", permission_classes=[IsAdmin]
)
async def link_programme_partner(
    info: Info,
    input: Annotated[ProgrammePartnerLinkInput, strawberry.argument(description=WRITE_INPUT)],
) -> ProgrammePartnerPayload:
    problems = Problems.checking(input)
    programme_id, partner_id = _programme_link(input, problems)

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        await _exists(conn, q.programme, programme_id, "input.programmeId", problems)
        await _exists(conn, q.partner, partner_id, "input.partnerId", problems)
        if await _programme_link_id(conn, programme_id, partner_id, input.role) is not None:
            problems.add("input.role", "DUPLICATE", "The partner already has this role.")
        problems.raise_if_any()
        link = await writes.create(
            conn,
            q.programme_partner,
            {"programme_id": programme_id, "partner_id": partner_id, "role": input.role.value},
            key_name=key_name,
        )
        return link, (await q.load_by_key(conn, tables.Programme, [programme_id]))[programme_id]

    link, programme = await run_write(info, write)
    return ProgrammePartnerPayload(
        link=ProgrammePartner.from_row(link), programme=Programme.from_row(programme)
    )


@strawberry.mutation(
    description="Remove a partner's role from a programme.", permission_classes=[IsAdmin]
)
async def unlink_programme_partner(
    info: Info,
    input: Annotated[ProgrammePartnerLinkInput, strawberry.argument(description=WRITE_INPUT)],
) -> ProgrammePartnerPayload:
    problems = Problems.checking(input)
    programme_id, partner_id = _programme_link(input, problems)

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        link_id = await _programme_link_id(conn, programme_id, partner_id, input.role)
        if link_id is None:
            raise GraphQLError(
                "The partner has no such role in this programme.", extensions={"code": "NOT_FOUND"}
            )
        await writes.delete(conn, q.programme_partner, link_id, None, key_name=key_name)
        return (await q.load_by_key(conn, tables.Programme, [programme_id]))[programme_id]

    programme = await run_write(info, write)
    return ProgrammePartnerPayload(link=None, programme=Programme.from_row(programme))


_CONTRIBUTION_IDS = {
    "donor_id": "Partner",
    "recipient_id": "Partner",
    "programme_id": "Programme",
    "project_id": "Project",
}


async def _check_contribution(
    conn: AsyncConnection, columns: dict[str, Any], own_id: int | None, problems: Problems
) -> None:
    current = (
        {}
        if own_id is None
        else dict((await q.load_by_key(conn, tables.Contribution, [own_id])).get(own_id, {}))
    )
    merged = {**current, **columns}
    problems.ordered(
        merged.get("period_start_year"), merged.get("period_end_year"), "input.periodEndYear"
    )
    for name, type_name in _CONTRIBUTION_IDS.items():
        table = {"Partner": q.partner, "Programme": q.programme, "Project": q.project}[type_name]
        await _exists(conn, table, columns.get(name), f"input.{camel(name)}", problems)
    await unique_code(conn, q.contribution, columns.get("code"), own_id, problems)


@strawberry.mutation(description="Record a contribution.", permission_classes=[IsAdmin])
async def create_contribution(
    info: Info,
    input: Annotated[CreateContributionInput, strawberry.argument(description=WRITE_INPUT)],
) -> ContributionPayload:
    problems = Problems.checking(input)
    columns = _columns(given(input), problems, _CONTRIBUTION_IDS)

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        await _check_contribution(conn, columns, None, problems)
        problems.raise_if_any()
        return await writes.create(conn, q.contribution, columns, key_name=key_name)

    return ContributionPayload(contribution=Contribution.from_row(await run_write(info, write)))


@strawberry.mutation(
    description="Change some fields of a contribution.", permission_classes=[IsAdmin]
)
async def update_contribution(
    info: Info,
    input: Annotated[UpdateContributionInput, strawberry.argument(description=WRITE_INPUT)],
) -> ContributionPayload:
    problems = Problems.checking(input)
    contribution_id, version, values = update_of(problems, input, "Contribution")
    columns = _columns(values, problems, _CONTRIBUTION_IDS)

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        await _check_contribution(conn, columns, contribution_id, problems)
        problems.raise_if_any()
        return await writes.update(
            conn, q.contribution, contribution_id, version, columns, key_name=key_name
        )

    return ContributionPayload(contribution=Contribution.from_row(await run_write(info, write)))


@strawberry.mutation(description="Delete a contribution.", permission_classes=[IsAdmin])
async def delete_contribution(
    info: Info, input: Annotated[DeleteInput, strawberry.argument(description=WRITE_INPUT)]
) -> DeletePayload:
    return await delete_record(info, input, "Contribution", q.contribution)
