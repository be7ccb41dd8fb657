"""Slow and idle connections, refused by the HTTP protocol itself.

uvicorn's only timer on a connection is the keep-alive timeout, and it starts after a
response: a connection that never finishes its first request's headers (slowloris), or
never sends a byte, stays open for ever, each holding a socket and a slot of
``limit_concurrency``. This protocol, uvicorn's httptools one with three additions, closes:

- a connection whose request headers are not complete ``header_timeout`` seconds after it
  opened or after its previous response (answered 408 first: the client may retry);
- a request whose body stalls for ``body_timeout`` seconds between two chunks (as nginx's
  ``client_body_timeout``: a slow upload that keeps moving is fine);
- a connection past ``max_per_address`` open from one client address (HTTP and WebSocket
  alike; behind a proxy every client shares its address: the proxy sets the cap there).

``coopgraph serve`` runs uvicorn with it; ``deploy/nginx.conf`` sets the same in front.
"""

import asyncio
from typing import Any, ClassVar

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from service.settings import Settings

_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
)


class GuardedHttpProtocol(HttpToolsProtocol):
    header_timeout: ClassVar[float] = 10.0
    body_timeout: ClassVar[float] = 30.0
    max_per_address: ClassVar[int] = 100

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guard: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        address = self.client[0] if self.client else None
        if address is not None:
            same = sum(
                1 for c in self.connections if (getattr(c, "client", None) or ("",))[0] == address
            )
            if same > self.max_per_address:
                transport.close()
                return
        self._arm(self.header_timeout, timed_out_before_headers=True)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_headers_complete(self) -> None:
        self._arm(self.body_timeout, timed_out_before_headers=False)
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        self._arm(self.body_timeout, timed_out_before_headers=False)
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm(self.header_timeout, timed_out_before_headers=True)

    def handle_websocket_upgrade(self) -> None:
        self._disarm()
        super().handle_websocket_upgrade()

    def _arm(self, seconds: float, *, timed_out_before_headers: bool) -> None:
        self._disarm()
        self._guard = self.loop.call_later(seconds, self._expire, timed_out_before_headers)

    def _disarm(self) -> None:
        if self._guard is not None:
            self._guard.cancel()
            self._guard = None

    def _expire(self, before_headers: bool) -> None:
        self._guard = None
        if self.transport.is_closing():
            return
        if before_headers and (self.cycle is None or self.cycle.response_complete):
            self.transport.write(_TIMEOUT_RESPONSE)
        self.transport.close()


def guarded_protocol(
    *, header_timeout: float, body_timeout: float, max_per_address: int
) -> type[GuardedHttpProtocol]:
    """The protocol class with these bounds, for ``uvicorn.Config(http=...)``."""
    return type(
        "GuardedHttpProtocol",
        (GuardedHttpProtocol,),
        {
            "header_timeout": header_timeout,
            "body_timeout": body_timeout,
            "max_per_address": max_per_address,
        },
    )


def server_options(settings: Settings) -> dict[str, Any]:
    """How ``coopgraph serve`` runs uvicorn (and the tests that run it as it is served)."""
    return {
        # Slow and idle connections are closed; a WebSocket message is bounded like a body.
        "http": guarded_protocol(
            header_timeout=settings.header_timeout_seconds,
            body_timeout=settings.body_timeout_seconds,
            max_per_address=settings.max_connections_per_address,
        ),
        "timeout_keep_alive": settings.keep_alive_seconds,
        "limit_concurrency": settings.max_connections,
        "ws_max_size": settings.max_body_bytes,
        # The WebSocket heartbeat: a subscriber that stops answering pings is dropped.
        "ws_ping_interval": settings.ws_ping_seconds,
        "ws_ping_timeout": settings.ws_ping_seconds,
        # On SIGTERM: stop accepting, let requests in flight finish (subscribers get 1012
        # and resume elsewhere with `since`), then close the database pool.
        "timeout_graceful_shutdown": settings.shutdown_grace_seconds,
        "log_config": None if settings.log_format == "json" else uvicorn.config.LOGGING_CONFIG,
    }
