"""Indexes the funding-chain queries (``db.funding_flow``) need on the IATI tables: a
chain is followed by the activity identifiers transactions and participating
organisations name, in both directions, one index probe per hop."""

import sqlalchemy as sa

from db.tables.activity_finance import ActivityTransaction
from db.tables.projects import ProjectPartner

_transaction = ActivityTransaction.__table__  # type: ignore[attr-defined]
_participation = ProjectPartner.__table__  # type: ignore[attr-defined]

PROVIDER_ACTIVITY = sa.Index(
    "ix_activity_transaction_provider_activity_id",
    _transaction.c.provider_activity_id,
    postgresql_where=_transaction.c.provider_activity_id.is_not(None),
)
RECEIVER_ACTIVITY = sa.Index(
    "ix_activity_transaction_receiver_activity_id",
    _transaction.c.receiver_activity_id,
    postgresql_where=_transaction.c.receiver_activity_id.is_not(None),
)
PARTICIPATION_ACTIVITY = sa.Index(
    "ix_project_partner_activity_id",
    _participation.c.activity_id,
    postgresql_where=_participation.c.activity_id.is_not(None),
)
