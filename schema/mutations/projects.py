"""Mutations of projects and of their partner links.

Over 400 lines, and kept whole: ``create_project`` writes a project with its links
(programmes, partners, countries, themes, groups, outcomes) in one transaction, and the
link mutations share its checks (``_missing``, ``_link_amount``).
"""

import datetime
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q
from db import tables, writes
from db.enums import CountryRole, PartnerRole, ProjectStatus
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
    NewBeneficiaryGroupInput,
    NewOutcomeInput,
    camel,
    check_group,
    check_outcome,
    group_columns,
    known_countries,
    outcome_columns,
    record_id_of,
    unique_code,
    update_of,
)
from schema.mutations.running import run_write
from schema.permissions import CanWriteProject
from schema.types.project import Project, ProjectPartner

_DATES = ("planned_start", "planned_end", "actual_start", "actual_end")


PROJECT_FIELDS = {
    "id": ID_TO_WRITE,
    "version": VERSION_READ,
    "code": "Stable public code, unique among projects (tunisia-ict-jobs).",
    "title": "Full title, as the sources give it; not blank.",
    "acronym": "Short name the sources use.",
    "summary": "What the project does, in a paragraph.",
    "status": "Where the project stands; needs `statusAsOf`.",
    "status_as_of": "The day `status` was true on, as the source dates it.",
    "planned_start": "Planned start, as precisely as known (IATI activity-date 1).",
    "planned_end": "Planned end (IATI activity-date 3); not before the planned start. Mark it "
    "`derived` when computed from the start and duration.",
    "actual_start": "Actual start (IATI activity-date 2).",
    "actual_end": "Actual end (IATI activity-date 4); not before the actual start.",
    "duration_months": "Duration in months, as the source states it; positive.",
    "budget": "Total budget in the currency the source states it.",
    "previous_phase_id": "The global id of the project this one continues.",
    "programme_ids": "Global ids of the programmes it belongs to.",
    "partners": "Its partners, each in a role; a partner in two roles is given twice.",
    "countries": "The countries it works in (RECIPIENT) or with (PARTICIPANT).",
    "beneficiary_groups": "The groups of people it targets; codes unique within the project.",
    "outcomes": "Its results; codes unique within the project.",
    "project_id": "The global id of the project.",
    "partner_id": "The global id of the partner.",
    "role": "The partner's role in the project: one link per partner and role.",
    "amount": "For funders: the amount they give, as the source states it.",
}


@described(PROJECT_FIELDS)
@strawberry.input(description="A partner in one role, written with a new project.")
class ProjectPartnerInput:
    partner_id: strawberry.ID
    role: PartnerRole
    amount: AmountInput | None = strawberry.field(
        default=None, description="For funders: the amount they give."
    )


@strawberry.input(description="A country a new project works in or with.")
class ProjectCountryInput:
    country: str = strawberry.field(
        description="ISO 3166-1 alpha-2 code, one of the service's countries (`countries`)."
    )
    role: CountryRole = strawberry.field(
        default=CountryRole.RECIPIENT,
        description="RECIPIENT (the default) receives the aid; PARTICIPANT takes part only.",
    )


@described(PROJECT_FIELDS)
@strawberry.input(description="A project with all its parts, written in one transaction.")
class CreateProjectInput:
    code: str
    title: str
    acronym: str | None = None
    summary: str | None = None
    status: ProjectStatus | None = None
    status_as_of: datetime.date | None = None
    planned_start: FuzzyDateInput | None = None
    planned_end: FuzzyDateInput | None = None
    actual_start: FuzzyDateInput | None = None
    actual_end: FuzzyDateInput | None = None
    duration_months: int | None = None
    budget: AmountInput | None = None
    previous_phase_id: strawberry.ID | None = None
    programme_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    partners: list[ProjectPartnerInput] = strawberry.field(default_factory=list)
    countries: list[ProjectCountryInput] = strawberry.field(default_factory=list)
    themes: list[str] = strawberry.field(default_factory=list, description="Theme slugs.")
    beneficiary_groups: list[NewBeneficiaryGroupInput] = strawberry.field(default_factory=list)
    outcomes: list[NewOutcomeInput] = strawberry.field(default_factory=list)


