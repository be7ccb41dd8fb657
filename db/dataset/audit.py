"""The dataset checked against its documents, mechanically, so it stays what they say.

Three checks, each returning what is wrong (an empty list when all holds):

- every stored number (amount, count, share, year, duration) is written in one of its
  record's cited passages, unless the record marks it derived and says how;
- every derived value recomputes from its inputs;
- every stated date has the precision its passage writes it with: no finer, and no coarser.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from db.dataset.numbers import (
    duration_years,
    finer_mention,
    month_and_day,
    normalise,
    numbers_in,
    written_precision,
)
from db.dataset.records import (
    AgreementRecord,
    Dataset,
    Document,
    FuzzyDate,
    ProjectRecord,
    SourceRef,
    all_sources,
)
from db.enums import DatePrecision, ProjectStatus


@dataclass(frozen=True)
class Claim:
    """One stored value, where it sits, and the passages that must carry it."""

    where: str
    passages: tuple[SourceRef, ...]
    number: Decimal | None = None
    date: FuzzyDate | None = None
    derived: bool = False


@dataclass(frozen=True)
class Documents:
    """The texts the dataset cites, normalised, and the seeds' README."""

    texts: dict[str, str]
    readme: str

    @classmethod
    def read(cls, seeds: Path, data: Dataset) -> "Documents":
        texts = {d.file: normalise((seeds / d.file).read_text("utf-8")) for d in data.documents}
        return cls(texts=texts, readme=(seeds / "README.md").read_text("utf-8"))


def _sources(*lists: list[SourceRef]) -> tuple[SourceRef, ...]:
    return tuple(source for sources in lists for source in sources)


def _date(where: str, value: FuzzyDate | None, passages: tuple[SourceRef, ...]) -> list[Claim]:
    if value is None:
        return []
    return [Claim(where, passages, date=value, derived=value.derived)]


def claims(data: Dataset) -> Iterator[Claim]:
    """Every number and date the dataset stores, with its record's passages."""
    for p in data.programmes:
        yield from _date(f"programme {p.code} start", p.start, tuple(p.sources))
        yield from _date(f"programme {p.code} end", p.end, tuple(p.sources))
    for j in data.projects:
        own = tuple(j.sources)
        where = f"project {j.code}"
        for name in ("planned_start", "planned_end", "actual_start", "actual_end"):
            yield from _date(f"{where} {name}", getattr(j, name), own)
        if j.duration_months is not None:
            yield Claim(
                f"{where} duration_months",
                own,
                number=Decimal(j.duration_months),
                derived=j.duration_derivation is not None,
            )
        if j.budget is not None:
            yield Claim(f"{where} budget", own, number=j.budget.amount)
        for link in j.partners:
            if link.amount is not None:
                yield Claim(
                    f"{where} partner {link.partner} amount",
                    tuple(link.sources),
                    number=link.amount.amount,
                )
        for g in j.beneficiary_groups:
            for name in ("target_count", "reached_count", "women_share", "population_count"):
                figure = getattr(g, name)
                if figure is not None:
                    yield Claim(
                        f"group {g.code} {name}", tuple(g.sources), number=Decimal(figure.value)
                    )
        for o in j.outcomes:
            for name in ("baseline", "target", "actual"):
                figure = getattr(o, name)
                if figure is not None:
                    yield Claim(f"outcome {o.code} {name}", tuple(o.sources), number=figure.value)
            if o.period is not None:
                yield from _date(f"outcome {o.code} period start", o.period.start, tuple(o.sources))
                yield from _date(f"outcome {o.code} period end", o.period.end, tuple(o.sources))
    for c in data.contributions:
        passages = tuple(c.sources)
        yield Claim(f"contribution {c.code} amount", passages, number=c.amount.amount)
        for year in c.period:
            yield Claim(f"contribution {c.code} period", passages, number=Decimal(year))
    for a in data.agreements:
        passages = tuple(a.sources)
        yield from _date(f"agreement {a.code} signed_on", a.signed_on, passages)
        for year in a.period or ():
            yield Claim(f"agreement {a.code} period", passages, number=Decimal(year))
    for f in data.partner_facts:
        passages = tuple(f.sources)
        yield from _date(f"partner fact {f.code} as_of", f.as_of, passages)
        if f.value is not None:
            yield Claim(f"partner fact {f.code} value", passages, number=f.value.value)


