"""Rate limits: per API key for requests that present one, per client address for the rest.

A request over its limit gets HTTP 429 with ``Retry-After`` and a GraphQL-shaped error
``RATE_LIMITED``. A key is identified by a hash of the token it presents, so a made-up token
cannot spend a real key's allowance. The client address is the connection's, unless that
connection comes from a proxy listed in ``COOPGRAPH_TRUSTED_PROXIES``: then the nearest
address in ``X-Forwarded-For`` that is not a trusted proxy.

The counters live in ``COOPGRAPH_RATE_LIMIT_STORAGE`` (the ``limits`` library's storage URIs):
``async+memory://`` keeps them in each process, so N replicas allow up to N times the limit;
a shared store (``async+redis://host:6379``, with the redis client installed) makes the
limit hold across replicas.

The window slides: the count is this minute's requests plus the last minute's, weighted by
how much of it still lies within the window, so a client cannot spend two allowances across
a minute's boundary. That takes two counters per client; an exact moving window keeps a
timestamp per request instead, and its memory store trims them in a worker thread after
every request: most of what a limit cost.
"""

import hashlib
import ipaddress
import math
import time
from collections.abc import Sequence

from limits import RateLimitItem, parse
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Receive, Scope, Send

from service.http.error_bodies import send_error

LIMITED_PATHS = ("/graphql", "/iati/")


class RateLimits:
    def __init__(
        self,
        app: ASGIApp,
        *,
        per_key: str,
        per_address: str,
        storage: str,
        trusted_proxies: Sequence[str],
    ) -> None:
        self.app = app
        self.per_key: RateLimitItem = parse(per_key)
        self.per_address: RateLimitItem = parse(per_address)
        self.limiter = SlidingWindowCounterRateLimiter(storage_from_string(storage))
        self.trusted = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(LIMITED_PATHS):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        token = _bearer(headers.get(b"authorization", b"").decode("latin-1"))
        if token is not None:
            limit, identity = self.per_key, "key:" + hashlib.sha256(token.encode()).hexdigest()
        else:
            limit, identity = self.per_address, "address:" + self.client_address(scope)
        if await self.limiter.hit(limit, identity):
            await self.app(scope, receive, send)
            return
        stats = await self.limiter.get_window_stats(limit, identity)
        await _refuse(send, max(1, math.ceil(stats.reset_time - time.time())), str(limit))

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def client_address(self, scope: Scope) -> str:
        client = scope.get("client")
        address = client[0] if client else "unknown"
        if not self._trusted(address):
            return str(address)
        forwarded = dict(scope["headers"]).get(b"x-forwarded-for", b"").decode("latin-1")
        hops: list[str] = [h.strip() for h in forwarded.split(",") if h.strip()]
        for hop in reversed(hops):
            if not self._trusted(hop):
                return hop
        return str(address)


def _bearer(header: str) -> str | None:
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def _refuse(send: Send, retry_after: int, limit: str) -> None:
    await send_error(
        send,
        429,
        f"Too many requests (limit {limit}); retry in {retry_after} s.",
        "RATE_LIMITED",
        headers={"Retry-After": str(retry_after)},
        retryAfter=retry_after,
    )
