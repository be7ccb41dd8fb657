"""Seed the built-in dataset: insert what is missing, never overwrite (but fill in what the
dataset owns on the country and region rows the codelist migration made).

Every row is inserted with ``ON CONFLICT DO NOTHING`` on its stable key (a code, an ISO code,
a slug, or the natural key of a link), so running the loader twice changes nothing and a
record edited through the API keeps its edits. The caller owns the transaction: the whole
dataset lands, or none of it.
"""

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
import yaml
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from db.dataset.records import Dataset, FuzzyDate, Period, SourceRef
from db.metadata import table_of
from db.tables import (
    Agreement,
    AgreementParty,
    AgreementProject,
    BeneficiaryGroup,
    Citation,
    Contribution,
    Country,
    Outcome,
    Partner,
    PartnerFact,
    PartnerFactCountry,
    Programme,
    ProgrammePartner,
    Project,
    ProjectCountry,
    ProjectPartner,
    ProjectProgramme,
    ProjectRegion,
    ProjectTheme,
    Region,
    SourceDocument,
    Theme,
)

DATASET_FILE = Path(__file__).parent / "korea_ilo.yaml"

R = TypeVar("R")
Row = dict[str, Any]


def read_dataset(path: Path = DATASET_FILE) -> Dataset:
    return Dataset.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


class _Seeder:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.inserted: dict[str, int] = {}
        self.citations: list[Row] = []
        self.documents: dict[str, int] = {}

    async def insert(self, model: type[SQLModel], rows: Sequence[Row]) -> None:
        table = table_of(model)
        count = 0
        if rows:
            # A multi-row VALUES needs every row to name the same columns.
            columns = list(dict.fromkeys(k for row in rows for k in row))
            values = [{c: row.get(c) for c in columns} for row in rows]
            result = await self.conn.execute(insert(table).values(values).on_conflict_do_nothing())
            count = result.rowcount
        self.inserted[table.name] = self.inserted.get(table.name, 0) + count

    async def fill(self, model: type[SQLModel], rows: Sequence[Row], key: str) -> None:
        """Insert rows, or fill the columns the dataset owns on rows another source made (the
        countries and regions migration 0008 creates from the IATI codelists); a row that
        already says what the dataset says is left alone and not counted."""
        table = table_of(model)
        count = 0
        if rows:
            columns = list(dict.fromkeys(k for row in rows for k in row))
            values = [{c: row.get(c) for c in columns} for row in rows]
            upsert = insert(table).values(values)
            owned = [c for c in columns if c != key]
            count = (
                await self.conn.execute(
                    upsert.on_conflict_do_update(
                        index_elements=[key],
                        set_={c: upsert.excluded[c] for c in owned},
                        where=sa.tuple_(*(table.c[c] for c in owned)).is_distinct_from(
                            sa.tuple_(*(upsert.excluded[c] for c in owned))
                        ),
                    )
                )
            ).rowcount
        self.inserted[table.name] = self.inserted.get(table.name, 0) + count

    async def ids(self, model: type[SQLModel], *key: str) -> dict[Any, int]:
        table = table_of(model)
        columns = [table.c[k] for k in key]
        result = await self.conn.execute(sa.select(table.c.id, *columns))
        return {(row[1] if len(key) == 1 else tuple(row[1:])): row[0] for row in result}

    def cite(self, column: str, record_id: int, sources: Iterable[SourceRef]) -> None:
        for source in sources:
            self.citations.append(
                {
                    "document_id": self.documents[source.document],
                    "excerpt": source.excerpt,
                    column: record_id,
                }
            )