def unwritten_numbers(data: Dataset, docs: Documents) -> list[str]:
    """Stated numbers and dates that none of their record's passages writes."""
    problems: list[str] = []
    for claim in claims(data):
        if claim.derived:
            continue
        texts = [normalise(s.excerpt) for s in claim.passages]
        if claim.number is not None and not any(claim.number in numbers_in(t) for t in texts):
            problems.append(f"{claim.where}: {claim.number} is in none of its passages")
        if claim.date is not None and not any(
            written_precision(claim.date.value, t) for t in texts
        ):
            problems.append(f"{claim.where}: {claim.date.value} is in none of its passages")
    for d in data.documents:
        stated = d.published if d.published is not None and not d.published.derived else None
        if stated is not None and written_precision(stated.value, docs.texts[d.file]) is None:
            problems.append(f"document {d.file}: {stated.value} is not in its text")
    return problems


def imprecise_dates(data: Dataset, docs: Documents) -> list[str]:
    """Stated dates whose precision is not the one their passage writes them with."""
    problems: list[str] = []
    stated = [c for c in claims(data) if c.date is not None and not c.derived]
    for claim in stated:
        assert claim.date is not None
        texts = [normalise(s.excerpt) for s in claim.passages]
        written = [p for t in texts if (p := written_precision(claim.date.value, t))]
        if written and claim.date.precision not in written:
            problems.append(
                f"{claim.where}: {claim.date.precision} but its passage writes {written[0]}"
            )
        if claim.date.precision == DatePrecision.YEAR and any(
            finer_mention(claim.date.value.year, t) for t in texts
        ):
            problems.append(f"{claim.where}: a year, but its passage names the month")
    for d in data.documents:
        if d.published is not None and not d.published.derived:
            written_as = written_precision(d.published.value, docs.texts[d.file])
            if written_as != d.published.precision:
                problems.append(f"document {d.file}: {d.published.precision}, text {written_as}")
    return problems


def underived(data: Dataset, docs: Documents) -> list[str]:
    """Derived values that do not recompute from the inputs their derivation names."""
    published = {d.file: d.published for d in data.documents}
    problems: list[str] = []

    def document_date(where: str, value: FuzzyDate, sources: list[SourceRef]) -> None:
        """A date taken from the date of a document the record cites."""
        dates = [published[s.document] for s in sources]
        if not any(_same(value, d) for d in dates if d is not None):
            problems.append(f"{where}: {value.value} is not the date of a document it cites")

    for d in data.documents:
        if d.published is not None and d.published.derived:
            problems += _readme_year(d, docs.readme)
    for f in data.partner_facts:
        if f.as_of is not None and f.as_of.derived:
            document_date(f"partner fact {f.code} as_of", f.as_of, f.sources)
    for a in data.agreements:
        if a.signed_on is not None and a.signed_on.derived:
            day = a.signed_on.value
            stated = [
                published[s.document]
                for s in a.sources
                if (day.month, day.day) in month_and_day(normalise(s.excerpt))
            ]
            if not any(d is not None and d.value.year == day.year for d in stated):
                problems.append(f"agreement {a.code} signed_on: {day} does not recompute")
    projects_of = {code: a for a in data.agreements for code in a.projects}
    for j in data.projects:
        problems += _project_dates(j, projects_of.get(j.code))
        problems += _project_duration(j)
        problems += _project_status(j, published)
        if j.status is not None and j.status.as_of.derived:
            document_date(f"project {j.code} status as_of", j.status.as_of, _passages_of(j))
    return problems


def _same(a: FuzzyDate, b: FuzzyDate) -> bool:
    return a.value == b.value and a.precision == b.precision


def _readme_year(d: Document, readme: str) -> list[str]:
    assert d.published is not None
    row = next((line for line in readme.splitlines() if d.file in line), "")
    years = re.findall(r"\((\d{4})\)", row)
    if years != [str(d.published.value.year)] or d.published.precision != DatePrecision.YEAR:
        return [f"document {d.file}: {d.published.value} is not the README's year {years}"]
    return []


def _passages_of(j: ProjectRecord) -> list[SourceRef]:
    """Every passage cited anywhere in a project's record, its links and results included."""
    return list(
        _sources(
            j.sources,
            *(x.sources for x in j.partners),
            *(x.sources for x in j.countries),
            *(x.sources for x in j.programmes),
            *(x.sources for x in j.beneficiary_groups),
            *(x.sources for x in j.outcomes),
        )
    )


