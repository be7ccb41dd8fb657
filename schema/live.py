"""What subscriptions consume: a feed of committed changes, one bounded queue each.

The feed itself (``service.change_hub``) listens to PostgreSQL; the schema sees only this
interface, so it stays free of how changes arrive.
"""

import asyncio
from typing import Protocol

from sqlalchemy.engine import RowMapping


class SlowConsumer(Exception):
    pass


class ServerClosing(Exception):
    """The process is shutting down: the subscriber should resume elsewhere with ``since``."""


class TooManySubscriptions(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class Subscriber:
    def __init__(
        self, buffer: int, key_name: str | None = None, closing: asyncio.Event | None = None
    ) -> None:
        self.queue: asyncio.Queue[RowMapping] = asyncio.Queue(maxsize=buffer)
        self.buffer = buffer
        self.key_name = key_name
        self.slow = asyncio.Event()
        self.closing = closing or asyncio.Event()

    def offer(self, change: RowMapping) -> None:
        if self.slow.is_set():
            return
        try:
            self.queue.put_nowait(change)
        except asyncio.QueueFull:
            self.slow.set()

    async def next(self) -> RowMapping:
        """The next change; ``SlowConsumer`` once the queue overflowed, ``ServerClosing``
        once the process is shutting down."""
        getting = asyncio.ensure_future(self.queue.get())
        falling_behind = asyncio.ensure_future(self.slow.wait())
        closing = asyncio.ensure_future(self.closing.wait())
        try:
            await asyncio.wait(
                {getting, falling_behind, closing}, return_when=asyncio.FIRST_COMPLETED
            )
            if self.slow.is_set():
                raise SlowConsumer()
            if self.closing.is_set():
                raise ServerClosing()
            return getting.result()
        finally:
            getting.cancel()
            falling_behind.cancel()
            closing.cancel()


class ChangeFeed(Protocol):
    def subscribe(
        self, key_name: str | None = None, *, key_limit: int | None = None
    ) -> Subscriber: ...

    def unsubscribe(self, subscriber: Subscriber) -> None: ...
