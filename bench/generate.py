"""Synthetic development-cooperation data at a chosen scale, in a database of its own.

    .venv/bin/python bench/generate.py --scale 1 [--seed 1] [--database NAME]

At scale 1: 200 partners, 50 programmes, 10,000 projects, 40,000 beneficiary groups, 60,000
outcomes, 150 countries and 30 themes. Partners, programmes, projects, groups and outcomes
grow with the scale (partners and programmes keep a floor, so a tiny scale still has funders
and implementers); countries and themes are reference data and stay as they are.

The built-in dataset is a hand-read handful of records, too small to time anything against,
and its database is the service's own: the benchmark data goes to a database named after the
scale and seed on the bench scratch server (``scratch.Server``), dropped and made afresh.

Distributions are skewed the way aid data is: a few donors fund most projects (Zipf over
funders), a few countries and themes get most projects, budgets are log-normal, group and
outcome counts vary from project to project, statuses follow the dates. Every value is drawn
from one ``random.Random(seed)`` in a fixed order and timestamps are set rather than left to
``now()``, so the same seed gives identical rows. Rows are built in Python and sent with
``COPY`` (asyncpg's ``copy_records_to_table``) in the migration's transaction: all or
nothing, and fast.
"""

import argparse
import asyncio
import math
import random
import sys
import time
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any, TypeVar

import pycountry
import sqlalchemy as sa
from activity_rows import ActivityRows, ProjectShape
from funding_chains import add_funding_chains
from scratch import Server

from db.engine import create_engine
from db.enums import (
    CountryRole,
    IndicatorMeasure,
    OutcomeKind,
    PartnerKind,
    PartnerRole,
    ProjectStatus,
    Qualifier,
)
from db.migrate import upgrade_to_head

FORMAT = 4
"""Bumped whenever the generator changes what it makes, so an older database is not reused."""

T = TypeVar("T")

REFERENCE_DATE = date(2025, 6, 30)
"""The "today" of the data: statuses follow from the dates as seen on this day."""
CREATED = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)

COUNTRIES_BY_REGION = {
    "Africa": "DZ AO BJ BW BF BI CM CF TD CG CD CI EG ER SZ ET GA GM GH GN GW KE LS LR LY MG "
    "MW ML MR MU MA MZ NA NE NG RW SN SL SO ZA SS SD TZ TG TN UG ZM ZW",
    "Asia": "AF BD BT KH CN IN ID IR IQ JO KZ KG LA LB MY MV MN MM NP PK PS PH LK SY TJ TH TL "
    "TM UZ VN YE JP KR SA AE KW QA TR OM BH",
    "Americas": "AR BO BR CL CO CR CU DO EC SV GT HT HN JM MX NI PA PY PE UY VE CA US TT GY SR BZ",
    "Europe": "AL BA MK MD ME RS UA GE AM AZ BY DE FR GB IT ES NL SE NO DK FI CH BE AT IE PT LU",
    "Oceania": "AU NZ FJ PG SB VU WS TO",
}
DONOR_COUNTRIES = (
    *("KR", "JP", "DE", "US", "GB", "FR", "NO", "SE", "NL", "CH", "IT", "ES", "CA", "AU"),
    *("DK", "FI", "BE", "IE", "AT", "NZ", "LU", "PT", "KW", "SA", "AE", "QA"),
)
"""Traditional donors: governments first in line to fund, and never recipients here."""
EMERGING_DONORS = ("CN", "TR", "BR", "IN", "MX", "ZA", "ID", "TH")

THEMES = (
    ("employment-policy", "Employment policy and job creation", "employment policies"),
    ("skills-development", "Skills development and vocational training", "vocational skills"),
    ("social-protection", "Social protection", "social protection floors"),
    ("occupational-safety-health", "Occupational safety and health", "safety and health at work"),
    ("child-labour", "Child labour", "the elimination of child labour"),
    ("forced-labour", "Forced labour and human trafficking", "action against forced labour"),
    ("cooperatives", "Cooperatives and the social economy", "cooperatives"),
    ("enterprise-development", "Enterprise development", "small enterprises"),
    ("labour-migration", "Labour migration", "fair labour migration"),
    ("gender-equality", "Gender equality and non-discrimination", "equal pay for women"),
    ("youth-employment", "Youth employment", "jobs for young people"),
    ("social-dialogue", "Social dialogue and tripartism", "social dialogue"),
    ("labour-inspection", "Labour inspection", "labour inspection systems"),
    ("informal-economy", "Informal economy", "formalisation of the informal economy"),
    ("rural-economy", "Rural economy", "rural livelihoods"),
    ("green-jobs", "Green jobs and just transition", "green jobs"),
    ("crisis-response", "Crisis response and recovery", "employment-intensive recovery"),
    ("refugees-host-communities", "Refugees and host communities", "livelihoods for refugees"),
    ("wages", "Wages and working conditions", "minimum wage systems"),
    ("labour-statistics", "Labour statistics", "labour market information"),
    ("disability-inclusion", "Disability inclusion", "inclusion of persons with disabilities"),
    ("digital-economy", "Digital economy and platform work", "decent work on digital platforms"),
    ("supply-chains", "Decent work in supply chains", "responsible supply chains"),
    ("labour-law", "Labour law reform", "labour law reform"),
    ("employment-services", "Public employment services", "public employment services"),
    ("financial-inclusion", "Financial inclusion and microfinance", "microfinance"),
    ("tourism", "Decent work in tourism", "decent work in tourism"),
    ("construction", "Construction and infrastructure employment", "local infrastructure works"),
    ("domestic-work", "Domestic work", "rights of domestic workers"),
    ("hiv-aids", "HIV and AIDS in the world of work", "HIV prevention at work"),
)

