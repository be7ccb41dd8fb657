"""An activity's IATI elements as rows of the ``activity_*`` tables, written in batches.

Rows of many activities wait in a ``RowBatch`` and go in together, one multi-row INSERT
per table (results, indicators, periods and their values in parent order, each taking
its parent's new id), so importing a file costs a number of statements that grows with
its activities' own rows only through the driver's page size. An activity imported again
with different content has all its rows replaced: the batch deletes them first.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from db import writes
from db.metadata import table_of
from db.tables import (
    ActivityBudget,
    ActivityCondition,
    ActivityContactInfo,
    ActivityCountryBudgetItem,
    ActivityDateElement,
    ActivityDescription,
    ActivityDocumentLink,
    ActivityHumanitarianScope,
    ActivityIndicator,
    ActivityIndicatorBaseline,
    ActivityIndicatorPeriod,
    ActivityLegacyData,
    ActivityLocation,
    ActivityOtherIdentifier,
    ActivityParticipatingOrg,
    ActivityPeriodValue,
    ActivityPlannedDisbursement,
    ActivityPolicyMarker,
    ActivityRecipientRegion,
    ActivityRelatedActivity,
    ActivityResult,
    ActivitySector,
    ActivityTag,
    ActivityTransaction,
    ActivityWarning,
    Citation,
)
from iati.records import (
    Activity,
    Classification,
    Coded,
    DocumentLink,
    IatiResult,
    Organisation,
    OrgRef,
    PeriodValue,
    narratives_json,
)

transaction = table_of(ActivityTransaction)
budget = table_of(ActivityBudget)
planned_disbursement = table_of(ActivityPlannedDisbursement)
sector = table_of(ActivitySector)
recipient_region = table_of(ActivityRecipientRegion)
policy_marker = table_of(ActivityPolicyMarker)
tag = table_of(ActivityTag)
humanitarian_scope = table_of(ActivityHumanitarianScope)
country_budget_item = table_of(ActivityCountryBudgetItem)
location = table_of(ActivityLocation)
document_link = table_of(ActivityDocumentLink)
related_activity = table_of(ActivityRelatedActivity)
description = table_of(ActivityDescription)
other_identifier = table_of(ActivityOtherIdentifier)
condition = table_of(ActivityCondition)
contact_info = table_of(ActivityContactInfo)
participating_org = table_of(ActivityParticipatingOrg)
activity_date = table_of(ActivityDateElement)
legacy_data = table_of(ActivityLegacyData)
warning = table_of(ActivityWarning)
result = table_of(ActivityResult)
indicator = table_of(ActivityIndicator)
baseline = table_of(ActivityIndicatorBaseline)
period = table_of(ActivityIndicatorPeriod)
period_value = table_of(ActivityPeriodValue)
citation = table_of(Citation)

FLAT_TABLES: tuple[sa.Table, ...] = (
    transaction,
    budget,
    planned_disbursement,
    sector,
    recipient_region,
    policy_marker,
    tag,
    humanitarian_scope,
    country_budget_item,
    location,
    document_link,
    related_activity,
    description,
    other_identifier,
    condition,
    contact_info,
    legacy_data,
    participating_org,
    activity_date,
    warning,
)
REPLACED_TABLES: tuple[sa.Table, ...] = (*FLAT_TABLES, result)
"""Deleting an activity's results deletes their indicators, periods and values (cascade)."""

PartnerOf = Callable[[OrgRef | Organisation | None], int | None]
"""The partner an element names: a transaction's provider or receiver (its ``OrgRef``), a
participating-org (the ``Organisation`` its link was read from)."""


def _coded(items: Sequence[Coded]) -> list[dict[str, Any]]:
    return [
        {"vocabulary": c.vocabulary, "code": c.code}
        | ({"vocabulary_uri": c.vocabulary_uri} if c.vocabulary_uri else {})
        for c in items
    ]


def _classification(c: Classification) -> dict[str, Any]:
    return {
        "vocabulary": c.vocabulary,
        "vocabulary_uri": c.vocabulary_uri,
        "code": c.code,
        "percentage": None if c.percentage is None else str(c.percentage),
        "narratives": narratives_json(c.narratives),
    }


def document_links_json(links: Sequence[DocumentLink]) -> list[dict[str, Any]]:
    """Document links nested in results, as their JSON columns keep them."""
    return [
        {
            "url": d.url,
            "format": d.format,
            "title": narratives_json(d.title),
            "description": narratives_json(d.description),
            "categories": d.categories,
            "languages": d.languages,
            "document_date": None if d.document_date is None else d.document_date.isoformat(),
        }
        for d in links
    ]


