"""Import IATI files: all of a file or none of it, unless told to skip what is invalid.

Activities are written in batches (``ACTIVITIES_PER_BATCH``), each inside a savepoint. By
default the first problem stops all writing, reading goes on so that the report names
every problem, and the caller rolls the transaction back. Should the database refuse a
row of a batch, the batch is undone and written again one activity at a time, each in a
savepoint of its own, so the report names the activity refused; with ``skip_invalid``
the valid activities stay and the report lists the rest.

A thread reads the next batch (parsing, validating, mapping) while a batch is written
(``read_batches``): the two halves of an import's time, the reading's and the database's,
overlap instead of adding up.
"""

import asyncio
import queue
import threading
from collections.abc import AsyncGenerator, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from db.writes import StaleVersion
from iati.activity_rows import link_related_activities
from iati.reading import ByteStream, FileRefused, ReadActivity, read_activities
from iati.records import Activity, Problem
from iati.saving import ActivityWriter


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    older: list[str] = field(default_factory=list)
    """Activities left as they were: the database holds a newer version of each (a later
    ``last-updated-datetime``)."""
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Activities left out because of their problems (with ``skip_invalid``)."""
    warnings: list[Problem] = field(default_factory=list)
    """What the IATI rulesets warn about in the activities imported (kept on each)."""
    skip_invalid: bool = False

    @property
    def refused(self) -> bool:
        """Whether the import must be rolled back: a problem, and no leave to skip."""
        return bool(self.problems) and not self.skip_invalid

    @property
    def imported(self) -> int:
        """Activities the database now holds as the file says (or newer)."""
        return self.created + self.updated + self.unchanged + len(self.older)

    @property
    def nothing_imported(self) -> bool:
        """A file that imported no activity at all: an error, never a silent zero."""
        return self.refused or self.imported == 0


@dataclass
class IatiFile:
    name: str
    stream: ByteStream


def files_under(paths: Iterable[Path]) -> list[Path]:
    """The files named, and the ``.xml`` files inside the folders named, in name order."""
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.rglob("*.xml")) if path.is_dir() else [path])
    return found


ACTIVITIES_PER_BATCH = 200
"""Activities read ahead and written together: their projects looked up in one statement,
their records and rows written in one per table."""


@dataclass
class _ReadBatch:
    """Activities read in a row, and what stopped the file after them, if anything did."""

    reads: list[ReadActivity]
    refused: FileRefused | None = None


class _Reader:
    """Reads a file's batches in a thread of its own, one batch ahead of the writer: the
    parsing and mapping of the next batch run while the writer waits for the database.
    The queue holds one batch, so at most three are in memory (being read, waiting, being
    written) whatever the file's size."""

    def __init__(self, stream: ByteStream) -> None:
        self._stream = stream
        self._queue: queue.Queue[_ReadBatch | BaseException | None] = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="iati-reader", daemon=True)
        self._thread.start()

    def _put(self, item: _ReadBatch | BaseException | None) -> bool:
        """Hand over an item, unless the writer stopped taking them."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def _run(self) -> None:
        batch: list[ReadActivity] = []
        try:
            for read in read_activities(self._stream):
                if self._stop.is_set():  # the writer stopped: read no further
                    return
                batch.append(read)
                if len(batch) == ACTIVITIES_PER_BATCH:
                    if not self._put(_ReadBatch(batch)):
                        return
                    batch = []
        except FileRefused as error:
            self._put(_ReadBatch(batch, error))
        except BaseException as error:  # a reading bug: raised where the writer is
            self._put(error)
        else:
            if batch:
                self._put(_ReadBatch(batch))
        self._put(None)

    def _get(self) -> _ReadBatch | BaseException | None:
        """The next item; None once the writer stopped (a get waiting then must not wait
        for ever on a thread that puts nothing more)."""
        while not self._stop.is_set():
            try:
                return self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
        return None

    async def next(self) -> _ReadBatch | None:
        item = await asyncio.to_thread(self._get)
        if isinstance(item, BaseException):
            raise item
        return item

    def close(self) -> None:
        """Stop the thread (it ends after the activity it is reading, or its put's timeout)
        and wait for it, so the stream is no longer read once the import returns."""
        self._stop.set()
        self._thread.join()


async def read_batches(stream: ByteStream) -> AsyncGenerator[_ReadBatch, None]:
    """The file's activities in batches, read in a thread one batch ahead; the last batch
    carries the ``FileRefused`` that stopped the file, if one did."""
    reader = _Reader(stream)
    try:
        while (batch := await reader.next()) is not None:
            yield batch
            if batch.refused is not None:
                return
    finally:
        await asyncio.to_thread(reader.close)


async def import_files(
    conn: AsyncConnection,
    files: Iterable[IatiFile],
    *,
    key_name: str,
    skip_invalid: bool = False,
    on_activity: Callable[[], None] | None = None,
) -> ImportReport:
    report = ImportReport(skip_invalid=skip_invalid)
    writer = ActivityWriter(conn, key_name=key_name)
    for file in files:
        writer.file_name = file.name
        batches = read_batches(file.stream)
        try:
            async for batch in batches:
                if on_activity is not None:
                    for _ in batch.reads:
                        on_activity()
                if batch.reads:
                    await _import_batch(conn, writer, batch.reads, file.name, report)
                if batch.refused is not None:
                    report.problems.append(_in_file(batch.refused.problem, file.name))
        finally:
            await batches.aclose()
    if not report.refused:
        await link_related_activities(conn)
    return report


@dataclass
class _Saved:
    """An activity of a batch and what saving it did, counted once the batch is written."""

    activity: Activity
    outcome: str


async def _import_batch(
    conn: AsyncConnection,
    writer: ActivityWriter,
    batch: list[ReadActivity],
    file_name: str,
    report: ImportReport,
) -> None:
    """Write a batch of activities together, inside a savepoint. Should the database refuse
    any of it, the batch is undone and written again one activity at a time, each in a
    savepoint of its own, so the report names the activity refused and, with
    ``skip_invalid``, keeps the others."""
    savepoint = await conn.begin_nested()
    saved: list[_Saved] = []
    problems: list[tuple[ReadActivity, list[Problem]]] = []
    try:
        await writer.prefetch([r.usable for r in batch if r.usable is not None])
        for read in batch:
            found = [_in_file(p, file_name) for p in read.problems]
            writing = report.skip_invalid or not (report.problems or problems)
            if read.usable is not None and writing:
                outcome, refusals = await writer.save(read.usable)
                found += [_located(p, read.usable, file_name) for p in refusals]
                if not refusals:
                    saved.append(_Saved(read.usable, outcome))
            elif read.activity is not None:
                found += [_in_file(p, file_name) for p in await writer.check(read.activity)]
            if found:
                problems.append((read, found))
        if report.skip_invalid or not (report.problems or problems):
            await writer.flush()
    except (StaleVersion, IntegrityError):
        await savepoint.rollback()
        writer.forget()
        for read in batch:
            await _import_alone(conn, writer, read, file_name, report)
        return
    await savepoint.commit()
    if not report.skip_invalid and (report.problems or problems):
        writer.forget()  # the import is refused: what waits would never be written
    for done in saved:
        _count(report, done.activity, done.outcome, file_name)
    for read, found in problems:
        _report_problems(report, read, found)


async def _import_alone(
    conn: AsyncConnection,
    writer: ActivityWriter,
    read: ReadActivity,
    file_name: str,
    report: ImportReport,
) -> None:
    found = [_in_file(p, file_name) for p in read.problems]
    if read.usable is not None and (report.skip_invalid or not report.problems):
        found += await _save(conn, writer, read.usable, file_name, report)
    elif read.activity is not None:
        found += [_in_file(p, file_name) for p in await writer.check(read.activity)]
    _report_problems(report, read, found)


def _report_problems(report: ImportReport, read: ReadActivity, problems: list[Problem]) -> None:
    if problems:
        report.problems.extend(problems)
        if read.identifier:
            report.skipped.append(read.identifier)


async def _save(
    conn: AsyncConnection,
    writer: ActivityWriter,
    activity: Activity,
    file_name: str,
    report: ImportReport,
) -> list[Problem]:
    """Save one activity and write it, in a savepoint: the database refusing it undoes it
    alone."""
    savepoint = await conn.begin_nested()
    try:
        outcome, problems = await writer.save(activity)
        if not problems:
            await writer.flush()
    except StaleVersion as stale:
        message = f"its {stale.table} was changed by another write meanwhile; import again"
        outcome, problems = "refused", [Problem(message)]
    except IntegrityError as error:
        outcome, problems = "refused", [Problem(_refusal(error))]
    if problems:
        await savepoint.rollback()
        writer.forget()
        return [_located(p, activity, file_name) for p in problems]
    await savepoint.commit()
    _count(report, activity, outcome, file_name)
    return []


def _count(report: ImportReport, activity: Activity, outcome: str, file_name: str) -> None:
    if outcome == "older":
        report.older.append(activity.identifier)
    else:
        setattr(report, outcome, getattr(report, outcome) + 1)
    report.warnings.extend(
        Problem(w.message, w.line, activity.identifier, file_name, w.element)
        for w in activity.warnings
    )


def _located(problem: Problem, activity: Activity, file_name: str) -> Problem:
    """A problem saving found, at the activity's line unless it names its own."""
    return _in_file(
        Problem(
            problem.message,
            problem.line or activity.line,
            activity.identifier,
            element=problem.element,
        ),
        file_name,
    )


def _refusal(error: IntegrityError) -> str:
    """What a constraint said, without the driver's class names: e.g. a code that another
    project's record already has."""
    # SQLAlchemy's adapter wraps the driver's error; ``db.table_copy`` raises it bare.
    cause = None if error.orig is None else error.orig.__cause__ or error.orig
    constraint = getattr(cause, "constraint_name", None)
    detail = getattr(cause, "detail", None)
    return (
        "the database refused it"
        + (f" ({constraint})" if constraint else "")
        + (f": {detail}" if detail else "")
    )


def _in_file(problem: Problem, file_name: str) -> Problem:
    return Problem(problem.message, problem.line, problem.activity, file_name, problem.element)