VERBS = ("Strengthening", "Promoting", "Improving", "Expanding", "Supporting", "Scaling up")
TARGETS = (
    "young women",
    "rural workers",
    "migrant workers",
    "small and medium enterprises",
    "informal economy workers",
    "persons with disabilities",
    "garment workers",
    "domestic workers",
    "young people not in employment",
    "smallholder farmers",
)
STAKEHOLDERS = (
    "the Ministry of Labour",
    "workers' and employers' organisations",
    "local governments",
    "technical and vocational training institutions",
    "the national statistics office",
    "public employment services",
)
ACTIVITIES = (
    "policy advice",
    "training of trainers",
    "institutional capacity building",
    "data collection and analysis",
    "pilot programmes",
    "awareness campaigns",
)
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Young women in the garment sector", ("WOMEN", "YOUTH", "WORKERS")),
    ("Refugees and members of host communities", ("REFUGEES", "HOST_COMMUNITIES")),
    ("Internally displaced persons", ("INTERNALLY_DISPLACED_PERSONS",)),
    ("Members of agricultural cooperatives", ("WORKERS",)),
    ("Owners and managers of small enterprises", ("EMPLOYERS_ENTERPRISES",)),
    ("Labour inspectors and officials", ("GOVERNMENT_OFFICIALS",)),
    ("Trainees of vocational training centres", ("TRAINEES", "YOUTH")),
    ("Domestic workers", ("WORKERS", "WOMEN")),
    ("Migrant workers and their families", ("WORKERS",)),
    ("Children withdrawn from hazardous work", ("OTHER",)),
    ("Informal economy workers", ("WORKERS",)),
    ("Young people not in employment, education or training", ("YOUTH",)),
)
LOCATIONS = ("urban areas", "rural districts", "the capital region", "border provinces", "coast")
OUTCOMES: tuple[tuple[OutcomeKind, str, str, str, IndicatorMeasure], ...] = (
    (
        OutcomeKind.OUTPUT,
        "Officials and social partners trained on {topic}",
        "Number of people trained",
        "persons",
        IndicatorMeasure.UNIT,
    ),
    (
        OutcomeKind.OUTPUT,
        "Guidelines and tools on {topic} developed and validated",
        "Number of tools validated",
        "tools",
        IndicatorMeasure.UNIT,
    ),
    (
        OutcomeKind.OUTPUT,
        "Producer groups working on {topic} registered and supported",
        "Number of producer groups supported",
        "organisations",
        IndicatorMeasure.UNIT,
    ),
    (
        OutcomeKind.OUTCOME,
        "Improved access to {topic} for {target}",
        "Share of {target} reached",
        "percent",
        IndicatorMeasure.PERCENTAGE,
    ),
    (
        OutcomeKind.OUTCOME,
        "{Target} placed in decent jobs after training",
        "Number of {target} employed six months after training",
        "persons",
        IndicatorMeasure.UNIT,
    ),
    (
        OutcomeKind.IMPACT,
        "National policy on {topic} adopted and implemented",
        "Policy adopted",
        "",
        IndicatorMeasure.QUALITATIVE,
    ),
)
UN_AGENCIES = (
    ("International Labour Organization", "ILO"),
    ("United Nations Development Programme", "UNDP"),
    ("United Nations Children's Fund", "UNICEF"),
    ("UN Women", "UN Women"),
    ("Office of the United Nations High Commissioner for Refugees", "UNHCR"),
    ("Food and Agriculture Organization of the United Nations", "FAO"),
    ("United Nations Industrial Development Organization", "UNIDO"),
    ("International Organization for Migration", "IOM"),
    ("United Nations Educational, Scientific and Cultural Organization", "UNESCO"),
    ("World Food Programme", "WFP"),
    ("International Trade Centre", "ITC"),
    ("United Nations Population Fund", "UNFPA"),
)
INTERNATIONAL = (
    ("World Bank", "WB"),
    ("European Union", "EU"),
    ("Asian Development Bank", "ADB"),
    ("African Development Bank", "AfDB"),
    ("Inter-American Development Bank", "IDB"),
    ("Islamic Development Bank", "IsDB"),
    ("Organisation for Economic Co-operation and Development", "OECD"),
    ("ASEAN Secretariat", "ASEAN"),
)
PORTFOLIOS = ("Foreign Affairs", "Employment and Labour", "Economy and Finance", "Trade")
NGO_WORDS = (
    ("Global", "Fair", "Open", "Bright", "United", "Rural", "Green", "Equal", "New"),
    ("Skills", "Futures", "Livelihoods", "Workers", "Women", "Youth", "Enterprise", "Hands"),
    ("Foundation", "Network", "Alliance", "Trust", "Initiative", "Association"),
)
INDUSTRIES = ("Textiles", "Agro", "Logistics", "Construction", "Tourism", "Digital")

