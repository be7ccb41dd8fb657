"""Mutations of beneficiary groups and outcomes, and recording an outcome's progress."""

from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q
from db import tables, writes
from db.columns import folded
from db.enums import BeneficiaryCategory, OutcomeKind
from schema.descriptions import described
from schema.info import Info
from schema.mutations.inputs import (
    ID_TO_WRITE,
    UPDATE_INPUT,
    VERSION_READ,
    WRITE_INPUT,
    CountInput,
    FigureInput,
    FuzzyDateInput,
    figure_columns,
    fuzzy_columns,
    given,
)
from schema.mutations.problems import Problems
from schema.mutations.running import run_write
from schema.permissions import CanWriteProject
from schema.types.results import BeneficiaryGroup, Outcome

GROUP_FIELDS = {
    "id": ID_TO_WRITE,
    "version": VERSION_READ,
    "project_id": "The global id of the project the group belongs to.",
    "code": "A code unique within the project (tvet-trainees); it orders the project's groups.",
    "description": "Who the people are, in the source's words.",
    "categories": "Every category the group belongs to (young women: WOMEN and YOUTH).",
    "target_count": "How many people the project means to reach, as the source states it.",
    "reached_count": "How many it has reached so far, as the source states it.",
    "women_share": "The share of women, in percent (0 to 100).",
    "country": "ISO 3166-1 alpha-2 code of the country the group is in; one of the "
    "service's countries. Null for a group across countries.",
    "location": "Where within the country, in words (a province, a city, a camp).",
}
OUTCOME_FIELDS = {
    "id": ID_TO_WRITE,
    "version": VERSION_READ,
    "project_id": "The global id of the project the outcome belongs to.",
    "code": "A code unique within the project; it orders the project's outcomes.",
    "kind": "OUTPUT, OUTCOME or IMPACT (IATI result type).",
    "statement": "The result sought, in the source's words.",
    "indicator": "What is measured to tell it (IATI indicator title).",
    "unit": "Unit of the baseline, target and actual figures (people, %, enterprises).",
    "baseline": "The figure before the project (IATI baseline value).",
    "target": "The figure the project aims for by the end of the period.",
    "actual": "The figure reached, as last reported.",
    "period_start": "Start of the period the target and actual figures cover.",
    "period_end": "End of that period; not before its start.",
}


@described(GROUP_FIELDS)
@strawberry.input(description="A beneficiary group, written with its project.")
class NewBeneficiaryGroupInput:
    code: str
    description: str
    categories: list[BeneficiaryCategory]
    target_count: CountInput | None = None
    reached_count: CountInput | None = None
    women_share: FigureInput | None = None
    country: str | None = None
    location: str | None = None


@described(GROUP_FIELDS)
@strawberry.input(description="A beneficiary group to add to an existing project.")
class CreateBeneficiaryGroupInput(NewBeneficiaryGroupInput):
    project_id: strawberry.ID


@described(GROUP_FIELDS)
@strawberry.input(description=f"Changes to a beneficiary group. {UPDATE_INPUT}")
class UpdateBeneficiaryGroupInput:
    id: strawberry.ID
    version: int
    code: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    categories: list[BeneficiaryCategory] | None = strawberry.UNSET
    target_count: CountInput | None = strawberry.UNSET
    reached_count: CountInput | None = strawberry.UNSET
    women_share: FigureInput | None = strawberry.UNSET
    country: str | None = strawberry.UNSET
    location: str | None = strawberry.UNSET


@described(OUTCOME_FIELDS)
@strawberry.input(
    description="An outcome (IATI result with one indicator), written with its project."
)
class NewOutcomeInput:
    code: str
    kind: OutcomeKind
    statement: str
    indicator: str | None = None
    unit: str | None = None
    baseline: FigureInput | None = None
    target: FigureInput | None = None
    actual: FigureInput | None = None
    period_start: FuzzyDateInput | None = None
    period_end: FuzzyDateInput | None = None


