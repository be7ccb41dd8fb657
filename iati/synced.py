"""The project's links and records an activity makes as it says, in one list: saving
syncs them (``iati.saving``), and the records an import creates are written in its order
(``iati.pending_records``), each table after those it refers to."""

import sqlalchemy as sa

from db import queries as q

SYNCED: tuple[sa.Table, ...] = (
    q.project_partner,
    q.project_country,
    q.project_region,
    q.project_theme,
    q.project_programme,
    q.beneficiary_group,
    q.outcome,
)
