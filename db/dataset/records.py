"""The shape of the dataset file, checked before anything is written.

A malformed file fails here with pydantic's precise report (which record, which field), so
the loader never writes half a dataset.
"""

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from db.enums import (
    AgreementKind,
    BeneficiaryCategory,
    ContributionKind,
    CountryRole,
    DatePrecision,
    OutcomeKind,
    PartnerKind,
    PartnerRole,
    ProjectStatus,
    Qualifier,
)

_FUZZY = re.compile(r"([0-9]{4})(?:-([0-9]{2}))?(?:-([0-9]{2}))?")
"""Checked whole with ``fullmatch``: a ``$`` anchor would also pass ``"2017\n"``."""


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Derivable(Record):
    """A value that is either stated by a cited passage or derived, saying how."""

    derived: bool = False
    derivation: str | None = Field(default=None, min_length=10)

    @model_validator(mode="after")
    def _derived_says_how(self) -> "Derivable":
        if self.derived != (self.derivation is not None):
            raise ValueError("a derived value needs a derivation, and only a derived one has it")
        return self


class FuzzyDate(Derivable):
    """A date with the precision the source gives; YEAR and MONTH dates start their period."""

    value: date
    precision: DatePrecision

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, raw: Any) -> Any:
        how: dict[str, Any] = {}
        if isinstance(raw, dict) and "precision" not in raw:
            how = {k: raw[k] for k in ("derived", "derivation") if k in raw}
            raw = raw.get("value")
        if isinstance(raw, date):
            return {"value": raw, "precision": DatePrecision.DAY, **how}
        if isinstance(raw, int | str):
            match = _FUZZY.fullmatch(str(raw))
            if not match:
                raise ValueError(f"{raw!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
            year, month, day = match.groups()
            precision = (
                DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
            )
            value = date(int(year), int(month or 1), int(day or 1))
            return {"value": value, "precision": precision, **how}
        return raw


class Figure(Record):
    value: Decimal
    qualifier: Qualifier


class Count(Record):
    value: int = Field(ge=0)
    qualifier: Qualifier


class Money(Record):
    amount: Decimal = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    qualifier: Qualifier


class SourceRef(Record):
    document: str
    excerpt: str = Field(min_length=10)


Sources = Annotated[list[SourceRef], Field(min_length=1)]


class Document(Record):
    file: str
    title: str
    publisher: str | None = None
    published: FuzzyDate | None = None


class CountryRecord(Record):
    code: str = Field(pattern=r"^[A-Z]{2}$")
    name: str
    official_name: str | None = None
    region: str
    alternative_names: list[str] = []


class RegionRecord(Record):
    code: str
    name: str


class ThemeRecord(Record):
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str


class PartnerRecord(Record):
    code: str
    name: str
    acronym: str | None = None
    kind: PartnerKind
    parent: str | None = None
    country: str | None = None
    website: str | None = None
    description: str | None = None
    iati_identifier: str | None = None
    iati_identifier_source: str | None = None
    sources: Sources

    @model_validator(mode="after")
    def _identifier_says_where_from(self) -> "PartnerRecord":
        if self.iati_identifier and not self.iati_identifier_source:
            raise ValueError("an IATI identifier needs iati_identifier_source")
        return self


class RoleLink(Record):
    partner: str
    role: PartnerRole
    sources: Sources


class ProgrammeRecord(Record):
    code: str
    name: str
    acronym: str | None = None
    description: str | None = None
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    areas_of_work: list[str] = []
    parent: str | None = None
    partners: list[RoleLink] = []
    sources: Sources


class Status(Derivable):
    value: ProjectStatus
    as_of: FuzzyDate


class ProgrammeLink(Record):
    programme: str
    sources: Sources


class ProjectPartnerLink(RoleLink):
    amount: Money | None = None


class CountryLink(Record):
    country: str
    role: CountryRole
    sources: Sources


class BeneficiaryGroupRecord(Record):
    code: str
    description: str
    categories: Annotated[list[BeneficiaryCategory], Field(min_length=1)]
    target_count: Count | None = None
    reached_count: Count | None = None
    women_share: Figure | None = None
    population_count: Count | None = None
    population: str | None = None
    country: str | None = None
    location: str | None = None
    sources: Sources


class Period(Record):
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None


class OutcomeRecord(Record):
    code: str
    kind: OutcomeKind
    statement: str
    indicator: str | None = None
    unit: str | None = None
    baseline: Figure | None = None
    target: Figure | None = None
    actual: Figure | None = None
    period: Period | None = None
    sources: Sources


class ProjectRecord(Record):
    code: str
    title: str
    acronym: str | None = None
    summary: str | None = None
    status: Status | None = None
    planned_start: FuzzyDate | None = None
    planned_end: FuzzyDate | None = None
    actual_start: FuzzyDate | None = None
    actual_end: FuzzyDate | None = None
    duration_months: int | None = Field(default=None, gt=0)
    duration_derivation: str | None = Field(default=None, min_length=10)
    budget: Money | None = None
    previous_phase: str | None = None
    programmes: list[ProgrammeLink] = []
    partners: list[ProjectPartnerLink] = []
    countries: list[CountryLink] = []
    regions: list[str] = []
    themes: list[str] = []
    beneficiary_groups: list[BeneficiaryGroupRecord] = []
    outcomes: list[OutcomeRecord] = []
    sources: Sources


class ContributionRecord(Record):
    code: str
    donor: str
    recipient: str
    kind: ContributionKind
    amount: Money
    period: tuple[int, int]
    programme: str | None = None
    project: str | None = None
    sources: Sources


class AgreementRecord(Record):
    code: str
    kind: AgreementKind
    title: str
    description: str | None = None
    signed_on: FuzzyDate | None = None
    officials: list[str] = []
    period: tuple[int, int] | None = None
    programme: str | None = None
    parties: list[str] = []
    projects: list[str] = []
    sources: Sources


class PartnerFactRecord(Record):
    code: str
    partner: str
    topic: str
    statement: str
    as_of: FuzzyDate | None = None
    value: Figure | None = None
    unit: str | None = None
    countries: list[str] = []
    sources: Sources


class Dataset(Record):
    documents: list[Document]
    countries: list[CountryRecord]
    regions: list[RegionRecord] = []
    themes: list[ThemeRecord] = []
    partners: list[PartnerRecord]
    programmes: list[ProgrammeRecord] = []
    projects: list[ProjectRecord] = []
    contributions: list[ContributionRecord] = []
    agreements: list[AgreementRecord] = []
    partner_facts: list[PartnerFactRecord] = []

    @model_validator(mode="after")
    def _references_resolve(self) -> "Dataset":
        """Every code a record names must be defined in the file, each code once."""
        problems: list[str] = []
        documents = _unique("document", [d.file for d in self.documents], problems)
        countries = _unique("country", [c.code for c in self.countries], problems)
        regions = _unique("region", [r.code for r in self.regions], problems)
        themes = _unique("theme", [t.slug for t in self.themes], problems)
        partners = _unique("partner", [p.code for p in self.partners], problems)
        programmes = _unique("programme", [p.code for p in self.programmes], problems)
        projects = _unique("project", [p.code for p in self.projects], problems)
        _unique(
            "beneficiary group",
            [g.code for p in self.projects for g in p.beneficiary_groups],
            problems,
        )
        _unique("outcome", [o.code for p in self.projects for o in p.outcomes], problems)
        _unique("contribution", [c.code for c in self.contributions], problems)
        _unique("agreement", [a.code for a in self.agreements], problems)
        _unique("partner fact", [f.code for f in self.partner_facts], problems)

        def need(kind: str, known: set[str], code: str | None, where: str) -> None:
            if code is not None and code not in known:
                problems.append(f"{where}: unknown {kind} {code!r}")

        for record, where in _cited(self):
            for source in record:
                need("document", documents, source.document, where)
        for p in self.partners:
            need("partner", partners, p.parent, f"partner {p.code}")
            need("country", countries, p.country, f"partner {p.code}")
        for g in self.programmes:
            need("programme", programmes, g.parent, f"programme {g.code}")
            for link in g.partners:
                need("partner", partners, link.partner, f"programme {g.code}")
        for j in self.projects:
            where = f"project {j.code}"
            need("project", projects, j.previous_phase, where)
            for pl in j.programmes:
                need("programme", programmes, pl.programme, where)
            for pp in j.partners:
                need("partner", partners, pp.partner, where)
            for cl in j.countries:
                need("country", countries, cl.country, where)
            for region in j.regions:
                need("region", regions, region, where)
            for theme in j.themes:
                need("theme", themes, theme, where)
            for bg in j.beneficiary_groups:
                need("country", countries, bg.country, f"{where} group {bg.code}")
        for c in self.contributions:
            where = f"contribution {c.code}"
            need("partner", partners, c.donor, where)
            need("partner", partners, c.recipient, where)
            need("programme", programmes, c.programme, where)
            need("project", projects, c.project, where)
        for a in self.agreements:
            where = f"agreement {a.code}"
            need("programme", programmes, a.programme, where)
            for code in a.parties:
                need("partner", partners, code, where)
            for code in a.projects:
                need("project", projects, code, where)
        for f in self.partner_facts:
            need("partner", partners, f.partner, f"partner fact {f.code}")
            for code in f.countries:
                need("country", countries, code, f"partner fact {f.code}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _unique(kind: str, codes: list[str], problems: list[str]) -> set[str]:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            problems.append(f"{kind} {code!r} is defined twice")
        seen.add(code)
    return seen


def _cited(data: Dataset) -> list[tuple[list[SourceRef], str]]:
    """Every source list in the file, with a label saying whose it is."""
    cited: list[tuple[list[SourceRef], str]] = []
    for p in data.partners:
        cited.append((p.sources, f"partner {p.code}"))
    for g in data.programmes:
        cited.append((g.sources, f"programme {g.code}"))
        cited += [(link.sources, f"programme {g.code} partner") for link in g.partners]
    for j in data.projects:
        cited.append((j.sources, f"project {j.code}"))
        cited += [(x.sources, f"project {j.code} programme") for x in j.programmes]
        cited += [(x.sources, f"project {j.code} partner") for x in j.partners]
        cited += [(x.sources, f"project {j.code} country") for x in j.countries]
        cited += [(x.sources, f"group {x.code}") for x in j.beneficiary_groups]
        cited += [(x.sources, f"outcome {x.code}") for x in j.outcomes]
    for c in data.contributions:
        cited.append((c.sources, f"contribution {c.code}"))
    for a in data.agreements:
        cited.append((a.sources, f"agreement {a.code}"))
    for f in data.partner_facts:
        cited.append((f.sources, f"partner fact {f.code}"))
    return cited


def all_sources(data: Dataset) -> list[tuple[SourceRef, str]]:
    return [(source, where) for sources, where in _cited(data) for source in sources]
