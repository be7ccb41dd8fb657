"""GraphQL errors a client can act on: each carries ``extensions.code``."""

from graphql import GraphQLError


def bad_user_input(message: str, **details: object) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", **details})


def not_found(message: str, **details: object) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "NOT_FOUND", **details})
