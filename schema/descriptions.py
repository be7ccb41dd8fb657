"""Descriptions given apart from a declaration, where the declaration cannot carry them.

The vocabularies live in ``db.enums``, which knows nothing of GraphQL, so their values
cannot be written with ``strawberry.enum_value``; the create and update inputs of a record
share their fields' meanings. Either way a member or field left without a description fails
at import, and ``tests/schema/test_descriptions.py`` checks the built schema as a whole.
"""

from collections.abc import Callable, Mapping
from enum import Enum
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=type[Enum])
T = TypeVar("T")


def described_enum(enum: E, description: str, **values: str) -> E:
    """``strawberry.enum(enum)`` with a description for each of its values, by name."""
    named = {member.name for member in enum}
    if set(values) != named:
        raise ValueError(
            f"{enum.__name__}: describe exactly its values; missing {sorted(named - set(values))}, "
            f"unknown {sorted(set(values) - named)}"
        )
    defined = strawberry.enum(enum, description=description)
    for value in defined.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[value.name]
    return defined


def described(descriptions: Mapping[str, str]) -> Callable[[type[T]], type[T]]:
    """Gives an input's undescribed fields their descriptions, by Python name, from one
    mapping that the create and update inputs of a record share, so the two cannot drift
    apart; a field the mapping lacks fails at import."""

    def describe(cls: type[T]) -> type[T]:
        for field in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            if field.description is None:
                field.description = descriptions[field.python_name]
        return cls

    return describe