async def seed_dataset(conn: AsyncConnection, data: Dataset) -> dict[str, int]:
    """Insert whatever of ``data`` is missing; return how many rows each table gained."""
    s = _Seeder(conn)

    await s.insert(
        SourceDocument,
        [
            {
                "file_name": d.file,
                "title": d.title,
                "publisher": d.publisher,
                **_fuzzy("published_on", d.published),
            }
            for d in data.documents
        ],
    )
    s.documents = await s.ids(SourceDocument, "file_name")
    await s.fill(Country, [c.model_dump() for c in data.countries], "code")
    await s.fill(Region, [r.model_dump() for r in data.regions], "code")
    await s.insert(Theme, [t.model_dump() for t in data.themes])

    partners: dict[str, int] = {}
    for batch in _by_dependency(data.partners, lambda p: p.code, lambda p: p.parent):
        await s.insert(
            Partner,
            [
                {
                    "code": p.code,
                    "name": p.name,
                    "acronym": p.acronym,
                    "kind": p.kind,
                    "parent_id": partners.get(p.parent) if p.parent else None,
                    "country_code": p.country,
                    "website": p.website,
                    "description": p.description,
                    "iati_identifier": p.iati_identifier,
                    "iati_identifier_source": p.iati_identifier_source,
                }
                for p in batch
            ],
        )
        partners = await s.ids(Partner, "code")
    for p in data.partners:
        s.cite("partner_id", partners[p.code], p.sources)

    programmes: dict[str, int] = {}
    for programme_batch in _by_dependency(data.programmes, lambda g: g.code, lambda g: g.parent):
        await s.insert(
            Programme,
            [
                {
                    "code": g.code,
                    "name": g.name,
                    "acronym": g.acronym,
                    "description": g.description,
                    "parent_id": programmes.get(g.parent) if g.parent else None,
                    **_fuzzy("start_date", g.start),
                    **_fuzzy("end_date", g.end),
                    "areas_of_work": g.areas_of_work,
                }
                for g in programme_batch
            ],
        )
        programmes = await s.ids(Programme, "code")
    await s.insert(
        ProgrammePartner,
        [
            {"programme_id": programmes[g.code], "partner_id": partners[x.partner], "role": x.role}
            for g in data.programmes
            for x in g.partners
        ],
    )
    programme_partners = await s.ids(ProgrammePartner, "programme_id", "partner_id", "role")
    for g in data.programmes:
        s.cite("programme_id", programmes[g.code], g.sources)
        for x in g.partners:
            key = (programmes[g.code], partners[x.partner], x.role)
            s.cite("programme_partner_id", programme_partners[key], x.sources)

    projects: dict[str, int] = {}
    for project_batch in _by_dependency(
        data.projects, lambda j: j.code, lambda j: j.previous_phase
    ):
        await s.insert(
            Project,
            [
                {
                    "code": j.code,
                    "title": j.title,
                    "acronym": j.acronym,
                    "summary": j.summary,
                    "status": j.status.value if j.status else None,
                    "status_as_of": j.status.as_of.value if j.status else None,
                    "status_derived": j.status.derived if j.status else False,
                    "status_derivation": j.status.derivation if j.status else None,
                    **_fuzzy("planned_start", j.planned_start),
                    **_fuzzy("planned_end", j.planned_end),
                    **_fuzzy("actual_start", j.actual_start),
                    **_fuzzy("actual_end", j.actual_end),
                    "duration_months": j.duration_months,
                    "duration_months_derivation": j.duration_derivation,
                    "budget_amount": j.budget.amount if j.budget else None,
                    "budget_currency": j.budget.currency if j.budget else None,
                    "budget_amount_qualifier": j.budget.qualifier if j.budget else None,
                    "previous_phase_id": projects.get(j.previous_phase)
                    if j.previous_phase
                    else None,
                }
                for j in project_batch
            ],
        )
        projects = await s.ids(Project, "code")

    await s.insert(
        ProjectProgramme,
        [
            {"project_id": projects[j.code], "programme_id": programmes[x.programme]}
            for j in data.projects
            for x in j.programmes
        ],
    )
    await s.insert(
        ProjectPartner,
        [
            {
                "project_id": projects[j.code],
                "partner_id": partners[x.partner],
                "role": x.role,
                "amount": x.amount.amount if x.amount else None,
                "currency": x.amount.currency if x.amount else None,
                "amount_qualifier": x.amount.qualifier if x.amount else None,
            }
            for j in data.projects
            for x in j.partners
        ],
    )
    await s.insert(
        ProjectCountry,
        [
            {"project_id": projects[j.code], "country_code": x.country, "role": x.role}
            for j in data.projects
            for x in j.countries
        ],
    )
    await s.insert(
        ProjectRegion,
        [
            {"project_id": projects[j.code], "region_code": code}
            for j in data.projects
            for code in j.regions
        ],
    )
    await s.insert(
        ProjectTheme,
        [
            {"project_id": projects[j.code], "theme_slug": slug}
            for j in data.projects
            for slug in j.themes
        ],
    )
    await s.insert(
        BeneficiaryGroup,
        [
            {
                "code": g.code,
                "project_id": projects[j.code],
                "description": g.description,
                "categories": [c.value for c in g.categories],
                **_figure("target_count", g.target_count),
                **_figure("reached_count", g.reached_count),
                **_figure("women_share", g.women_share),
                **_figure("population_count", g.population_count),
                "population": g.population,
                "country_code": g.country,
                "location": g.location,
            }
            for j in data.projects
            for g in j.beneficiary_groups
        ],
    )
    await s.insert(
        Outcome,
        [
            {
                "code": o.code,
                "project_id": projects[j.code],
                "kind": o.kind,
                "statement": o.statement,
                "indicator": o.indicator,
                "unit": o.unit,
                **_figure("baseline", o.baseline),
                **_figure("target", o.target),
                **_figure("actual", o.actual),
                **_period(o.period),
            }
            for j in data.projects
            for o in j.outcomes
        ],
    )
    project_programmes = await s.ids(ProjectProgramme, "project_id", "programme_id")
    project_partners = await s.ids(ProjectPartner, "project_id", "partner_id", "role")
    project_countries = await s.ids(ProjectCountry, "project_id", "country_code", "role")
    groups = await s.ids(BeneficiaryGroup, "code")
    outcomes = await s.ids(Outcome, "code")
    for j in data.projects:
        pid = projects[j.code]
        s.cite("project_id", pid, j.sources)
        for pl in j.programmes:
            key2 = (pid, programmes[pl.programme])
            s.cite("project_programme_id", project_programmes[key2], pl.sources)
        for pp in j.partners:
            key3 = (pid, partners[pp.partner], pp.role)
            s.cite("project_partner_id", project_partners[key3], pp.sources)
        for cl in j.countries:
            s.cite("project_country_id", project_countries[(pid, cl.country, cl.role)], cl.sources)
        for bg in j.beneficiary_groups:
            s.cite("beneficiary_group_id", groups[bg.code], bg.sources)
        for o in j.outcomes:
            s.cite("outcome_id", outcomes[o.code], o.sources)

    await s.insert(
        Contribution,
        [
            {
                "code": c.code,
                "donor_id": partners[c.donor],
                "recipient_id": partners[c.recipient],
                "kind": c.kind,
                "amount": c.amount.amount,
                "currency": c.amount.currency,
                "amount_qualifier": c.amount.qualifier,
                "period_start_year": c.period[0],
                "period_end_year": c.period[1],
                "programme_id": programmes[c.programme] if c.programme else None,
                "project_id": projects[c.project] if c.project else None,
            }
            for c in data.contributions
        ],
    )
    contributions = await s.ids(Contribution, "code")
    for c in data.contributions:
        s.cite("contribution_id", contributions[c.code], c.sources)

    await s.insert(
        Agreement,
        [
            {
                "code": a.code,
                "kind": a.kind,
                "title": a.title,
                "description": a.description,
                **_fuzzy("signed_on", a.signed_on),
                "officials": a.officials,
                "period_start_year": a.period[0] if a.period else None,
                "period_end_year": a.period[1] if a.period else None,
                "programme_id": programmes[a.programme] if a.programme else None,
            }
            for a in data.agreements
        ],
    )
    agreements = await s.ids(Agreement, "code")
    await s.insert(
        AgreementParty,
        [
            {"agreement_id": agreements[a.code], "partner_id": partners[code]}
            for a in data.agreements
            for code in a.parties
        ],
    )
    await s.insert(
        AgreementProject,
        [
            {"agreement_id": agreements[a.code], "project_id": projects[code]}
            for a in data.agreements
            for code in a.projects
        ],
    )
    for a in data.agreements:
        s.cite("agreement_id", agreements[a.code], a.sources)

    await s.insert(
        PartnerFact,
        [
            {
                "code": f.code,
                "partner_id": partners[f.partner],
                "topic": f.topic,
                "statement": f.statement,
                **_fuzzy("as_of", f.as_of),
                **_figure("value", f.value),
                "unit": f.unit,
            }
            for f in data.partner_facts
        ],
    )
    facts = await s.ids(PartnerFact, "code")
    await s.insert(
        PartnerFactCountry,
        [
            {"partner_fact_id": facts[f.code], "country_code": code}
            for f in data.partner_facts
            for code in f.countries
        ],
    )
    for f in data.partner_facts:
        s.cite("partner_fact_id", facts[f.code], f.sources)

    await s.insert(Citation, s.citations)
    return s.inserted


