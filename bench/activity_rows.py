"""The benchmark's IATI rows: transactions, budgets per year, sectors and locations.

An imported publisher's project carries far more rows than the dataset's own: the real
UN agency's file in ``../shared/iati/real`` has 25 transactions, 4 budgets, 4 sectors and 2
locations per activity. ``ActivityRows`` makes rows of that shape for every generated
project, from the facts ``generate.Generator`` drew for it (dates, countries, budget,
funders and implementers), so the figures agree: budgets split the project's budget over
its years, commitments and disbursements follow the funders' shares, expenditure follows
disbursements.

They are drawn from a ``random.Random`` of their own, seeded from the generator's seed, so
adding them left every row the generator made before exactly as it was (and the
benchmark's answers comparable across the change). Points are random places near the
recipient country's rough centre; no map is consulted.
"""

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

DAC_SECTORS = (
    ("16020", "Employment creation"),
    ("11330", "Vocational training"),
    ("16010", "Social protection"),
    ("16070", "Labour rights"),
    ("16080", "Social dialogue"),
    ("25010", "Business policy and administration"),
    ("15170", "Women's rights organisations and movements, and government institutions"),
    ("43040", "Rural development"),
    ("11110", "Education policy and administrative management"),
    ("72010", "Material relief assistance and services"),
)
SDG_TARGETS = ("8.5", "8.7", "8.8", "8.b", "5.5", "4.4", "1.3", "10.7", "16.2")
LOCATION_NAMES = ("capital district", "northern province", "coastal region", "border area")
TRANSACTION_DISBURSEMENT, TRANSACTION_EXPENDITURE = "3", "4"
TRANSACTION_COMMITMENT = "2"


@dataclass(frozen=True)
class ProjectShape:
    """What the rows of one project are drawn from."""

    id: int
    identifier: str
    start: date | None
    """None for the few projects whose sources give no dates: no budgets or transactions."""
    end: date
    countries: list[str]
    budget: tuple[Decimal, str] | None
    funders: list[int]
    implementers: list[int]


def _narratives(text: str) -> str:
    return json.dumps([{"lang": None, "text": text}])


def _years(start: date, end: date) -> list[tuple[date, date]]:
    """The project's span cut at calendar years, as most publishers budget."""
    periods = []
    first = start
    while first <= end:
        last = min(date(first.year, 12, 31), end)
        periods.append((first, last))
        first = date(first.year + 1, 1, 1)
    return periods


