"""Who may write (API keys) and what was written (the audit trail)."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from db.columns import created_at_column, enum_column
from db.enums import ChangeOperation, KeyScope


class ApiKey(SQLModel, table=True):
    """A key is shown once; only a hash of its secret is kept, so a leaked table leaks no key."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    secret_hash: str = Field(description="sha256 of the secret, hex")
    scope: KeyScope = Field(sa_column=enum_column(KeyScope, "scope"))
    partner_id: int | None = Field(
        default=None, foreign_key="partner.id", ondelete="CASCADE", index=True
    )
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class Change(SQLModel, table=True):
    """One committed write: who, when, what, and the changed fields before and after.

    Written in the same transaction as the write it records, so the trail never misses a
    write nor records one that was rolled back. Deleted records stay here as tombstones.
    """

    __table_args__ = (sa.Index("ix_change_record", "record_type", "record_id"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=sa.BigInteger)
    position: int | None = Field(
        default=None,
        sa_column=sa.Column(sa.BigInteger, nullable=False, unique=True),
        description="commit order: set by a trigger from the change_counter row (migration "
        "0005), whose lock each writing transaction holds until it commits",
    )
    at: datetime | None = Field(default=None, sa_column=created_at_column("at"))
    key_name: str
    record_type: str
    record_id: int
    operation: ChangeOperation = Field(sa_column=enum_column(ChangeOperation, "operation"))
    before: dict[str, Any] | None = Field(default=None, sa_type=JSONB)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSONB)
    project_id: int | None = Field(
        default=None, index=True, description="the project the record belongs to, for scoping"
    )
    record_version: int | None = Field(
        default=None, description="the record's version after the write (before, for a delete)"
    )


class ChangeCounter(SQLModel, table=True):
    """One row, the last change position given out.

    A sequence would not do: a transaction that takes a number and commits late makes the
    numbers arrive out of order. Taking the next position means locking this row until
    commit, so positions follow commit order and a reader resuming after one never misses a
    change that commits later with a smaller number.
    """

    __tablename__ = "change_counter"
    __table_args__ = (sa.CheckConstraint("id = 1", name="one_row"),)

    id: int = Field(default=1, primary_key=True)
    position: int = Field(sa_type=sa.BigInteger)
