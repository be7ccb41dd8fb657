"""WebSocket messages held to the bounds of HTTP requests.

uvicorn takes messages up to 16 MiB by default (``ws_max_size``; ``coopgraph serve`` sets it
to ``COOPGRAPH_MAX_BODY_BYTES``), and the body limit and rate limits are HTTP middleware:
without this a socket could send large or endless ``subscribe`` messages that no limit
counts. Each message here is refused past the body limit (close 1009, "message too big")
and counted against its address's rate limit (close 4429), before it is decoded.
"""

from collections.abc import AsyncGenerator
from json import JSONDecodeError
from typing import TYPE_CHECKING

from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived

from service.http.rate_limits import WEBSOCKET_RATE_LIMITED

if TYPE_CHECKING:
    from service.http.rate_limits import RequestLimits

MESSAGE_TOO_BIG = 1009


class BoundedWebSocketAdapter(ASGIWebSocketAdapter):
    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        state = self.ws.app.state
        limits: RequestLimits = state.request_limits
        max_bytes: int = state.settings.max_body_bytes
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                if len(text) > max_bytes:
                    await self.close(MESSAGE_TOO_BIG, f"messages are at most {max_bytes} bytes")
                    return
                if await limits.hit(self.ws.scope) is not None:
                    await self.close(WEBSOCKET_RATE_LIMITED, "too many messages; retry later")
                    return
                try:
                    yield self.view.decode_json(text)
                except JSONDecodeError as e:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from e
        except KeyError as e:
            raise NonTextMessageReceived from e
        except WebSocketDisconnect:
            pass
