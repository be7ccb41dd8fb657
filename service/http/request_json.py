"""JSON from clients (bodies, GET parameters, WebSocket messages), decoded within bounds.

orjson refuses what the standard library lets through to a 500 later: bytes that are not
UTF-8 and lone surrogates (``"\\ud800"``, which no database text can hold). On top of that a
decoded value may nest at most ``MAX_JSON_DEPTH`` deep (graphql-core coerces variables
recursively: 1,000 levels raised ``RecursionError``) and hold at most ``MAX_JSON_VALUES``
values, so that no list of variables can need more bind parameters than PostgreSQL takes
(``db.bounds.MAX_BIND_PARAMETERS``); literal lists in a document are bounded by the token
limit. The walk is iterative, so a hostile nesting cannot overflow the stack here either.
"""

import json

import orjson

MAX_JSON_DEPTH = 32
MAX_JSON_VALUES = 10_000


class RefusedJson(json.JSONDecodeError):
    """A ``JSONDecodeError``, so every caller that handles bad JSON handles this too."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, "", 0)
        self.reason = reason


def decode_client_json(data: str | bytes) -> object:
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        reason = str(error).split(":", 1)[0]
        raise RefusedJson(f"The body is not UTF-8 JSON ({reason}).") from error
    check_shape(value)
    return value


def check_shape(value: object) -> None:
    pending: list[tuple[object, int]] = [(value, 1)]
    count = 0
    while pending:
        item, depth = pending.pop()
        count += 1
        if count > MAX_JSON_VALUES:
            raise RefusedJson(f"The JSON holds more than {MAX_JSON_VALUES} values.")
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise RefusedJson(f"The JSON nests deeper than {MAX_JSON_DEPTH} levels.")
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
