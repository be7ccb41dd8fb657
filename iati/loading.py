"""Build ``Activity`` records from the tables, a batch of projects at a time.

Each batch costs the same statements whatever its size (projects, then every kind of
linked row for all of them at once: about forty), so an export's statements grow with the
number of batches, not of rows, and its memory with the batch size, not the file.

An imported project comes back as its file wrote it: the ``activity_*`` rows in file order
(``position``), participating organisations with the ref, type and names the file gave
(not the partner they were matched to), narratives in every language. A project of the
built-in dataset has none of these and is written from the service's own records.
"""

from collections.abc import AsyncIterator, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q
from db.conditions import project_condition
from db.criteria import ProjectCriteria
from db.enums import BeneficiaryCategory, PeriodValueKind
from iati.codes import ROLES
from iati.element_tables import ELEMENT_TABLES
from iati.records import (
    Activity,
    ActivityDate,
    Budget,
    BudgetItem,
    Classification,
    Coded,
    Condition,
    ContactInfo,
    CountryLink,
    DateElement,
    Description,
    DocumentLink,
    Figure,
    Group,
    IatiResult,
    Indicator,
    IndicatorPeriod,
    LegacyData,
    Location,
    Money,
    Organisation,
    OrgRef,
    OtherIdentifier,
    ParticipatingOrg,
    PartnerLink,
    PeriodValue,
    PlannedDisbursement,
    ProgrammeRef,
    RelatedActivity,
    Result,
    Source,
    ThemeRef,
    Transaction,
    narratives_of,
)

Grouped = dict[Any, list[RowMapping]]


def _figure(row: RowMapping, name: str) -> Figure | None:
    return None if row[name] is None else Figure(row[name], row[f"{name}_qualifier"])


def _money(row: RowMapping, amount: str, currency: str) -> Money | None:
    if row[amount] is None:
        return None
    return Money(row[amount], row[currency], row[f"{amount}_qualifier"])


def _sources(rows: Sequence[RowMapping]) -> list[Source]:
    return [
        Source(
            document=r["file_name"],
            excerpt=r["excerpt"],
            title=r["title"],
            publisher=r["publisher"],
            published_on=r["published_on"],
            published_on_precision=r["published_on_precision"],
        )
        for r in rows
    ]


async def _rows(conn: AsyncConnection, stmt: sa.Select[Any], key: str = "project_id") -> Grouped:
    grouped: Grouped = {}
    for row in (await conn.execute(stmt)).mappings():
        grouped.setdefault(row[key], []).append(row)
    return grouped


async def count_left_out(conn: AsyncConnection, criteria: ProjectCriteria) -> int:
    """How many selected projects lack what the schema requires (``iati.writing.missing``),
    counted in SQL so an HTTP answer can say it before it streams the file."""
    p = q.project
    has_group = sa.exists().where(q.beneficiary_group.c.project_id == p.c.id)
    has_partner = sa.exists().where(q.project_partner.c.project_id == p.c.id)
    elements = ELEMENT_TABLES["participating_orgs"]
    has_element = sa.exists().where(elements.c.project_id == p.c.id)
    has_date = sa.exists().where(ELEMENT_TABLES["dates"].c.project_id == p.c.id)
    lacking = sa.or_(
        sa.and_(p.c.status.is_(None), p.c.status_code.is_(None)),
        sa.and_(
            sa.func.coalesce(
                p.c.planned_start, p.c.actual_start, p.c.planned_end, p.c.actual_end
            ).is_(None),
            ~has_date,
        ),
        sa.and_(p.c.summary.is_(None), ~has_group),
        sa.and_(~has_partner, ~has_element),
    )
    stmt = sa.select(sa.func.count()).select_from(p).where(project_condition(criteria), lacking)
    return int(await conn.scalar(stmt) or 0)


async def project_activities(
    conn: AsyncConnection,
    criteria: ProjectCriteria,
    *,
    reporting_ref: str,
    batch_size: int = 200,
) -> AsyncIterator[Activity]:
    """The projects ``criteria`` selects, in code order, as activities."""
    p = q.project
    after: str | None = None
    while True:
        stmt = sa.select(p).where(project_condition(criteria)).order_by(p.c.code).limit(batch_size)
        if after is not None:
            stmt = stmt.where(p.c.code > after)
        projects = (await conn.execute(stmt)).mappings().all()
        if not projects:
            return
        for activity in await _activities(conn, projects, reporting_ref):
            yield activity
        after = projects[-1]["code"]


