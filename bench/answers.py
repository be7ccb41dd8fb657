"""The benchmark's questions (``bench/queries/``), their parameters, and comparing answers.

Each system answers in its own shape (coopgraph's connections and nested objects,
PostGraphile's ``nodes`` and foreign-key fields, the floor's JSON), so answers are compared
as data: the multiset of their non-null scalar values, plus, for ordered pages, the order of
the record codes. Numbers and numeric strings compare as decimals ("1493.0000" is 1493; JSON
is read with decimal floats, see ``parse``); ids, node ids and type names are left out, being
each system's own.
"""

import base64
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

QUERIES = Path(__file__).parent / "queries"
SEARCH_TEXT = "cooperatives"
IGNORED_KEYS = {"id", "nodeId", "__typename", "cursor"}
NUMERIC = re.compile(r"-?\d+(\.\d+)?")


class Support(StrEnum):
    """How far PostGraphile answers a question, from its file's first line."""

    FULL = "full"
    PARTIAL = "partial"
    NONE = "cannot answer"


@dataclass(frozen=True)
class Question:
    name: str
    title: str
    coopgraph: str
    postgraphile: str
    support: Support
    reason: str
    sql: str
    params: tuple[str, ...]
    ordered: str | None
    """Codes whose order must agree (a regular expression), for questions asking an order."""


ORDERED = {"q1": r"prj-", "q2": r"prj-", "q2b": r"prj-", "q4": r"prj-", "q6": r"(prj|prg|bg|out)-"}


