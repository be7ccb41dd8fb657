"""API keys: random, shown once, kept only as a hash, compared in constant time.

A key reads ``cg_<id>_<secret>``: the id finds the row, the secret is checked against its
stored SHA-256 with ``hmac.compare_digest``, so neither a lookup nor a comparison leaks how
much of a guessed secret was right.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from db.bounds import record_id
from db.enums import KeyScope
from db.metadata import table_of
from db.tables import ApiKey, Partner

api_key = table_of(ApiKey)
partner = table_of(Partner)

_TOKEN = re.compile(r"cg_([0-9]{1,10})_([A-Za-z0-9_-]{20,100})")


class UnknownPartner(LookupError):
    pass


class DuplicateKeyName(ValueError):
    pass


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_key(
    conn: AsyncConnection, name: str, scope: KeyScope, partner_ref: str | None = None
) -> str:
    """Store a new key and return it: the only time its secret exists outside the caller."""
    partner_id = None
    if partner_ref is not None:
        partner_id = await conn.scalar(
            sa.select(partner.c.id).where(
                sa.or_(
                    sa.func.lower(partner.c.acronym) == partner_ref.lower(),
                    partner.c.code == partner_ref,
                )
            )
        )
        if partner_id is None:
            raise UnknownPartner(partner_ref)
    if await conn.scalar(sa.select(api_key.c.id).where(api_key.c.name == name)) is not None:
        raise DuplicateKeyName(name)
    secret = secrets.token_urlsafe(32)
    key_id = await conn.scalar(
        sa.insert(api_key)
        .values(name=name, secret_hash=_hash(secret), scope=scope.value, partner_id=partner_id)
        .returning(api_key.c.id)
    )
    return f"cg_{key_id}_{secret}"


async def authenticate(conn: AsyncConnection, token: str) -> RowMapping | None:
    """The live key a token names, with its partner's id, or None."""
    match = _TOKEN.fullmatch(token)
    key_id = None if match is None else record_id(match.group(1))
    if match is None or key_id is None:
        return None
    secret = match.group(2)
    row = (
        (
            await conn.execute(
                sa.select(api_key).where(api_key.c.id == key_id, api_key.c.revoked_at.is_(None))
            )
        )
        .mappings()
        .one_or_none()
    )
    if row is None or not hmac.compare_digest(row["secret_hash"], _hash(secret)):
        return None
    return row


async def list_keys(conn: AsyncConnection) -> Sequence[RowMapping]:
    stmt = (
        sa.select(
            api_key.c.name,
            api_key.c.scope,
            partner.c.acronym.label("partner"),
            api_key.c.created_at,
            api_key.c.revoked_at,
        )
        .outerjoin(partner, partner.c.id == api_key.c.partner_id)
        .order_by(api_key.c.id)
    )
    return (await conn.execute(stmt)).mappings().all()


async def revoke_key(conn: AsyncConnection, name: str) -> bool:
    result = await conn.execute(
        sa.update(api_key)
        .where(api_key.c.name == name, api_key.c.revoked_at.is_(None))
        .values(revoked_at=sa.func.now())
    )
    return result.rowcount > 0


async def is_live(conn: AsyncConnection, name: str) -> bool:
    """Whether the named key is still valid: a long-lived subscription asks now and then."""
    stmt = sa.select(api_key.c.id).where(api_key.c.name == name, api_key.c.revoked_at.is_(None))
    return await conn.scalar(stmt) is not None
