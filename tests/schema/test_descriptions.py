"""Every type, field, argument, input field and enum value a client sees is described: the
schema is the API's reference, read in GraphiQL, codegen comments and editors' hovers.

A missing description fails here, named by its path (``Project.budget``,
``Query.projects(first:)``, ``ProjectStatus.ACTIVE``). A description that only restates its
name ("Code." on ``code``) fails too: it tells a client developer nothing.
"""

import re

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
)

from schema.build import schema

FEDERATION_INTERNAL = {
    "_Service",
    "_Entity",
    "_Any",
    "_FieldSet",
    "link__Import",
    "link__Purpose",
    "FieldSet",
}
"""Apollo Federation's own types: a router reads them, a client never does, and Strawberry
writes them without descriptions we could give."""

FEDERATION_FIELDS = {"Query._service", "Query._entities"}
"""The router's entry points, beside the client's fields: the federation spec defines them."""


def _restates(name: str, description: str) -> bool:
    """True when the description's words are only the name's (``countryCode`` → "Country
    code.")."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower().replace("_", " ").split()
    said = re.findall(r"[a-z0-9]+", description.lower())
    return said == words


def _check(path: str, name: str, description: str | None, missing: list[str]) -> None:
    if not description or not description.strip():
        missing.append(f"{path}: no description")
    elif _restates(name, description):
        missing.append(f"{path}: only restates its name ({description!r})")


def _client_types() -> list[GraphQLNamedType]:
    type_map = schema._schema.type_map
    return [
        t
        for name, t in sorted(type_map.items())
        if not name.startswith("__") and name not in FEDERATION_INTERNAL
    ]


def undescribed() -> list[str]:
    missing: list[str] = []
    for named in _client_types():
        _check(named.name, named.name, named.description, missing)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                path = f"{named.name}.{field_name}"
                if path in FEDERATION_FIELDS:
                    continue
                _check(path, field_name, field.description, missing)
                for arg_name, arg in field.args.items():
                    _check(f"{path}({arg_name}:)", arg_name, arg.description, missing)
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, input_field in named.fields.items():
                _check(f"{named.name}.{field_name}", field_name, input_field.description, missing)
        elif isinstance(named, GraphQLEnumType):
            for value_name, value in named.values.items():
                _check(f"{named.name}.{value_name}", value_name, value.description, missing)
    return missing


def test_everything_a_client_sees_is_described() -> None:
    missing = undescribed()
    assert not missing, f"{len(missing)} without a useful description:\n" + "\n".join(missing)


def test_a_restated_name_is_not_a_description() -> None:
    assert _restates("countryCode", "Country code.")
    assert not _restates("countryCode", "ISO 3166-1 alpha-2 code of the country.")