def _plus_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def _project_dates(j: ProjectRecord, agreement: AgreementRecord | None) -> list[str]:
    problems: list[str] = []
    start = j.actual_start or j.planned_start
    for name in ("planned_start", "planned_end", "actual_start", "actual_end"):
        value: FuzzyDate | None = getattr(j, name)
        if value is None or not value.derived:
            continue
        candidates: list[FuzzyDate] = []
        if name.endswith("_end") and start is not None and not start.derived and j.duration_months:
            end = _plus_months(start.value, j.duration_months)
            candidates.append(FuzzyDate(value=end, precision=DatePrecision.MONTH))
        period = agreement.period if agreement is not None else None
        if period is not None:
            year = period[0] if name.endswith("_start") else period[1]
            candidates.append(FuzzyDate(value=date(year, 1, 1), precision=DatePrecision.YEAR))
        if not any(_same(value, c) for c in candidates):
            problems.append(f"project {j.code} {name}: {value.value} does not recompute")
    return problems


def _project_duration(j: ProjectRecord) -> list[str]:
    if j.duration_derivation is None:
        return []
    years = {y for s in j.sources for y in duration_years(normalise(s.excerpt))}
    if j.duration_months not in {12 * y for y in years}:
        return [f"project {j.code} duration_months: {j.duration_months} from years {years}"]
    return []


_UNDER_WAY = re.compile(r"\b(is|are|has been|have been) (\S+ )?\w+ing\b")
_STATED = {ProjectStatus.ACTIVE: r"\bongoing\b", ProjectStatus.COMPLETED: r"\bcompleted\b"}


def _project_status(j: ProjectRecord, published: dict[str, FuzzyDate | None]) -> list[str]:
    """A derived ACTIVE needs a passage of that date telling the work as under way; a derived
    COMPLETED needs an end before the date; a stated status needs a passage saying it."""
    status = j.status
    if status is None:
        return []
    as_of = status.as_of
    passages = [
        normalise(s.excerpt)
        for s in _passages_of(j)
        if (d := published[s.document]) is not None and _same(d, as_of)
    ]
    where = f"project {j.code} status"
    if not status.derived:
        pattern = _STATED.get(status.value)
        if pattern is None or not any(re.search(pattern, t, re.I) for t in passages):
            return [f"{where}: {status.value} is stated by none of its passages of {as_of.value}"]
        return []
    if status.value == ProjectStatus.ACTIVE:
        if not any(_UNDER_WAY.search(t) for t in passages):
            return [f"{where}: no passage of {as_of.value} tells the work as under way"]
        return []
    if status.value == ProjectStatus.COMPLETED:
        end = j.actual_end or j.planned_end
        if end is None or end.value >= as_of.value:
            return [f"{where}: COMPLETED without an end before {as_of.value}"]
        return []
    return [f"{where}: no rule recomputes a derived {status.value}"]


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z\"“▶►(]|\d\))")


def statements(text: str) -> list[str]:
    """A normalised document cut where its sentences (and numbered list items) end."""
    pieces = [piece.strip() for piece in _SENTENCE_END.split(text)]
    return [piece for piece in pieces if len(piece) >= 12]


def uncited_statements(data: Dataset, docs: Documents) -> dict[str, list[str]]:
    """Per document, the statements of which no record quotes as much as a quarter."""
    excerpts: dict[str, set[str]] = {}
    for source, _ in all_sources(data):
        excerpts.setdefault(source.document, set()).add(normalise(source.excerpt))
    uncited: dict[str, list[str]] = {}
    for file, text in docs.texts.items():
        quoted = bytearray(len(text))
        for excerpt in excerpts.get(file, ()):
            for match in re.finditer(re.escape(excerpt), text):
                quoted[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
        uncited[file] = []
        start = 0
        for piece in statements(text):
            at = text.index(piece, start)
            start = at + len(piece)
            if 4 * sum(quoted[at:start]) < len(piece):
                uncited[file].append(piece)
    return uncited


def statement_counts(data: Dataset, docs: Documents) -> dict[str, tuple[int, int]]:
    """Per document: how many statements, and how many of them the dataset quotes."""
    uncited = uncited_statements(data, docs)
    return {
        file: (len(statements(text)), len(statements(text)) - len(uncited[file]))
        for file, text in docs.texts.items()
    }
