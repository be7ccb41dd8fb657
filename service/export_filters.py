"""The ``projects`` filter as query parameters (``GET /iati/activities.xml``) and as
``--filter name=value`` options (``coopgraph export-iati``).

The parameters build the same ``ProjectFilter`` input the GraphQL connection takes, and go
through the same checks, so an export selects exactly what the query would.
"""

import argparse
import datetime
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from graphql import GraphQLError

from db.criteria import ProjectCriteria
from db.enums import CountryRole, PartnerRole, ProjectStatus
from schema.filters import ProjectFilter, ProjectPartnerFilter, project_criteria


def _enum(kind: type[StrEnum]) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        try:
            return kind(raw.upper())
        except ValueError:
            allowed = ", ".join(m.value for m in kind)
            raise ValueError(f"{raw!r} is not one of {allowed}") from None

    return parse


LISTS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "code": ("codes", str),
    "status": ("status", _enum(ProjectStatus)),
    "country": ("countries", str),
    "countryName": ("country_names", str),
    "theme": ("themes", str),
}
SINGLE: dict[str, tuple[str, Callable[[str], Any]]] = {
    "countryRole": ("country_role", _enum(CountryRole)),
    "search": ("search", str),
    "activeOn": ("active_on", datetime.date.fromisoformat),
    "updatedSince": ("updated_since", datetime.datetime.fromisoformat),
}
PARTNER: dict[str, tuple[str, Callable[[str], Any]]] = {
    "partner": ("acronyms", str),
    "partnerCode": ("codes", str),
    "partnerUnder": ("under", str),
    "role": ("role", _enum(PartnerRole)),
}
NAMES = sorted([*LISTS, *SINGLE, *PARTNER])


class FilterError(ValueError):
    pass


def project_filter_criteria(pairs: Iterable[tuple[str, str]]) -> ProjectCriteria:
    """Criteria from ``(name, value)`` pairs; a repeated list parameter means "any of"."""
    fields: dict[str, Any] = {}
    partner: dict[str, Any] = {}
    for name, raw in pairs:
        try:
            if name in LISTS:
                field, parse = LISTS[name]
                fields.setdefault(field, []).append(parse(raw))
            elif name in SINGLE:
                field, parse = SINGLE[name]
                fields[field] = parse(raw)
            elif name in PARTNER:
                field, parse = PARTNER[name]
                value = parse(raw)
                if field in ("acronyms", "codes"):
                    partner.setdefault(field, []).append(value)
                else:
                    partner[field] = value
            else:
                raise FilterError(f"unknown filter {name!r}; known: {', '.join(NAMES)}")
        except FilterError:
            raise
        except ValueError as error:
            raise FilterError(f"filter {name}: {error}") from error
    if partner:
        fields["partner"] = ProjectPartnerFilter(**partner)
    try:
        return project_criteria(ProjectFilter(**fields))
    except GraphQLError as error:
        raise FilterError(error.message) from error


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=f"as the projects filter; names: {', '.join(NAMES)} (repeat for several)",
    )


def criteria_from_arguments(args: argparse.Namespace) -> ProjectCriteria:
    pairs = []
    for item in args.filter:
        name, sep, value = item.partition("=")
        if not sep:
            raise FilterError(f"--filter {item!r}: expected NAME=VALUE")
        pairs.append((name, value))
    return project_filter_criteria(pairs)