@described(PROJECT_FIELDS)
@strawberry.input(
    description=f"Changes to a project's own fields (its links have mutations of their own). "
    f"{UPDATE_INPUT}"
)
class UpdateProjectInput:
    id: strawberry.ID
    version: int
    code: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    acronym: str | None = strawberry.UNSET
    summary: str | None = strawberry.UNSET
    status: ProjectStatus | None = strawberry.UNSET
    status_as_of: datetime.date | None = strawberry.UNSET
    planned_start: FuzzyDateInput | None = strawberry.UNSET
    planned_end: FuzzyDateInput | None = strawberry.UNSET
    actual_start: FuzzyDateInput | None = strawberry.UNSET
    actual_end: FuzzyDateInput | None = strawberry.UNSET
    duration_months: int | None = strawberry.UNSET
    budget: AmountInput | None = strawberry.UNSET
    previous_phase_id: strawberry.ID | None = strawberry.UNSET


@described(PROJECT_FIELDS)
@strawberry.input(description="A partner to link to a project in a role.")
class LinkProjectPartnerInput:
    project_id: strawberry.ID
    partner_id: strawberry.ID
    role: PartnerRole
    amount: AmountInput | None = None


@described(PROJECT_FIELDS)
@strawberry.input(description="The link to remove: a partner's role in a project.")
class UnlinkProjectPartnerInput:
    project_id: strawberry.ID
    partner_id: strawberry.ID
    role: PartnerRole


@strawberry.type(description="What a project mutation wrote.")
class ProjectPayload:
    project: Project = strawberry.field(
        description="The project as stored now, with its new `version`."
    )


@strawberry.type(description="What linking or unlinking a project's partner wrote.")
class ProjectPartnerPayload:
    link: ProjectPartner | None = strawberry.field(description="Null after an unlink.")
    project: Project = strawberry.field(
        description="The project after the write, to refresh its `partners` in a cache."
    )


def project_columns(values: dict[str, Any], problems: Problems, path: str) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for name, value in values.items():
        at = f"{path}.{camel(name)}"
        if name in _DATES:
            columns |= fuzzy_columns(name, value, problems, at)
        elif name == "budget":
            columns |= amount_columns(
                "budget_amount", "budget_currency", "budget_amount_qualifier", value, problems, at
            )
        elif name == "status":
            # A written status is the writer's statement: no dataset derivation, and no code
            # of a file's the service could not read, outlives it.
            columns |= {"status_derived": False, "status_derivation": None, "status_code": None}
            columns[name] = None if value is None else value.value
        elif name == "duration_months":
            if value is not None and value <= 0:
                problems.add(at, "OUT_OF_RANGE", "A duration is a positive number of months.")
            columns |= {name: value, "duration_months_derivation": None}
        elif name == "previous_phase_id":
            columns[name] = None if value is None else problems.global_id(value, "Project", at)
        elif name in ("code", "title"):
            problems.required_text(value, at)
            if value is None:
                problems.add(at, "REQUIRED", "Must not be null.")
            columns[name] = value
        else:
            columns[name] = value
    return columns


def check_project(row: dict[str, Any], problems: Problems) -> None:
    problems.ordered(row.get("planned_start"), row.get("planned_end"), "input.plannedEnd")
    problems.ordered(row.get("actual_start"), row.get("actual_end"), "input.actualEnd")
    if row.get("status") is not None and row.get("status_as_of") is None:
        problems.add("input.statusAsOf", "REQUIRED", "A status needs the date it was true on.")


async def _missing(
    conn: AsyncConnection, table: sa.Table, column: str, wanted: dict[str, Any], problems: Problems
) -> None:
    """Report every reference in ``wanted`` (path → key) that names no record."""
    keys = [key for key in wanted.values() if key is not None]
    found = await q.existing_keys(conn, table, column, keys)
    for path, key in wanted.items():
        if key is not None and key not in found:
            problems.add(path, "NOT_FOUND", f"No {table.name} {key!r}.")


def _link_amount(
    link: ProjectPartnerInput | LinkProjectPartnerInput, problems: Problems, path: str
) -> dict[str, Any]:
    return amount_columns("amount", "currency", "amount_qualifier", link.amount, problems, path)


