"""Full-text search columns, kept up to date by PostgreSQL itself.

Each searchable table has a generated ``search_vector`` (``tsvector``, STORED) with a GIN
index: the database recomputes it on every write, so no code path can forget to. Only core
PostgreSQL is used (no ``unaccent``, no ``pg_trgm``), so the bundled server can run it.
English stemming matches "cooperative" to "cooperatives"; it also folds "cooperation" onto
the same stem, which ranking (weight A for titles, B for longer text) keeps below real hits.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR

SEARCH_CONFIG = "english"
MAX_QUERY_LENGTH = 200


def search_vector_column(*weighted: tuple[str, str]) -> sa.Column[Any]:
    """A generated tsvector over ``(column, weight)`` pairs, weight ``A`` ranking highest."""
    parts = " || ".join(
        f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, coalesce({column}, '')), '{weight}')"
        for column, weight in weighted
    )
    return sa.Column("search_vector", TSVECTOR, sa.Computed(parts, persisted=True))


def search_index(table: str) -> sa.Index:
    return sa.Index(f"ix_{table}_search_vector", "search_vector", postgresql_using="gin")


def search_query(text: str) -> sa.ColumnElement[Any]:
    """What a person types, read the way web search engines read it ("a b" -c "x y")."""
    return sa.func.websearch_to_tsquery(sa.literal_column(f"'{SEARCH_CONFIG}'::regconfig"), text)


def matches(vector: sa.ColumnElement[Any], text: str) -> sa.ColumnElement[bool]:
    return vector.bool_op("@@")(search_query(text))