async def _activities(
    conn: AsyncConnection, projects: Sequence[RowMapping], reporting_ref: str
) -> list[Activity]:
    ids = [row["id"] for row in projects]
    pp, pc, pg, pt, pr = (
        q.project_partner,
        q.project_country,
        q.project_programme,
        q.project_theme,
        q.project_region,
    )
    partners = await _rows(
        conn,
        sa.select(
            pp,
            q.partner.c.code,
            q.partner.c.name,
            q.partner.c.acronym,
            q.partner.c.kind,
            q.partner.c.iati_identifier,
            q.partner.c.local_ref,
        )
        .join(q.partner, q.partner.c.id == pp.c.partner_id)
        .where(pp.c.project_id.in_(ids))
        .order_by(pp.c.position, pp.c.id),
    )
    countries = await _rows(
        conn, sa.select(pc).where(pc.c.project_id.in_(ids)).order_by(pc.c.position, pc.c.id)
    )
    programmes = await _rows(
        conn,
        sa.select(
            pg.c.project_id, q.programme.c.code, q.programme.c.name, q.programme.c.iati_identifier
        )
        .join(q.programme, q.programme.c.id == pg.c.programme_id)
        .where(pg.c.project_id.in_(ids))
        .order_by(q.programme.c.code),
    )
    themes = await _rows(
        conn,
        sa.select(pt.c.project_id, q.theme.c.slug, q.theme.c.name)
        .join(q.theme, q.theme.c.slug == pt.c.theme_slug)
        .where(pt.c.project_id.in_(ids))
        .order_by(q.theme.c.slug),
    )
    regions = await _rows(
        conn, sa.select(pr).where(pr.c.project_id.in_(ids)).order_by(pr.c.region_code)
    )
    groups = await _rows(
        conn,
        sa.select(q.beneficiary_group)
        .where(q.beneficiary_group.c.project_id.in_(ids))
        .order_by(q.beneficiary_group.c.code),
    )
    outcomes = await _rows(
        conn,
        sa.select(q.outcome).where(q.outcome.c.project_id.in_(ids)).order_by(q.outcome.c.code),
    )

    async def cited(column: str, rows: Grouped) -> Grouped:
        record_ids = [r["id"] for group in rows.values() for r in group]
        return dict(await q.load_citations(conn, column, record_ids)) if record_ids else {}

    project_sources = dict(await q.load_citations(conn, "project_id", ids))
    partner_sources = await cited("project_partner_id", partners)
    country_sources = await cited("project_country_id", countries)
    group_sources = await cited("beneficiary_group_id", groups)
    outcome_sources = await cited("outcome_id", outcomes)

    children = {
        name: await _rows(
            conn,
            sa.select(table)
            .where(table.c.project_id.in_(ids))
            .order_by(table.c.project_id, table.c.position, table.c.id),
        )
        for name, table in ELEMENT_TABLES.items()
    }

    activities = []
    for row in projects:
        pid = row["id"]
        activity = Activity(
            identifier=row["iati_identifier"] or f"{reporting_ref}-{row['code']}",
            title=row["title"],
            code=row["code"],
            acronym=row["acronym"],
            summary=row["summary"],
            status=row["status"],
            status_as_of=row["status_as_of"],
            status_derived=row["status_derived"],
            duration_months=row["duration_months"],
            budget=_money(row, "budget_amount", "budget_currency"),
            sources=_sources(project_sources.get(pid, [])),
        )
        for name in ("planned_start", "actual_start", "planned_end", "actual_end"):
            if row[name] is not None:
                activity.dates[name] = ActivityDate(
                    row[name], row[f"{name}_precision"], row[f"{name}_derived"]
                )
        activity.partners = [
            PartnerLink(
                Organisation(
                    name=r["name"],
                    ref=r["iati_identifier"] or r["local_ref"],
                    kind=r["kind"],
                    code=r["code"],
                    acronym=r["acronym"],
                ),
                role=r["role"],
                amount=_money(r, "amount", "currency"),
                sources=_sources(partner_sources.get(r["id"], [])),
                activity_id=r["activity_id"],
                listed=r["position"] >= 0,
            )
            for r in partners.get(pid, [])
        ]
        activity.countries = [
            CountryLink(
                r["country_code"],
                r["role"],
                r["percentage"],
                _sources(country_sources.get(r["id"], [])),
                narratives=narratives_of(r["narratives"]),
            )
            for r in countries.get(pid, [])
        ]
        activity.programmes = [
            ProgrammeRef(
                r["iati_identifier"] or f"{reporting_ref}-{r['code']}", r["code"], r["name"]
            )
            for r in programmes.get(pid, [])
        ]
        activity.themes = [ThemeRef(r["slug"], r["name"]) for r in themes.get(pid, [])]
        activity.regions = [r["region_code"] for r in regions.get(pid, [])]
        activity.groups = [
            Group(
                description=r["description"],
                categories=[BeneficiaryCategory(c) for c in r["categories"]],
                code=r["code"],
                target_count=_figure(r, "target_count"),
                reached_count=_figure(r, "reached_count"),
                women_share=_figure(r, "women_share"),
                country=r["country_code"],
                location=r["location"],
                sources=_sources(group_sources.get(r["id"], [])),
            )
            for r in groups.get(pid, [])
        ]
        activity.results = [
            Result(
                kind=r["kind"],
                statement=r["statement"],
                indicator=r["indicator"],
                measure=r["measure"],
                unit=r["unit"],
                code=r["code"],
                baseline=_figure(r, "baseline"),
                baseline_year=r["baseline_year"],
                target=_figure(r, "target"),
                actual=_figure(r, "actual"),
                period_start=r["period_start"],
                period_end=r["period_end"],
                period_precision=r["period_precision"],
                dimensions=dict(r["dimensions"]),
                sources=_sources(outcome_sources.get(r["id"], [])),
            )
            for r in outcomes.get(pid, [])
        ]
        _as_written(activity, row, {name: rows.get(pid, []) for name, rows in children.items()})
        activity.participating_orgs = _participating_orgs(
            children["participating_orgs"].get(pid, []), partners.get(pid, [])
        )
        activities.append(activity)
    return activities


