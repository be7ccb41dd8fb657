"""``coopgraph serve --workers N``: N server processes on one listening socket.

uvicorn's own process manager (``uvicorn.supervisors.Multiprocess``) runs them: the parent
binds the socket, spawns the workers (fresh interpreters: nothing of the parent's embedded
server handle, threads or event loop is copied into them), pings each one and replaces any
that died or stopped answering, and on SIGTERM or SIGINT sends SIGTERM to every worker and
waits for all of them. Each worker serves as a lone ``serve`` does
(``service.cli.serving.draining_server``): its own pool, its own change hub and ``LISTEN``
connection, the same drain on SIGTERM. What must happen once happens in the parent, before
the workers start (migrating, seeding) or for as long as they run: the embedded PostgreSQL
is held and supervised by the parent alone, so it stops when the parent ends, after every
worker has.

gunicorn (with ``uvicorn-worker``) would do the same job with two more dependencies, but it
forks: every worker would inherit the parent's embedded-server handle and its exit hook.

SIGHUP ends the service, as it ends a lone ``serve`` (uvicorn's manager would restart the
workers one by one, briefly running one more than N); SIGTTIN and SIGTTOU (one worker more
or fewer) are refused: the number of workers is part of the connection arithmetic against
PostgreSQL's ``max_connections`` (see the README's Deployment section).
"""

import asyncio
import ctypes
import logging
import signal
import socket
import sys
import threading
from pathlib import Path

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess, Process

from service.database_supervisor import DatabaseSupervisor, status_file_of
from service.embedded import EmbeddedPostgres
from service.settings import get_settings

log = logging.getLogger("uvicorn.error")

PR_SET_PDEATHSIG = 1


class WorkerProcess(Process):
    """One worker: it builds its own app and server once spawned."""

    def __init__(
        self,
        config: uvicorn.Config,
        sockets: list[socket.socket],
        database_url: str,
        embedded_status_file: Path | None,
    ):
        self.database_url = database_url
        self.embedded_status_file = embedded_status_file
        super().__init__(config, sockets)

    def target(self, sockets: list[socket.socket] | None = None) -> None:  # in the worker
        end_with_parent()
        from service.cli.serving import worker_server
        from service.observability import configure_json_logging

        settings = get_settings()
        if settings.log_format == "json":
            configure_json_logging()
        # Before uvicorn's health-check thread starts, which asks for ``self.server``.
        self._server = worker_server(settings, self.database_url, self.embedded_status_file)
        super().target(sockets)


def end_with_parent() -> None:
    """A worker left behind by a parent killed with SIGKILL would go on serving, its
    database (the embedded one) gone: the kernel sends it SIGTERM when its parent dies."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Workers(Multiprocess):
    """uvicorn's manager, spawning ``WorkerProcess``es."""

    def __init__(
        self,
        config: uvicorn.Config,
        sockets: list[socket.socket],
        database_url: str,
        embedded_status_file: Path | None = None,
    ):
        super().__init__(config, sockets)
        self.database_url = database_url
        self.embedded_status_file = embedded_status_file
        self.signalled: int | None = None
        """The signal that ended the run, raised again by the caller once all is stopped."""

    def new_process(self) -> WorkerProcess:
        return WorkerProcess(
            self.config, self.sockets, self.database_url, self.embedded_status_file
        )

    def init_processes(self) -> None:
        for _ in range(self.processes_num):
            process = self.new_process()
            process.start()
            self.processes.append(process)

    def keep_subprocess_alive(self) -> None:
        """uvicorn's, with this class's workers as replacements."""
        if self.should_exit.is_set():
            return
        for index, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # hung: it did not answer the ping
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                log.error("worker [%s] failed to start; stopping", process.pid)
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            log.warning(
                "worker [%s] died (exit code %s); starting another", process.pid, process.exitcode
            )
            replacement = self.new_process()
            replacement.start()
            self.processes[index] = replacement

    def handle_int(self) -> None:
        self.signalled = signal.SIGINT
        super().handle_int()

    def handle_term(self) -> None:
        self.signalled = signal.SIGTERM
        super().handle_term()

    def handle_hup(self) -> None:
        log.info("Received SIGHUP, exiting.")
        self.signalled = signal.SIGHUP
        self.should_exit.set()

    def handle_ttin(self) -> None:
        log.warning("SIGTTIN ignored: the number of workers is set by --workers")

    def handle_ttou(self) -> None:
        log.warning("SIGTTOU ignored: the number of workers is set by --workers")


class SupervisorThread:
    """The embedded server's supervisor (``service.database_supervisor``), on an event
    loop of its own in the parent, whose main thread runs the workers' manager. It publishes
    the server's state for the workers' ``/readyz``."""

    def __init__(self, embedded: EmbeddedPostgres) -> None:
        self.status_file = status_file_of(embedded)
        self.supervisor = DatabaseSupervisor(embedded, status_file=self.status_file)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="database-supervisor", daemon=True
        )

    def start(self) -> None:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.supervisor.start(), self.loop).result()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.supervisor.stop(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


def run_workers(
    count: int, database_url: str, host: str, port: int, embedded: EmbeddedPostgres | None
) -> int | None:
    """Serve with ``count`` workers until a signal ends them all; the signal, if one did."""
    settings = get_settings()
    config = uvicorn.Config(
        "service.app:create_app",  # not loaded here: each worker builds its own app
        host=host,
        port=port,
        workers=count,
        # A spawned worker answers pings once it has imported the command line's modules:
        # seconds on a busy machine, past uvicorn's default of five.
        timeout_worker_healthcheck=settings.worker_healthcheck_seconds,
        log_config=None if settings.log_format == "json" else uvicorn.config.LOGGING_CONFIG,
    )
    listening = config.bind_socket()
    supervisor = SupervisorThread(embedded) if embedded is not None else None
    if supervisor is not None:
        supervisor.start()
    try:
        status_file = supervisor.status_file if supervisor is not None else None
        workers = Workers(config, [listening], database_url, status_file)
        workers.run()
    finally:
        if supervisor is not None:
            supervisor.stop()
        listening.close()
    return workers.signalled
