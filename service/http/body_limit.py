"""Refuse request bodies over a size before anything reads them (HTTP 413).

A GraphQL request is small; only an ``importIati`` upload (multipart) may be large, up to its
own limit. A body that declares its length is judged by it; one that does not (chunked) is
read up to the limit and refused past it.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.http.error_bodies import send_error

UPLOAD_OVERHEAD = 64 * 1024
"""Room for the multipart envelope around an uploaded file."""


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        limit = self.max_upload_bytes if content_type.startswith("multipart/") else self.max_bytes
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > limit:
                await _refuse(send, limit)
                return
            await self.app(scope, receive, send)
            return
        body: list[Message] = []
        size = 0
        while True:
            message = await receive()
            body.append(message)
            size += len(message.get("body", b""))
            if size > limit:
                await _refuse(send, limit)
                return
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        async def replay() -> Message:
            return body.pop(0) if body else await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Send, limit: int) -> None:
    message = f"The request body is over this server's limit of {limit} bytes."
    await send_error(send, 413, message, "PAYLOAD_TOO_LARGE", limit=limit)
