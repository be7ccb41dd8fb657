"""Running a mutation's write and turning what can go wrong into the API's error codes."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from graphql import GraphQLError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from db import writes
from schema.info import Info
from schema.permissions import principal_of

T = TypeVar("T")


async def run_write(info: Info, operation: Callable[[AsyncConnection, str], Awaitable[T]]) -> T:
    """Run ``operation(conn, key_name)`` as one unit for the requesting key."""
    key_name = principal_of(info).key_name
    try:
        return await info.context.write(operation, key_name)
    except writes.StaleVersion as error:
        raise GraphQLError(
            f"This {error.table} was changed by another write: it is at version "
            f"{error.current}. Read it again and reapply your change.",
            extensions={"code": "CONFLICT", "currentVersion": error.current},
        ) from error
    except writes.RecordMissing as error:
        raise GraphQLError(
            f"No {error.table} has the id {error.record_id}.", extensions={"code": "NOT_FOUND"}
        ) from error
    except writes.StillReferenced as error:
        raise GraphQLError(
            f"This {error.table} is still referenced ({', '.join(error.references)}); "
            "remove those first, or ask for the links to be removed with `removeLinks: true`.",
            extensions={"code": "CONFLICT", "references": error.references},
        ) from error
    except IntegrityError as error:
        # A constraint the checks before the write could not see (a concurrent insert of the
        # same code): nothing was written.
        constraint = getattr(error.orig, "constraint_name", None)
        raise GraphQLError(
            "The write conflicts with the data already stored"
            + (f" ({constraint})." if constraint else "."),
            extensions={"code": "CONFLICT", "constraint": constraint},
        ) from error