def _participating_orgs(
    rows: Sequence[RowMapping], links: Sequence[RowMapping]
) -> list[ParticipatingOrg]:
    """The participating-org elements as written, but those whose partner link was removed
    since (through the API): the element no longer says what the project holds."""
    linked = {(r["partner_id"], r["role"]): r["code"] for r in links}
    found = []
    for r in rows:
        role = ROLES.get(r["role"])
        if r["partner_id"] is not None and (r["partner_id"], role) not in linked:
            continue
        found.append(
            ParticipatingOrg(
                role=r["role"],
                ref=r["ref"],
                type=r["type"],
                activity_id=r["activity_id"],
                crs_channel_code=r["crs_channel_code"],
                narratives=narratives_of(r["narratives"]),
                partner_code=linked.get((r["partner_id"], role)),
            )
        )
    return found


def _coded(stored: list[dict[str, Any]]) -> list[Coded]:
    return [Coded(c["code"], c.get("vocabulary"), c.get("vocabulary_uri")) for c in stored]


def _classification(r: RowMapping, **extra: Any) -> Classification:
    return Classification(
        code=r["code"],
        vocabulary=r["vocabulary"],
        vocabulary_uri=r["vocabulary_uri"],
        narratives=narratives_of(r["narratives"]),
        **extra,
    )


def _org(r: RowMapping, prefix: str, activity_id: str | None = None) -> OrgRef | None:
    ref, narratives = r[f"{prefix}_org_ref"], r[f"{prefix}_org_narratives"]
    org_type = r.get(f"{prefix}_org_type")
    if ref is None and narratives is None and org_type is None and activity_id is None:
        return None
    return OrgRef(ref, org_type, activity_id, narratives_of(narratives))


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _document(d: dict[str, Any]) -> DocumentLink:
    return DocumentLink(
        url=d["url"],
        format=d.get("format"),
        title=narratives_of(d.get("title")),
        description=narratives_of(d.get("description")),
        categories=list(d.get("categories") or []),
        languages=list(d.get("languages") or []),
        document_date=_day(d.get("document_date")),
    )


def _period_value(r: RowMapping, kind: PeriodValueKind | None) -> PeriodValue:
    return PeriodValue(
        kind=kind,
        value=r["value"],
        comment=narratives_of(r["comment"]),
        dimensions=[(d["name"], d["value"]) for d in r["dimensions"]],
        location_refs=list(r["location_refs"]),
        document_links=[_document(d) for d in r["document_links"]],
        year=r.get("year"),
        iso_date=r.get("iso_date"),
    )


