"""Who may do what, as Strawberry permission classes.

Reads are public unless ``COOPGRAPH_PUBLIC_READS=false``. Writes need a key. An admin key
writes everything; a write key bound to a partner writes only the projects (and their
beneficiary groups and outcomes) in which that partner has a role; partners, programmes
and contributions are an administrator's.
"""

from typing import Any

from graphql import GraphQLError
from strawberry.permission import BasePermission

from db import authorisation
from schema.context import Context, Principal
from schema.info import Info
from schema.write_targets import target_projects
from service.settings import Settings

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
_UNAUTHENTICATED = {"code": UNAUTHENTICATED}
_FORBIDDEN = {"code": FORBIDDEN}


def _unauthenticated(info: Info) -> GraphQLError:
    if info.context.bad_credentials:
        return GraphQLError(
            "The API key is not valid or has been revoked.", extensions={"code": UNAUTHENTICATED}
        )
    return GraphQLError(
        "This needs an API key: send `Authorization: Bearer <key>`.",
        extensions={"code": UNAUTHENTICATED},
    )


def principal_of(info: Info) -> Principal:
    principal = info.context.principal
    if principal is None:
        raise _unauthenticated(info)
    return principal


def may_read(context: Context) -> bool:
    """Shared with the compiled read path, which must let through exactly what this does."""
    return may_read_as(context.settings, context.principal)


def may_read_as(settings: Settings, principal: Principal | None) -> bool:
    """``may_read`` before there is a context: a kept answer is sent without one."""
    return settings.public_reads or principal is not None


class CanRead(BasePermission):
    message = "Reading needs an API key on this server."
    error_extensions = _UNAUTHENTICATED

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return may_read(info.context)


class IsAdmin(BasePermission):
    message = "Only an admin key may do this."
    error_extensions = _FORBIDDEN

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return principal_of(info).is_admin


class CanReadChanges(BasePermission):
    """The audit trail: admins see all of it; a write key the part it may write."""

    message = "Reading the audit trail needs an API key."
    error_extensions = _UNAUTHENTICATED

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal_of(info)
        return True


class CanWriteProject(BasePermission):
    """The key may write the project(s) the mutation's input touches."""

    message = "This key may only write projects in which its partner has a role."
    error_extensions = _FORBIDDEN

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = principal_of(info)
        if principal.is_admin or principal.partner_id is None:
            return True
        target = await target_projects(info, info.field_name, kwargs["input"])
        if target.new_project_partner_ids is not None:
            return principal.partner_id in target.new_project_partner_ids
        return await info.context.read(
            authorisation.partner_has_role_in_all, principal.partner_id, target.project_ids
        )
