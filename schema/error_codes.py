"""Give every error a machine-readable ``extensions.code``, and log only the unexpected.

Errors the resolvers raise carry their own code (``NOT_FOUND``, ``BAD_USER_INPUT``).
GraphQL-core raises parse, validation and variable errors without one; this names them the
way clients know from other servers. Anything else is ``INTERNAL_SERVER_ERROR``, and only
those are logged: a client's mistake is not the operator's problem.
"""

from graphql import GraphQLError, GraphQLSyntaxError

INTERNAL = "INTERNAL_SERVER_ERROR"


def error_code(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    if error.original_error is None:
        if error.message.startswith("Variable '$"):
            return "BAD_USER_INPUT"
        return "GRAPHQL_VALIDATION_FAILED"
    if isinstance(error.original_error, GraphQLError):
        # Raised while Strawberry converts an argument's value (an unknown enum value).
        return "BAD_USER_INPUT"
    return INTERNAL


def assign_codes(errors: list[GraphQLError]) -> list[GraphQLError]:
    """Set the code on each error in place; return those that were not expected."""
    unexpected = []
    for error in errors:
        code = error_code(error)
        error.extensions = {**(error.extensions or {}), "code": code}
        if code == INTERNAL:
            unexpected.append(error)
    return unexpected
