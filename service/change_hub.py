"""Committed changes, heard from PostgreSQL and handed to this process's subscribers.

Every write's transaction sends a ``NOTIFY`` when it commits (migration 0005), so a change
written through any replica reaches the subscribers of every replica, and a rolled-back
write reaches none. The hub ``LISTEN``s on one dedicated connection; a notification only
wakes it, and it reads the changes after the last position it delivered from the audit
trail, so notifications may coalesce or be lost (a restart of the database) without a
change being skipped: after reconnecting it reads on from where it was.

Each subscriber has a bounded queue. One that falls behind by more than its size is marked
slow, and its subscription is ended with a clear reason, rather than holding the changes
for it in memory without limit.
"""

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg
from sqlalchemy.engine import RowMapping, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from db.changes import CHANNEL, changes_after, last_position

log = logging.getLogger(__name__)


class SlowConsumer(Exception):
    pass


class Subscriber:
    def __init__(self, buffer: int) -> None:
        self.queue: asyncio.Queue[RowMapping] = asyncio.Queue(maxsize=buffer)
        self.buffer = buffer
        self.slow = asyncio.Event()

    def offer(self, change: RowMapping) -> None:
        if self.slow.is_set():
            return
        try:
            self.queue.put_nowait(change)
        except asyncio.QueueFull:
            self.slow.set()

    async def next(self) -> RowMapping:
        """The next change; ``SlowConsumer`` once the queue overflowed."""
        if self.slow.is_set():
            raise SlowConsumer()
        getting = asyncio.ensure_future(self.queue.get())
        falling_behind = asyncio.ensure_future(self.slow.wait())
        try:
            await asyncio.wait({getting, falling_behind}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            falling_behind.cancel()
        if getting.done():
            return getting.result()
        getting.cancel()
        raise SlowConsumer()


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ChangeHub:
    def __init__(
        self,
        engine: AsyncEngine,
        url: str,
        *,
        buffer: int = 1000,
        reconnect_delay: float = 1.0,
    ) -> None:
        self.engine = engine
        self.dsn = _asyncpg_dsn(url)
        self.buffer = buffer
        self.reconnect_delay = reconnect_delay
        self.position: int | None = None
        """The last change handed to the subscribers; read when the hub first connects."""
        self.subscribers: set[Subscriber] = set()
        self.listening = asyncio.Event()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start listening in the background: the service starts even while the database
        is down, and the hub connects when it can."""
        self._task = asyncio.create_task(self._run(), name="change-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def subscribe(self) -> Subscriber:
        subscriber = Subscriber(self.buffer)
        self.subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)

    async def _run(self) -> None:
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("change listener lost its connection (%s); reconnecting", error)
            self.listening.clear()
            await asyncio.sleep(self.reconnect_delay)

    async def _listen(self) -> None:
        connection: Any = await asyncpg.connect(self.dsn)
        lost = asyncio.Event()
        try:
            connection.add_termination_listener(lambda _: lost.set())
            await connection.add_listener(CHANNEL, lambda *_: self._wake.set())
            self.listening.set()
            self._wake.set()  # read what was committed while nobody listened
            while not lost.is_set():
                woken = asyncio.ensure_future(self._wake.wait())
                closed = asyncio.ensure_future(lost.wait())
                await asyncio.wait({woken, closed}, return_when=asyncio.FIRST_COMPLETED)
                woken.cancel()
                closed.cancel()
                if self._wake.is_set():
                    self._wake.clear()
                    await self._deliver()
        finally:
            with contextlib.suppress(Exception):
                await connection.close(timeout=1)

    async def _deliver(self) -> None:
        while True:
            async with self.engine.connect() as conn:
                if self.position is None:
                    self.position = await last_position(conn)
                changes = await changes_after(conn, self.position)
            if not changes:
                return
            for change in changes:
                for subscriber in list(self.subscribers):
                    subscriber.offer(change)
            self.position = changes[-1]["position"]
