"""How ``coopgraph serve`` runs uvicorn: the app, its server's shutdown, and the collector.

Shared by the one-process server and each worker of ``serve --workers N``
(``service.cli.workers``), so a worker serves exactly as a lone process does.
"""

import gc
import logging
import socket
import sys
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

from service.embedded import EmbeddedPostgres
from service.settings import Settings


def tune_garbage_collector() -> None:
    """A request makes tens of thousands of short-lived objects (one per field and row): at
    Python's default thresholds the collector ran mid-request, full passes pausing 30-250 ms.
    What exists once the app is loaded is frozen out of collection, and young generations are
    collected less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


class DrainingServer(uvicorn.Server):
    """On SIGTERM, subscriptions end at once, on every transport: uvicorn closes WebSockets
    itself (1012) but waits for HTTP answers, and a graphql-sse or multipart subscription
    never ends by itself, so it would hold the shutdown for the whole grace period."""

    def __init__(self, config: uvicorn.Config, app: Any = None) -> None:
        super().__init__(config)
        self.app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """The listeners close before the hub drains, as uvicorn's own shutdown begins: a
        client told to resume elsewhere (1012, ``SHUTTING_DOWN``) cannot reach this process
        again, however fast it reconnects."""
        for server in self.servers:
            server.close()
        hub = getattr(getattr(self.app, "state", None), "change_hub", None)
        if hub is not None:
            hub.drain()
        await super().shutdown(sockets)


def draining_server(
    settings: Settings,
    database_url: str,
    *,
    embedded: EmbeddedPostgres | None = None,
    host: str | None = None,
    port: int | None = None,
) -> DrainingServer:
    """The app on ``database_url`` behind uvicorn as ``serve`` runs it. Given ``embedded``,
    the app supervises that server (the one-process case); a worker is not given it, its
    parent supervises."""
    from service.app import create_app
    from service.http.connection_guard import server_options

    tune_garbage_collector()
    app = create_app(settings, database_url=database_url, embedded=embedded)
    config = uvicorn.Config(
        app,
        host=host or settings.host,
        port=port or settings.port,
        **server_options(settings),
    )
    return DrainingServer(config, app)


def worker_server(
    settings: Settings, database_url: str, embedded_status_file: Path | None = None
) -> DrainingServer:
    """The same server for one of ``serve --workers``, its app built once it runs (as
    uvicorn's app factory) rather than before: the worker's manager pings it from the
    start, and kills a worker that does not answer within five seconds, which building
    the app on a busy machine can take."""
    from service.http.connection_guard import server_options

    def build() -> Any:
        from service.app import create_app

        try:
            tune_garbage_collector()
            server.app = create_app(
                settings, database_url=database_url, embedded_status_file=embedded_status_file
            )
        except Exception:
            logging.getLogger(__name__).exception("the worker could not build its app")
            sys.exit(STARTUP_FAILURE)  # its manager stops rather than start it again and again
        return server.app

    server = DrainingServer(uvicorn.Config(build, factory=True, **server_options(settings)))
    return server
