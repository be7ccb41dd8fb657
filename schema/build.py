"""The Strawberry schema object, built once per process."""

import strawberry
from strawberry.extensions import ParserCache, ValidationCache

from schema.query import Query


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        # Parsing and validation dominate small queries; cache both. Strawberry types the
        # list as classes, but extensions that take arguments are passed as instances.
        extensions=[ParserCache(maxsize=256), ValidationCache(maxsize=256)],  # type: ignore[list-item]
    )


schema = build_schema()