@described(OUTCOME_FIELDS)
@strawberry.input(description="An outcome to add to an existing project.")
class CreateOutcomeInput(NewOutcomeInput):
    project_id: strawberry.ID


@described(OUTCOME_FIELDS)
@strawberry.input(description=f"Changes to an outcome. {UPDATE_INPUT}")
class UpdateOutcomeInput:
    id: strawberry.ID
    version: int
    code: str | None = strawberry.UNSET
    kind: OutcomeKind | None = strawberry.UNSET
    statement: str | None = strawberry.UNSET
    indicator: str | None = strawberry.UNSET
    unit: str | None = strawberry.UNSET
    baseline: FigureInput | None = strawberry.UNSET
    target: FigureInput | None = strawberry.UNSET
    actual: FigureInput | None = strawberry.UNSET
    period_start: FuzzyDateInput | None = strawberry.UNSET
    period_end: FuzzyDateInput | None = strawberry.UNSET


@described(OUTCOME_FIELDS)
@strawberry.input(description="A new actual value of an outcome, for a period.")
class RecordOutcomeProgressInput:
    id: strawberry.ID
    version: int
    actual: FigureInput
    period_start: FuzzyDateInput | None = None
    period_end: FuzzyDateInput | None = None


@strawberry.input(description="The record to delete, at the version read.")
class DeleteInput:
    id: strawberry.ID = strawberry.field(description="The global id of the record to delete.")
    version: int = strawberry.field(description=VERSION_READ)


@strawberry.type(description="What a beneficiary-group mutation wrote.")
class BeneficiaryGroupPayload:
    beneficiary_group: BeneficiaryGroup = strawberry.field(
        description="The group as stored now, with its new `version`."
    )


@strawberry.type(description="What an outcome mutation wrote.")
class OutcomePayload:
    outcome: Outcome = strawberry.field(
        description="The outcome as stored now, with its new `version`."
    )


@strawberry.type(description="What a delete removed.")
class DeletePayload:
    deleted_id: strawberry.ID = strawberry.field(
        description="The global id of the deleted record: drop it from a client's cache. "
        "`changes` keeps its tombstone."
    )


def group_columns(values: dict[str, Any], problems: Problems, path: str) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for name, value in values.items():
        at = f"{path}.{camel(name)}"
        if name in ("target_count", "reached_count"):
            if value is not None:
                problems.not_negative(value.value, f"{at}.value")
            columns |= figure_columns(name, value, problems, at)
        elif name == "women_share":
            if value is not None:
                problems.percent(value.value, f"{at}.value")
            columns |= figure_columns(name, value, problems, at)
        elif name == "categories":
            if value is not None and not value:
                problems.add(at, "EMPTY", "A group needs at least one category.")
            columns[name] = None if value is None else [c.value for c in value]
        elif name == "country":
            columns["country_code"] = value
        elif name in ("code", "description"):
            problems.required_text(value, at)
            if value is None:
                problems.add(at, "REQUIRED", "Must not be null.")
            columns[name] = value
        else:
            columns[name] = value
    return columns


def outcome_columns(values: dict[str, Any], problems: Problems, path: str) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for name, value in values.items():
        at = f"{path}.{camel(name)}"
        if name in ("baseline", "target", "actual"):
            columns |= figure_columns(name, value, problems, at)
        elif name in ("period_start", "period_end"):
            dated = fuzzy_columns(name, value, problems, at)
            if name in dated:
                columns[name] = dated[name]
                if dated[f"{name}_precision"] is not None:
                    columns["period_precision"] = dated[f"{name}_precision"]
        elif name == "kind":
            if value is None:
                problems.add(at, "REQUIRED", "Must not be null.")
            columns[name] = None if value is None else value.value
        elif name in ("code", "statement"):
            problems.required_text(value, at)
            if value is None:
                problems.add(at, "REQUIRED", "Must not be null.")
            columns[name] = value
        else:
            columns[name] = value
    return columns