PARTNER_SHARES = {
    PartnerKind.GOVERNMENT: 0.12,
    PartnerKind.GOVERNMENT_MINISTRY: 0.10,
    PartnerKind.DEVELOPMENT_AGENCY: 0.10,
    PartnerKind.UN_AGENCY: 0.06,
    PartnerKind.INTERNATIONAL_ORGANISATION: 0.06,
    PartnerKind.NGO: 0.24,
    PartnerKind.WORKERS_ORGANISATION: 0.10,
    PartnerKind.EMPLOYERS_ORGANISATION: 0.08,
    PartnerKind.PRIVATE_SECTOR: 0.08,
    PartnerKind.RESEARCH_ACADEMIA: 0.06,
}
FUNDER_KINDS = {
    PartnerKind.GOVERNMENT,
    PartnerKind.GOVERNMENT_MINISTRY,
    PartnerKind.DEVELOPMENT_AGENCY,
    PartnerKind.INTERNATIONAL_ORGANISATION,
}
CURRENCIES = (("USD", 1), ("EUR", 1), ("KRW", 1300), ("GBP", 1))
"""Budget currencies and their units per US dollar, roughly."""
CURRENCY_WEIGHTS = (0.75, 0.87, 0.95, 1.0)
QUALIFIERS = tuple(q.value for q in Qualifier)
DURATION_WEIGHTS = tuple(accumulate((1, 2, 4, 5, 7, 9, 10)))
"""Of durations of 12 to 60 months: most projects run three to five years."""


@dataclass(frozen=True)
class Counts:
    """How many rows of each kind a scale makes."""

    partners: int
    programmes: int
    projects: int
    beneficiary_groups: int
    outcomes: int
    countries: int
    themes: int
    source_documents: int

    @classmethod
    def at(cls, scale: float) -> "Counts":
        projects = max(1, round(10_000 * scale))
        return cls(
            partners=max(10, round(200 * scale)),
            programmes=max(2, round(50 * scale)),
            projects=projects,
            beneficiary_groups=4 * projects,
            outcomes=6 * projects,
            countries=150,
            themes=len(THEMES),
            source_documents=max(1, round(500 * scale)),
        )


@dataclass
class Table:
    """Rows in the order of ``columns``, the names the first row gave."""

    columns: tuple[str, ...] = ()
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def add(self, **values: Any) -> int:
        """Append a row; its 1-based position, which is its id where the table has one."""
        if not self.columns:
            self.columns = tuple(values)
        elif tuple(values) != self.columns:
            raise ValueError(f"columns {tuple(values)} differ from {self.columns}")
        self.rows.append(tuple(values.values()))
        return len(self.rows)


@dataclass
class Report:
    rows: dict[str, int]
    seconds: dict[str, float]


def allocate(total: int, shares: Sequence[float]) -> list[int]:
    """``total`` split by ``shares``, whole numbers that add up (largest remainders)."""
    exact = [total * s / sum(shares) for s in shares]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def zipf(n: int, exponent: float) -> list[float]:
    """Cumulative weights ranking ``n`` items by 1/rank^exponent, for ``Generator.pick``."""
    return list(accumulate(rank**-exponent for rank in range(1, n + 1)))


def truncated(day: date, precision: str) -> date:
    """The first day of the period a fuzzy date names (what ``FuzzyDate.date`` gives)."""
    if precision == "YEAR":
        return day.replace(month=1, day=1)
    if precision == "MONTH":
        return day.replace(day=1)
    return day


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


@dataclass
class ProjectFacts:
    """What later rows of a project (groups, outcomes, citations) are written from."""

    title: str
    topic: str
    target: str
    countries: list[str]
    end: date
    shape: ProjectShape


