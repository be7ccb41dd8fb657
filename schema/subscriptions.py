"""Live updates: ``changes`` and ``project`` subscriptions, over WebSocket
(``graphql-transport-ws``, ``graphql-ws``) or HTTP (graphql-sse, multipart).

Authorisation follows the matching queries: ``changes`` as the ``changes`` query (an admin
key sees every change, a partner's key the changes to the projects it may write), ``project``
as public reads. A subscription checks now and then that its key has not been revoked and
closes the WebSocket when it has; one that falls too far behind is closed too (code 4008),
with the reason, rather than buffering without limit. Over HTTP, where there is no close
code, the same reason ends the stream as its last event: an error with the same code.
"""

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from graphql import GraphQLError
from sqlalchemy.engine import RowMapping
from starlette.websockets import WebSocket

from db.api_keys import is_live
from db.changes import changes_after, projects_visible_to
from schema.changes import Change, ChangeProjects, ChangeTypes
from schema.context import Context, Principal
from schema.error_codes import database_unreachable
from schema.errors import not_found
from schema.filters import decode_ids
from schema.info import Info
from schema.live import ChangeFeed, ServerClosing, SlowConsumer, Subscriber, TooManySubscriptions
from schema.permissions import CanRead, CanReadChanges, principal_of
from schema.types.project import Project

SLOW_CONSUMER = 4008
KEY_REVOKED = 4403
SERVICE_RESTART = 1012


def _feed(info: Info) -> ChangeFeed:
    feed: ChangeFeed | None = info.context.change_feed
    if feed is None:
        raise GraphQLError(
            "Live updates are not running on this server.",
            extensions={"code": "SERVICE_UNAVAILABLE"},
        )
    return feed


def _subscribe(info: Info, principal: Principal | None) -> Subscriber:
    limit = info.context.settings.max_subscriptions_per_key
    try:
        return _feed(info).subscribe(
            None if principal is None else principal.key_name, key_limit=limit
        )
    except TooManySubscriptions as error:
        raise GraphQLError(
            f"This key already has {error.limit} live subscriptions on this server.",
            extensions={"code": "TOO_MANY_SUBSCRIPTIONS", "limit": error.limit},
        ) from error


class _Closed(Exception):
    """The subscription closed its WebSocket: stop without another message."""


_CLOSE_CODES = {
    SLOW_CONSUMER: "SLOW_CONSUMER",
    KEY_REVOKED: "KEY_REVOKED",
    SERVICE_RESTART: "SHUTTING_DOWN",
}


async def _close(context: Context, code: int, reason: str) -> None:
    websocket = context.request
    if isinstance(websocket, WebSocket):
        with contextlib.suppress(RuntimeError):  # already closed by the server's shutdown
            await websocket.close(code=code, reason=reason)
        raise _Closed()
    raise GraphQLError(reason, extensions={"code": _CLOSE_CODES[code], "closeCode": code})


async def _next(
    context: Context, subscriber: Subscriber, principal: Principal | None
) -> RowMapping:
    """The next change; meanwhile the key is checked every ``key_recheck_seconds``."""
    while True:
        try:
            return await asyncio.wait_for(
                subscriber.next(), timeout=context.settings.key_recheck_seconds
            )
        except TimeoutError:
            if principal is not None:
                try:
                    async with context.connections.connect() as conn:
                        live = await is_live(conn, principal.key_name)
                except Exception as error:
                    if not database_unreachable(error):
                        raise
                    # Down or restarting is no news of the key: ask again at the next check,
                    # rather than end a subscription that the hub will feed once it is back.
                    continue
                if not live:
                    await _close(context, KEY_REVOKED, "The API key was revoked.")
        except ServerClosing:
            await _close(context, SERVICE_RESTART, "The server is restarting: resume with `since`.")
        except SlowConsumer:
            await _close(
                context,
                SLOW_CONSUMER,
                f"Too slow: more than {subscriber.buffer} changes were waiting to be read.",
            )


@strawberry.type(
    description="Live updates over WebSocket (graphql-transport-ws): committed changes as "
    "they happen, and a project's state as it changes."
)
class Subscription:
    @strawberry.subscription(
        description="Each committed change, in commit order. With `since` (a change's "
        "`position`), first the changes after it, read from the audit trail, then live ones, "
        "without gaps or repeats: a client that reconnects resumes where it stopped.",
        permission_classes=[CanReadChanges],
    )
    async def changes(
        self,
        info: Info,
        types: ChangeTypes = None,
        project_ids: ChangeProjects = None,
        since: Annotated[
            int | None,
            strawberry.argument(
                description="The `position` of the last change a client has: the changes "
                "after it are replayed from the audit trail first. Null: live changes only."
            ),
        ] = None,
    ) -> AsyncGenerator[Change, None]:
        principal = principal_of(info)
        context = info.context
        wanted_types = None if types is None else {t.value for t in types}
        wanted_projects = decode_ids(project_ids, "Project", "projectIds")
        subscriber = _subscribe(info, principal)
        try:
            visible: set[int] | None = None
            if not principal.is_admin and principal.partner_id is not None:
                async with context.connections.connect() as conn:
                    visible = await projects_visible_to(conn, principal.partner_id)

            def shown(row: RowMapping) -> bool:
                project_id = row["project_id"]
                return (
                    (wanted_types is None or row["record_type"] in wanted_types)
                    and (wanted_projects is None or project_id in wanted_projects)
                    and (principal.is_admin or project_id is not None)
                    and (visible is None or project_id in visible)
                )

            last = since
            while since is not None:
                async with context.connections.connect() as conn:
                    backlog = await changes_after(conn, last or 0)
                if not backlog:
                    break
                for row in backlog:
                    last = row["position"]
                    if shown(row):
                        yield Change.from_row(row)
            while True:
                row = await _next(context, subscriber, principal)
                if last is not None and row["position"] <= last:
                    continue  # already read from the trail
                last = row["position"]
                if visible is not None and row["record_type"] in ("project_partner", "project"):
                    async with context.connections.connect() as conn:
                        visible = await projects_visible_to(conn, principal.partner_id or 0)
                if shown(row):
                    yield Change.from_row(row)
        except _Closed:
            return
        finally:
            _feed(info).unsubscribe(subscriber)

    @strawberry.subscription(
        description="A project's current state now, and again after each committed change "
        "to it or to its links, beneficiary groups and outcomes; `null` once it is deleted.",
        permission_classes=[CanRead],
    )
    async def project(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The project's global id; an unknown one ends with NOT_FOUND."
            ),
        ],
    ) -> AsyncGenerator[Project | None, None]:
        [project_id] = decode_ids([id], "Project", "id") or ()
        context = info.context
        subscriber = _subscribe(info, context.principal)
        try:
            first = True
            while True:
                # The state is resolved, nested fields and all, while the generator waits at
                # its yield: the connection is bound for exactly that long.
                async with context.connections.connect() as conn:
                    context.bind(conn)
                    project = await context.loaders.project.load(project_id)
                    if project is None and first:
                        raise not_found(f"No project has the id {id}.")
                    yield project
                context.bind(None)
                if project is None:
                    return
                first = False
                while (await _next(context, subscriber, context.principal))[
                    "project_id"
                ] != project_id:
                    pass
                _skip_queued(subscriber)
        except _Closed:
            return
        finally:
            _feed(info).unsubscribe(subscriber)
            context.bind(None)


def _skip_queued(subscriber: Subscriber) -> None:
    """A write of several records arrives as several changes: one new state covers them."""
    while not subscriber.queue.empty():
        subscriber.queue.get_nowait()
