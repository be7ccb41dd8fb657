"""The one shape of an error answered outside GraphQL execution (refused bodies, rate
limits, a database that is down): the GraphQL error shape, so a client has one error path."""

import json
from typing import Any

from fastapi.responses import JSONResponse
from starlette.types import Send


def error_body(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    return {
        "data": None,
        "errors": [{"message": message, "extensions": {"code": code, **extensions}}],
    }


def error_response(
    status: int,
    message: str,
    code: str,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    return JSONResponse(
        error_body(message, code, **extensions), status_code=status, headers=headers
    )


async def send_error(
    send: Send,
    status: int,
    message: str,
    code: str,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> None:
    """The same answer from ASGI middleware, which has no Response object to return."""
    payload = json.dumps(error_body(message, code, **extensions)).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})
