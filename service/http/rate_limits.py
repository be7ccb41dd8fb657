"""Rate limits: per API key for requests whose key was verified, per client address for
every other (no key, a made-up key, or a real key not yet seen by this process).

A request over its limit gets HTTP 429 with ``Retry-After`` and a GraphQL-shaped error
``RATE_LIMITED``. The limit cannot look the key up before the request (that is a database
round trip per request, refused ones included); instead the request's authentication,
once it has verified a key, says so (``VerifiedKeys``), and later requests presenting that
token count against the key for ``VERIFIED_FOR_SECONDS``. So a made-up bearer token never
gets a bucket of its own: its requests spend its address's allowance. A key is identified
by a hash of the token, so a guessed token cannot spend a real key's allowance either.

WebSockets count too: the upgrade is a request like any other, and every message a client
sends on the socket (``connection_init``, each ``subscribe``) spends its address's
allowance; a socket over it is closed with code 4429.

The client address is the connection's, unless that
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
from collections import OrderedDict
from collections.abc import Sequence

from limits import RateLimitItem, parse
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Receive, Scope, Send

from service.http.error_bodies import send_error

LIMITED_PATHS = ("/graphql", "/iati/")
VERIFIED_FOR_SECONDS = 60.0
MAX_VERIFIED_KEYS = 10_000
WEBSOCKET_RATE_LIMITED = 4429


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class VerifiedKeys:
    """Tokens this process has recently verified, by hash, most recent last (bounded)."""

    def __init__(self) -> None:
        self._until: OrderedDict[str, float] = OrderedDict()

    def verified(self, token: str) -> None:
        digest = _token_hash(token)
        self._until[digest] = time.monotonic() + VERIFIED_FOR_SECONDS
        self._until.move_to_end(digest)
        while len(self._until) > MAX_VERIFIED_KEYS:
            self._until.popitem(last=False)

    def holds(self, token: str) -> str | None:
        """The token's hash, if it was verified lately."""
        digest = _token_hash(token)
        until = self._until.get(digest)
        if until is None or until < time.monotonic():
            return None
        return digest


class RequestLimits:
    """The limits and their counters, shared by the HTTP middleware and the WebSockets."""

    def __init__(
        self,
        *,
        per_key: str,
        per_address: str,
        storage: str,
        trusted_proxies: Sequence[str],
    ) -> None:
        self.per_key: RateLimitItem = parse(per_key)
        self.per_address: RateLimitItem = parse(per_address)
        self.limiter = SlidingWindowCounterRateLimiter(storage_from_string(storage))
        self.trusted = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]
        self.verified_keys = VerifiedKeys()

    def bucket(self, scope: Scope) -> tuple[RateLimitItem, str]:
        headers = dict(scope["headers"])
        token = _bearer(headers.get(b"authorization", b"").decode("latin-1"))
        digest = None if token is None else self.verified_keys.holds(token)
        if digest is not None:
            return self.per_key, "key:" + digest
        return self.per_address, "address:" + self.client_address(scope)

    async def hit(self, scope: Scope) -> int | None:
        """Count a request; None if it may go on, else the seconds until it may retry."""
        limit, identity = self.bucket(scope)
        if await self.limiter.hit(limit, identity):
            return None
        stats = await self.limiter.get_window_stats(limit, identity)
        return max(1, math.ceil(stats.reset_time - time.time()))

    def _trusted(self, address: str) -> bool:
        if not self.trusted:
            return False  # no proxy to trust: no address to parse on every request
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


class RateLimits:
    def __init__(self, app: ASGIApp, *, limits: RequestLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not scope["path"].startswith(
            LIMITED_PATHS
        ):
            await self.app(scope, receive, send)
            return
        retry_after = await self.limits.hit(scope)
        if retry_after is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": WEBSOCKET_RATE_LIMITED})
        else:
            limit, _ = self.limits.bucket(scope)
            await _refuse(send, retry_after, str(limit))


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
