"""An activity's IATI elements as rows of the ``activity_*`` tables, written in batches.

Each repeated element of the standard is a ``Family``: its table, where its items are (on
the activity, or on a parent item for the results' indicators, baselines, periods and
values) and the columns one item fills. ``FAMILIES`` lists them all, so a new element or
column is one entry there, and the batch, the replacement and the writer follow.

Rows of many activities wait in a ``RowBatch`` and go in together, one ``COPY`` per table:
a row whose children wait with it takes an id reserved from its table's sequence (one
statement per table and batch), which its children name as their parent, so importing a
file costs a number of statements that does not grow with its rows. An activity imported
again with different content has all its rows replaced: the batch deletes them first.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from db import writes
from db.metadata import table_of
from db.table_copy import copy_rows, insert_new_rows, reserve_ids
from db.tables import ActivityWarning, Citation
from iati.element_tables import ELEMENT_TABLES
from iati.records import (
    Activity,
    Budget,
    BudgetItem,
    Classification,
    Coded,
    Condition,
    ContactInfo,
    DateElement,
    Description,
    DocumentLink,
    IatiResult,
    ImportWarning,
    Indicator,
    IndicatorPeriod,
    LegacyData,
    Location,
    Organisation,
    OrgRef,
    OtherIdentifier,
    ParticipatingOrg,
    PeriodValue,
    PlannedDisbursement,
    RelatedActivity,
    Transaction,
    narratives_json,
)

related_activity = ELEMENT_TABLES["related_activities"]
citation = table_of(Citation)

PartnerOf = Callable[[OrgRef | Organisation | None], int | None]
"""The partner an element names: a transaction's provider or receiver (its ``OrgRef``), a
participating-org (the ``Organisation`` its partner link was read from)."""
T = TypeVar("T")


@dataclass(frozen=True)
class RowContext:
    """What a row needs besides its item: the activity, the partner an organisation it
    names was matched to, and the file (warnings name it)."""

    activity: Activity
    partner_of: PartnerOf
    file_name: str


@dataclass(frozen=True)
class Family(Generic[T]):
    """One repeated element as rows of one table: ``items`` finds them on the parent (the
    activity, or the parent family's item), ``columns`` gives one item's values; every row
    also gets ``project_id``, its ``position`` among its siblings (unless ``positioned`` is
    false) and, in a child family, its parent's id in ``parent_column``."""

    table: sa.Table
    items: Callable[[Any], Sequence[T]]
    columns: Callable[[T, RowContext], dict[str, Any]]
    parent_column: str | None = None
    children: tuple["Family[Any]", ...] = ()
    positioned: bool = True


def _coded(items: Sequence[Coded]) -> list[dict[str, Any]]:
    return [
        {"vocabulary": c.vocabulary, "code": c.code}
        | ({"vocabulary_uri": c.vocabulary_uri} if c.vocabulary_uri else {})
        for c in items
    ]


def _coded_columns(c: Classification, default_vocabulary: str | None = None) -> dict[str, Any]:
    """What every coded element (sector, region, policy marker, tag...) fills: its code, its
    vocabulary (or the default its table gives), and its narratives."""
    return {
        "vocabulary": c.vocabulary or default_vocabulary,
        "vocabulary_uri": c.vocabulary_uri,
        "code": c.code,
        "narratives": narratives_json(c.narratives),
    }


def _classification_json(c: Classification) -> dict[str, Any]:
    return {
        **_coded_columns(c),
        "percentage": None if c.percentage is None else str(c.percentage),
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


def _transaction(t: Transaction, ctx: RowContext) -> dict[str, Any]:
    country, region = t.recipient_country, t.recipient_region
    return {
        "ref": t.ref,
        "humanitarian": t.humanitarian,
        "transaction_type": t.transaction_type,
        "transaction_date": t.transaction_date,
        "value": t.value,
        "currency": t.currency,
        "value_date": t.value_date,
        "description": narratives_json(t.description),
        **_org("provider", t.provider),
        "provider_partner_id": ctx.partner_of(t.provider),
        **_org("receiver", t.receiver),
        "receiver_partner_id": ctx.partner_of(t.receiver),
        "disbursement_channel": t.disbursement_channel,
        "sectors": [_classification_json(s) for s in t.sectors],
        "recipient_country_code": country.code if country else None,
        "recipient_country_narratives": narratives_json(country.narratives) if country else None,
        "recipient_region_code": region.code if region else None,
        "recipient_region_vocabulary": region.vocabulary if region else None,
        "recipient_region_vocabulary_uri": region.vocabulary_uri if region else None,
        "recipient_region_narratives": narratives_json(region.narratives) if region else None,
        "flow_type": t.flow_type,
        "finance_type": t.finance_type,
        "aid_types": _coded(t.aid_types),
        "tied_status": t.tied_status,
    }


def _budget(b: Budget, ctx: RowContext) -> dict[str, Any]:
    return {
        "type": b.type,
        "status": b.status,
        "period_start": b.period_start,
        "period_end": b.period_end,
        "value": b.value,
        "currency": b.currency,
        "value_date": b.value_date,
    }


def _planned_disbursement(d: PlannedDisbursement, ctx: RowContext) -> dict[str, Any]:
    return {
        "type": d.type,
        "period_start": d.period_start,
        "period_end": d.period_end,
        "value": d.value,
        "currency": d.currency,
        "value_date": d.value_date,
        **_org("provider", d.provider),
        **_org("receiver", d.receiver),
    }


def _classification(c: Classification, ctx: RowContext) -> dict[str, Any]:
    """A sector or recipient region."""
    return {**_coded_columns(c), "percentage": c.percentage}


def _policy_marker(c: Classification, ctx: RowContext) -> dict[str, Any]:
    return {**_coded_columns(c), "significance": c.significance}


def _tag(c: Classification, ctx: RowContext) -> dict[str, Any]:
    return _coded_columns(c, "1")


def _humanitarian_scope(c: Classification, ctx: RowContext) -> dict[str, Any]:
    return {"type": c.type or "", **_coded_columns(c, "")}


def _country_budget_item(item: BudgetItem, ctx: RowContext) -> dict[str, Any]:
    return {
        "vocabulary": ctx.activity.country_budget_items_vocabulary or "",
        "code": item.code,
        "percentage": item.percentage,
        "description": narratives_json(item.description),
    }


def _location(x: Location, ctx: RowContext) -> dict[str, Any]:
    return {
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


def _document_link(d: DocumentLink, ctx: RowContext) -> dict[str, Any]:
    return {
        "url": d.url,
        "format": d.format,
        "title": narratives_json(d.title),
        "description": narratives_json(d.description),
        "categories": d.categories,
        "languages": d.languages,
        "document_date": d.document_date,
    }


def _related_activity(r: RelatedActivity, ctx: RowContext) -> dict[str, Any]:
    """Linked to its project at the end of the import (``link_related_activities``)."""
    return {"ref": r.ref, "type": r.type, "related_project_id": None}


def _typed_narratives(d: Description | Condition, ctx: RowContext) -> dict[str, Any]:
    """A description or a condition."""
    return {"type": d.type, "narratives": narratives_json(d.narratives)}


def _other_identifier(o: OtherIdentifier, ctx: RowContext) -> dict[str, Any]:
    owner = o.owner_org
    return {
        "ref": o.ref,
        "type": o.type,
        "owner_org_ref": owner.ref if owner else None,
        "owner_org_narratives": narratives_json(owner.narratives) if owner else None,
    }


def _contact_info(c: ContactInfo, ctx: RowContext) -> dict[str, Any]:
    return {
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


def _participating_org(o: ParticipatingOrg, ctx: RowContext) -> dict[str, Any]:
    return {
        "role": o.role,
        "ref": o.ref,
        "type": o.type,
        "activity_id": o.activity_id,
        "crs_channel_code": o.crs_channel_code,
        "narratives": narratives_json(o.narratives),
        "partner_id": ctx.partner_of(o.organisation),
    }


def _date(d: DateElement, ctx: RowContext) -> dict[str, Any]:
    return {"type": d.type, "iso_date": d.value, "narratives": narratives_json(d.narratives)}


def _legacy_data(d: LegacyData, ctx: RowContext) -> dict[str, Any]:
    return {"name": d.name, "value": d.value, "iati_equivalent": d.iati_equivalent}


def _warning(w: ImportWarning, ctx: RowContext) -> dict[str, Any]:
    return {
        "kind": w.kind,
        "message": w.message,
        "element": w.element,
        "line": w.line,
        "file_name": ctx.file_name,
    }


def _described_columns(x: IatiResult | Indicator) -> dict[str, Any]:
    """What a result and an indicator both fill: their titles, descriptions, documents and
    references, and whether they may be aggregated."""
    return {
        "aggregation_status": x.aggregation_status,
        "title": narratives_json(x.title),
        "description": narratives_json(x.description),
        "document_links": document_links_json(x.document_links),
        "references": _coded(x.references),
    }


def _result(r: IatiResult, ctx: RowContext) -> dict[str, Any]:
    return {"type": r.type, **_described_columns(r)}


def _indicator(ind: Indicator, ctx: RowContext) -> dict[str, Any]:
    return {"measure": ind.measure, "ascending": ind.ascending, **_described_columns(ind)}


def _value(v: PeriodValue) -> dict[str, Any]:
    return {
        "value": v.value,
        "comment": narratives_json(v.comment),
        "dimensions": [{"name": n, "value": x} for n, x in v.dimensions],
        "location_refs": v.location_refs,
        "document_links": document_links_json(v.document_links),
    }


def _baseline(b: PeriodValue, ctx: RowContext) -> dict[str, Any]:
    return {**_value(b), "year": b.year, "iso_date": b.iso_date}


def _period(p: IndicatorPeriod, ctx: RowContext) -> dict[str, Any]:
    return {"period_start": p.period_start, "period_end": p.period_end}


def _period_value(v: PeriodValue, ctx: RowContext) -> dict[str, Any]:
    return {**_value(v), "kind": v.kind}


RESULTS: Family[IatiResult] = Family(
    ELEMENT_TABLES["results"],
    lambda a: a.iati_results,
    _result,
    children=(
        Family(
            ELEMENT_TABLES["indicators"],
            lambda r: r.indicators,
            _indicator,
            parent_column="result_id",
            children=(
                Family(
                    ELEMENT_TABLES["baselines"],
                    lambda i: i.baselines,
                    _baseline,
                    parent_column="indicator_id",
                ),
                Family(
                    ELEMENT_TABLES["periods"],
                    lambda i: i.periods,
                    _period,
                    parent_column="indicator_id",
                    children=(
                        Family(
                            ELEMENT_TABLES["period_values"],
                            lambda p: [*p.targets, *p.actuals],
                            _period_value,
                            parent_column="period_id",
                        ),
                    ),
                ),
            ),
        ),
    ),
)
"""Results, their indicators, baselines, periods and values: deleting a result deletes
what is under it (cascade)."""

FAMILIES: tuple[Family[Any], ...] = (
    Family(ELEMENT_TABLES["transactions"], lambda a: a.transactions, _transaction),
    Family(ELEMENT_TABLES["budgets"], lambda a: a.budgets, _budget),
    Family(
        ELEMENT_TABLES["planned_disbursements"],
        lambda a: a.planned_disbursements,
        _planned_disbursement,
    ),
    Family(ELEMENT_TABLES["sectors"], lambda a: a.sectors, _classification),
    Family(ELEMENT_TABLES["recipient_regions"], lambda a: a.recipient_regions, _classification),
    Family(ELEMENT_TABLES["policy_markers"], lambda a: a.policy_markers, _policy_marker),
    Family(ELEMENT_TABLES["tags"], lambda a: a.tags, _tag),
    Family(
        ELEMENT_TABLES["humanitarian_scopes"], lambda a: a.humanitarian_scopes, _humanitarian_scope
    ),
    Family(
        ELEMENT_TABLES["country_budget_items"],
        lambda a: a.country_budget_items,
        _country_budget_item,
    ),
    Family(ELEMENT_TABLES["locations"], lambda a: a.locations, _location),
    Family(ELEMENT_TABLES["document_links"], lambda a: a.document_links, _document_link),
    Family(related_activity, lambda a: a.related_activities, _related_activity),
    Family(ELEMENT_TABLES["descriptions"], lambda a: a.descriptions, _typed_narratives),
    Family(ELEMENT_TABLES["other_identifiers"], lambda a: a.other_identifiers, _other_identifier),
    Family(ELEMENT_TABLES["conditions"], lambda a: a.conditions, _typed_narratives),
    Family(ELEMENT_TABLES["contacts"], lambda a: a.contacts, _contact_info),
    Family(ELEMENT_TABLES["legacy_data"], lambda a: a.legacy_data, _legacy_data),
    Family(
        ELEMENT_TABLES["participating_orgs"], lambda a: a.participating_orgs, _participating_org
    ),
    Family(ELEMENT_TABLES["dates"], lambda a: a.date_elements, _date),
    Family(table_of(ActivityWarning), lambda a: a.warnings, _warning, positioned=False),
    RESULTS,
)
"""Every element family an activity writes, each family before its children."""


def _walk(families: Sequence[Family[Any]]) -> Iterator[Family[Any]]:
    for family in families:
        yield family
        yield from _walk(family.children)


ALL_FAMILIES: tuple[Family[Any], ...] = tuple(_walk(FAMILIES))
"""Every family, parents before children: the order rows are written in."""
REPLACED_TABLES: tuple[sa.Table, ...] = tuple(f.table for f in FAMILIES)
"""What replacing an activity's rows deletes (the results' children go by cascade)."""


@dataclass
class RowBatch:
    """Rows of several activities waiting to be written, and the projects whose old rows
    go first."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    parents: dict[str, list[int]] = field(default_factory=dict)
    """For a child family's rows, the index of each one's parent row in its parent's list."""
    replaced: list[int] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    """Audit entries of the records the activities created (``db.writes``)."""
    citations: list[dict[str, Any]] = field(default_factory=list)
    new_citations: list[dict[str, Any]] = field(default_factory=list)
    projects: set[int] = field(default_factory=set)
    """The projects whose rows wait here (one activity given twice must flush between)."""
    size: int = 0

    def add(
        self,
        activity: Activity,
        project_id: int,
        partner_of: PartnerOf,
        *,
        file_name: str,
        replace: bool,
    ) -> None:
        """Queue the activity's rows, its ``warnings`` among them."""
        if replace:
            self.replaced.append(project_id)
        self.projects.add(project_id)
        context = RowContext(activity, partner_of, file_name)
        self._add(FAMILIES, activity, None, project_id, context)

    def _add(
        self,
        families: Sequence[Family[Any]],
        parent: Any,
        parent_index: int | None,
        project_id: int,
        context: RowContext,
    ) -> None:
        for family in families:
            items = family.items(parent)
            if not items:
                continue
            rows = self.rows.setdefault(family.table.name, [])
            if parent_index is not None:
                self.parents.setdefault(family.table.name, []).extend([parent_index] * len(items))
            columns, positioned, children = family.columns, family.positioned, family.children
            for position, item in enumerate(items):
                row = columns(item, context)
                row["project_id"] = project_id
                if positioned:
                    row["position"] = position
                rows.append(row)
                if children:
                    self._add(children, item, len(rows) - 1, project_id, context)
            self.size += len(items)

    def audit(
        self,
        changes: list[dict[str, Any]],
        citations: list[dict[str, Any]],
        new_citations: list[dict[str, Any]],
    ) -> None:
        """Queue audit entries and citations: ``new_citations`` cite records created with
        the batch, so none of them can be in the table yet."""
        self.changes.extend(changes)
        self.citations.extend(citations)
        self.new_citations.extend(new_citations)
        self.size += len(changes) + len(citations) + len(new_citations)

    async def flush(self, conn: AsyncConnection) -> None:
        if self.replaced:
            for table in REPLACED_TABLES:
                await conn.execute(sa.delete(table).where(table.c.project_id.in_(self.replaced)))
        ids: dict[str, list[int]] = {}
        for family in ALL_FAMILIES:
            name = family.table.name
            rows = self.rows.get(name)
            if not rows:
                continue
            if family.parent_column is not None:
                parent_ids = ids[_parent_of(family).table.name]
                for row, index in zip(rows, self.parents[name], strict=True):
                    row[family.parent_column] = parent_ids[index]
            if family.children:
                ids[name] = await reserve_ids(conn, family.table, len(rows))
                for row, new_id in zip(rows, ids[name], strict=True):
                    row["id"] = new_id
            await copy_rows(conn, family.table, rows)
        await writes.record_changes(conn, self.changes)
        # Thousands a batch: one statement, not one per row (an executemany). Those of new
        # records by COPY, each once (the unique constraint holds NULLs equal, as tuples do).
        once: dict[tuple[Any, ...], dict[str, Any]] = {}
        for c in self.new_citations:
            once.setdefault(tuple(c.values()), c)
        await copy_rows(conn, citation, list(once.values()))
        await insert_new_rows(conn, citation, self.citations)
        self.rows, self.parents, self.replaced, self.size = {}, {}, [], 0
        self.changes, self.citations, self.new_citations = [], [], []
        self.projects = set()


def _parent_of(child: Family[Any]) -> Family[Any]:
    return next(f for f in ALL_FAMILIES if child in f.children)


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
