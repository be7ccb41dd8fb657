"""The finance questions (Q7 ``financeStats`` by year and country, Q8 a depth-3
``fundingFlow``) against their SQL floors, without the rest of ``run.sh``'s systems:

    .venv/bin/python bench/finance_floor.py [--scale 1] [--duration 5] [--questions q7,q8]

Each question is asked of the app in this process (the whole ASGI stack, as
``profile_request.py`` does, one request at a time) and its floor statement is run through
asyncpg, each for ``--duration`` seconds; the answers are compared as ``run.py`` compares
them (``answers.Digest``), and the medians printed with their ratio. One client, no
socket: a first look at the statement's cost, not a throughput figure.
"""

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))

import asyncpg
from answers import PARAMETERS, Digest, load_questions, parse, pick_parameters, used_variables
from generate import create, database_name, made_with, marker
from scratch import REPO, Server
from systems import asyncpg_dsn

sys.path.insert(0, str(REPO))

from service.app import create_app
from service.settings import Settings

QUESTIONS = ("q7", "q8")
STATEMENT_TIMEOUT = 120.0
"""Seconds: a slow answer is measured rather than cut off at the service's default."""


async def _timed(duration: float, ask: Any) -> tuple[list[float], Any]:
    answer = await ask()  # a first answer warms the caches
    seconds: list[float] = []
    until = time.perf_counter() + duration
    while time.perf_counter() < until:
        began = time.perf_counter()
        answer = await ask()
        seconds.append(time.perf_counter() - began)
    return seconds, answer


async def run(scale: float, seed: int, duration: float, names: Sequence[str]) -> None:
    server = Server()
    name = database_name(scale, seed)
    if await made_with(server, name) != marker(scale, seed):
        await create(server, name, scale, seed)
    url = server.url(name)
    connection = await asyncpg.connect(asyncpg_dsn(url))
    settings = Settings(
        _env_file=None,
        database_url=url,
        seed_on_start=False,
        rate_limit_per_address="1000000000/minute",
        log_format="text",
        statement_timeout_seconds=STATEMENT_TIMEOUT,
    )
    app = create_app(settings)
    try:
        parameters = pick_parameters(await connection.fetchrow(PARAMETERS))
        questions = [q for q in load_questions() if q.name in names]
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for question in questions:
                    variables = used_variables(question.coopgraph, parameters.coopgraph_variables())
                    body = {"query": question.coopgraph, "variables": variables}

                    async def ask_coopgraph(body: dict[str, Any] = body) -> Any:
                        answer = parse((await client.post("/graphql", json=body)).content)
                        if "errors" in answer:
                            raise RuntimeError(str(answer["errors"])[:500])
                        return answer

                    floor_args = parameters.sql_args(question)

                    async def ask_floor(
                        sql: str = question.sql, args: list[Any] = floor_args
                    ) -> Any:
                        return parse(await connection.fetchval(sql, *args))

                    ours, answer = await _timed(duration, ask_coopgraph)
                    floor, floor_answer = await _timed(duration, ask_floor)
                    problems = Digest.of(answer, None).differences(Digest.of(floor_answer, None))
                    a, b = statistics.median(ours) * 1000, statistics.median(floor) * 1000
                    print(
                        f"{question.name}: coopgraph {a:.1f} ms ({len(ours)} requests), "
                        f"floor {b:.1f} ms ({len(floor)} statements), {a / b:.2f}x the floor; "
                        + ("same answers" if not problems else f"answers differ: {problems}"),
                        flush=True,
                    )
    finally:
        await connection.close()
    print("load average " + " ".join(f"{x:.1f}" for x in os.getloadavg()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--questions", default=",".join(QUESTIONS))
    args = parser.parse_args()
    asyncio.run(run(args.scale, args.seed, args.duration, args.questions.split(",")))


if __name__ == "__main__":
    main()
