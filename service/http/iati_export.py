"""``GET /iati/activities.xml``: the projects as an IATI 2.03 file, streamed.

Query parameters are the ``projects`` filter (``service.export_filters``). How many selected
projects were left out for lacking what the schema requires is counted before the body is
sent, in ``X-IATI-Left-Out``, since a streamed body cannot carry it in its headers later.
"""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from iati.loading import count_left_out, project_activities
from iati.writing import ExportReport, NothingToExport, ReportingOrg, write_activities
from service.export_filters import FilterError, project_filter_criteria
from service.http.error_bodies import error_response
from service.http.graphql_router import principal_from_header

router = APIRouter()


@router.get("/iati/activities.xml", response_model=None)
async def iati_activities(request: Request) -> Response:
    settings = request.app.state.settings
    try:
        criteria = project_filter_criteria(request.query_params.multi_items())
    except FilterError as error:
        return error_response(400, str(error), "BAD_USER_INPUT")
    reporting = ReportingOrg(
        settings.iati_reporting_org_ref,
        settings.iati_reporting_org_name,
        settings.iati_reporting_org_type,
    )
    stack = AsyncExitStack()
    conn = await stack.enter_async_context(request.app.state.read_connections.connect())
    if not settings.public_reads:
        principal, _ = await principal_from_header(conn, request.headers.get("authorization"))
        if principal is None:
            await stack.aclose()
            return error_response(
                401, "Reading needs an API key on this server.", "UNAUTHENTICATED"
            )
    try:
        left_out = await count_left_out(conn, criteria)
        activities = project_activities(conn, criteria, reporting_ref=reporting.ref)
        pieces = await write_activities(activities, reporting, ExportReport())
    except NothingToExport:
        await stack.aclose()
        return error_response(
            404,
            f"No project can be exported ({left_out} selected lack what IATI requires): "
            "an IATI file needs at least one activity.",
            "NOT_FOUND",
        )
    except BaseException:
        await stack.aclose()
        raise

    async def body() -> AsyncIterator[bytes]:
        async with stack:
            async for piece in pieces:
                yield piece

    return StreamingResponse(
        body(),
        media_type="application/xml",
        headers={
            "X-IATI-Left-Out": str(left_out),
            "Content-Disposition": 'inline; filename="activities.xml"',
        },
    )