def _org(prefix: str, org: OrgRef | None) -> dict[str, Any]:
    return {
        f"{prefix}_org_ref": None if org is None else org.ref,
        f"{prefix}_org_type": None if org is None else org.type,
        f"{prefix}_activity_id": None if org is None else org.activity_id,
        f"{prefix}_org_narratives": None if org is None else narratives_json(org.narratives),
    }


def flat_rows(
    a: Activity, project_id: int, partner_of: PartnerOf
) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table but the results', keyed by table name."""
    p = {"project_id": project_id}
    rows: dict[str, list[dict[str, Any]]] = {
        "activity_transaction": [
            {
                **p,
                "position": i,
                "ref": t.ref,
                "humanitarian": t.humanitarian,
                "transaction_type": t.transaction_type,
                "transaction_date": t.transaction_date,
                "value": t.value,
                "currency": t.currency,
                "value_date": t.value_date,
                "description": narratives_json(t.description),
                **_org("provider", t.provider),
                "provider_partner_id": partner_of(t.provider),
                **_org("receiver", t.receiver),
                "receiver_partner_id": partner_of(t.receiver),
                "disbursement_channel": t.disbursement_channel,
                "sectors": [_classification(s) for s in t.sectors],
                "recipient_country_code": t.recipient_country.code if t.recipient_country else None,
                "recipient_country_narratives": narratives_json(t.recipient_country.narratives)
                if t.recipient_country
                else None,
                "recipient_region_code": t.recipient_region.code if t.recipient_region else None,
                "recipient_region_vocabulary": t.recipient_region.vocabulary
                if t.recipient_region
                else None,
                "recipient_region_vocabulary_uri": t.recipient_region.vocabulary_uri
                if t.recipient_region
                else None,
                "recipient_region_narratives": narratives_json(t.recipient_region.narratives)
                if t.recipient_region
                else None,
                "flow_type": t.flow_type,
                "finance_type": t.finance_type,
                "aid_types": _coded(t.aid_types),
                "tied_status": t.tied_status,
            }
            for i, t in enumerate(a.transactions)
        ],
        "activity_budget": [
            {
                **p,
                "position": i,
                "type": b.type,
                "status": b.status,
                "period_start": b.period_start,
                "period_end": b.period_end,
                "value": b.value,
                "currency": b.currency,
                "value_date": b.value_date,
            }
            for i, b in enumerate(a.budgets)
        ],
        "activity_planned_disbursement": [
            {
                **p,
                "position": i,
                "type": d.type,
                "period_start": d.period_start,
                "period_end": d.period_end,
                "value": d.value,
                "currency": d.currency,
                "value_date": d.value_date,
                **_org("provider", d.provider),
                **_org("receiver", d.receiver),
            }
            for i, d in enumerate(a.planned_disbursements)
        ],
    }
    for name, items in (
        ("activity_sector", a.sectors),
        ("activity_recipient_region", a.recipient_regions),
    ):
        rows[name] = [
            {
                **p,
                "position": i,
                "vocabulary": c.vocabulary,
                "vocabulary_uri": c.vocabulary_uri,
                "code": c.code,
                "percentage": c.percentage,
                "narratives": narratives_json(c.narratives),
            }
            for i, c in enumerate(items)
        ]
    rows["activity_policy_marker"] = [
        {
            **p,
            "position": i,
            "vocabulary": c.vocabulary,
            "vocabulary_uri": c.vocabulary_uri,
            "code": c.code,
            "significance": c.significance,
            "narratives": narratives_json(c.narratives),
        }
        for i, c in enumerate(a.policy_markers)
    ]
    rows["activity_tag"] = [
        {
            **p,
            "position": i,
            "vocabulary": c.vocabulary or "1",
            "vocabulary_uri": c.vocabulary_uri,
            "code": c.code,
            "narratives": narratives_json(c.narratives),
        }
        for i, c in enumerate(a.tags)
    ]
    rows["activity_humanitarian_scope"] = [
        {
            **p,
            "position": i,
            "type": c.type or "",
            "vocabulary": c.vocabulary or "",
            "vocabulary_uri": c.vocabulary_uri,
            "code": c.code,
            "narratives": narratives_json(c.narratives),
        }
        for i, c in enumerate(a.humanitarian_scopes)
    ]
    rows["activity_country_budget_item"] = [
        {
            **p,
            "position": i,
            "vocabulary": a.country_budget_items_vocabulary or "",
            "code": item.code,
            "percentage": item.percentage,
            "description": narratives_json(item.description),
        }
        for i, item in enumerate(a.country_budget_items)
    ]
    rows["activity_location"] = [
        {
            **p,
            "position": i,
            "ref": x.ref,
            "location_reach": x.location_reach,
            "location_ids": _coded(x.location_ids),
            "name": narratives_json(x.name),
            "description": narratives_json(x.description),
            "activity_description": narratives_json(x.activity_description),
            "administrative": x.administrative,
            "srs_name": x.srs_name,
            "latitude": x.latitude,
            "longitude": x.longitude,
            "exactness": x.exactness,
            "location_class": x.location_class,
            "feature_designation": x.feature_designation,
        }
        for i, x in enumerate(a.locations)
    ]
    rows["activity_document_link"] = [
        {
            **p,
            "position": i,
            "url": d.url,
            "format": d.format,
            "title": narratives_json(d.title),
            "description": narratives_json(d.description),
            "categories": d.categories,
            "languages": d.languages,
            "document_date": d.document_date,
        }
        for i, d in enumerate(a.document_links)
    ]
    rows["activity_related_activity"] = [
        {**p, "position": i, "ref": r.ref, "type": r.type, "related_project_id": None}
        for i, r in enumerate(a.related_activities)
    ]
    rows["activity_description"] = [
        {**p, "position": i, "type": d.type, "narratives": narratives_json(d.narratives)}
        for i, d in enumerate(a.descriptions)
    ]
    rows["activity_other_identifier"] = [
        {
            **p,
            "position": i,
            "ref": o.ref,
            "type": o.type,
            "owner_org_ref": o.owner_org.ref if o.owner_org else None,
            "owner_org_narratives": narratives_json(o.owner_org.narratives)
            if o.owner_org
            else None,
        }
        for i, o in enumerate(a.other_identifiers)
    ]
    rows["activity_condition"] = [
        {**p, "position": i, "type": c.type, "narratives": narratives_json(c.narratives)}
        for i, c in enumerate(a.conditions)
    ]
    rows["activity_contact_info"] = [
        {
            **p,
            "position": i,
            "type": c.type,
            "organisation": narratives_json(c.organisation),
            "department": narratives_json(c.department),
            "person_name": narratives_json(c.person_name),
            "job_title": narratives_json(c.job_title),
            "telephones": c.telephones,
            "emails": c.emails,
            "websites": c.websites,
            "mailing_addresses": [narratives_json(m) for m in c.mailing_addresses],
        }
        for i, c in enumerate(a.contacts)
    ]
    rows["activity_legacy_data"] = [
        {
            **p,
            "position": i,
            "name": d.name,
            "value": d.value,
            "iati_equivalent": d.iati_equivalent,
        }
        for i, d in enumerate(a.legacy_data)
    ]
    rows["activity_participating_org"] = [
        {
            **p,
            "position": i,
            "role": o.role,
            "ref": o.ref,
            "type": o.type,
            "activity_id": o.activity_id,
            "crs_channel_code": o.crs_channel_code,
            "narratives": narratives_json(o.narratives),
            "partner_id": partner_of(o.organisation),
        }
        for i, o in enumerate(a.participating_orgs)
    ]
    rows["activity_date"] = [
        {
            **p,
            "position": i,
            "type": d.type,
            "iso_date": d.value,
            "narratives": narratives_json(d.narratives),
        }
        for i, d in enumerate(a.date_elements)
    ]
    return rows