def check_group(
    row: dict[str, Any], known_countries: set[str], problems: Problems, path: str
) -> None:
    if row.get("country_code") is not None:
        problems.country(row["country_code"], known_countries, f"{path}.country")


def check_outcome(row: dict[str, Any], problems: Problems, path: str) -> None:
    problems.ordered(row.get("period_start"), row.get("period_end"), f"{path}.periodEnd")
    if (row.get("period_start") or row.get("period_end")) and not row.get("period_precision"):
        problems.add(f"{path}.periodStart", "INVALID_DATE", "A period needs a precision.")


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


async def unique_code(
    conn: AsyncConnection, table: Any, code: str | None, own_id: int | None, problems: Problems
) -> None:
    if code is None:
        return
    same = folded(table.c.code) == folded(sa.literal(code))
    existing = await conn.scalar(sa.select(table.c.id).where(same))
    if existing is not None and existing != own_id:
        problems.add(
            "input.code",
            "DUPLICATE",
            f"The code {code!r} is taken (codes are compared ignoring case).",
        )


async def known_countries(conn: AsyncConnection, codes: list[str | None]) -> set[str]:
    return await q.existing_keys(conn, q.country, "code", [c for c in codes if c is not None])


def record_id_of(problems: Problems, value: Any, type_name: str) -> int:
    record_id = problems.global_id(value, type_name, "input.id")
    problems.raise_if_any()
    assert record_id is not None
    return record_id


def update_of(problems: Problems, input: Any, type_name: str) -> tuple[int, int, dict[str, Any]]:
    """An update input as (record id, version read, the fields it sets)."""
    values = given(input)
    record_id = record_id_of(problems, values.pop("id"), type_name)
    return record_id, values.pop("version"), values


async def delete_record(
    info: Info, input: "DeleteInput", type_name: str, table: sa.Table
) -> "DeletePayload":
    """Delete a record that owns nothing else, at the version the client read."""
    record_id = record_id_of(Problems(), input.id, type_name)

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        return await writes.delete(conn, table, record_id, input.version, key_name=key_name)

    await run_write(info, write)
    return DeletePayload(deleted_id=input.id)


@strawberry.mutation(
    description="Add a beneficiary group to a project.", permission_classes=[CanWriteProject]
)
async def create_beneficiary_group(
    info: Info,
    input: Annotated[CreateBeneficiaryGroupInput, strawberry.argument(description=WRITE_INPUT)],
) -> BeneficiaryGroupPayload:
    problems = Problems.checking(input)
    project_id = problems.global_id(input.project_id, "Project", "input.projectId")
    values = given(input)
    values.pop("project_id")
    columns = group_columns(values, problems, "input")

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        if project_id is not None and not await q.existing_keys(
            conn, q.project, "id", [project_id]
        ):
            problems.add("input.projectId", "NOT_FOUND", "No such project.")
        check_group(
            columns, await known_countries(conn, [columns.get("country_code")]), problems, "input"
        )
        await unique_code(conn, q.beneficiary_group, columns.get("code"), None, problems)
        problems.raise_if_any()
        return await writes.create(
            conn, q.beneficiary_group, {**columns, "project_id": project_id}, key_name=key_name
        )

    row = await run_write(info, write)
    return BeneficiaryGroupPayload(beneficiary_group=BeneficiaryGroup.from_row(row))


@strawberry.mutation(
    description="Change some fields of a beneficiary group.", permission_classes=[CanWriteProject]
)
async def update_beneficiary_group(
    info: Info,
    input: Annotated[UpdateBeneficiaryGroupInput, strawberry.argument(description=WRITE_INPUT)],
) -> BeneficiaryGroupPayload:
    problems = Problems.checking(input)
    group_id, version, values = update_of(problems, input, "BeneficiaryGroup")
    columns = group_columns(values, problems, "input")

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        check_group(
            columns, await known_countries(conn, [columns.get("country_code")]), problems, "input"
        )
        await unique_code(conn, q.beneficiary_group, columns.get("code"), group_id, problems)
        problems.raise_if_any()
        return await writes.update(
            conn, q.beneficiary_group, group_id, version, columns, key_name=key_name
        )

    row = await run_write(info, write)
    return BeneficiaryGroupPayload(beneficiary_group=BeneficiaryGroup.from_row(row))


