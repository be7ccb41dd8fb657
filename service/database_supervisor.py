"""Keeps the embedded PostgreSQL running while the service runs.

Every ``check_seconds`` it looks whether the postmaster is alive (its ``postmaster.pid``
and that process); when it is not (``kill -9``, the OOM killer) it starts the server again,
in a worker thread so requests meanwhile answer ``SERVICE_UNAVAILABLE`` rather than wait.
Its state is part of ``/readyz``. Under ``serve --workers`` the parent supervises and the
workers answer ``/readyz``: the parent publishes the state in a file of the data directory
(``status_file``), which each worker reads. A server named by ``DATABASE_URL`` is not this process's
to restart: that is the job of whatever runs it (systemd, compose, the cloud provider).
"""

import asyncio
import contextlib
import json
import logging
import os
import time
from pathlib import Path
from typing import Literal

from service.embedded import EmbeddedPostgres

log = logging.getLogger(__name__)

State = Literal["running", "restarting", "down"]

STATUS_FILE = "supervisor-status.json"


def status_file_of(embedded: EmbeddedPostgres) -> Path:
    """Beside the server's data, in the directory the service owns."""
    return embedded.pgdata.parent / STATUS_FILE


def published_status(path: Path) -> dict[str, object]:
    """What the supervising process last published; ``unknown`` while it has published
    nothing readable (a worker may answer before the parent's first write lands)."""
    try:
        status = json.loads(path.read_text())
    except (OSError, ValueError):
        return {"state": "unknown"}
    return status if isinstance(status, dict) else {"state": "unknown"}


class DatabaseSupervisor:
    def __init__(
        self,
        embedded: EmbeddedPostgres,
        *,
        check_seconds: float = 1.0,
        status_file: Path | None = None,
    ) -> None:
        self.embedded = embedded
        self.check_seconds = check_seconds
        self.status_file = status_file
        self.state: State = "running"
        self.restarts = 0
        self.last_restart_seconds: float | None = None
        self._published: dict[str, object] | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._publish()
        self._task = asyncio.create_task(self._run(), name="database-supervisor")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def status(self) -> dict[str, object]:
        return {
            "state": self.state,
            "restarts": self.restarts,
            "last_restart_seconds": self.last_restart_seconds,
        }

    def _publish(self) -> None:
        """Written whole and renamed into place, so a reader never sees half of it; only
        when it changed, not every second."""
        status = self.status()
        if self.status_file is None or status == self._published:
            return
        partial = self.status_file.with_suffix(".partial")
        partial.write_text(json.dumps({**status, "supervisor_pid": os.getpid()}))
        os.replace(partial, self.status_file)
        self._published = status

    async def _run(self) -> None:
        outage_began: float | None = None
        while True:
            await asyncio.sleep(self.check_seconds)
            if await asyncio.to_thread(self.embedded.postmaster_pid) is not None:
                if outage_began is not None:  # a start that timed out came up meanwhile
                    self._back(outage_began)
                    outage_began = None
                self.state = "running"
                self._publish()
                continue
            if outage_began is None:
                outage_began = time.monotonic()
            self.state = "restarting"
            self._publish()
            log.warning("the embedded PostgreSQL is not running; starting it again")
            try:
                await asyncio.to_thread(self.embedded.restart_if_dead)
            except Exception as error:  # pg_ctl failed or timed out (replaying its log): retry
                self.state = "down"
                self._publish()
                log.warning("the embedded PostgreSQL did not start (%s); retrying", error)
                continue
            self._back(outage_began)
            outage_began = None

    def _back(self, outage_began: float) -> None:
        """Counted once per outage, however many starts it took: a start that timed out
        while the server replayed its log still brought it back."""
        self.restarts += 1
        self.state = "running"
        self.last_restart_seconds = round(time.monotonic() - outage_began, 3)
        self._publish()
        log.warning("the embedded PostgreSQL is back after %s s", self.last_restart_seconds)