class Generator:
    """Builds every row in memory, in a fixed order from one seeded generator."""

    def __init__(self, scale: float, seed: int) -> None:
        self.counts = Counts.at(scale)
        self.seed = seed
        self.rng = random.Random(seed)
        self.tables: dict[str, Table] = {}
        self.codes: set[str] = set()
        self.projects: list[ProjectFacts] = []

    def table(self, name: str) -> Table:
        """Tables are made in foreign-key order, the order they are copied in."""
        return self.tables.setdefault(name, Table())

    def pick(self, options: Sequence[T], cumulative: Sequence[float] | None = None) -> T:
        """One of ``options``, weighted by ``cumulative`` weights if given: what
        ``Random.choices`` does for one item, at a third of its cost."""
        if cumulative is None:
            return options[int(self.rng.random() * len(options))]
        return options[bisect(cumulative, self.rng.random() * cumulative[-1], 0, len(options) - 1)]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def stamps(self) -> dict[str, Any]:
        """Set, not left to now(), so that a seed always gives the same rows; most records
        were edited a few times."""
        created = CREATED + timedelta(minutes=self.rng.randrange(0, 500_000))
        edits = self.pick((0, 1, 2, 3), (0.5, 0.8, 0.95, 1.0))
        return {
            "created_at": created,
            "updated_at": created + timedelta(days=edits * self.rng.randrange(1, 90)),
            "version": 1 + edits,
        }

    def figure(self, name: str, value: Any) -> dict[str, Any]:
        """A figure and its qualifier, which the tables require together."""
        qualifier = None
        if value is not None:
            qualifier = self.pick(QUALIFIERS, (0.8, 0.93, 0.98, 1.0))
        return {name: value, f"{name}_qualifier": qualifier}

    def unique_code(self, name: str) -> str:
        code, n = slug(name), 1
        while code in self.codes:
            n += 1
            code = f"{slug(name)}-{n}"
        self.codes.add(code)
        return code

    def theme(self) -> int:
        return self.theme_order[self.pick(range(len(THEMES)), self.theme_weights)]

    def build(self) -> dict[str, Table]:
        self.reference()
        self.partners()
        self.programmes()
        self.add_projects()
        self.groups()
        self.outcomes()
        self.citations()
        self.activity_rows()
        add_funding_chains(self, self.seed)
        return self.tables

    def activity_rows(self) -> None:
        """Transactions, budgets, sectors and locations, from a generator of their own so
        the rows above are what they were before these existed."""
        partners = self.tables["partner"]
        refs = dict(zip(partners.columns, zip(*partners.rows, strict=True), strict=True))
        rows = ActivityRows(
            self.seed,
            self.table,
            partner_refs=dict(zip(refs["id"], refs["iati_identifier"], strict=True)),
            partner_names=self.partner_names,
            created=CREATED,
        )
        for project in self.projects:
            rows.add(project.shape)

    def reference(self) -> None:
        countries = self.table("country")
        for region, codes in COUNTRIES_BY_REGION.items():
            for code in sorted(codes.split()):
                entry: Any = pycountry.countries.get(alpha_2=code)
                name = getattr(entry, "common_name", None) or entry.name
                countries.add(
                    code=code,
                    name=name,
                    official_name=getattr(entry, "official_name", None),
                    region=region,
                    alternative_names=[entry.name] if entry.name != name else [],
                )
        self.country_names = {row[0]: row[1] for row in countries.rows}
        self.recipients = sorted(set(self.country_names) - set(DONOR_COUNTRIES))
        self.rng.shuffle(self.recipients)
        self.recipient_weights = zipf(len(self.recipients), 0.9)
        for theme_slug, theme_name, _ in THEMES:
            self.table("theme").add(slug=theme_slug, name=theme_name)
        self.theme_order = list(range(len(THEMES)))
        self.rng.shuffle(self.theme_order)
        self.theme_weights = zipf(len(THEMES), 0.7)

    def partners(self) -> None:
        partners = self.table("partner")
        per_kind = allocate(self.counts.partners, list(PARTNER_SHARES.values()))
        governments: list[tuple[int, str]] = []
        self.funders: list[int] = []
        self.un_agencies: list[int] = []
        self.ministries: list[int] = []
        others: list[int] = []
        donors = [*DONOR_COUNTRIES, *EMERGING_DONORS]
        donors += sorted(set(self.country_names) - set(donors))
        for kind, count in zip(PARTNER_SHARES, per_kind, strict=True):
            for i in range(count):
                parent: int | None = None
                country: str | None = self.pick(sorted(self.country_names))
                acronym: str | None = None
                if kind is PartnerKind.GOVERNMENT:
                    country = donors[i % len(donors)]
                    name = f"Government of {self.country_names[country]}"
                elif kind in (PartnerKind.GOVERNMENT_MINISTRY, PartnerKind.DEVELOPMENT_AGENCY):
                    if governments:
                        parent, country = governments[i % len(governments)]
                    assert country is not None
                    if kind is PartnerKind.GOVERNMENT_MINISTRY:
                        portfolio = self.pick(PORTFOLIOS)
                        name = f"Ministry of {portfolio} of {self.country_names[country]}"
                    else:
                        name = f"{self.country_names[country]} International Cooperation Agency"
                        acronym = f"{country}ICA"
                elif kind in (PartnerKind.UN_AGENCY, PartnerKind.INTERNATIONAL_ORGANISATION):
                    known = UN_AGENCIES if kind is PartnerKind.UN_AGENCY else INTERNATIONAL
                    name, acronym = known[i % len(known)]
                    if i >= len(known):
                        name += f" ({i // len(known) + 1})"
                    country = None
                else:
                    assert country is not None
                    name = self.organisation_name(kind, self.country_names[country])
                code = self.unique_code(acronym or name)
                pid = partners.add(
                    id=len(partners.rows) + 1,
                    code=code,
                    name=name,
                    acronym=acronym,
                    kind=kind.value,
                    parent_id=parent,
                    country_code=country,
                    website=f"https://{code}.example.org" if self.chance(0.6) else None,
                    description=f"{name} works on {self.pick(THEMES)[2]} "
                    f"with {self.pick(STAKEHOLDERS)}.",
                    iati_identifier=f"XI-SYN-{len(partners.rows) + 1:05d}"
                    if kind in FUNDER_KINDS and self.chance(0.7)
                    else None,
                    **self.stamps(),
                )
                if kind is PartnerKind.GOVERNMENT:
                    governments.append((pid, donors[i % len(donors)]))
                if kind is PartnerKind.GOVERNMENT_MINISTRY:
                    self.ministries.append(pid)
                if kind in FUNDER_KINDS:
                    self.funders.append(pid)
                elif kind is PartnerKind.UN_AGENCY:
                    self.un_agencies.append(pid)
                else:
                    others.append(pid)
        self.partner_names = {row[0]: row[2] for row in partners.rows}
        # Donor ranks are random, not by kind: the top funder may be an agency or a bank.
        self.rng.shuffle(self.funders)
        self.funder_weights = zipf(len(self.funders), 1.2)
        self.implementers = self.un_agencies + others
        self.implementer_weights = zipf(len(self.implementers), 1.0)
        self.un_weights = zipf(len(self.un_agencies), 1.5)

    def organisation_name(self, kind: PartnerKind, country: str) -> str:
        if kind is PartnerKind.NGO:
            return " ".join(self.pick(words) for words in NGO_WORDS)
        if kind is PartnerKind.WORKERS_ORGANISATION:
            return f"{country} Confederation of Trade Unions"
        if kind is PartnerKind.EMPLOYERS_ORGANISATION:
            return f"{country} Employers' Federation"
        if kind is PartnerKind.PRIVATE_SECTOR:
            return f"{country} {self.pick(INDUSTRIES)} Group"
        return f"{country} Institute for Labour Studies"

    def programmes(self) -> None:
        programmes, links = self.table("programme"), self.table("programme_partner")
        for gid in range(1, self.counts.programmes + 1):
            theme = THEMES[self.theme()]
            region = self.pick(list(COUNTRIES_BY_REGION))
            parent = self.rng.randrange(1, gid) if gid > 2 and self.chance(0.2) else None
            start = date(self.rng.randrange(2008, 2025), 1, 1)
            name = f"{theme[1]} Programme for {region}"
            name += f", phase {self.rng.randrange(2, 4)}" if parent else ""
            programmes.add(
                id=gid,
                code=f"prg-{gid:04d}",
                name=name,
                acronym="".join(w[0] for w in name.split() if w[0].isupper())[:8],
                description=f"A regional programme on {theme[2]} in {region}, combining "
                f"{self.pick(ACTIVITIES)} with {self.pick(ACTIVITIES)} for {self.pick(TARGETS)}.",
                start_date=start,
                start_date_precision="YEAR",
                end_date=date(start.year + self.rng.randrange(2, 6), 1, 1),
                end_date_precision="YEAR",
                parent_id=parent,
                iati_identifier=f"XM-DAC-41302-PRG-{gid:04d}" if self.chance(0.5) else None,
                **self.stamps(),
            )
            funder = self.pick(self.funders, self.funder_weights)
            implementer = self.pick(self.implementers, self.implementer_weights)
            for partner, role in ((funder, PartnerRole.FUNDING), (implementer, "IMPLEMENTING")):
                links.add(
                    id=len(links.rows) + 1, programme_id=gid, partner_id=partner, role=str(role)
                )
        self.programme_weights = zipf(self.counts.programmes, 0.8)

    def add_projects(self) -> None:
        width = max(6, len(str(self.counts.projects)))
        years = list(range(2008, 2028))
        year_weights = list(accumulate(y - 2005 for y in years))
        for pid in range(1, self.counts.projects + 1):
            themes = sorted({self.theme() for _ in range(self.pick((1, 2, 3), (0.5, 0.85, 1)))})
            countries = list(
                dict.fromkeys(
                    self.pick(self.recipients, self.recipient_weights)
                    for _ in range(self.pick((1, 2, 3, 4), (0.85, 0.93, 0.97, 1.0)))
                )
            )
            target = self.pick(TARGETS)
            topic = THEMES[themes[0]][2]
            place = (
                self.country_names[countries[0]]
                if len(countries) == 1
                else f"{len(countries)} countries"
            )
            title = f"{self.pick(VERBS)} {topic} for {target} in {place}"
            summary = (
                f"The project works on {topic} for {target}, with {self.pick(STAKEHOLDERS)}, "
                f"through {self.pick(ACTIVITIES)} and {self.pick(ACTIVITIES)}."
                + "".join(f" It also covers {THEMES[t][2]}." for t in themes[1:])
            )
            duration = self.pick((12, 18, 24, 30, 36, 48, 60), DURATION_WEIGHTS)
            dates, status, end = self.project_dates(self.pick(years, year_weights), duration)
            budget = self.budget()
            code = f"prj-{pid:0{width}d}"
            self.table("project").add(
                id=pid,
                code=code,
                title=title,
                acronym="".join(w[0] for w in title.split() if len(w) > 3)[:6].upper()
                if self.chance(0.3)
                else None,
                summary=summary,
                status=status,
                status_as_of=REFERENCE_DATE - timedelta(days=self.rng.randrange(365))
                if status
                else None,
                **dates,
                duration_months=duration if self.chance(0.7) else None,
                **self.figure("budget_amount", budget[0] if budget else None),
                budget_currency=budget[1] if budget else None,
                previous_phase_id=self.rng.randrange(1, pid)
                if pid > 10 and self.chance(0.05)
                else None,
                iati_identifier=f"XM-DAC-41302-{code}" if self.chance(0.6) else None,
                **self.stamps(),
            )
            roles = self.link_partners(pid, code, budget)
            shape = ProjectShape(
                id=pid,
                identifier=f"XM-DAC-41302-{code}",
                start=dates["actual_start"] or dates["planned_start"],
                end=end,
                countries=countries,
                budget=budget,
                funders=[p for p, r in roles.items() if r is PartnerRole.FUNDING],
                implementers=[p for p, r in roles.items() if r is PartnerRole.IMPLEMENTING],
            )
            self.projects.append(ProjectFacts(title, topic, target, countries, end, shape))
            self.link_places_and_themes(pid, code, countries, themes)
        weights = (self.rng.lognormvariate(0, 0.8) for _ in self.projects)
        self.project_weights = list(accumulate(weights))

    def project_dates(self, year: int, duration: int) -> tuple[dict[str, Any], str | None, date]:
        """Planned and actual dates as precise as a source might give them, the status they
        imply on the reference date (unknown for some), and the end for outcome periods."""
        dates: dict[str, Any] = {"planned_end_derived": False}
        for name in ("planned_start", "planned_end", "actual_start", "actual_end"):
            dates |= {name: None, f"{name}_precision": None}
        if not self.chance(0.95):
            return dates, ProjectStatus.ACTIVE.value if self.chance(0.5) else None, REFERENCE_DATE
        start = date(year, 1, 1) + timedelta(days=self.rng.randrange(365))
        end = add_months(start, duration)
        for name, day in (("planned_start", start), ("planned_end", end)):
            precision = self.pick(("DAY", "MONTH", "YEAR"), (0.4, 0.75, 1.0))
            dates |= {name: truncated(day, precision), f"{name}_precision": precision}
        dates["planned_end_derived"] = self.chance(0.15)
        if start > REFERENCE_DATE:
            status = ProjectStatus.PIPELINE
        elif end < REFERENCE_DATE:
            status = ProjectStatus.COMPLETED if self.chance(0.96) else ProjectStatus.CANCELLED
        else:
            status = ProjectStatus.ACTIVE if self.chance(0.97) else ProjectStatus.SUSPENDED
        if status is not ProjectStatus.PIPELINE and self.chance(0.6):
            actual_start = start + timedelta(days=self.rng.randrange(120))
            dates |= {"actual_start": actual_start, "actual_start_precision": "DAY"}
            if status is ProjectStatus.COMPLETED and self.chance(0.5):
                end = max(end + timedelta(days=self.rng.randrange(180)), actual_start)
                dates |= {"actual_end": end, "actual_end_precision": "MONTH"}
                dates["actual_end"] = truncated(end, "MONTH")
        return dates, status.value if self.chance(0.9) else None, end

    def budget(self) -> tuple[Decimal, str] | None:
        """Log-normal around US$ 1.5 million, in the currency of the donor's books."""
        if not self.chance(0.92):
            return None
        currency, rate = self.pick(CURRENCIES, CURRENCY_WEIGHTS)
        dollars = min(max(self.rng.lognormvariate(math.log(1_500_000), 1.1), 20_000), 2e8)
        return Decimal(round(dollars * rate, -3)), currency

    def link_partners(
        self, pid: int, code: str, budget: tuple[Decimal, str] | None
    ) -> dict[int, PartnerRole]:
        """Funders (one to three, by donor rank), implementers, and now and then an
        accountable or extending partner; one role per partner and project."""
        roles: dict[int, PartnerRole] = {}
        for _ in range(self.pick((1, 2, 3), (0.8, 0.95, 1.0))):
            roles.setdefault(self.pick(self.funders, self.funder_weights), PartnerRole.FUNDING)
        for _ in range(self.pick((1, 2), (0.8, 1.0))):
            implementer = (
                self.pick(self.un_agencies, self.un_weights)
                if self.un_agencies and self.chance(0.6)
                else self.pick(self.implementers, self.implementer_weights)
            )
            roles.setdefault(implementer, PartnerRole.IMPLEMENTING)
        if self.un_agencies and self.chance(0.3):
            roles.setdefault(self.un_agencies[0], PartnerRole.ACCOUNTABLE)
        if self.ministries and self.chance(0.1):
            roles.setdefault(self.pick(self.ministries), PartnerRole.EXTENDING)
        funders = sum(role is PartnerRole.FUNDING for role in roles.values())
        links = self.table("project_partner")
        for partner, role in roles.items():
            amount: Decimal | None = None
            currency = budget[1] if budget else "USD"
            if role is PartnerRole.FUNDING and budget and funders == 1:
                amount = budget[0] if self.chance(0.4) else None
            elif role is PartnerRole.FUNDING and budget:
                share = self.rng.uniform(0.2, 0.8) / (funders - 1)
                amount = Decimal(round(float(budget[0]) * share, -3)) if self.chance(0.7) else None
            elif role is PartnerRole.FUNDING and self.chance(0.5):
                amount = Decimal(round(self.rng.lognormvariate(math.log(500_000), 1.0), -3))
            links.add(
                id=len(links.rows) + 1,
                project_id=pid,
                project_code=code,
                partner_id=partner,
                role=role.value,
                amount=amount,
                currency=currency if amount is not None else None,
                amount_qualifier=self.figure("amount", amount)["amount_qualifier"],
            )
        return roles

    def link_places_and_themes(
        self, pid: int, code: str, countries: list[str], themes: list[int]
    ) -> None:
        for n, country in enumerate(countries):
            role = CountryRole.PARTICIPANT if n and self.chance(0.3) else CountryRole.RECIPIENT
            links = self.table("project_country")
            links.add(
                id=len(links.rows) + 1,
                project_id=pid,
                project_code=code,
                country_code=country,
                role=role.value,
                percentage=Decimal(100 // len(countries)) if self.chance(0.5) else None,
            )
        if self.chance(0.75):
            programmes = range(1, self.counts.programmes + 1)
            chosen = {self.pick(programmes, self.programme_weights) for _ in range(2)}
            for gid in sorted(chosen)[: self.pick((1, 2), (0.93, 1.0))]:
                links = self.table("project_programme")
                links.add(
                    id=len(links.rows) + 1, project_id=pid, project_code=code, programme_id=gid
                )
        for t in themes:
            links = self.table("project_theme")
            links.add(
                id=len(links.rows) + 1, project_id=pid, project_code=code, theme_slug=THEMES[t][0]
            )

    def owners(self, count: int) -> list[int]:
        """The project of each of ``count`` rows, in project order. A few projects have many
        groups and results, most a handful: weights are log-normal, sampled per row so the
        total is exact while the number per project varies (and is zero for some)."""
        projects = range(1, len(self.projects) + 1)
        return sorted(self.rng.choices(projects, cum_weights=self.project_weights, k=count))

    def groups(self) -> None:
        width = max(7, len(str(self.counts.beneficiary_groups)))
        for gid, pid in enumerate(self.owners(self.counts.beneficiary_groups), start=1):
            description, categories = self.pick(GROUPS)
            project = self.projects[pid - 1]
            target = None
            if self.chance(0.7):
                target = round(self.rng.lognormvariate(math.log(400), 1.3))
            reached = None
            if target is not None and self.chance(0.4):
                reached = round(target * self.rng.uniform(0.3, 1.2))
            share = None
            if "WOMEN" in categories:
                share = Decimal(100) if self.chance(0.3) else None
            elif self.chance(0.6):
                share = Decimal(self.rng.randrange(100, 900)) / 10
            self.table("beneficiary_group").add(
                id=gid,
                code=f"bg-{gid:0{width}d}",
                project_id=pid,
                description=f"{description} in {self.country_names[project.countries[0]]}",
                categories=list(categories),
                **self.figure("target_count", target),
                **self.figure("reached_count", reached),
                **self.figure("women_share", share),
                country_code=self.pick(project.countries) if self.chance(0.7) else None,
                location=self.pick(LOCATIONS) if self.chance(0.5) else None,
                **self.stamps(),
            )

    def outcomes(self) -> None:
        width = max(7, len(str(self.counts.outcomes)))
        for oid, pid in enumerate(self.owners(self.counts.outcomes), start=1):
            kind, statement, indicator, unit, measure = self.pick(OUTCOMES)
            project = self.projects[pid - 1]
            words = {
                "topic": project.topic,
                "target": project.target,
                "Target": project.target.capitalize(),
            }
            baseline_year = baseline = target = actual = None
            if measure is not IndicatorMeasure.QUALITATIVE:
                high = 100 if measure is IndicatorMeasure.PERCENTAGE else 5_000
                goal = Decimal(self.rng.randrange(1, high))
                target = goal if self.chance(0.75) else None
                if self.chance(0.5):
                    baseline_year, baseline = 2015 + self.rng.randrange(8), Decimal(0)
                if target is not None and self.chance(0.6):
                    actual = Decimal(round(goal * Decimal(self.rng.uniform(0.1, 1.3))))
            period_start = period_end = precision = None
            if self.chance(0.5):
                precision = self.pick(("YEAR", "MONTH", "DAY"))
                period_start = truncated(add_months(project.end, -12), precision)
                period_end = truncated(project.end, precision)
            self.table("outcome").add(
                id=oid,
                code=f"out-{oid:0{width}d}",
                project_id=pid,
                kind=kind.value,
                statement=statement.format(**words),
                indicator=indicator.format(**words),
                unit=unit or None,
                measure=measure.value,
                dimensions='{"sex": "female"}' if self.chance(0.1) else "{}",
                baseline_year=baseline_year,
                **self.figure("baseline", baseline),
                **self.figure("target", target),
                **self.figure("actual", actual),
                period_start=period_start,
                period_end=period_end,
                period_precision=precision,
                **self.stamps(),
            )

    def citations(self) -> None:
        """Every project cites a document, as the built-in dataset does, and a quarter of
        the groups and outcomes do, so ``sources`` have something to load."""
        documents = self.table("source_document")
        publishers = self.funders + self.un_agencies
        for did in range(1, self.counts.source_documents + 1):
            kind = self.pick(("Project document", "Progress report", "Evaluation", "Brief"))
            documents.add(
                id=did,
                file_name=f"doc-{did:05d}.pdf",
                title=f"{kind} {did}",
                publisher=self.partner_names[self.pick(publishers)],
                published_on=date(2010, 1, 1) + timedelta(days=self.rng.randrange(5500)),
                published_on_precision="DAY",
            )
        citations = self.table("citation")
        cited = [(p.title, "project_id", pid) for pid, p in enumerate(self.projects, start=1)]
        for row in self.tables["beneficiary_group"].rows:
            if self.chance(0.25):
                cited.append((row[3], "beneficiary_group_id", row[0]))
        for row in self.tables["outcome"].rows:
            if self.chance(0.25):
                cited.append((row[4], "outcome_id", row[0]))
        for excerpt, column, record in cited:
            ids = {"project_id": None, "beneficiary_group_id": None, "outcome_id": None}
            citations.add(
                id=len(citations.rows) + 1,
                document_id=self.rng.randrange(1, self.counts.source_documents + 1),
                excerpt=excerpt,
                **(ids | {column: record}),
            )


RESERVED = {"postgres", "template0", "template1", "coopgraph"}
"""The server's own databases and the service's (the built-in dataset's): never dropped."""


def database_name(scale: float, seed: int) -> str:
    tag = "".join(c if c.isalnum() else "_" for c in format(scale, "g"))
    return f"coopgraph_bench_{tag}_seed{seed}"


def marker(scale: float, seed: int) -> str:
    """What the database's comment says once it is complete: a run reuses only a match."""
    return f"coopgraph bench data: format {FORMAT}, scale {scale:g}, seed {seed}"


FOREIGN_KEYS = """
SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition
FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace
"""
PLAIN_INDEXES = """
SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
FROM pg_index JOIN pg_class ON pg_class.oid = indrelid
WHERE relnamespace = 'public'::regnamespace
  AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = indexrelid)
"""


CODELIST_ROWS = {"country", "region"}
"""Tables migration 0008 fills from the IATI codelists: the generator's rows are merged into
them (its names win, as the seed's do), not copied beside them."""


async def _merge_into(raw: Any, name: str, table: Table) -> None:
    incoming = f"incoming_{name}"
    await raw.execute(f"CREATE TEMP TABLE {incoming} (LIKE {name}) ON COMMIT DROP")
    await raw.copy_records_to_table(incoming, records=table.rows, columns=table.columns)
    columns = ", ".join(table.columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in table.columns if c != "code")
    await raw.execute(
        f"INSERT INTO {name} ({columns}) SELECT {columns} FROM {incoming} "
        f"ON CONFLICT (code) DO UPDATE SET {updates}"
    )


async def load(raw: Any, tables: dict[str, Table]) -> None:
    """COPY every table, with foreign keys and plain indexes dropped meanwhile and made
    again afterwards, the same as before: checking a key or growing a GIN index row by row
    costs twice what checking and building them set-based does. Adding a key back validates
    every row, and unique and check constraints stay on throughout, so the data is held to
    every constraint all the same. The statistics summaries' triggers (migration 0011) are
    off meanwhile too, and the summaries counted once at the end, set-based: each COPY would
    otherwise count again every project it touches."""
    foreign_keys, indexes = await raw.fetch(FOREIGN_KEYS), await raw.fetch(PLAIN_INDEXES)
    for name in tables:
        await raw.execute(f"ALTER TABLE {name} DISABLE TRIGGER USER")
    for key in foreign_keys:
        await raw.execute(f'ALTER TABLE {key["table"]} DROP CONSTRAINT "{key["name"]}"')
    for index in indexes:
        await raw.execute(f"DROP INDEX {index['name']}")
    await raw.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for name, table in tables.items():
        if name in CODELIST_ROWS:
            await _merge_into(raw, name, table)
            continue
        await raw.copy_records_to_table(name, records=table.rows, columns=table.columns)
        if "id" in table.columns:
            sequence = f"pg_get_serial_sequence('{name}', 'id')"
            await raw.execute(f"SELECT setval({sequence}, max(id)) FROM {name}")
    for index in indexes:
        await raw.execute(index["definition"])
    for key in foreign_keys:
        await raw.execute(
            f'ALTER TABLE {key["table"]} ADD CONSTRAINT "{key["name"]}" {key["definition"]}'
        )
    for name in tables:
        await raw.execute(f"ALTER TABLE {name} ENABLE TRIGGER USER")
    await raw.execute("SELECT summary_refresh(array_agg(id)) FROM project")


async def fill(url: str, scale: float, seed: int) -> Report:
    """Migrate the empty database at ``url`` and fill it, then VACUUM ANALYZE so the planner
    and index-only scans see the data as a long-lived database would."""
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    tables = Generator(scale, seed).build()
    seconds["build rows"] = time.perf_counter() - began
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            began = time.perf_counter()
            await upgrade_to_head(conn)
            if (await conn.execute(sa.text("SELECT count(*) FROM project"))).scalar_one():
                raise ValueError(f"{url} already holds projects: generate into an empty database")
            seconds["migrate"] = time.perf_counter() - began
            began = time.perf_counter()
            raw = (await conn.get_raw_connection()).driver_connection
            await load(raw, tables)
            seconds["copy and index"] = time.perf_counter() - began
        began = time.perf_counter()
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(sa.text("VACUUM (ANALYZE)"))
        seconds["vacuum analyze"] = time.perf_counter() - began
    finally:
        await engine.dispose()
    return Report({name: len(table.rows) for name, table in tables.items()}, seconds)


async def create(server: Server, name: str, scale: float, seed: int) -> Report:
    """(Re)make database ``name`` on ``server`` with the data of ``scale`` and ``seed``."""
    if name in RESERVED:
        raise ValueError(f"refusing to overwrite the database {name!r}")
    await server.admin(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
    )
    report = await fill(server.url(name), scale, seed)
    await server.admin(f"COMMENT ON DATABASE \"{name}\" IS '{marker(scale, seed)}'")
    return report


async def made_with(server: Server, name: str) -> str | None:
    """The marker of database ``name``: None while it is missing or incomplete."""
    engine = create_engine(server.maintenance_url)
    try:
        async with engine.connect() as conn:
            comment = await conn.execute(
                sa.text(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                    "WHERE datname = :name"
                ),
                {"name": name},
            )
            return comment.scalar()
    finally:
        await engine.dispose()


def describe(name: str, scale: float, seed: int, report: Report) -> str:
    total = sum(report.seconds.values())
    lines = [f"made {name}: scale {scale:g}, seed {seed}, in {total:.1f} s"]
    lines += [f"  {table:<20} {rows:>10,}" for table, rows in report.rows.items()]
    lines.append("  " + ", ".join(f"{step} {s:.1f} s" for step, s in report.seconds.items()))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, required=True, help="1 = 10,000 projects")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", help="database name (default: named after scale and seed)")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    name = args.database or database_name(args.scale, args.seed)
    server = Server()
    report = asyncio.run(create(server, name, args.scale, args.seed))
    print(describe(name, args.scale, args.seed, report))
    print(f"URL: {server.url(name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
