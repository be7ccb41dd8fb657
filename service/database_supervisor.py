"""Keeps the embedded PostgreSQL running while the service runs.

Every ``check_seconds`` it looks whether the postmaster is alive (its ``postmaster.pid``
and that process); when it is not (``kill -9``, the OOM killer) it starts the server again,
in a worker thread so requests meanwhile answer ``SERVICE_UNAVAILABLE`` rather than wait.
Its state is part of ``/readyz``. A server named by ``DATABASE_URL`` is not this process's
to restart: that is the job of whatever runs it (systemd, compose, the cloud provider).
"""

import asyncio
import contextlib
import logging
import time
from typing import Literal

from service.embedded import EmbeddedPostgres

log = logging.getLogger(__name__)

State = Literal["running", "restarting", "down"]


class DatabaseSupervisor:
    def __init__(self, embedded: EmbeddedPostgres, *, check_seconds: float = 1.0) -> None:
        self.embedded = embedded
        self.check_seconds = check_seconds
        self.state: State = "running"
        self.last_restart_seconds: float | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="database-supervisor")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def status(self) -> dict[str, object]:
        return {
            "state": self.state,
            "restarts": self.embedded.restarts,
            "last_restart_seconds": self.last_restart_seconds,
        }

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.check_seconds)
            if await asyncio.to_thread(self.embedded.postmaster_pid) is not None:
                self.state = "running"
                continue
            self.state = "restarting"
            log.warning("the embedded PostgreSQL is not running; starting it again")
            started = time.monotonic()
            try:
                await asyncio.to_thread(self.embedded.restart_if_dead)
            except Exception as error:  # pg_ctl failed (backends of the dead one linger): retry
                self.state = "down"
                log.warning("the embedded PostgreSQL did not start (%s); retrying", error)
                continue
            self.state = "running"
            self.last_restart_seconds = round(time.monotonic() - started, 3)
            log.warning("the embedded PostgreSQL is back after %s s", self.last_restart_seconds)
