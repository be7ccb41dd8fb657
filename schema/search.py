"""The ``search`` root field: one ranked list across projects, programmes and results.

On the compiled path (rules beside the fields) the page of hits, each hit's snippet and its
record come from one statement; the resolvers read the hits, then the records through the
loaders (one statement per kind)."""

import asyncio
from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION
from strawberry.dataloader import DataLoader

from db import queries
from db.json_select import Json, json_list
from db.search import best_first, best_matches, search_records, snippet
from schema.compiled.compiler import CannotCompile, Compiler, Request, compiled_field
from schema.errors import bad_user_input
from schema.filters import checked_search
from schema.info import Info
from schema.permissions import CanRead
from schema.types.programme import Programme
from schema.types.project import Project
from schema.types.results import BeneficiaryGroup, Outcome

SearchResult = Annotated[
    Project | Programme | Outcome | BeneficiaryGroup,
    strawberry.union("SearchResult", description="A record a search can find."),
]


@dataclass(frozen=True)
class Hit:
    """The scope of a ``SearchHit`` on the compiled path: a row of the best matches, and
    the query searched, parsed (its snippet is highlighted for it)."""

    best: sa.Subquery
    query: sa.ColumnElement[Any]


EMPTY_OBJECT: Json = sa.literal_column("'{}'::json")

RECORDS: dict[str, tuple[str, sa.Table]] = {
    "project": ("Project", queries.project),
    "programme": ("Programme", queries.programme),
    "outcome": ("Outcome", queries.outcome),
    "beneficiary_group": ("BeneficiaryGroup", queries.beneficiary_group),
}
"""Each kind ``db.search`` finds: its GraphQL type and its table."""


def hit_rank(compiler: Compiler, hit: Hit, request: Request) -> Json:
    """A ``real``, written as the double it reads back as, as the resolver answers it: a
    whole one as ``1.0``, as Python writes a float (PostgreSQL writes ``1``)."""
    rank = sa.cast(hit.best.c.rank, DOUBLE_PRECISION)
    whole = sa.and_(rank == sa.func.trunc(rank), sa.func.abs(rank) < 1e15)
    return sa.case(
        (whole, sa.cast(sa.cast(rank, sa.Text) + ".0", sa.JSON)), else_=sa.func.to_json(rank)
    )


def hit_snippet(compiler: Compiler, hit: Hit, request: Request) -> Json:
    return snippet(hit.best.c.document, hit.query)


def hit_node(compiler: Compiler, hit: Hit, request: Request) -> Json:
    """The record, of whichever type its kind is, with what the query selects on it."""
    whens = []
    for kind, (type_name, table) in RECORDS.items():
        if not compiler.selected(type_name, request.nodes):
            # Fragments on the other types only: the record is an empty object.
            whens.append((hit.best.c.kind == kind, EMPTY_OBJECT))
            continue
        target = table.alias()
        built = compiler.object(type_name, target, request.nodes, request.path)
        record = sa.select(built).where(target.c.id == hit.best.c.id).scalar_subquery()
        whens.append((hit.best.c.kind == kind, record))
    return sa.case(*whens)


@strawberry.type(description="A record matching a search, with how well it matches.")
class SearchHit:
    rank: float = compiled_field(
        hit_rank, description="Higher is better; comparable within a search."
    )
    snippet: str = compiled_field(
        hit_snippet,
        description="The matching passage, matched words wrapped in <mark>…</mark>.",
    )
    node: SearchResult = compiled_field(
        hit_node,
        description="The record found: a Project, Programme, Outcome or BeneficiaryGroup.",
    )


QueryText = Annotated[
    str,
    strawberry.argument(
        description='Web-search syntax: words (all must match, stemmed: "train" finds '
        '"training"), "quoted phrases", -excluded words, `or`.'
    ),
]
Hits = Annotated[
    int,
    strawberry.argument(
        description="How many hits, best first: 0 to COOPGRAPH_MAX_PAGE_SIZE (100)."
    ),
]


def search_hits(compiler: Compiler, root: None, request: Request) -> Json:
    """``search`` on the compiled path: the resolver's hits in its order; a text or a size
    it refuses is its to answer (with its error)."""
    arguments = compiler.arguments(request)
    try:
        text = checked_search(arguments["query"], "query")
    except GraphQLError as error:
        raise CannotCompile("a search the resolver refuses") from error
    first = arguments["first"]
    if not 0 <= first <= compiler.reader.max_page_size:
        raise CannotCompile("a number of hits the resolver refuses")
    matches = best_matches(text, first)
    best = matches.best
    built = compiler.object(
        request.returns.name, Hit(best, matches.query), request.nodes, request.path
    )
    return json_list(built, sa.select(best), best_first(best))


async def search(info: Info, query: QueryText, first: Hits = 20) -> list[SearchHit]:
    ctx = info.context
    text = checked_search(query, "query")
    if not 0 <= first <= ctx.settings.max_page_size:
        raise bad_user_input(
            f"`first` must be between 0 and {ctx.settings.max_page_size}.",
            argument="first",
            maximum=ctx.settings.max_page_size,
        )
    rows = await ctx.read(search_records, text, first)
    loaders: dict[str, DataLoader[Any, Any]] = {
        "project": ctx.loaders.project,
        "programme": ctx.loaders.programme,
        "outcome": ctx.loaders.outcome,
        "beneficiary_group": ctx.loaders.beneficiary_group,
    }
    # Scheduled together, the loads batch into one statement per kind of record.
    nodes = await asyncio.gather(*(loaders[row["kind"]].load(row["id"]) for row in rows))
    return [
        SearchHit(rank=row["rank"], snippet=row["snippet"], node=node)
        for row, node in zip(rows, nodes, strict=True)
    ]


search_field: list[SearchHit] = compiled_field(
    search_hits,
    resolver=search,
    permission_classes=[CanRead],
    description="Projects, programmes, outcomes and beneficiary groups matching a "
    'full-text search (web-search syntax: words, "phrases", -excluded), best first.',
)