@strawberry.mutation(
    description="Create a project with its partners, countries, themes, programmes, "
    "beneficiary groups and outcomes: all of it, or nothing.",
    permission_classes=[CanWriteProject],
)
async def create_project(
    info: Info, input: Annotated[CreateProjectInput, strawberry.argument(description=WRITE_INPUT)]
) -> ProjectPayload:
    problems = Problems.checking(input)
    nested = ("programme_ids", "partners", "countries", "themes", "beneficiary_groups", "outcomes")
    scalars = {k: v for k, v in given(input).items() if k not in nested}
    columns = project_columns(scalars, problems, "input")
    partners = [
        (
            problems.global_id(link.partner_id, "Partner", f"input.partners.{i}.partnerId"),
            link.role,
            _link_amount(link, problems, f"input.partners.{i}.amount"),
        )
        for i, link in enumerate(input.partners)
    ]
    programmes = {
        f"input.programmeIds.{i}": problems.global_id(pid, "Programme", f"input.programmeIds.{i}")
        for i, pid in enumerate(input.programme_ids)
    }
    groups = [
        group_columns(given(g), problems, f"input.beneficiaryGroups.{i}")
        for i, g in enumerate(input.beneficiary_groups)
    ]
    outcomes = [
        outcome_columns(given(o), problems, f"input.outcomes.{i}")
        for i, o in enumerate(input.outcomes)
    ]
    check_project(columns, problems)
    for i, outcome in enumerate(outcomes):
        check_outcome(outcome, problems, f"input.outcomes.{i}")

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        countries = await known_countries(
            conn,
            [c.country for c in input.countries] + [g.get("country_code") for g in groups],
        )
        for i, link in enumerate(input.countries):
            problems.country(link.country, countries, f"input.countries.{i}.country")
        for i, group in enumerate(groups):
            check_group(group, countries, problems, f"input.beneficiaryGroups.{i}")
        await _missing(
            conn,
            q.partner,
            "id",
            {f"input.partners.{i}.partnerId": p[0] for i, p in enumerate(partners)},
            problems,
        )
        await _missing(conn, q.programme, "id", programmes, problems)
        await _missing(
            conn,
            q.theme,
            "slug",
            {f"input.themes.{i}": s for i, s in enumerate(input.themes)},
            problems,
        )
        await _missing(
            conn,
            q.project,
            "id",
            {"input.previousPhaseId": columns.get("previous_phase_id")},
            problems,
        )
        await unique_code(conn, q.project, columns.get("code"), None, problems)
        for table, records, path in (
            (q.beneficiary_group, groups, "input.beneficiaryGroups"),
            (q.outcome, outcomes, "input.outcomes"),
        ):
            codes = [r.get("code") for r in records]
            taken = await q.existing_keys(conn, table, "code", [c for c in codes if c])
            for i, code in enumerate(codes):
                if code in taken or (code is not None and codes.index(code) != i):
                    problems.add(f"{path}.{i}.code", "DUPLICATE", f"The code {code!r} is taken.")
        problems.raise_if_any()

        project = await writes.create(conn, q.project, columns, key_name=key_name)
        pid = project["id"]
        for partner_id, role, amount in partners:
            await writes.create(
                conn,
                q.project_partner,
                {"project_id": pid, "partner_id": partner_id, "role": role.value, **amount},
                key_name=key_name,
            )
        for programme_id in dict.fromkeys(programmes.values()):
            await writes.create(
                conn,
                q.project_programme,
                {"project_id": pid, "programme_id": programme_id},
                key_name=key_name,
            )
        for link in input.countries:
            await writes.create(
                conn,
                q.project_country,
                {"project_id": pid, "country_code": link.country, "role": link.role.value},
                key_name=key_name,
            )
        for slug in dict.fromkeys(input.themes):
            await writes.create(
                conn, q.project_theme, {"project_id": pid, "theme_slug": slug}, key_name=key_name
            )
        for group in groups:
            await writes.create(
                conn, q.beneficiary_group, {**group, "project_id": pid}, key_name=key_name
            )
        for outcome in outcomes:
            await writes.create(conn, q.outcome, {**outcome, "project_id": pid}, key_name=key_name)
        return project

    row = await run_write(info, write)
    return ProjectPayload(project=Project.from_row(row))


