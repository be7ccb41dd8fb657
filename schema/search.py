"""The ``search`` root field: one ranked list across projects, programmes and results."""

import asyncio
from typing import Annotated, Any

import strawberry
from strawberry.dataloader import DataLoader

from db.search import search_records
from schema.errors import bad_user_input
from schema.filters import checked_search
from schema.info import Info
from schema.types.programme import Programme
from schema.types.project import Project
from schema.types.results import BeneficiaryGroup, Outcome

SearchResult = Annotated[
    Project | Programme | Outcome | BeneficiaryGroup,
    strawberry.union("SearchResult", description="A record a search can find."),
]


@strawberry.type(description="A record matching a search, with how well it matches.")
class SearchHit:
    rank: float = strawberry.field(description="Higher is better; comparable within a search.")
    snippet: str = strawberry.field(
        description="The matching passage, matched words wrapped in <mark>…</mark>."
    )
    node: SearchResult = strawberry.field(
        description="The record found: a Project, Programme, Outcome or BeneficiaryGroup."
    )


async def search(
    info: Info,
    query: Annotated[
        str,
        strawberry.argument(
            description='Web-search syntax: words (all must match, stemmed: "train" finds '
            '"training"), "quoted phrases", -excluded words, `or`.'
        ),
    ],
    first: Annotated[
        int,
        strawberry.argument(
            description="How many hits, best first: 0 to COOPGRAPH_MAX_PAGE_SIZE (100)."
        ),
    ] = 20,
) -> list[SearchHit]:
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