def _transaction(r: RowMapping) -> Transaction:
    region = None
    if r["recipient_region_code"] is not None:
        region = Classification(
            code=r["recipient_region_code"],
            vocabulary=r["recipient_region_vocabulary"],
            vocabulary_uri=r["recipient_region_vocabulary_uri"],
            narratives=narratives_of(r["recipient_region_narratives"]),
        )
    country = None
    if r["recipient_country_code"] is not None:
        country = Classification(
            code=r["recipient_country_code"],
            narratives=narratives_of(r["recipient_country_narratives"]),
        )
    return Transaction(
        transaction_type=r["transaction_type"],
        transaction_date=r["transaction_date"],
        value=r["value"],
        currency=r["currency"],
        value_date=r["value_date"],
        ref=r["ref"],
        humanitarian=r["humanitarian"],
        description=narratives_of(r["description"]),
        provider=_org(r, "provider", r["provider_activity_id"]),
        receiver=_org(r, "receiver", r["receiver_activity_id"]),
        disbursement_channel=r["disbursement_channel"],
        sectors=[
            Classification(
                code=s["code"],
                vocabulary=s.get("vocabulary"),
                vocabulary_uri=s.get("vocabulary_uri"),
                narratives=narratives_of(s.get("narratives")),
            )
            for s in r["sectors"]
        ],
        recipient_country=country,
        recipient_region=region,
        flow_type=r["flow_type"],
        finance_type=r["finance_type"],
        aid_types=_coded(r["aid_types"]),
        tied_status=r["tied_status"],
    )


def _results(rows: dict[str, list[RowMapping]]) -> list[IatiResult]:
    """results → indicators → baselines and periods → targets and actuals, nested by id
    from one statement per level."""
    values: dict[int, list[RowMapping]] = {}
    for r in rows["period_values"]:
        values.setdefault(r["period_id"], []).append(r)
    periods: dict[int, list[IndicatorPeriod]] = {}
    for r in rows["periods"]:
        mine = values.get(r["id"], [])
        periods.setdefault(r["indicator_id"], []).append(
            IndicatorPeriod(
                r["period_start"],
                r["period_end"],
                targets=[_period_value(v, v["kind"]) for v in mine if v["kind"] == "TARGET"],
                actuals=[_period_value(v, v["kind"]) for v in mine if v["kind"] == "ACTUAL"],
            )
        )
    baselines: dict[int, list[PeriodValue]] = {}
    for r in rows["baselines"]:
        baselines.setdefault(r["indicator_id"], []).append(_period_value(r, None))
    indicators: dict[int, list[Indicator]] = {}
    for r in rows["indicators"]:
        indicators.setdefault(r["result_id"], []).append(
            Indicator(
                measure=r["measure"],
                ascending=r["ascending"],
                aggregation_status=r["aggregation_status"],
                title=narratives_of(r["title"]),
                description=narratives_of(r["description"]),
                document_links=[_document(d) for d in r["document_links"]],
                references=_coded(r["references"]),
                baselines=baselines.get(r["id"], []),
                periods=periods.get(r["id"], []),
            )
        )
    return [
        IatiResult(
            type=r["type"],
            aggregation_status=r["aggregation_status"],
            title=narratives_of(r["title"]),
            description=narratives_of(r["description"]),
            document_links=[_document(d) for d in r["document_links"]],
            references=_coded(r["references"]),
            indicators=indicators.get(r["id"], []),
        )
        for r in rows["results"]
    ]


