"""Database failures outside GraphQL execution (taking a connection for a request): the
database down or restarting answers 503 ``SERVICE_UNAVAILABLE`` at once, with
``Retry-After``, and the service serves again by itself once the database is back (the
pool checks each connection before use)."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from schema.error_codes import INTERNAL, database_unreachable
from service.http.error_bodies import error_response

log = logging.getLogger("coopgraph.errors")

RETRY_AFTER_SECONDS = 5


async def _database_error(request: Request, error: Exception) -> JSONResponse:
    if database_unreachable(error):
        return error_response(
            503,
            "The database is unavailable; try again shortly.",
            "SERVICE_UNAVAILABLE",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    request_id = getattr(request.state, "request_id", None)
    log.error("unexpected error in request %s", request_id, exc_info=error)
    return error_response(500, "Unexpected error.", INTERNAL, requestId=request_id)


def handle_database_errors(app: FastAPI) -> None:
    for kind in (OSError, DBAPIError, DisconnectionError, PoolTimeout):
        app.add_exception_handler(kind, _database_error)