class ActivityRows:
    """Rows for the ``activity_*`` tables, added through ``table`` (the generator's)."""

    def __init__(
        self,
        seed: int,
        table: Callable[[str], Any],
        partner_refs: dict[int, str | None],
        partner_names: dict[int, str],
        created: datetime,
    ) -> None:
        self.rng = random.Random(f"activity-rows-{seed}")
        self.table = table
        self.partner_refs = partner_refs
        self.partner_names = partner_names
        self.created = created
        self.centres: dict[str, tuple[float, float]] = {}

    def stamps(self) -> dict[str, Any]:
        """Set, not left to now(), as the generator's are: transactions and budgets are
        records the API edits, with a version."""
        created = self.created + timedelta(minutes=self.rng.randrange(0, 500_000))
        edits = self.rng.choice((0, 0, 0, 1, 1, 2))
        return {
            "created_at": created,
            "updated_at": created + timedelta(days=edits * self.rng.randrange(1, 90)),
            "version": 1 + edits,
        }

    def add(self, project: ProjectShape) -> None:
        self.sectors(project)
        self.locations(project)
        if project.start is not None and project.budget is not None:
            periods = _years(project.start, project.end)
            self.budgets(project, periods, project.start, project.budget)
            self.transactions(project, periods, project.start, project.budget)

    def sectors(self, project: ProjectShape) -> None:
        chosen = self.rng.sample(DAC_SECTORS, self.rng.choice((1, 1, 2, 2, 3)))
        shares = [self.rng.randint(1, 9) for _ in chosen]
        percentages = [Decimal(100 * s // sum(shares)) for s in shares]
        percentages[0] += 100 - sum(percentages)
        rows: list[tuple[str, str, str | None, Decimal]] = [
            ("1", code, name, p) for (code, name), p in zip(chosen, percentages, strict=True)
        ]
        if self.rng.random() < 0.4:
            rows.append(("8", self.rng.choice(SDG_TARGETS), None, Decimal(100)))
        table = self.table("activity_sector")
        for position, (vocabulary, code, name, percentage) in enumerate(rows):
            table.add(
                project_id=project.id,
                position=position,
                vocabulary=vocabulary,
                vocabulary_uri=None,
                code=code,
                percentage=percentage,
                narratives=_narratives(name) if name else None,
            )

    def centre(self, country: str) -> tuple[float, float]:
        if country not in self.centres:
            self.centres[country] = (self.rng.uniform(-30, 45), self.rng.uniform(-80, 140))
        return self.centres[country]

    def locations(self, project: ProjectShape) -> None:
        table = self.table("activity_location")
        count = self.rng.choice((0, 0, 1, 1, 2, 3))
        for position in range(count):
            country = project.countries[position % len(project.countries)]
            latitude, longitude = self.centre(country)
            place = self.rng.choice(LOCATION_NAMES)
            table.add(
                project_id=project.id,
                position=position,
                ref=f"{project.identifier}-LOC-{position + 1}",
                location_reach=self.rng.choice(("1", "2")),
                name=_narratives(f"{country} {place}"),
                srs_name="http://www.opengis.net/def/crs/EPSG/0/4326",
                latitude=Decimal(f"{latitude + self.rng.uniform(-2, 2):.5f}"),
                longitude=Decimal(f"{longitude + self.rng.uniform(-2, 2):.5f}"),
                exactness=self.rng.choice(("1", "2")),
                location_class=self.rng.choice(("2", "3")),
                feature_designation=self.rng.choice(("ADM1", "ADM2", "PPL")),
            )

    def budgets(
        self,
        project: ProjectShape,
        periods: list[tuple[date, date]],
        first: date,
        budget: tuple[Decimal, str],
    ) -> None:
        amount, currency = budget
        table = self.table("activity_budget")
        position = 0
        for start, end in periods:
            share = Decimal((end - start).days + 1) / Decimal((project.end - first).days + 1)
            original = (amount * share).quantize(Decimal(1))
            versions = [("1", original)]
            if self.rng.random() < 0.3:
                revised = (original * Decimal(self.rng.uniform(0.8, 1.15))).quantize(Decimal(1))
                versions.append(("2", revised))
            for budget_type, value in versions:
                table.add(
                    project_id=project.id,
                    position=position,
                    type=budget_type,
                    status=self.rng.choice(("1", "2")),
                    period_start=start,
                    period_end=end,
                    value=value,
                    currency=currency,
                    value_date=start,
                    **self.stamps(),
                )
                position += 1

    def transactions(
        self,
        project: ProjectShape,
        periods: list[tuple[date, date]],
        first: date,
        budget: tuple[Decimal, str],
    ) -> None:
        """A commitment per funder, then per year a disbursement and the expenditure it
        paid for; now and then a refund, a negative disbursement."""
        amount, currency = budget
        funders: list[int | None] = [*project.funders] or [None]
        receiver = project.implementers[0] if project.implementers else None
        cent = Decimal("0.01")
        rows: list[tuple[str, date, Decimal, int | None, int | None]] = []
        for funder in funders:
            share = amount / len(funders)
            rows.append((TRANSACTION_COMMITMENT, first, share.quantize(cent), funder, receiver))
            for start, end in periods:
                paid = share * Decimal(self.rng.uniform(0.1, 0.6))
                day = start + timedelta(days=self.rng.randrange((end - start).days + 1))
                rows.append((TRANSACTION_DISBURSEMENT, day, paid.quantize(cent), funder, receiver))
                spent = paid * Decimal(self.rng.uniform(0.7, 1.0))
                rows.append((TRANSACTION_EXPENDITURE, end, spent.quantize(cent), None, None))
                if self.rng.random() < 0.05:
                    refund = -(paid * Decimal(self.rng.uniform(0.01, 0.1))).quantize(cent)
                    rows.append((TRANSACTION_DISBURSEMENT, end, refund, funder, None))
        table = self.table("activity_transaction")
        for position, (kind, day, value, provider, receiving) in enumerate(rows):
            table.add(
                project_id=project.id,
                position=position,
                ref=None,
                transaction_type=kind,
                transaction_date=day,
                value=value,
                currency=currency,
                value_date=day,
                provider_org_ref=self.partner_refs.get(provider) if provider else None,
                provider_org_narratives=_narratives(self.partner_names[provider])
                if provider
                else None,
                provider_partner_id=provider,
                receiver_org_ref=self.partner_refs.get(receiving) if receiving else None,
                receiver_org_narratives=_narratives(self.partner_names[receiving])
                if receiving
                else None,
                receiver_partner_id=receiving,
                provider_activity_id=None,
                receiver_activity_id=None,
                flow_type="10",
                finance_type="110",
                **self.stamps(),
            )
