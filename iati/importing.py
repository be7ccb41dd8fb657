"""Import IATI files: all of a file or none of it, unless told to skip what is invalid.

By default the first problem stops all writing, reading goes on so that the report names
every problem, and the caller rolls the transaction back; with ``skip_invalid`` each
activity is written inside a savepoint, so one the database refuses is undone alone, the
valid activities stay and the report lists the rest.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from db.writes import StaleVersion
from iati.activity_rows import link_related_activities
from iati.reading import ByteStream, FileRefused, read_activities
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
        try:
            for read in read_activities(file.stream):
                if on_activity is not None:
                    on_activity()
                problems = [_in_file(p, file.name) for p in read.problems]
                writing = skip_invalid or not report.problems
                if read.usable is not None and writing:
                    problems = await _save(conn, writer, read.usable, file.name, report)
                elif read.activity is not None:
                    problems += [_in_file(p, file.name) for p in await writer.check(read.activity)]
                if problems:
                    report.problems.extend(problems)
                    if read.identifier:
                        report.skipped.append(read.identifier)
        except FileRefused as refused:
            report.problems.append(_in_file(refused.problem, file.name))
        if not report.refused:
            await writer.flush()
    if not report.refused:
        await link_related_activities(conn)
    return report


async def _save(
    conn: AsyncConnection,
    writer: ActivityWriter,
    activity: Activity,
    file_name: str,
    report: ImportReport,
) -> list[Problem]:
    """Save one activity. With ``skip_invalid`` it gets a savepoint, so the database refusing
    it undoes it alone; otherwise its first problem ends all writing and the caller rolls
    back, so a savepoint per activity would be two statements for nothing."""
    savepoint = await conn.begin_nested() if report.skip_invalid else None
    try:
        outcome, problems = await writer.save(activity)
    except StaleVersion as stale:
        message = f"its {stale.table} was changed by another write meanwhile; import again"
        outcome, problems = "refused", [Problem(message)]
    except IntegrityError as error:
        outcome, problems = "refused", [Problem(_refusal(error))]
    if problems:
        if savepoint is not None:
            await savepoint.rollback()
            writer.forget()
        return [
            _in_file(
                Problem(p.message, p.line or activity.line, activity.identifier, element=p.element),
                file_name,
            )
            for p in problems
        ]
    if savepoint is not None:
        await savepoint.commit()
    if outcome == "older":
        report.older.append(activity.identifier)
    else:
        setattr(report, outcome, getattr(report, outcome) + 1)
    report.warnings.extend(
        Problem(w.message, w.line, activity.identifier, file_name, w.element)
        for w in activity.warnings
    )
    return []


def _refusal(error: IntegrityError) -> str:
    """What a constraint said, without the driver's class names: e.g. a code that another
    project's record already has."""
    # SQLAlchemy's adapter wraps the driver's error; ``iati.table_copy`` raises it bare.
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
