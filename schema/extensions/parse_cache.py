"""Parsing once per query text, in a cache bounded in bytes (``schema.extensions.bounded_cache``).

Strawberry's ``ParserCache`` is an ``lru_cache`` bounded only by count: 256 documents of a
megabyte each. A parsed document takes several times its text (a node per token, each with
its location); the token limit bounds the nodes, not the text of a long string literal.
"""

from collections.abc import Iterator

from graphql import DocumentNode
from graphql.language.parser import parse
from strawberry.extensions import SchemaExtension

from schema.extensions.bounded_cache import BoundedCache

DOCUMENT_BYTES_PER_CHARACTER = 4
"""The estimate of a parsed document's size, as a multiple of its text's length."""

MAX_PARSED_BYTES = 32 * 1024 * 1024

_DOCUMENTS: BoundedCache[DocumentNode] = BoundedCache(
    512,
    max_bytes=MAX_PARSED_BYTES,
    weigh=lambda document: (
        DOCUMENT_BYTES_PER_CHARACTER * len(document.loc.source.body)
        if document.loc is not None
        else 0
    ),
)


class ParseByQueryText(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        query, options = execution.query, execution.parse_options
        if query is not None:
            key = (query, tuple(sorted(options.items())))
            execution.graphql_document = _DOCUMENTS.get(key, lambda: parse(query, **options))
        yield
