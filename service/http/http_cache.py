"""ETag and Cache-Control for GraphQL queries sent as GET, so HTTP caches can serve them.

Only successful GET answers without errors are cacheable: a POST may be a mutation, and
an error answer should not be kept.
"""

import hashlib
import json

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class GraphQLGetCache:
    def __init__(self, app: ASGIApp, *, path: str, max_age: int) -> None:
        self.app = app
        self.path = path
        self.max_age = max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        request_headers = dict(scope["headers"])
        if_none_match = request_headers.get(b"if-none-match", b"").decode()
        # An answer to a keyed request may hold what only that key may see (the audit
        # trail): browsers may keep it, shared caches may not.
        audience = "private" if b"authorization" in request_headers else "public"
        start: Message | None = None
        body = bytearray()

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            headers = MutableHeaders(scope=start)
            cacheable = (
                start["status"] == 200
                and headers.get("content-type", "").startswith("application/json")
                and "errors" not in json.loads(body or b"{}")
            )
            if cacheable:
                etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
                headers["ETag"] = etag
                headers["Cache-Control"] = f"{audience}, max-age={self.max_age}"
                headers.append("Vary", "Authorization")
                if etag in {tag.strip() for tag in if_none_match.split(",")}:
                    start["status"] = 304
                    del headers["content-length"]
                    await send(start)
                    await send({"type": "http.response.body", "body": b""})
                    return
            await send(start)
            await send({"type": "http.response.body", "body": bytes(body)})

        await self.app(scope, receive, buffer)
