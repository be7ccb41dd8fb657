"""Input shapes shared by the mutations, and their conversion to column values."""

from decimal import Decimal
from typing import Any

import strawberry
from pydantic import ValidationError

from db.dataset.records import FuzzyDate
from db.enums import Qualifier
from schema.mutations.problems import Problems
from schema.types import common  # noqa: F401  (registers the enums these inputs use)

ID_TO_WRITE = "The global id of the record to write, as `id` on the record answers it."
VERSION_READ = (
    "The `version` you read. If another write changed the record since, nothing is written "
    "and the error is CONFLICT with `extensions.currentVersion`: read it again and reapply."
)
WRITE_INPUT = (
    "What to write. Every problem in it is reported at once, as one BAD_USER_INPUT error whose "
    "`extensions.problems` name each path (input.budget.currency), code and message; then "
    "nothing is written."
)
UPDATE_INPUT = (
    "Only the fields given change; a field left out stays as it is, and an explicit null "
    "clears it (where it may be null)."
)


@strawberry.input(description='A date as precise as known: "2021", "2021-05" or "2021-05-06".')
class FuzzyDateInput:
    value: str = strawberry.field(
        description="ISO 8601 to the precision the source gives: YYYY, YYYY-MM or YYYY-MM-DD; "
        "any other form is an INVALID_DATE problem."
    )
    derived: bool = strawberry.field(
        default=False, description="Computed (e.g. start plus duration), not stated."
    )
    derived_how: str | None = strawberry.field(
        default=None, description="How a derived date was computed; ignored unless derived."
    )


@strawberry.input(description="Money in an ISO 4217 currency, as exact as the source says.")
class AmountInput:
    amount: Decimal = strawberry.field(
        description="Exact decimal, as a string to keep every digit; not negative."
    )
    currency: str = strawberry.field(
        description="ISO 4217 code (USD, KRW); an unknown one is an INVALID_CURRENCY problem."
    )
    qualifier: Qualifier = strawberry.field(
        default=Qualifier.EXACT,
        description='How the source states it: "nearly US$ 8 million" is APPROXIMATE.',
    )


@strawberry.input(description="A figure and how exact it is.")
class FigureInput:
    value: Decimal = strawberry.field(
        description="Exact decimal, as a string; its unit is the field's (percent for "
        "`womenShare`) or the outcome's `unit`."
    )
    qualifier: Qualifier = strawberry.field(
        default=Qualifier.EXACT,
        description='How the source states it: "at least 65 %" is AT_LEAST.',
    )


@strawberry.input(description="A count of people or things and how exact it is.")
class CountInput:
    value: int = strawberry.field(description="How many, as the source says.")
    qualifier: Qualifier = strawberry.field(
        default=Qualifier.EXACT, description='How the source states it: "over 5,000" is AT_LEAST.'
    )


def given(values: object) -> dict[str, Any]:
    """The fields an input sets (an update's unset fields are left alone)."""
    return {k: v for k, v in vars(values).items() if v is not strawberry.UNSET}


def fuzzy_columns(
    name: str, value: FuzzyDateInput | None, problems: Problems, path: str
) -> dict[str, Any]:
    """A fuzzy date as its columns: ``name``, ``name_precision``, ``name_derived`` and
    ``name_derivation`` (a note replaced with the date, so it never outlives it)."""
    columns: dict[str, Any] = {
        name: None,
        f"{name}_precision": None,
        f"{name}_derived": False,
        f"{name}_derivation": None,
    }
    if value is not None:
        try:
            parsed = FuzzyDate.model_validate(value.value)
        except ValidationError:
            problems.add(
                path, "INVALID_DATE", f"{value.value!r} is not YYYY, YYYY-MM or YYYY-MM-DD."
            )
            return {}
        columns = {
            name: parsed.value,
            f"{name}_precision": parsed.precision.value,
            f"{name}_derived": value.derived,
            f"{name}_derivation": value.derived_how if value.derived else None,
        }
    return columns


def amount_columns(
    amount: str,
    currency: str,
    qualifier: str,
    value: AmountInput | None,
    problems: Problems,
    path: str,
) -> dict[str, Any]:
    if value is None:
        return {amount: None, currency: None, qualifier: None}
    problems.currency(value.currency, f"{path}.currency")
    problems.not_negative(value.amount, f"{path}.amount")
    return {amount: value.amount, currency: value.currency, qualifier: value.qualifier.value}


def figure_columns(
    name: str, value: FigureInput | CountInput | None, problems: Problems, path: str
) -> dict[str, Any]:
    if value is None:
        return {name: None, f"{name}_qualifier": None}
    return {name: value.value, f"{name}_qualifier": value.qualifier.value}
