"""GraphQL over HTTP's two answer types, and which transports carry a subscription.

A client that accepts ``application/graphql-response+json`` (Apollo Client, graphql-http,
Relay's fetchers) learns from the status alone whether the request was refused before it
ran: 4xx and no ``data`` entry for a body that is not JSON, a document that does not parse
or validate, or variables that do not coerce. Under ``application/json`` those stay 200,
as the spec asks for clients that predate it.
"""

from collections.abc import Iterable, Mapping
from typing import Any

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"

SUBSCRIPTION_TRANSPORTS = (
    "Subscriptions are served over WebSocket (graphql-transport-ws or graphql-ws), "
    "graphql-sse (POST with `Accept: text/event-stream`) and multipart HTTP "
    "(`Accept: multipart/mixed;subscriptionSpec=1.0`), not as a plain HTTP request."
)


def _media_ranges(accept: str) -> Iterable[tuple[str, float, dict[str, str]]]:
    for part in accept.split(","):
        media, *pieces = (piece.strip() for piece in part.split(";"))
        params = {
            name.strip().lower(): value.strip().strip("'\"")
            for name, _, value in (piece.partition("=") for piece in pieces)
        }
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            quality = 0.0
        yield media.lower(), quality, params


def wants_graphql_response(headers: Mapping[str, str]) -> bool:
    """Whether the answer should be ``application/graphql-response+json``: the client
    names it, and does not prefer plain JSON to it."""
    ranges = {media: quality for media, quality, _ in _media_ranges(headers.get("accept", ""))}
    preferred = ranges.get(GRAPHQL_RESPONSE, 0.0)
    return preferred > 0 and preferred >= ranges.get(JSON, 0.0)


def is_stream_request(headers: Mapping[str, str]) -> bool:
    """A subscription over graphql-sse or multipart HTTP: an answer that lasts, so its
    context must not hold a database connection (each event takes its own)."""
    return any(
        quality > 0
        and (
            media == "text/event-stream"
            or (media == "multipart/mixed" and "subscriptionspec" in params)
        )
        for media, quality, params in _media_ranges(headers.get("accept", ""))
    )


def is_request_error(response: Mapping[str, Any]) -> bool:
    """Refused before execution: no data, and no error that belongs to a field."""
    errors = response.get("errors")
    return (
        response.get("data") is None
        and bool(errors)
        and all(not error.get("path") for error in errors or ())
    )
