"""Every query the repository ships, as clients would copy it: the explorer's operations,
the examples, the benchmark's documents, the README's and the questions of the tests."""

import re
from collections.abc import Iterator
from pathlib import Path

from graphql import GraphQLSyntaxError, OperationDefinitionNode, parse

from tests.schema import test_questions

ROOT = Path(__file__).parents[3]
_README_QUERIES = (
    re.compile(r"```graphql\n(.*?)```", re.S),
    re.compile(r"QUERY='(.*?)'", re.S),
    re.compile(r"query=(\{.*?\})'", re.S),
)


def shipped_queries() -> Iterator[tuple[str, str]]:
    """(where it is, the document) for each."""
    for pattern in (
        "explorer/queries/*.graphql",
        "schema/examples/*.graphql",
        "bench/queries/*.coopgraph.graphql",
    ):
        for path in sorted(ROOT.glob(pattern)):
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for expression in _README_QUERIES:
        for match in expression.finditer(readme):
            if _is_operation(match.group(1)):
                line = readme.count("\n", 0, match.start()) + 1
                yield f"README.md:{line}", match.group(1)
    for name, value in vars(test_questions).items():
        if name.isupper() and isinstance(value, str) and _is_operation(value):
            yield f"tests/schema/test_questions.py:{name}", value


def _is_operation(text: str) -> bool:
    try:
        document = parse(text)
    except GraphQLSyntaxError:
        return False
    return any(isinstance(d, OperationDefinitionNode) for d in document.definitions)
