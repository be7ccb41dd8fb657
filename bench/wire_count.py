"""A PostgreSQL wire-protocol relay that counts what clients send: statements per request.

The embedded server has no ``pg_stat_statements`` and a driver-side hook would miss what
the driver sends by itself (pool pings, ``BEGIN``/``ROLLBACK``, prepares), so the count is
taken on the wire, between a server (coopgraph, PostGraphile) and PostgreSQL, for any
client and any PostgreSQL. Every simple ``Query`` and every ``Execute`` of the extended
protocol is a statement run, sorted by its text (that of the statement last bound) into
queries, transaction control and pings; every ``Sync`` and simple ``Query`` is a round trip
the client waits on; every ``Parse`` is a statement (re)prepared.

It refuses TLS (answering ``N`` to ``SSLRequest``, which clients that prefer TLS accept), so
that it can read the messages; the benchmark only counts through it, never times.
"""

import asyncio
import struct
from collections import Counter
from contextlib import suppress

import sqlalchemy as sa

SSL_REQUEST = 80877103
GSS_REQUEST = 80877104
TRANSACTION_CONTROL = {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"}
KINDS = ("queries", "transaction control", "pings")
"""What a statement run is counted as."""


def kind_of(sql: str) -> str:
    words = sql.strip().rstrip(";").split()
    if not words or [w.upper() for w in words] == ["SELECT", "1"]:
        return "pings"
    return "transaction control" if words[0].upper() in TRANSACTION_CONTROL else "queries"


class WireCounter:
    """Listens on 127.0.0.1 and relays each connection to the server of ``upstream_url``."""

    def __init__(self, upstream_url: str) -> None:
        url = sa.engine.make_url(upstream_url)
        socket_dir = url.query.get("host")
        self.upstream_url = url
        self.unix_path = f"{socket_dir}/.s.PGSQL.{url.port or 5432}" if socket_dir else None
        self.counts: Counter[str] = Counter()
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            with suppress(TimeoutError):
                await asyncio.wait_for(self.server.wait_closed(), 5)

    def url(self, drivername: str) -> str:
        """The upstream URL with the relay for its server, rendered for ``drivername``."""
        url = self.upstream_url.set(drivername=drivername, host="127.0.0.1", port=self.port)
        return url.difference_update_query(["host"]).render_as_string(hide_password=False)

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.unix_path:
            return await asyncio.open_unix_connection(self.unix_path)
        url = self.upstream_url
        return await asyncio.open_connection(url.host, url.port or 5432)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader = upstream_writer = None
        try:
            # Untyped start-up messages: refuse encryption, then pass the startup packet on.
            while True:
                head = await reader.readexactly(8)
                length, code = struct.unpack("!ii", head)
                body = await reader.readexactly(length - 8)
                if code in (SSL_REQUEST, GSS_REQUEST):
                    writer.write(b"N")
                    await writer.drain()
                    continue
                upstream_reader, upstream_writer = await self._open_upstream()
                upstream_writer.write(head + body)
                break
            back = asyncio.create_task(pipe(upstream_reader, writer))
            try:
                await self._count(reader, upstream_writer)
            finally:
                back.cancel()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            for stream in (writer, upstream_writer):
                if stream is not None:
                    stream.close()

    async def _count(self, reader: asyncio.StreamReader, upstream: asyncio.StreamWriter) -> None:
        """Relay typed messages, counting them, until the client goes."""
        prepared: dict[bytes, str] = {}
        bound = ""
        while True:
            kind = await reader.readexactly(1)
            size = await reader.readexactly(4)
            body = await reader.readexactly(struct.unpack("!i", size)[0] - 4)
            if kind == b"P":
                name, query, _ = body.split(b"\0", 2)
                prepared[name] = query.decode(errors="replace")
                self.counts["parses"] += 1
            elif kind == b"B":
                bound = prepared.get(body.split(b"\0", 2)[1], "")
            elif kind == b"E":
                self.counts[kind_of(bound)] += 1
            elif kind == b"Q":
                self.counts[kind_of(body.rstrip(b"\0").decode(errors="replace"))] += 1
                self.counts["round trips"] += 1
            elif kind == b"S":
                self.counts["round trips"] += 1
            upstream.write(kind + size + body)
            await upstream.drain()


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()