def _fuzzy(column: str, value: FuzzyDate | None) -> Row:
    return {
        column: value.value if value else None,
        f"{column}_precision": value.precision if value else None,
        f"{column}_derived": value.derived if value else False,
        f"{column}_derivation": value.derivation if value else None,
    }


def _figure(column: str, figure: Any) -> Row:
    return {
        column: figure.value if figure else None,
        f"{column}_qualifier": figure.qualifier if figure else None,
    }


def _period(period: Period | None) -> Row:
    start = period.start if period else None
    end = period.end if period else None
    bound = start or end
    precision = bound.precision if bound else None
    return {
        "period_start": start.value if start else None,
        "period_end": end.value if end else None,
        "period_precision": precision,
    }


def _by_dependency(
    records: Sequence[R], key: Callable[[R], str], parent: Callable[[R], str | None]
) -> list[list[R]]:
    """Batches in which every record's parent is in an earlier batch (or outside the file)."""
    codes = {key(r) for r in records}
    done: set[str] = set()
    batches: list[list[R]] = []
    pending = list(records)
    while pending:
        ready = [r for r in pending if parent(r) in done or parent(r) not in codes]
        if not ready:
            raise ValueError(f"cycle among {sorted(key(r) for r in pending)}")
        batches.append(ready)
        done |= {key(r) for r in ready}
        pending = [r for r in pending if key(r) not in done]
    return batches
