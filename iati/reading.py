"""Read IATI activity files as a stream, one activity at a time, naming every problem.

The whole file is never in memory: ``iterparse`` hands over each ``iati-activity`` as it
ends, the activity is validated against the 2.03 schema on its own (a validating parser
would stop at the file's first error; checking activity by activity lets the report name
them all), mapped to an ``Activity``, and then cleared from the tree.

The parser resolves no entities, loads no DTD and touches no network, and a file with a
document type declaration is refused outright: IATI files have none, and entity tricks
(exponential expansion, external files) all need one.
"""

from collections import defaultdict
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Protocol

from lxml import etree

from db.enums import BeneficiaryCategory, CountryRole, DatePrecision
from iati.codes import (
    BUDGET_REVISED,
    COMMITMENT,
    DAC_THEME_PREFIX,
    DAC_VOCABULARIES,
    DATE_TYPES,
    GENERAL_DESCRIPTION,
    MEASURES,
    ORGANISATION_TYPES,
    PARENT_ACTIVITY,
    RESULT_TYPES,
    ROLES,
    STATUSES,
    SUPPORTED_VERSIONS,
    TARGET_GROUPS,
)
from iati.extension import NS, ExtensionError, apply_extension
from iati.records import (
    Activity,
    ActivityDate,
    CountryLink,
    Figure,
    Group,
    Money,
    Organisation,
    PartnerLink,
    Problem,
    ProgrammeRef,
    Result,
    ThemeRef,
)

SCHEMA_FILE = Path(__file__).parent / "xsd" / "iati-activities-schema.xsd"


class ByteStream(Protocol):
    """What the parser reads from: an open file, an upload, a counting wrapper."""

    def read(self, size: int = ..., /) -> bytes: ...


class FileRefused(Exception):
    """The file as a whole cannot be read: nothing of it is imported."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class ReadActivity:
    """An activity as read: mapped as far as it could be once it passed the schema (so the
    importer can still name the problems only the database can see), usable without problems.
    """

    identifier: str | None
    line: int | None
    activity: Activity | None
    problems: list[Problem]

    @property
    def usable(self) -> Activity | None:
        return None if self.problems else self.activity


@cache
def activity_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))


def read_activities(source: str | Path | ByteStream) -> Iterator[ReadActivity]:
    """Each activity of the file in order; raises ``FileRefused`` when the file cannot be
    read on (not well-formed, wrong version, a DTD), after the activities before it."""
    events = etree.iterparse(
        source,
        events=("start", "end"),
        tag=("iati-activities", "iati-activity"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    root: etree._Element | None = None
    activities = 0
    try:
        for event, element in events:
            if event == "start" and element.tag == "iati-activities":
                root = element
                _check_file(element)
            elif event == "end" and root is not None and element.getparent() is root:
                activities += 1
                yield _read_one(element, root)
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del root[0]
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else None
        raise FileRefused(Problem(f"not well-formed XML: {error.msg}", line)) from error
    if root is None:
        raise FileRefused(Problem("not an IATI activity file: no iati-activities element"))
    if activities == 0:
        raise FileRefused(Problem("the file holds no iati-activity", root.sourceline))


def _check_file(root: etree._Element) -> None:
    if root.getroottree().docinfo.doctype:
        raise FileRefused(
            Problem(
                "the file declares a document type (DTD); IATI files have none, and entity "
                "declarations are refused for safety",
                root.sourceline,
            )
        )
    version = root.get("version")
    if version is None:
        raise FileRefused(Problem("iati-activities has no version attribute", root.sourceline))
    if version.startswith("1."):
        raise FileRefused(
            Problem(
                f"unsupported version {version!r}: files of IATI "
                f"{', '.join(SUPPORTED_VERSIONS)} are read",
                root.sourceline,
            )
        )


def _schema_problems(element: etree._Element, root: etree._Element) -> list[Problem]:
    """Validate one activity inside a copy of the file's root element."""
    wrapper = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=root.nsmap)
    wrapper.append(deepcopy(element))
    schema = activity_schema()
    if schema.validate(wrapper):
        return []
    return [Problem(f"schema: {e.message}", e.line or element.sourceline) for e in schema.error_log]


def _name(element: etree._Element) -> str:
    return etree.QName(element).localname


def _text(element: etree._Element | None) -> str | None:
    """The element's narrative (the first one: a file may give several languages)."""
    if element is None:
        return None
    narrative = element.find("narrative")
    text = narrative.text if narrative is not None else element.text
    return text.strip() if text and text.strip() else None


def _read_one(element: etree._Element, root: etree._Element) -> ReadActivity:
    identifier = (element.findtext("iati-identifier") or "").strip() or None
    problems = _schema_problems(element, root)
    activity = None
    if not problems:
        mapping = _Mapping(element, root, identifier or "")
        activity = mapping.activity()
        problems = mapping.problems
        if identifier is None:
            problems.insert(0, Problem("the iati-identifier is empty", element.sourceline))
    for i, p in enumerate(problems):
        problems[i] = Problem(p.message, p.line, identifier)
    return ReadActivity(identifier, element.sourceline, activity, problems)