def _value_row(v: PeriodValue, project_id: int, position: int) -> dict[str, Any]:
    return {
        "project_id": project_id,
        "position": position,
        "value": v.value,
        "comment": narratives_json(v.comment),
        "dimensions": [{"name": n, "value": x} for n, x in v.dimensions],
        "location_refs": v.location_refs,
        "document_links": document_links_json(v.document_links),
    }


@dataclass
class RowBatch:
    """Rows of several activities waiting to be inserted, and the projects whose old rows
    go first."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    results: list[tuple[int, IatiResult, int]] = field(default_factory=list)
    replaced: list[int] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    """Audit entries of the records the activities created (``db.writes``)."""
    citations: list[dict[str, Any]] = field(default_factory=list)
    projects: set[int] = field(default_factory=set)
    """The projects whose rows wait here (one activity given twice must flush between)."""
    size: int = 0

    def add(
        self,
        activity: Activity,
        project_id: int,
        partner_of: PartnerOf,
        warnings: list[dict[str, Any]],
        *,
        replace: bool,
    ) -> None:
        if replace:
            self.replaced.append(project_id)
        self.projects.add(project_id)
        for name, rows in flat_rows(activity, project_id, partner_of).items():
            self.rows.setdefault(name, []).extend(rows)
            self.size += len(rows)
        self.rows.setdefault("activity_warning", []).extend(
            {"project_id": project_id, **w} for w in warnings
        )
        for i, r in enumerate(activity.iati_results):
            self.results.append((project_id, r, i))
            self.size += 1 + sum(1 + len(x.periods) for x in r.indicators)

    def audit(self, changes: list[dict[str, Any]], citations: list[dict[str, Any]]) -> None:
        self.changes.extend(changes)
        self.citations.extend(citations)
        self.size += len(changes) + len(citations)

    async def flush(self, conn: AsyncConnection) -> None:
        if self.replaced:
            for table in REPLACED_TABLES:
                await conn.execute(sa.delete(table).where(table.c.project_id.in_(self.replaced)))
        for table in FLAT_TABLES:
            rows = self.rows.get(table.name)
            if rows:
                await conn.execute(sa.insert(table), rows)
        await self._flush_results(conn)
        await writes.record_changes(conn, self.changes)
        if self.citations:
            await conn.execute(insert(citation).on_conflict_do_nothing(), self.citations)
        self.rows, self.results, self.replaced, self.size = {}, [], [], 0
        self.changes, self.citations = [], []
        self.projects = set()

    async def _flush_results(self, conn: AsyncConnection) -> None:
        if not self.results:
            return
        result_ids = await _insert_returning(
            conn,
            result,
            [
                {
                    "project_id": pid,
                    "position": i,
                    "type": r.type,
                    "aggregation_status": r.aggregation_status,
                    "title": narratives_json(r.title),
                    "description": narratives_json(r.description),
                    "document_links": document_links_json(r.document_links),
                    "references": _coded(r.references),
                }
                for pid, r, i in self.results
            ],
        )
        indicators = [
            (pid, result_id, n, ind)
            for (pid, r, _), result_id in zip(self.results, result_ids, strict=True)
            for n, ind in enumerate(r.indicators)
        ]
        indicator_ids = await _insert_returning(
            conn,
            indicator,
            [
                {
                    "project_id": pid,
                    "result_id": result_id,
                    "position": n,
                    "measure": ind.measure,
                    "ascending": ind.ascending,
                    "aggregation_status": ind.aggregation_status,
                    "title": narratives_json(ind.title),
                    "description": narratives_json(ind.description),
                    "document_links": document_links_json(ind.document_links),
                    "references": _coded(ind.references),
                }
                for pid, result_id, n, ind in indicators
            ],
        )
        baselines = [
            {
                **_value_row(b, pid, n),
                "indicator_id": indicator_id,
                "year": b.year,
                "iso_date": b.iso_date,
            }
            for (pid, _, _, ind), indicator_id in zip(indicators, indicator_ids, strict=True)
            for n, b in enumerate(ind.baselines)
        ]
        if baselines:
            await conn.execute(sa.insert(baseline), baselines)
        periods = [
            (pid, indicator_id, n, per)
            for (pid, _, _, ind), indicator_id in zip(indicators, indicator_ids, strict=True)
            for n, per in enumerate(ind.periods)
        ]
        period_ids = await _insert_returning(
            conn,
            period,
            [
                {
                    "project_id": pid,
                    "indicator_id": indicator_id,
                    "position": n,
                    "period_start": per.period_start,
                    "period_end": per.period_end,
                }
                for pid, indicator_id, n, per in periods
            ],
        )
        values = [
            {**_value_row(v, pid, n), "period_id": period_id, "kind": v.kind}
            for (pid, _, _, per), period_id in zip(periods, period_ids, strict=True)
            for n, v in enumerate([*per.targets, *per.actuals])
        ]
        if values:
            await conn.execute(sa.insert(period_value), values)


async def _insert_returning(
    conn: AsyncConnection, table: sa.Table, rows: list[dict[str, Any]]
) -> list[int]:
    """The new ids, in the order of ``rows`` (one multi-row INSERT per driver page)."""
    if not rows:
        return []
    inserted = await conn.execute(
        sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return [int(i) for i in inserted.scalars()]


async def link_related_activities(conn: AsyncConnection) -> None:
    """Point related activities at the projects holding their identifiers, whichever of
    the two was imported first: one statement for the whole import."""
    p = sa.table("project", sa.column("id"), sa.column("iati_identifier"))
    await conn.execute(
        sa.update(related_activity)
        .where(
            related_activity.c.related_project_id.is_(None),
            related_activity.c.ref == p.c.iati_identifier,
        )
        .values(related_project_id=p.c.id)
    )
