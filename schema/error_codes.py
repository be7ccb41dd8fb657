"""Give every error a machine-readable ``extensions.code``, and log only the unexpected.

Errors the resolvers raise carry their own code (``NOT_FOUND``, ``BAD_USER_INPUT``).
GraphQL-core raises parse, validation and variable errors without one; this names them the
way clients know from other servers. Anything else is ``INTERNAL_SERVER_ERROR``, and only
those are logged: a client's mistake is not the operator's problem.
"""

import re

from graphql import GraphQLError, GraphQLSyntaxError
from sqlalchemy.exc import DBAPIError, DisconnectionError, PendingRollbackError
from sqlalchemy.exc import TimeoutError as SATimeoutError

INTERNAL = "INTERNAL_SERVER_ERROR"

_LIMITS = (
    # Strawberry's limiters raise plain errors; their messages say which limit it was.
    (re.compile(r"Document contains more than \d+ tokens"), "TOO_MANY_TOKENS"),
    (re.compile(r"exceeds maximum operation depth"), "QUERY_TOO_DEEP"),
    (re.compile(r"\d+ aliases found\. Allowed: \d+"), "TOO_MANY_ALIASES"),
)
_QUERY_CANCELED = "57014"
_NUL_IN_TEXT = "22021"  # character_not_in_repertoire: PostgreSQL text cannot hold U+0000


def error_code(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    for pattern, limit in _LIMITS:
        if pattern.search(error.message):
            return limit
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    if error.original_error is None:
        if error.message.startswith("Variable '$"):
            return "BAD_USER_INPUT"
        return "GRAPHQL_VALIDATION_FAILED"
    if isinstance(error.original_error, GraphQLError):
        # Raised while Strawberry converts an argument's value (an unknown enum value).
        return "BAD_USER_INPUT"
    if database_unreachable(error.original_error):
        return "SERVICE_UNAVAILABLE"
    state = _sqlstate(error.original_error)
    if state == _QUERY_CANCELED:
        return "QUERY_TIMEOUT"
    if state == _NUL_IN_TEXT:
        return "BAD_USER_INPUT"
    return INTERNAL


def database_unreachable(error: BaseException) -> bool:
    """The database is down, restarting or out of reach (not: it refused the statement)."""
    state = _sqlstate(error) or ""
    return (
        state.startswith("08")  # connection exception
        or state in ("57P01", "57P02", "57P03")  # shut down, crashed, not accepting yet
        or isinstance(error, OSError | TimeoutError | DisconnectionError | SATimeoutError)
        or (isinstance(error, DBAPIError) and error.connection_invalidated)
        or isinstance(getattr(error, "orig", None), OSError)
        or (isinstance(error, DBAPIError) and "the underlying connection is closed" in str(error))
        or (isinstance(error, PendingRollbackError) and "invalid transaction" in str(error))
    )


def _sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of a database error, through SQLAlchemy's and the driver's wrappers."""
    seen: BaseException | None = error
    while seen is not None:
        state = getattr(seen, "sqlstate", None)
        if isinstance(state, str):
            return state
        seen = getattr(seen, "orig", None) or seen.__cause__
    return None


def assign_codes(errors: list[GraphQLError]) -> list[GraphQLError]:
    """Set the code on each error in place; return those that were not expected."""
    unexpected = []
    for error in errors:
        code = error_code(error)
        error.extensions = {**(error.extensions or {}), "code": code}
        if code == "SERVICE_UNAVAILABLE":
            error.message = "The database is unavailable; try again shortly."
        elif code == "QUERY_TIMEOUT":
            error.message = "The query ran longer than the server allows; ask for less."
        elif code == "BAD_USER_INPUT" and _sqlstate(error.original_error or error) == _NUL_IN_TEXT:
            error.message = "Text may not contain the NUL character (U+0000)."
        if code == INTERNAL:
            unexpected.append(error)
    return unexpected
