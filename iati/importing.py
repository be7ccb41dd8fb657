"""Import IATI files: all of a file or none of it, unless told to skip what is invalid.

Each activity is written inside a savepoint, so one that the database refuses is undone
alone. By default the first problem stops all writing, reading goes on so that the report
names every problem, and the caller rolls the transaction back; with ``skip_invalid`` the
valid activities stay and the report lists the rest.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from db.writes import StaleVersion
from iati.reading import ByteStream, FileRefused, read_activities
from iati.records import Activity, Problem
from iati.saving import ActivityWriter, CodeTaken


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Activities left out because of their problems (with ``skip_invalid``)."""
    skip_invalid: bool = False

    @property
    def refused(self) -> bool:
        """Whether the import must be rolled back: a problem, and no leave to skip."""
        return bool(self.problems) and not self.skip_invalid


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
    for file in files:
        writer = ActivityWriter(conn, file_name=file.name, key_name=key_name)
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
    return report


async def _save(
    conn: AsyncConnection,
    writer: ActivityWriter,
    activity: Activity,
    file_name: str,
    report: ImportReport,
) -> list[Problem]:
    savepoint = await conn.begin_nested()
    try:
        outcome, problems = await writer.save(activity)
    except CodeTaken as taken:
        outcome, problems = "refused", [Problem(f"{taken.table} code {taken.code!r} is taken")]
    except StaleVersion as stale:
        message = f"its {stale.table} was changed by another write meanwhile; import again"
        outcome, problems = "refused", [Problem(message)]
    except IntegrityError as error:
        detail = str(error.orig).splitlines()[0] if error.orig else str(error)
        outcome, problems = "refused", [Problem(f"the database refused it: {detail}")]
    if problems:
        await savepoint.rollback()
        return [
            _in_file(Problem(p.message, p.line or activity.line, activity.identifier), file_name)
            for p in problems
        ]
    await savepoint.commit()
    setattr(report, outcome, getattr(report, outcome) + 1)
    return []


def _in_file(problem: Problem, file_name: str) -> Problem:
    return Problem(problem.message, problem.line, problem.activity, file_name)