def header(text: str, prefix: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith(prefix):
            break
        lines.append(line.removeprefix(prefix).strip())
    return lines


def load_questions() -> list[Question]:
    questions = []
    for sql_file in sorted(QUERIES.glob("q*.sql")):
        name = sql_file.stem
        sql = sql_file.read_text()
        comments = header(sql, "--")
        at = next(i for i, c in enumerate(comments) if c.startswith("params:"))
        params, title = comments[at].removeprefix("params:"), " ".join(comments[:at])
        postgraphile = (QUERIES / f"{name}.postgraphile.graphql").read_text()
        first = " ".join(header(postgraphile, "#"))
        support = Support.FULL
        for candidate in (Support.PARTIAL, Support.NONE):
            if first.startswith(f"{candidate.value}:"):
                support = candidate
        questions.append(
            Question(
                name=name,
                title=title.split(":", 1)[1].strip(),
                coopgraph=(QUERIES / f"{name}.coopgraph.graphql").read_text(),
                postgraphile=postgraphile,
                support=support,
                reason=first.split(":", 1)[1].strip() if support is not Support.FULL else "",
                sql=sql,
                params=tuple(p.split("(")[0].strip() for p in params.split(",") if "none" not in p),
                ordered=ORDERED.get(name),
            )
        )
    return questions


@dataclass(frozen=True)
class Parameters:
    """The records the questions are asked about, picked from the data of a scale."""

    partner: str
    project: int
    country: str
    status: str
    currency: str
    text: str
    small_partner: str

    def sql_args(self, question: Question) -> list[Any]:
        return [getattr(self, p) for p in question.params]

    def coopgraph_variables(self) -> dict[str, Any]:
        node = base64.b64encode(f"Project:{self.project}".encode()).decode()
        return self.graphql_variables(node)

    def postgraphile_variables(self) -> dict[str, Any]:
        node = base64.b64encode(json.dumps(["projects", self.project]).replace(" ", "").encode())
        return self.graphql_variables(node.decode())

    def graphql_variables(self, node_id: str) -> dict[str, Any]:
        return {
            "partner": self.partner,
            "id": node_id,
            "country": self.country,
            "status": self.status,
            "currency": self.currency,
            "text": self.text,
            "smallPartner": self.small_partner,
        }


PARAMETERS = """
SELECT
  (SELECT pa.code FROM project_partner pp JOIN partner pa ON pa.id = pp.partner_id
    WHERE pp.role = 'FUNDING' GROUP BY pa.code ORDER BY count(*) DESC, pa.code LIMIT 1)
    AS partner,
  (SELECT p.id FROM project p
    WHERE EXISTS (SELECT FROM beneficiary_group b WHERE b.project_id = p.id)
      AND EXISTS (SELECT FROM outcome o WHERE o.project_id = p.id)
      AND EXISTS (SELECT FROM project_programme pp WHERE pp.project_id = p.id)
    ORDER BY abs(p.id - (SELECT max(id) / 2 FROM project)), p.id LIMIT 1) AS project,
  (SELECT country_code FROM project_country GROUP BY country_code
    ORDER BY count(*) DESC, country_code LIMIT 1) AS country,
  (SELECT pa.code FROM project_partner pp JOIN partner pa ON pa.id = pp.partner_id
    GROUP BY pa.code HAVING count(*) >= 5 ORDER BY count(*), pa.code LIMIT 1) AS small_partner
"""
"""The top funder (Q2), a project near the middle that has groups, outcomes and a programme
(Q3), the country with the most projects (Q4), and the partner with the fewest projects
but five (Q2b: a page that is short whatever the scale)."""


def pick_parameters(row: Any) -> Parameters:
    return Parameters(
        partner=row["partner"],
        project=row["project"],
        country=row["country"],
        status="ACTIVE",
        currency="USD",
        text=SEARCH_TEXT,
        small_partner=row["small_partner"],
    )


def used_variables(document: str, variables: dict[str, Any]) -> dict[str, Any]:
    """The variables a document declares: servers refuse undeclared ones."""
    declared = set(re.findall(r"\$(\w+)\s*:", document))
    return {k: v for k, v in variables.items() if k in declared}


def parse(text: str | bytes) -> Any:
    """JSON with its numbers as decimals, so a money amount is compared exactly."""
    return json.loads(text, parse_float=Decimal)


def canonical(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | Decimal):
        return Decimal(value).normalize()
    if isinstance(value, str) and NUMERIC.fullmatch(value):
        try:
            return Decimal(value).normalize()
        except InvalidOperation:
            return value
    return value


def leaves(value: Any) -> Iterator[Any]:
    """Non-null scalar values in document order, without each system's ids."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in IGNORED_KEYS:
                yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    elif value is not None:
        yield canonical(value)


@dataclass(frozen=True)
class Digest:
    """What an answer says, shape aside."""

    values: Counter[Any]
    order: tuple[str, ...]

    @classmethod
    def of(cls, answer: Any, ordered: str | None) -> "Digest":
        values = list(leaves(answer))
        order: list[str] = []
        if ordered:
            pattern = re.compile(rf"{ordered}\d+")
            for value in values:
                if isinstance(value, str) and pattern.fullmatch(value) and value not in order:
                    order.append(value)
        return cls(Counter(values), tuple(order))

    def differences(self, other: "Digest") -> list[str]:
        """Human-readable differences, empty when the answers agree."""
        problems = []
        missing, extra = self.values - other.values, other.values - self.values
        if missing or extra:
            problems.append(
                f"values only in the first: {sample(missing)}; only in the second: {sample(extra)}"
            )
        if self.order != other.order:
            problems.append(f"order {sample(self.order)} vs {sample(other.order)}")
        return problems


def sample(items: Any, limit: int = 5) -> str:
    shown = list(items)[:limit]
    more = len(list(items)) - len(shown)
    return ", ".join(map(str, shown)) + (f" (+{more} more)" if more > 0 else "") or "none"


def partial_differences(question: Question, coopgraph: Any, postgraphile: Any) -> list[str]:
    """Where PostGraphile's answer to a question it answers in part disagrees with the same
    part of coopgraph's."""
    if question.name != "q5":
        raise ValueError(f"{question.name} has no partial comparison")
    ours, theirs = q5_counts(coopgraph), q5_counts(postgraphile)
    if ours == theirs:
        return []
    return [
        f"counts only in coopgraph's: {sample(ours - theirs)}; only in its: {sample(theirs - ours)}"
    ]


def q5_counts(answer: Any) -> Counter[Any]:
    """Q5 as far as PostGraphile answers it: (key, project count) per country and theme."""
    pairs: Counter[Any] = Counter()
    for grouping in answer.values():
        if "buckets" in grouping:
            rows = [(b["key"], b["projectCount"]) for b in grouping["buckets"]]
        else:
            rows = [
                (g["keys"][0], g["distinctCount"]["projectId"])
                for g in grouping["groupedAggregates"]
            ]
        pairs.update((key, canonical(count)) for key, count in rows)
    return pairs
