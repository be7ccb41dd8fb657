"""``importIati``: an IATI activity file uploaded through the GraphQL endpoint.

Uploads use the GraphQL multipart request spec. Strawberry leaves multipart off by default
because a browser can send such a form cross-site with the user's cookies; this API takes
no cookies (keys are Bearer tokens a page cannot attach on its own), so that attack has
nothing to ride on.
"""

from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from iati.importing import IatiFile, ImportReport, import_files
from iati.records import Problem
from schema.info import Info
from schema.mutations.running import run_write
from schema.permissions import IsAdmin


@strawberry.type(
    description="Something that stopped an activity or the file from importing, or (in "
    "`warnings`) something the IATI rulesets warn about in an activity imported all the same."
)
class IatiProblem:
    message: str = strawberry.field(description="What is wrong, for a person to fix.")
    line: int | None = strawberry.field(
        description="Line of the file where it is; null for a problem of the whole file."
    )
    element: str | None = strawberry.field(
        description="The element it is about, as a path inside the activity "
        "(`budget/value`); null where the whole activity or file is meant."
    )
    activity: str | None = strawberry.field(description="The activity's iati-identifier.")
    file: str | None = strawberry.field(description="Name of the file uploaded.")

    @classmethod
    def of(cls, p: Problem) -> "IatiProblem":
        return cls(
            message=p.message, line=p.line, element=p.element, activity=p.activity, file=p.file
        )


@strawberry.type(description="What an IATI import did, activity by activity.")
class IatiImportReport:
    created: int = strawberry.field(description="Activities new to the service, now projects.")
    updated: int = strawberry.field(
        description="Activities already imported (same iati-identifier) that changed."
    )
    unchanged: int = strawberry.field(
        description="Activities already imported and the same: a file imported twice."
    )
    older: list[str] = strawberry.field(
        description="Activities left as they are: the service holds a newer version (a later "
        "last-updated-datetime) of each."
    )
    skipped: list[str] = strawberry.field(description="Activities left out for their problems.")
    problems: list[IatiProblem] = strawberry.field(
        description="Problems of the activities skipped (with `skipInvalid`); empty otherwise."
    )
    warnings: list[IatiProblem] = strawberry.field(
        description="What the IATI rulesets warn about in the activities imported (a negative "
        "budget, percentages not adding up to 100...): imported all the same, and kept on "
        "each project."
    )


class _Refused(Exception):
    def __init__(self, report: ImportReport) -> None:
        self.report = report


def _problems(report: ImportReport) -> list[dict[str, Any]]:
    return [
        {
            "message": p.message,
            "line": p.line,
            "element": p.element,
            "activity": p.activity,
            "file": p.file,
        }
        for p in report.problems
    ]


@strawberry.mutation(
    description="Import an IATI 2.01-2.03 activity file (admin). Activities are matched by "
    "iati-identifier: a file imported twice changes nothing, a newer one updates in place. "
    "By default a file with any problem is refused whole (BAD_USER_INPUT listing every "
    "problem) and nothing changes; `skipInvalid` imports the valid activities. A file of "
    "which no activity could be imported is a BAD_USER_INPUT error too, never `created: 0`.",
    permission_classes=[IsAdmin],
)
async def import_iati(
    info: Info,
    file: Annotated[
        Upload,
        strawberry.argument(
            description="The IATI activity XML, sent as a multipart upload (GraphQL multipart "
            "request spec); at most COOPGRAPH_IATI_MAX_UPLOAD_BYTES, else PAYLOAD_TOO_LARGE."
        ),
    ],
    skip_invalid: Annotated[
        bool,
        strawberry.argument(
            description="Import the valid activities and report the others in `problems`, "
            "instead of refusing the whole file."
        ),
    ] = False,
) -> IatiImportReport:
    settings = info.context.settings
    size = getattr(file, "size", None)
    if size is not None and size > settings.iati_max_upload_bytes:
        raise GraphQLError(
            f"The file is {size} bytes; the most importIati takes is "
            f"{settings.iati_max_upload_bytes} (import larger files with `coopgraph import-iati`).",
            extensions={"code": "PAYLOAD_TOO_LARGE"},
        )
    # FastAPI hands over Starlette's UploadFile, spooled to disk past a size, so the parser
    # streams from it instead of holding the upload in memory.
    upload: UploadFile = file  # type: ignore[assignment]
    name = upload.filename or "upload.xml"

    async def write(conn: AsyncConnection, key_name: str) -> ImportReport:
        report = await import_files(
            conn, [IatiFile(name, upload.file)], key_name=key_name, skip_invalid=skip_invalid
        )
        if report.nothing_imported:
            raise _Refused(report)
        return report

    try:
        report = await run_write(info, write)
    except _Refused as refused:
        message = (
            f"The file was refused with {len(refused.report.problems)} problem(s); nothing "
            "was imported. Fix them, or pass `skipInvalid: true` to import the valid activities."
            if refused.report.refused
            else f"No activity of the file could be imported ({len(refused.report.problems)} "
            "problem(s)); nothing was imported."
        )
        raise GraphQLError(
            message, extensions={"code": "BAD_USER_INPUT", "problems": _problems(refused.report)}
        ) from refused
    return IatiImportReport(
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        older=report.older,
        skipped=report.skipped,
        problems=[IatiProblem.of(p) for p in report.problems],
        warnings=[IatiProblem.of(w) for w in report.warnings],
    )
