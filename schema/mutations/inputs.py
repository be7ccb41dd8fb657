"""Input shapes shared by the mutations, and their conversion to column values."""

from decimal import Decimal
from typing import Any

import strawberry
from pydantic import ValidationError

from db.dataset.records import FuzzyDate
from db.enums import Qualifier
from schema.mutations.problems import Problems
from schema.types import common  # noqa: F401  (registers the enums these inputs use)


@strawberry.input(description='A date as precise as known: "2021", "2021-05" or "2021-05-06".')
class FuzzyDateInput:
    value: str
    derived: bool = strawberry.field(
        default=False, description="Computed (e.g. start plus duration), not stated."
    )
    derived_how: str | None = strawberry.field(
        default=None, description="How a derived date was computed; ignored unless derived."
    )


@strawberry.input(description="Money in an ISO 4217 currency, as exact as the source says.")
class AmountInput:
    amount: Decimal
    currency: str
    qualifier: Qualifier = Qualifier.EXACT


@strawberry.input(description="A figure and how exact it is.")
class FigureInput:
    value: Decimal
    qualifier: Qualifier = Qualifier.EXACT


@strawberry.input(description="A count of people or things and how exact it is.")
class CountInput:
    value: int
    qualifier: Qualifier = Qualifier.EXACT


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
