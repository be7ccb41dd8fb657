"""Driving a system for a fixed time: HTTP with ``wrk``, the bare statement with asyncpg.

wrk sends the same POST over and over on ``concurrency`` keep-alive connections; its Lua
script reports the count and latency percentiles as one JSON line, and counts answers that
are HTTP errors or carry GraphQL ``errors`` (those would make a fast run meaningless).
"""

import asyncio
import json
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[%(body)s]==]
bad = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors":', 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "seconds": %%f, "p50_us": %%d, "p99_us": %%d, "failed": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50),
    latency:percentile(99), failed + e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass(frozen=True)
class Measurement:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    failed: int
    server_cpu_ms: float | None = None
    """CPU time of the server's process per finished request, where it has one of its own:
    what the server itself costs, apart from PostgreSQL's share."""

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(
    url: str,
    body: dict[str, Any],
    concurrency: int,
    seconds: float,
    cores: list[int] | None,
) -> Measurement:
    """``wrk`` for ``seconds`` (whole seconds, at least one), pinned to ``cores`` if given."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"body": json.dumps(body)})
    threads = min(concurrency, len(cores) if cores else 1)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{concurrency}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        script.name,
        url,
    ]
    if cores:
        command = ["taskset", "-c", ",".join(map(str, cores)), *command]
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        Path(script.name).unlink()
    report = json.loads(next(line for line in output.splitlines() if line.startswith("{")))
    return Measurement(
        requests=report["requests"],
        seconds=report["seconds"],
        p50_ms=report["p50_us"] / 1000,
        p99_ms=report["p99_us"] / 1000,
        failed=report["failed"],
    )


async def run_statement(
    dsn: str, sql: str, args: list[Any], concurrency: int, seconds: float, warmup: float
) -> Measurement:
    """The statement through asyncpg in a loop: ``concurrency`` clients on as many pooled
    connections, each sending it again as soon as it has the answer."""
    pool: Any = await asyncpg.create_pool(dsn, min_size=concurrency, max_size=concurrency)
    latencies: list[float] = []

    async def client(until: float, record: bool) -> None:
        while (began := time.perf_counter()) < until:
            await pool.fetchval(sql, *args)
            if record:
                latencies.append(time.perf_counter() - began)

    try:
        warm_until = time.perf_counter() + warmup
        await asyncio.gather(*(client(warm_until, False) for _ in range(concurrency)))
        began = time.perf_counter()
        until = began + seconds
        await asyncio.gather(*(client(until, True) for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    finally:
        await pool.close()
    ms = sorted(x * 1000 for x in latencies)
    quantiles = statistics.quantiles(ms, n=100) if len(ms) > 1 else ms * 99
    return Measurement(len(ms), elapsed, quantiles[49], quantiles[98], 0)