class _Mapping:
    """The standard elements of one schema-valid activity, mapped to the service's terms."""

    def __init__(self, element: etree._Element, root: etree._Element, identifier: str) -> None:
        self.element = element
        self.root = root
        self.identifier = identifier
        self.problems: list[Problem] = []

    def problem(self, element: etree._Element, message: str) -> None:
        self.problems.append(Problem(message, element.sourceline))

    def decimal(self, element: etree._Element, attribute: str) -> Decimal | None:
        raw = element.get(attribute)
        if raw is None or not raw.strip():
            return None
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            self.problem(element, f"{_name(element)}/@{attribute} {raw!r} is not a number")
            return None
        if not value.is_finite():
            self.problem(element, f"{_name(element)}/@{attribute} {raw!r} is not a number")
            return None
        return value

    def activity(self) -> Activity:
        e = self.element
        version = self.root.get("version")
        if version not in SUPPORTED_VERSIONS:
            self.problem(self.root, f"iati-activities version {version!r} is not an IATI version")
        activity = Activity(
            identifier=self.identifier,
            title=_text(e.find("title")) or "",
            line=e.sourceline,
        )
        self.descriptions(activity)
        activity.reporting_org = self.organisation(e.find("reporting-org"))
        self.partners(activity)
        self.status(activity)
        self.dates(activity)
        self.countries(activity)
        self.themes(activity)
        activity.budget = self.budget()
        activity.programmes = [
            ProgrammeRef(r.get("ref", "").strip())
            for r in e.iterfind("related-activity")
            if r.get("type") == PARENT_ACTIVITY and r.get("ref", "").strip()
        ]
        for result in e.iterfind("result"):
            self.results(activity, result)
        extension = e.find(f"{NS}project")
        if extension is not None:
            try:
                apply_extension(activity, extension)
            except (ExtensionError, ValueError) as error:
                self.problem(extension, f"extension: {error}")
        return activity

    def descriptions(self, activity: Activity) -> None:
        summaries = []
        for d in self.element.iterfind("description"):
            kind = d.get("type", GENERAL_DESCRIPTION)
            text = _text(d)
            if text is None:
                continue
            if kind == GENERAL_DESCRIPTION:
                summaries.append(text)
            elif kind == TARGET_GROUPS:
                activity.groups.append(Group(text, [BeneficiaryCategory.OTHER]))
        activity.summary = "\n\n".join(summaries) or None

    def organisation(self, element: etree._Element | None) -> Organisation | None:
        if element is None:
            return None
        ref = (element.get("ref") or "").strip() or None
        name = _text(element) or ref
        if name is None:
            self.problem(element, f"{_name(element)} has neither a ref nor a name")
            return None
        kind = ORGANISATION_TYPES.get(element.get("type", ""))
        return Organisation(name=name, ref=ref, kind=kind)

    def partners(self, activity: Activity) -> None:
        for p in self.element.iterfind("participating-org"):
            role = ROLES.get(p.get("role", ""))
            if role is None:
                self.problem(p, f"participating-org role {p.get('role')!r} is not one of 1-4")
                continue
            organisation = self.organisation(p)
            if organisation is not None:
                activity.partners.append(PartnerLink(organisation, role))
        reporter = activity.reporting_org
        if reporter is not None and not any(
            (reporter.ref and link.organisation.ref == reporter.ref)
            or link.organisation.name == reporter.name
            for link in activity.partners
        ):
            activity.partners.append(PartnerLink(reporter, ROLES["2"]))

    def status(self, activity: Activity) -> None:
        element = self.element.find("activity-status")
        if element is None:
            return
        status = STATUSES.get(element.get("code", ""))
        if status is None:
            self.problem(element, f"activity-status {element.get('code')!r} is not one of 1-6")
            return
        activity.status = status
        stamp = self.element.get("last-updated-datetime") or self.root.get("generated-datetime")
        activity.status_as_of = date.fromisoformat(stamp[:10]) if stamp else None

    def dates(self, activity: Activity) -> None:
        for d in self.element.iterfind("activity-date"):
            name = DATE_TYPES.get(d.get("type", ""))
            if name is None:
                self.problem(d, f"activity-date type {d.get('type')!r} is not one of 1-4")
                continue
            if name in activity.dates:
                self.problem(d, f"activity-date type {d.get('type')} is given twice")
                continue
            activity.dates[name] = ActivityDate(date.fromisoformat(d.get("iso-date", "")))
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            first, last = activity.dates.get(start), activity.dates.get(end)
            if first is not None and last is not None and last.value < first.value:
                self.problem(self.element, f"activity-date: {end} is before {start}")

    def countries(self, activity: Activity) -> None:
        for c in self.element.iterfind("recipient-country"):
            code = c.get("code", "").strip().upper()
            percentage = self.decimal(c, "percentage")
            if percentage is not None and not 0 <= percentage <= 100:
                self.problem(c, f"recipient-country {code} percentage {percentage} is not 0-100")
                continue
            activity.countries.append(
                CountryLink(code, CountryRole.RECIPIENT, percentage, line=c.sourceline)
            )

    def themes(self, activity: Activity) -> None:
        for s in self.element.iterfind("sector"):
            vocabulary = s.get("vocabulary", "1")
            code = s.get("code", "").strip()
            name = _text(s)
            if vocabulary in DAC_VOCABULARIES:
                if not (code.isdigit() and len(code) == DAC_VOCABULARIES[vocabulary]):
                    self.problem(s, f"sector {code!r} is not a DAC code of vocabulary {vocabulary}")
                    continue
                slug = f"{DAC_THEME_PREFIX}{code}"
                activity.themes.append(ThemeRef(slug, name or f"DAC sector {code}"))
            else:
                slug = code.lower()
                if not slug or not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in slug):
                    self.problem(s, f"sector code {code!r} cannot name a theme (a-z, 0-9, -)")
                    continue
                activity.themes.append(ThemeRef(slug, name or code))

    def currency(self, value: etree._Element) -> str | None:
        currency = value.get("currency") or self.element.get("default-currency")
        if currency is None:
            self.problem(value, "a value without a currency, and no default-currency")
        return currency

    def total(self, values: list[etree._Element], what: str) -> Money | None:
        sums: defaultdict[str, Decimal] = defaultdict(Decimal)
        for v in values:
            amount = self._value(v)
            currency = self.currency(v)
            if amount is not None and currency is not None:
                sums[currency] += amount
        if len(sums) > 1:
            self.problem(self.element, f"{what} in several currencies ({', '.join(sums)})")
            return None
        return next((Money(a, c) for c, a in sums.items()), None)

    def _value(self, value: etree._Element) -> Decimal | None:
        try:
            amount = Decimal((value.text or "").strip())
        except InvalidOperation:
            self.problem(value, f"value {value.text!r} is not a number")
            return None
        if amount < 0:
            self.problem(value, f"value {amount} is negative")
            return None
        return amount

    def budget(self) -> Money | None:
        budgets = list(self.element.iterfind("budget"))
        revised = [b for b in budgets if b.get("type") == BUDGET_REVISED]
        chosen = revised or budgets
        if chosen:
            return self.total([v for b in chosen for v in b.iterfind("value")], "budgets")
        commitments = [
            value
            for t in self.element.iterfind("transaction")
            if t.find(f"transaction-type[@code='{COMMITMENT}']") is not None
            and (value := t.find("value")) is not None
        ]
        return self.total(commitments, "commitments")

    def results(self, activity: Activity, result: etree._Element) -> None:
        kind = RESULT_TYPES.get(result.get("type", ""))
        if kind is None:
            self.problem(result, f"result type {result.get('type')!r} is not one of 1-3")
            return
        statement = _text(result.find("title")) or ""
        for indicator in result.iterfind("indicator"):
            measure = MEASURES.get(indicator.get("measure", ""))
            if measure is None:
                self.problem(indicator, f"indicator measure {indicator.get('measure')!r}")
                continue
            base = Result(
                kind, statement, indicator=_text(indicator.find("title")), measure=measure
            )
            baseline = indicator.find("baseline")
            if baseline is not None:
                value = self.decimal(baseline, "value")
                base.baseline = None if value is None else Figure(value)
                base.baseline_year = int(baseline.get("year", "0")) or None
            periods = list(indicator.iterfind("period"))
            if not periods:
                activity.results.append(base)
            for period in periods:
                self.period(activity, base, period)

    def period(self, activity: Activity, base: Result, period: etree._Element) -> None:
        """One outcome per set of dimensions: the totals, then each breakdown."""
        by_dimensions: dict[tuple[tuple[str, str], ...], Result] = {}
        for kind in ("target", "actual"):
            for figure in period.iterfind(kind):
                dimensions = tuple(
                    (d.get("name", ""), d.get("value", "")) for d in figure.iterfind("dimension")
                )
                result = by_dimensions.get(dimensions)
                if result is None:
                    start = period.find("period-start")
                    end = period.find("period-end")
                    result = Result(
                        base.kind,
                        base.statement,
                        indicator=base.indicator,
                        measure=base.measure,
                        baseline=base.baseline if not dimensions else None,
                        baseline_year=base.baseline_year if not dimensions else None,
                        period_start=date.fromisoformat(start.get("iso-date", ""))
                        if start is not None
                        else None,
                        period_end=date.fromisoformat(end.get("iso-date", ""))
                        if end is not None
                        else None,
                        dimensions=dict(dimensions),
                    )
                    if result.period_start is not None:
                        result.period_precision = DatePrecision.DAY
                    by_dimensions[dimensions] = result
                value = self.decimal(figure, "value")
                if value is not None:
                    if getattr(result, kind) is not None:
                        self.problem(figure, f"two {kind}s for the same period and dimensions")
                    setattr(result, kind, Figure(value))
        if not by_dimensions:
            self.problem(period, "a period with neither target nor actual")
        activity.results.extend(by_dimensions.values())