@strawberry.mutation(
    description="Change some fields of a project.", permission_classes=[CanWriteProject]
)
async def update_project(
    info: Info, input: Annotated[UpdateProjectInput, strawberry.argument(description=WRITE_INPUT)]
) -> ProjectPayload:
    problems = Problems.checking(input)
    project_id, version, values = update_of(problems, input, "Project")
    columns = project_columns(values, problems, "input")

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        current = await q.load_by_key(conn, tables.Project, [project_id])
        check_project({**dict(current.get(project_id, {})), **columns}, problems)
        if columns.get("previous_phase_id") == project_id:
            problems.add(
                "input.previousPhaseId", "SELF_REFERENCE", "A project cannot continue itself."
            )
        await _missing(
            conn,
            q.project,
            "id",
            {"input.previousPhaseId": columns.get("previous_phase_id")},
            problems,
        )
        await unique_code(conn, q.project, columns.get("code"), project_id, problems)
        problems.raise_if_any()
        return await writes.update(conn, q.project, project_id, version, columns, key_name=key_name)

    row = await run_write(info, write)
    return ProjectPayload(project=Project.from_row(row))


@strawberry.mutation(
    description="Delete a project with its beneficiary groups, outcomes and links; each leaves "
    "a tombstone in `changes`.",
    permission_classes=[CanWriteProject],
)
async def delete_project(
    info: Info, input: Annotated[DeleteInput, strawberry.argument(description=WRITE_INPUT)]
) -> DeletePayload:
    problems = Problems.checking(input)
    project_id = record_id_of(problems, input.id, "Project")

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        for table in (
            q.beneficiary_group,
            q.outcome,
            q.project_partner,
            q.project_programme,
            q.project_country,
            q.project_region,
            q.project_theme,
            q.agreement_project,
        ):
            await writes.delete_children(conn, table, "project_id", project_id, key_name=key_name)
        return await writes.delete(conn, q.project, project_id, input.version, key_name=key_name)

    await run_write(info, write)
    return DeletePayload(deleted_id=input.id)


@strawberry.mutation(
    description="Give a partner a role in a project (for a funder, with its amount).",
    permission_classes=[CanWriteProject],
)
async def link_project_partner(
    info: Info,
    input: Annotated[LinkProjectPartnerInput, strawberry.argument(description=WRITE_INPUT)],
) -> ProjectPartnerPayload:
    problems = Problems.checking(input)
    project_id = problems.global_id(input.project_id, "Project", "input.projectId")
    partner_id = problems.global_id(input.partner_id, "Partner", "input.partnerId")
    amount = _link_amount(input, problems, "input.amount")

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        await _missing(conn, q.project, "id", {"input.projectId": project_id}, problems)
        await _missing(conn, q.partner, "id", {"input.partnerId": partner_id}, problems)
        problems.raise_if_any()
        existing = await conn.scalar(
            sa.select(q.project_partner.c.id).where(
                q.project_partner.c.project_id == project_id,
                q.project_partner.c.partner_id == partner_id,
                q.project_partner.c.role == input.role.value,
            )
        )
        if existing is not None:
            problems.add("input.role", "DUPLICATE", "The partner already has this role.")
            problems.raise_if_any()
        link = await writes.create(
            conn,
            q.project_partner,
            {
                "project_id": project_id,
                "partner_id": partner_id,
                "role": input.role.value,
                **amount,
            },
            key_name=key_name,
        )
        project = (await q.load_by_key(conn, tables.Project, [project_id]))[project_id]
        return link, project

    link, project = await run_write(info, write)
    return ProjectPartnerPayload(
        link=ProjectPartner.from_row(link), project=Project.from_row(project)
    )


@strawberry.mutation(
    description="Remove a partner's role from a project.", permission_classes=[CanWriteProject]
)
async def unlink_project_partner(
    info: Info,
    input: Annotated[UnlinkProjectPartnerInput, strawberry.argument(description=WRITE_INPUT)],
) -> ProjectPartnerPayload:
    problems = Problems.checking(input)
    project_id = problems.global_id(input.project_id, "Project", "input.projectId")
    partner_id = problems.global_id(input.partner_id, "Partner", "input.partnerId")
    problems.raise_if_any()

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        link_id = await conn.scalar(
            sa.select(q.project_partner.c.id).where(
                q.project_partner.c.project_id == project_id,
                q.project_partner.c.partner_id == partner_id,
                q.project_partner.c.role == input.role.value,
            )
        )
        if link_id is None:
            raise GraphQLError(
                "The partner has no such role in this project.", extensions={"code": "NOT_FOUND"}
            )
        await writes.delete(conn, q.project_partner, link_id, None, key_name=key_name)
        return (await q.load_by_key(conn, tables.Project, [project_id]))[project_id]

    project = await run_write(info, write)
    return ProjectPartnerPayload(link=None, project=Project.from_row(project))
