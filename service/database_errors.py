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

log = logging.getLogger("coopgraph.errors")

RETRY_AFTER_SECONDS = 5


async def _database_error(request: Request, error: Exception) -> JSONResponse:
    if database_unreachable(error):
        return JSONResponse(
            {
                "data": None,
                "errors": [
                    {
                        "message": "The database is unavailable; try again shortly.",
                        "extensions": {"code": "SERVICE_UNAVAILABLE"},
                    }
                ],
            },
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    request_id = getattr(request.state, "request_id", None)
    log.error("unexpected error in request %s", request_id, exc_info=error)
    return JSONResponse(
        {
            "data": None,
            "errors": [
                {
                    "message": "Unexpected error.",
                    "extensions": {"code": INTERNAL, "requestId": request_id},
                }
            ],
        },
        status_code=500,
    )


def handle_database_errors(app: FastAPI) -> None:
    for kind in (OSError, DBAPIError, DisconnectionError, PoolTimeout):
        app.add_exception_handler(kind, _database_error)