def _as_written(a: Activity, p: RowMapping, rows: dict[str, list[RowMapping]]) -> None:
    """The IATI elements of an imported activity, from its project row and child rows."""
    a.iati_version = p["iati_version"]
    a.last_updated = p["last_updated_datetime"]
    a.last_updated_without_zone = p["last_updated_without_zone"]
    a.status_code = p["status_code"]
    a.date_elements = [
        DateElement(r["type"], r["iso_date"], narratives_of(r["narratives"])) for r in rows["dates"]
    ]
    a.lang = p["lang"]
    a.default_currency = p["default_currency"]
    a.hierarchy = p["hierarchy"]
    a.humanitarian = p["humanitarian"]
    a.budget_not_provided = p["budget_not_provided"]
    a.linked_data_uri = p["linked_data_uri"]
    a.title_narratives = narratives_of(p["title_narratives"])
    reporting = narratives_of(p["reporting_org_narratives"])
    if p["reporting_org_ref"] is not None or reporting:
        a.reporting_org = Organisation(
            name=reporting[0].text if reporting else p["reporting_org_ref"],
            ref=p["reporting_org_ref"],
            type=p["reporting_org_type"],
            narratives=reporting,
            secondary_reporter=p["reporting_org_secondary_reporter"],
        )
    a.collaboration_type = p["collaboration_type"]
    a.default_flow_type = p["default_flow_type"]
    a.default_finance_type = p["default_finance_type"]
    a.default_aid_types = _coded(p["default_aid_types"])
    a.default_tied_status = p["default_tied_status"]
    a.activity_scope = p["activity_scope"]
    a.capital_spend = p["capital_spend"]
    a.conditions_attached = p["conditions_attached"]
    a.country_budget_items_vocabulary = p["country_budget_items_vocabulary"]
    a.crs_add = p["crs_add"]
    a.fss = p["fss"]
    a.descriptions = [
        Description(r["type"], narratives_of(r["narratives"]) or []) for r in rows["descriptions"]
    ]
    a.other_identifiers = [
        OtherIdentifier(
            r["ref"],
            r["type"],
            OrgRef(r["owner_org_ref"], narratives=narratives_of(r["owner_org_narratives"]))
            if r["owner_org_ref"] is not None or r["owner_org_narratives"] is not None
            else None,
        )
        for r in rows["other_identifiers"]
    ]
    a.contacts = [
        ContactInfo(
            type=r["type"],
            organisation=narratives_of(r["organisation"]),
            department=narratives_of(r["department"]),
            person_name=narratives_of(r["person_name"]),
            job_title=narratives_of(r["job_title"]),
            telephones=list(r["telephones"]),
            emails=list(r["emails"]),
            websites=list(r["websites"]),
            mailing_addresses=[narratives_of(m) or [] for m in r["mailing_addresses"]],
        )
        for r in rows["contacts"]
    ]
    a.recipient_regions = [
        _classification(r, percentage=r["percentage"]) for r in rows["recipient_regions"]
    ]
    a.locations = [
        Location(
            ref=r["ref"],
            location_reach=r["location_reach"],
            location_ids=_coded(r["location_ids"]),
            name=narratives_of(r["name"]),
            description=narratives_of(r["description"]),
            activity_description=narratives_of(r["activity_description"]),
            administrative=list(r["administrative"]),
            srs_name=r["srs_name"],
            latitude=r["latitude"],
            longitude=r["longitude"],
            exactness=r["exactness"],
            location_class=r["location_class"],
            feature_designation=r["feature_designation"],
        )
        for r in rows["locations"]
    ]
    a.sectors = [_classification(r, percentage=r["percentage"]) for r in rows["sectors"]]
    a.tags = [_classification(r) for r in rows["tags"]]
    a.country_budget_items = [
        BudgetItem(r["code"], r["percentage"], narratives_of(r["description"]))
        for r in rows["country_budget_items"]
    ]
    if a.country_budget_items_vocabulary is None and rows["country_budget_items"]:
        a.country_budget_items_vocabulary = rows["country_budget_items"][0]["vocabulary"]
    a.humanitarian_scopes = [
        _classification(r, type=r["type"]) for r in rows["humanitarian_scopes"]
    ]
    a.policy_markers = [
        _classification(r, significance=r["significance"]) for r in rows["policy_markers"]
    ]
    a.budgets = [
        Budget(
            r["period_start"],
            r["period_end"],
            r["value"],
            currency=r["currency"],
            value_date=r["value_date"],
            type=r["type"],
            status=r["status"],
        )
        for r in rows["budgets"]
    ]
    a.planned_disbursements = [
        PlannedDisbursement(
            r["period_start"],
            r["value"],
            period_end=r["period_end"],
            currency=r["currency"],
            value_date=r["value_date"],
            type=r["type"],
            provider=_org(r, "provider", r["provider_activity_id"]),
            receiver=_org(r, "receiver", r["receiver_activity_id"]),
        )
        for r in rows["planned_disbursements"]
    ]
    a.transactions = [_transaction(r) for r in rows["transactions"]]
    a.document_links = [
        DocumentLink(
            url=r["url"],
            format=r["format"],
            title=narratives_of(r["title"]),
            description=narratives_of(r["description"]),
            categories=list(r["categories"]),
            languages=list(r["languages"]),
            document_date=r["document_date"],
        )
        for r in rows["document_links"]
    ]
    a.related_activities = [
        RelatedActivity(r["ref"], r["type"]) for r in rows["related_activities"]
    ]
    a.legacy_data = [
        LegacyData(r["name"], r["value"], r["iati_equivalent"]) for r in rows["legacy_data"]
    ]
    a.conditions = [
        Condition(r["type"], narratives_of(r["narratives"])) for r in rows["conditions"]
    ]
    a.iati_results = _results(rows)