@strawberry.mutation(
    description="Delete a beneficiary group.", permission_classes=[CanWriteProject]
)
async def delete_beneficiary_group(
    info: Info, input: Annotated[DeleteInput, strawberry.argument(description=WRITE_INPUT)]
) -> DeletePayload:
    return await delete_record(info, input, "BeneficiaryGroup", q.beneficiary_group)


@strawberry.mutation(
    description="Add an outcome to a project.", permission_classes=[CanWriteProject]
)
async def create_outcome(
    info: Info, input: Annotated[CreateOutcomeInput, strawberry.argument(description=WRITE_INPUT)]
) -> OutcomePayload:
    problems = Problems.checking(input)
    project_id = problems.global_id(input.project_id, "Project", "input.projectId")
    values = given(input)
    values.pop("project_id")
    columns = outcome_columns(values, problems, "input")

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        if project_id is not None and not await q.existing_keys(
            conn, q.project, "id", [project_id]
        ):
            problems.add("input.projectId", "NOT_FOUND", "No such project.")
        check_outcome(columns, problems, "input")
        await unique_code(conn, q.outcome, columns.get("code"), None, problems)
        problems.raise_if_any()
        return await writes.create(
            conn, q.outcome, {**columns, "project_id": project_id}, key_name=key_name
        )

    row = await run_write(info, write)
    return OutcomePayload(outcome=Outcome.from_row(row))


async def _update_outcome(
    info: Info, outcome_id: int, version: int, columns: dict[str, Any], problems: Problems
) -> OutcomePayload:
    async def write(conn: AsyncConnection, key_name: str) -> Any:
        current = await q.load_by_key(conn, tables.Outcome, [outcome_id])
        merged = {**dict(current.get(outcome_id, {})), **columns}
        check_outcome(merged, problems, "input")
        await unique_code(conn, q.outcome, columns.get("code"), outcome_id, problems)
        problems.raise_if_any()
        return await writes.update(conn, q.outcome, outcome_id, version, columns, key_name=key_name)

    row = await run_write(info, write)
    return OutcomePayload(outcome=Outcome.from_row(row))


@strawberry.mutation(
    description="Change some fields of an outcome.", permission_classes=[CanWriteProject]
)
async def update_outcome(
    info: Info, input: Annotated[UpdateOutcomeInput, strawberry.argument(description=WRITE_INPUT)]
) -> OutcomePayload:
    problems = Problems.checking(input)
    outcome_id, version, values = update_of(problems, input, "Outcome")
    return await _update_outcome(
        info, outcome_id, version, outcome_columns(values, problems, "input"), problems
    )


@strawberry.mutation(
    description="Record how far an outcome has come: its actual value, for a period.",
    permission_classes=[CanWriteProject],
)
async def record_outcome_progress(
    info: Info,
    input: Annotated[RecordOutcomeProgressInput, strawberry.argument(description=WRITE_INPUT)],
) -> OutcomePayload:
    problems = Problems.checking(input)
    outcome_id = record_id_of(problems, input.id, "Outcome")
    values: dict[str, Any] = {"actual": input.actual}
    if input.period_start is not None:
        values["period_start"] = input.period_start
    if input.period_end is not None:
        values["period_end"] = input.period_end
    columns = outcome_columns(values, problems, "input")
    return await _update_outcome(info, outcome_id, input.version, columns, problems)


@strawberry.mutation(description="Delete an outcome.", permission_classes=[CanWriteProject])
async def delete_outcome(
    info: Info, input: Annotated[DeleteInput, strawberry.argument(description=WRITE_INPUT)]
) -> DeletePayload:
    return await delete_record(info, input, "Outcome", q.outcome)
