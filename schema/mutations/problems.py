"""Every problem of a mutation's input, reported at once.

The API's one error style is a GraphQL error with ``extensions.code``. For invalid input the
code is ``BAD_USER_INPUT`` and ``extensions.problems`` lists every problem found, each with
the path of the offending input field (``input.beneficiaryGroups.1.womenShare``), a code and
a message, so a client can mark every field in one round trip.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pycountry
from graphql import GraphQLError
from strawberry import relay

from db.bounds import record_id
from schema.mutations.text_bounds import text_problems

_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")
NOT_CURRENCIES = frozenset({"XXX", "XTS"})
"""ISO 4217's "no currency" and "for testing": codes, but no money is in them."""


@dataclass
class Problems:
    found: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def checking(cls, input: object) -> "Problems":
        """Problems that start with every text of the input out of its bounds."""
        problems = cls()
        for path, code, message in text_problems(input):
            problems.add(path, code, message)
        return problems

    def add(self, path: str, code: str, message: str) -> None:
        self.found.append({"path": path, "code": code, "message": message})

    def raise_if_any(self) -> None:
        if self.found:
            count = len(self.found)
            raise GraphQLError(
                f"The input has {count} problem{'s' if count > 1 else ''}.",
                extensions={"code": "BAD_USER_INPUT", "problems": self.found},
            )

    def global_id(self, value: Any, type_name: str, path: str) -> int | None:
        try:
            global_id = relay.GlobalID.from_id(value)
        except Exception:
            self.add(path, "INVALID_ID", f"{value!r} is not a valid global id.")
            return None
        number = record_id(global_id.node_id)
        if global_id.type_name != type_name or number is None:
            self.add(path, "INVALID_ID", f"{value!r} is not the id of a {type_name}.")
            return None
        return number

    def currency(self, value: str, path: str) -> None:
        if (
            not _CURRENCY.fullmatch(value)
            or value in NOT_CURRENCIES
            or pycountry.currencies.get(alpha_3=value) is None
        ):
            self.add(
                path,
                "INVALID_CURRENCY",
                f"{value[:10]!r} is not an ISO 4217 currency code (upper case, not XXX or XTS).",
            )

    def country(self, value: str, known: Iterable[str], path: str) -> None:
        if not _COUNTRY.fullmatch(value) or pycountry.countries.get(alpha_2=value) is None:
            self.add(path, "INVALID_COUNTRY", f"{value!r} is not an ISO 3166-1 alpha-2 code.")
        elif value not in known:
            self.add(path, "UNKNOWN_COUNTRY", f"{value!r} is not among the service's countries.")

    def not_negative(self, value: Decimal | int | None, path: str) -> None:
        if value is not None and value < 0:
            self.add(path, "NEGATIVE", "Must not be negative.")

    def percent(self, value: Decimal | None, path: str) -> None:
        if value is not None and not 0 <= value <= 100:
            self.add(path, "OUT_OF_RANGE", "A share is a percentage from 0 to 100.")

    def ordered(self, start: Any, end: Any, path: str) -> None:
        """``start`` and ``end`` are both dates or both years."""
        if start is not None and end is not None and end < start:
            self.add(path, "END_BEFORE_START", f"Ends ({end}) before it starts ({start}).")

    def required_text(self, value: str | None, path: str) -> None:
        if value is not None and not value.strip():
            self.add(path, "BLANK", "Must not be blank.")
