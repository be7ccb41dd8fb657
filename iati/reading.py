"""Read IATI activity files as a stream, one activity at a time, naming every problem.

The whole file is never in memory: ``iterparse`` hands over each ``iati-activity`` as it
ends, the activity is validated against the 2.03 schema on its own (a validating parser
would stop at the file's first error; checking activity by activity lets the report name
them all), mapped to an ``Activity``, and then cleared from the tree.

The parser resolves no entities, loads no DTD and touches no network, and a file with a
document type declaration is refused outright: IATI files have none, and entity tricks
(exponential expansion, external files) all need one.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from lxml import etree

from db.enums import (
    BeneficiaryCategory,
    CountryRole,
    DatePrecision,
    ImportWarningKind,
    PeriodValueKind,
)
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
    ImportWarning,
    Indicator,
    IndicatorPeriod,
    LegacyData,
    Location,
    Money,
    Narrative,
    Organisation,
    OrgRef,
    OtherIdentifier,
    ParticipatingOrg,
    PartnerLink,
    PeriodValue,
    PlannedDisbursement,
    Problem,
    ProgrammeRef,
    RelatedActivity,
    Result,
    ThemeRef,
    Transaction,
)

SCHEMA_FILE = Path(__file__).parent / "xsd" / "iati-activities-schema.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
A_YEAR_AND_A_DAY = 366
"""A budget period longer than this (a leap year's length) is over a year."""


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
    alone: etree._Element | None = None
    activities = 0
    try:
        for event, element in events:
            if event == "start" and element.tag == "iati-activities":
                root = element
                _check_file(element)
                # Each activity is moved out of the file's tree into a root of its own to be
                # validated (no copy), then dropped: memory holds one activity at a time.
                alone = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=root.nsmap)
            elif (
                event == "end"
                and root is not None
                and alone is not None
                and element.getparent() is root
            ):
                activities += 1
                while element.getprevious() is not None:
                    del root[0]  # what the file has between activities (none, if valid)
                alone.append(element)
                yield _read_one(element, root, alone)
                alone.remove(element)
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else None
        raise FileRefused(Problem(f"not well-formed XML: {error.msg}", line)) from error
    if root is None:
        raise FileRefused(Problem("not an IATI activity file: no iati-activities element"))
    if activities == 0:
        raise FileRefused(
            Problem("the file holds no iati-activity", root.sourceline, element="iati-activities")
        )


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
        raise FileRefused(
            Problem(
                "iati-activities has no version attribute",
                root.sourceline,
                element="iati-activities",
            )
        )
    if version.startswith("1."):
        raise FileRefused(
            Problem(
                f"unsupported version {version!r}: files of IATI "
                f"{', '.join(SUPPORTED_VERSIONS)} are read (convert 1.0x files to 2.0x first)",
                root.sourceline,
                element="iati-activities/@version",
            )
        )


def _schema_problems(element: etree._Element, root: etree._Element) -> list[Problem]:
    """Validate one activity, alone in a copy of the file's root element."""
    schema = activity_schema()
    if schema.validate(root):
        return []
    return [
        Problem(f"schema: {e.message}", e.line or element.sourceline, element=_schema_path(e.path))
        for e in schema.error_log
    ]


def _schema_path(path: str | None) -> str | None:
    """The element lxml names (``/iati-activities/iati-activity/budget[2]/value``) inside the
    activity: ``budget[2]/value``."""
    if not path:
        return None
    parts = path.strip("/").split("/")
    inside = parts[2:] if len(parts) > 2 else parts[-1:]
    return "/".join(inside) or None


def _name(element: etree._Element) -> str:
    return etree.QName(element).localname


def _path(element: etree._Element) -> str:
    """The element's path inside its activity, as a problem or warning names it."""
    names: list[str] = []
    current: etree._Element | None = element
    while current is not None and _name(current) != "iati-activity":
        names.append(_name(current))
        current = current.getparent()
    return "/".join(reversed(names)) or "iati-activity"


def _found(parent: etree._Element, child: str) -> etree._Element:
    """The child where there is one, else the parent: what a warning points at. (An lxml
    element without children is false, so ``find(...) or parent`` would be wrong.)"""
    element = parent.find(child)
    return parent if element is None else element


def _text(element: etree._Element | None) -> str | None:
    """The element's narrative (the first one: a file may give several languages)."""
    if element is None:
        return None
    narrative = element.find("narrative")
    text = narrative.text if narrative is not None else element.text
    return text.strip() if text and text.strip() else None


def _language(element: etree._Element) -> str | None:
    """The element's ``xml:lang``, or the nearest ancestor's below the activity (a 2.01
    file may put it on ``participating-org`` for its narratives); None: the activity's."""
    for node in (element, *element.iterancestors()):
        if node.tag == "iati-activity":
            return None
        lang = node.get(XML_LANG)
        if lang:
            return lang
    return None


def _narratives(element: etree._Element | None) -> list[Narrative] | None:
    """Every narrative of the element with its language; None when the element is absent."""
    if element is None:
        return None
    found: list[Narrative] = []
    inherited: str | None = None
    looked_up = False
    for n in element.iterchildren("narrative"):
        lang = n.get(XML_LANG)
        if not lang:
            # The siblings share their ancestors: walk them once (``_language``).
            if not looked_up:
                inherited, looked_up = _language(element), True
            lang = inherited
        found.append(Narrative((n.text or "").strip(), lang))
    if not found and element.text and (text := element.text.strip()):
        found = [Narrative(text, _language(element))]
    return found


def _attr(element: etree._Element | None, name: str) -> str | None:
    if element is None:
        return None
    value = element.get(name)
    return (value.strip() or None) if value is not None else None


def _boolean(element: etree._Element | None, name: str) -> bool | None:
    value = _attr(element, name)
    return None if value is None else value in ("1", "true")


def _iso_date(element: etree._Element | None, name: str = "iso-date") -> date | None:
    value = _attr(element, name)
    return None if value is None else date.fromisoformat(value[:10])


def _child_date(parent: etree._Element, child: str) -> date | None:
    return _iso_date(parent.find(child))


def _datetime(value: str | None) -> datetime | None:
    """A time without a zone (the 2.01 files') is read as UTC, so two files' times
    compare; ``_without_zone`` remembers it had none, to write it back so."""
    if value is None:
        return None
    stamp = datetime.fromisoformat(value.strip())
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def _without_zone(value: str | None) -> bool:
    return value is not None and datetime.fromisoformat(value.strip()).tzinfo is None


def _element_json(element: etree._Element) -> dict[str, Any]:
    """An element with no table of its own (``crs-add``, ``fss``) kept whole: its name,
    attributes, text and children, so an export can write it back as it came."""
    attributes = {etree.QName(k).localname: v for k, v in element.attrib.items()}
    text = element.text.strip() if element.text and element.text.strip() else None
    return {
        "name": _name(element),
        "attributes": attributes,
        "text": text,
        "children": [_element_json(c) for c in element if isinstance(c.tag, str)],
    }


def _read_one(element: etree._Element, root: etree._Element, alone: etree._Element) -> ReadActivity:
    """The activity, validated in ``alone`` (the root it was moved to), mapped with the
    file's ``root`` (its version, its line for a problem)."""
    identifier = (element.findtext("iati-identifier") or "").strip() or None
    problems = _schema_problems(element, alone)
    activity = None
    if not problems:
        mapping = _Mapping(element, root, identifier or "")
        activity = mapping.activity()
        activity.digest = hashlib.sha256(etree.tostring(element, with_tail=False)).hexdigest()
        problems = mapping.problems
        if identifier is None:
            problems.insert(
                0,
                Problem(
                    "the iati-identifier is empty", element.sourceline, element="iati-identifier"
                ),
            )
    for i, p in enumerate(problems):
        problems[i] = Problem(p.message, p.line, identifier, element=p.element)
    return ReadActivity(identifier, element.sourceline, activity, problems)


class _Mapping:
    """One schema-valid activity: every element as written, and the service's terms.

    What the service cannot hold is a problem (the activity is not imported); what the
    IATI rulesets only warn about is a warning on the activity, which is imported."""

    def __init__(self, element: etree._Element, root: etree._Element, identifier: str) -> None:
        self.element = element
        self.root = root
        self.identifier = identifier
        self.problems: list[Problem] = []
        self.warnings: list[ImportWarning] = []

    def problem(self, element: etree._Element, message: str) -> None:
        self.problems.append(Problem(message, element.sourceline, element=_path(element)))

    def warn(self, element: etree._Element, kind: ImportWarningKind, message: str) -> None:
        self.warnings.append(ImportWarning(kind, message, _path(element), element.sourceline))

    def decimal(self, element: etree._Element, attribute: str) -> Decimal | None:
        raw = element.get(attribute)
        if raw is None or not raw.strip():
            return None
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite():
            self.warn(
                element,
                ImportWarningKind.NOT_A_NUMBER,
                f"{_name(element)}/@{attribute} {raw!r} is not a number: left out",
            )
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
            iati_version=version,
            last_updated=_datetime(e.get("last-updated-datetime")),
            last_updated_without_zone=_without_zone(e.get("last-updated-datetime")),
            lang=e.get(XML_LANG),
            default_currency=_attr(e, "default-currency"),
            hierarchy=int(h) if (h := _attr(e, "hierarchy")) is not None else None,
            humanitarian=_boolean(e, "humanitarian"),
            budget_not_provided=_attr(e, "budget-not-provided"),
            linked_data_uri=_attr(e, "linked-data-uri"),
            title_narratives=_narratives(e.find("title")),
        )
        self.descriptions(activity)
        activity.reporting_org = self.organisation(e.find("reporting-org"))
        if activity.reporting_org is not None:
            activity.reporting_org.secondary_reporter = _boolean(
                e.find("reporting-org"), "secondary-reporter"
            )
        self.partners(activity)
        self.status(activity)
        self.dates(activity)
        self.countries(activity)
        self.classifications(activity)
        self.themes(activity)
        self.single_codes(activity)
        self.finance(activity)
        activity.budget = self.budget(activity)
        activity.programmes = [
            ProgrammeRef(r.get("ref", "").strip())
            for r in e.iterfind("related-activity")
            if r.get("type") == PARENT_ACTIVITY and r.get("ref", "").strip()
        ]
        activity.related_activities = [
            RelatedActivity(ref, r.get("type", "").strip(), r.sourceline)
            for r in e.iterfind("related-activity")
            if (ref := r.get("ref", "").strip())
        ]
        activity.locations = [self.location(x) for x in e.iterfind("location")]
        activity.document_links = [self.document_link(d) for d in e.iterfind("document-link")]
        self.details(activity)
        for result in e.iterfind("result"):
            activity.iati_results.append(self.iati_result(result))
            self.results(activity, result)
        extension = e.find(f"{NS}project")
        if extension is not None:
            try:
                apply_extension(activity, extension)
            except (ExtensionError, ValueError) as error:
                self.problem(extension, f"extension: {error}")
        activity.warnings = self.warnings
        return activity

    def descriptions(self, activity: Activity) -> None:
        summaries = []
        for d in self.element.iterfind("description"):
            kind = d.get("type")
            narratives = _narratives(d) or []
            activity.descriptions.append(Description(kind, narratives, d.sourceline))
            text = _text(d)
            if text is None:
                continue
            if (kind or GENERAL_DESCRIPTION) == GENERAL_DESCRIPTION:
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
            self.warn(
                element,
                ImportWarningKind.OTHER,
                f"{_name(element)} has neither a ref nor a name: no partner is linked",
            )
            return None
        type_code = _attr(element, "type")
        kind = ORGANISATION_TYPES.get(type_code or "")
        return Organisation(
            name=name,
            ref=ref,
            kind=kind,
            type=type_code,
            narratives=_narratives(element),
            line=element.sourceline,
        )

    def org_ref(self, element: etree._Element | None, activity_id: str) -> OrgRef | None:
        if element is None:
            return None
        return OrgRef(
            ref=_attr(element, "ref"),
            type=_attr(element, "type"),
            activity_id=_attr(element, activity_id),
            narratives=_narratives(element),
            line=element.sourceline,
        )

    def partners(self, activity: Activity) -> None:
        for p in self.element.iterfind("participating-org"):
            written = ParticipatingOrg(
                role=(p.get("role") or "").strip(),
                ref=_attr(p, "ref"),
                type=_attr(p, "type"),
                activity_id=_attr(p, "activity-id"),
                crs_channel_code=_attr(p, "crs-channel-code"),
                narratives=_narratives(p),
            )
            activity.participating_orgs.append(written)
            role = ROLES.get(written.role)
            if role is None:
                self.warn(
                    p,
                    ImportWarningKind.UNKNOWN_CODE,
                    f"participating-org role {p.get('role')!r} is not one of 1-4: "
                    "kept as written, no partner is linked",
                )
                continue
            written.organisation = self.organisation(p)
            if written.organisation is not None:
                activity.partners.append(
                    PartnerLink(written.organisation, role, activity_id=written.activity_id)
                )
        reporter = activity.reporting_org
        if reporter is not None and not any(
            (reporter.ref and link.organisation.ref == reporter.ref)
            or link.organisation.name == reporter.name
            for link in activity.partners
        ):
            activity.partners.append(PartnerLink(reporter, ROLES["2"], listed=False))

    def status(self, activity: Activity) -> None:
        element = self.element.find("activity-status")
        if element is None:
            return
        status = STATUSES.get(element.get("code", ""))
        if status is None:
            self.warn(
                element,
                ImportWarningKind.UNKNOWN_CODE,
                f"activity-status {element.get('code')!r} is not one of 1-6: kept as "
                "written, the project has no status",
            )
            activity.status_code = (element.get("code") or "").strip()
            return
        activity.status = status
        stamp = self.element.get("last-updated-datetime") or self.root.get("generated-datetime")
        activity.status_as_of = date.fromisoformat(stamp[:10]) if stamp else None

    def dates(self, activity: Activity) -> None:
        for d in self.element.iterfind("activity-date"):
            day = date.fromisoformat(d.get("iso-date", "").strip()[:10])
            written = DateElement((d.get("type") or "").strip(), day, _narratives(d))
            activity.date_elements.append(written)
            name = DATE_TYPES.get(written.type)
            if name is None:
                self.warn(
                    d,
                    ImportWarningKind.UNKNOWN_CODE,
                    f"activity-date type {d.get('type')!r} is not one of 1-4: kept as "
                    "written, not read as a project date",
                )
                continue
            if name in activity.dates:
                self.warn(
                    d,
                    ImportWarningKind.OTHER,
                    f"activity-date type {d.get('type')} is given twice: both are kept, "
                    "the first is the project's",
                )
                continue
            activity.dates[name] = ActivityDate(day)
        for start, end in (("1", "3"), ("2", "4")):
            first = activity.dates.get(DATE_TYPES[start])
            last = activity.dates.get(DATE_TYPES[end])
            if first is not None and last is not None and last.value < first.value:
                element = self.element.find(f"activity-date[@type='{end}']")
                self.problem(
                    self.element if element is None else element,
                    f"activity-date type {end} ({last.value}) is before type {start} "
                    f"({first.value})",
                )

    def countries(self, activity: Activity) -> None:
        for c in self.element.iterfind("recipient-country"):
            code = c.get("code", "").strip().upper()
            percentage = self.decimal(c, "percentage")
            if percentage is not None and not 0 <= percentage <= 100:
                self.problem(c, f"recipient-country {code} percentage {percentage} is not 0-100")
                continue
            activity.countries.append(
                CountryLink(
                    code,
                    CountryRole.RECIPIENT,
                    percentage,
                    line=c.sourceline,
                    narratives=_narratives(c),
                )
            )

    def classification(self, element: etree._Element) -> Classification:
        return Classification(
            code=(element.get("code") or "").strip(),
            vocabulary=_attr(element, "vocabulary"),
            vocabulary_uri=_attr(element, "vocabulary-uri"),
            percentage=self.decimal(element, "percentage"),
            significance=_attr(element, "significance"),
            type=_attr(element, "type"),
            narratives=_narratives(element),
            line=element.sourceline,
        )

    def classifications(self, activity: Activity) -> None:
        activity.sectors = self.coded("sector")
        activity.recipient_regions = self.coded("recipient-region")
        activity.policy_markers = self.coded("policy-marker")
        activity.tags = self.coded("tag")
        activity.humanitarian_scopes = self.coded("humanitarian-scope")
        by_vocabulary: defaultdict[str, list[Classification]] = defaultdict(list)
        for sector in activity.sectors:
            by_vocabulary[sector.vocabulary or "1"].append(sector)
        for vocabulary, sectors in by_vocabulary.items():
            self.percentages(sectors, f"sector percentages of vocabulary {vocabulary}", "sector")
        places = [
            *(Classification(c.code, percentage=c.percentage) for c in activity.countries),
            *activity.recipient_regions,
        ]
        self.percentages(places, "recipient-country and recipient-region percentages", None)

    def coded(self, tag: str) -> list[Classification]:
        """The activity's elements of one kind; one without a code means nothing and is
        left out, with a warning."""
        found = []
        for element in self.element.iterfind(tag):
            item = self.classification(element)
            if item.code:
                found.append(item)
            else:
                self.warn(element, ImportWarningKind.UNKNOWN_CODE, f"{tag} has no code: left out")
        return found

    def percentages(self, items: list[Classification], what: str, tag: str | None) -> None:
        given = [i.percentage for i in items if i.percentage is not None]
        if given and sum(given) != 100:
            element = self.element.find(tag) if tag else None
            self.warn(
                self.element if element is None else element,
                ImportWarningKind.PERCENTAGES_NOT_100,
                f"{what} add up to {sum(given)}, not 100",
            )

    def themes(self, activity: Activity) -> None:
        """The service's themes: a DAC sector becomes ``dac-<code>``, another vocabulary's
        code its own theme where it can name one (an SDG target ``5.2`` cannot: it stays a
        sector of vocabulary 8 only)."""
        for s in activity.sectors:
            vocabulary, code = s.vocabulary or "1", s.code
            name = s.narratives[0].text if s.narratives else None
            if vocabulary in DAC_VOCABULARIES:
                if code.isdigit() and len(code) == DAC_VOCABULARIES[vocabulary]:
                    slug = f"{DAC_THEME_PREFIX}{code}"
                    activity.themes.append(ThemeRef(slug, name or f"DAC sector {code}"))
                continue
            slug = code.lower()
            if slug and all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in slug):
                activity.themes.append(ThemeRef(slug, name or code))

    def single_codes(self, activity: Activity) -> None:
        e = self.element
        activity.collaboration_type = self.code_of(e.find("collaboration-type"))
        activity.default_flow_type = self.code_of(e.find("default-flow-type"))
        activity.default_finance_type = self.code_of(e.find("default-finance-type"))
        activity.default_tied_status = self.code_of(e.find("default-tied-status"))
        activity.activity_scope = self.code_of(e.find("activity-scope"))
        activity.default_aid_types = [
            Coded(a.get("code", "").strip(), _attr(a, "vocabulary"))
            for a in e.iterfind("default-aid-type")
        ]
        capital = e.find("capital-spend")
        if capital is not None:
            activity.capital_spend = self.decimal(capital, "percentage")

    def code_of(self, element: etree._Element | None) -> str | None:
        """An element's ``@code`` as written, empty included (``code=""`` says the element
        is there, with no code: it is kept so, with a warning)."""
        if element is None:
            return None
        code = (element.get("code") or "").strip()
        if not code:
            self.warn(element, ImportWarningKind.UNKNOWN_CODE, f"{_name(element)} has no code")
        return code

    def currency(self, value: etree._Element) -> str | None:
        return _attr(value, "currency") or _attr(self.element, "default-currency")

    def value(self, parent: etree._Element) -> tuple[Decimal, str | None, date | None]:
        value = parent.find("value")
        if value is None:  # the schema requires it; a 2.01 file may still lack it
            return Decimal(0), None, None
        amount = Decimal((value.text or "0").strip())
        return amount, self.currency(value), _iso_date(value, "value-date")

    def finance(self, activity: Activity) -> None:
        e = self.element
        for t in e.iterfind("transaction"):
            activity.transactions.append(self.transaction(t))
        for b in e.iterfind("budget"):
            amount, currency, value_date = self.value(b)
            budget = Budget(
                period_start=_child_date(b, "period-start") or date.min,
                period_end=_child_date(b, "period-end") or date.min,
                value=amount,
                currency=currency,
                value_date=value_date,
                type=_attr(b, "type"),
                status=_attr(b, "status"),
                line=b.sourceline,
            )
            self.check_period(b, "budget", budget.period_start, budget.period_end, True)
            if amount < 0:
                self.warn(
                    _found(b, "value"),
                    ImportWarningKind.NEGATIVE_VALUE,
                    f"budget value {amount} is negative",
                )
            activity.budgets.append(budget)
        for d in e.iterfind("planned-disbursement"):
            amount, currency, value_date = self.value(d)
            planned = PlannedDisbursement(
                period_start=_child_date(d, "period-start") or date.min,
                period_end=_child_date(d, "period-end"),
                value=amount,
                currency=currency,
                value_date=value_date,
                type=_attr(d, "type"),
                provider=self.org_ref(d.find("provider-org"), "provider-activity-id"),
                receiver=self.org_ref(d.find("receiver-org"), "receiver-activity-id"),
                line=d.sourceline,
            )
            if planned.period_end is not None:
                self.check_period(
                    d, "planned-disbursement", planned.period_start, planned.period_end, False
                )
            activity.planned_disbursements.append(planned)

    def check_period(
        self, element: etree._Element, what: str, start: date, end: date, at_most_a_year: bool
    ) -> None:
        if end < start:
            self.warn(
                _found(element, "period-end"),
                ImportWarningKind.PERIOD_ENDS_BEFORE_START,
                f"{what} period ends ({end}) before it starts ({start})",
            )
        elif at_most_a_year and (end - start).days > A_YEAR_AND_A_DAY:
            self.warn(
                element,
                ImportWarningKind.BUDGET_PERIOD_OVER_A_YEAR,
                f"{what} period {start} to {end} is longer than a year",
            )

    def transaction(self, t: etree._Element) -> Transaction:
        """One pass over the transaction's children: a file holds thousands, and a
        ``find`` per child element would walk them a dozen times."""
        first: dict[str, etree._Element] = {}
        sectors: list[Classification] = []
        aid_types: list[Coded] = []
        for c in t:
            tag = c.tag
            if tag == "sector":
                sectors.append(self.classification(c))
            elif tag == "aid-type":
                aid_types.append(Coded((c.get("code") or "").strip(), _attr(c, "vocabulary")))
            elif tag not in first:
                first[tag] = c  # type: ignore[index]
        value = first.get("value")
        amount = Decimal((value.text or "0").strip()) if value is not None else Decimal(0)
        country = first.get("recipient-country")
        region = first.get("recipient-region")
        kind = first.get("transaction-type")
        day = first.get("transaction-date")
        return Transaction(
            transaction_type=(kind.get("code") or "").strip() if kind is not None else "",
            transaction_date=_iso_date(day) or date.min,
            value=amount,
            currency=None if value is None else self.currency(value),
            value_date=_iso_date(value, "value-date"),
            ref=_attr(t, "ref"),
            humanitarian=_boolean(t, "humanitarian"),
            description=_narratives(first.get("description")),
            provider=self.org_ref(first.get("provider-org"), "provider-activity-id"),
            receiver=self.org_ref(first.get("receiver-org"), "receiver-activity-id"),
            disbursement_channel=_attr(first.get("disbursement-channel"), "code"),
            sectors=sectors,
            recipient_country=None if country is None else self.classification(country),
            recipient_region=None if region is None else self.classification(region),
            flow_type=_attr(first.get("flow-type"), "code"),
            finance_type=_attr(first.get("finance-type"), "code"),
            aid_types=aid_types,
            tied_status=_attr(first.get("tied-status"), "code"),
            line=t.sourceline,
        )

    def budget(self, activity: Activity) -> Money | None:
        """``Project.budget``: the total of the revised budgets where there are any, else of
        the original ones; without budgets, the total of the commitments. Null (with a
        warning) when they are in several currencies or total less than zero."""
        budgets = activity.budgets
        revised = [b for b in budgets if b.type == BUDGET_REVISED]
        chosen = [(b.value, b.currency) for b in (revised or budgets)]
        what = "budgets"
        if not chosen:
            chosen = [
                (t.value, t.currency)
                for t in activity.transactions
                if t.transaction_type == COMMITMENT
            ]
            what = "commitments"
        sums: defaultdict[str | None, Decimal] = defaultdict(Decimal)
        for amount, currency in chosen:
            sums[currency] += amount
        if not sums:
            return None
        if len(sums) > 1 or None in sums:
            self.warn(
                self.element,
                ImportWarningKind.SEVERAL_CURRENCIES,
                f"{what} in several currencies ({', '.join(str(c) for c in sums)}) or none: "
                "the project has no total budget",
            )
            return None
        [(currency, total)] = sums.items()
        if total < 0 or currency is None:
            return None
        return Money(total, currency)

    def location(self, x: etree._Element) -> Location:
        point = x.find("point")
        latitude = longitude = None
        pos = point.findtext("pos") if point is not None else None
        if pos and len(pos.split()) == 2:
            try:
                latitude, longitude = (Decimal(p) for p in pos.split())
            except InvalidOperation:
                latitude = longitude = None
        if pos and latitude is None:
            self.warn(
                point if point is not None else x,
                ImportWarningKind.NOT_A_NUMBER,
                f"point pos {pos!r} is not 'latitude longitude': left out",
            )
        elif (
            latitude is not None
            and longitude is not None
            and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
        ):
            self.warn(
                point if point is not None else x,
                ImportWarningKind.OTHER,
                f"point pos {pos!r} is off the globe: left out",
            )
            latitude = longitude = None
        return Location(
            ref=_attr(x, "ref"),
            location_reach=_attr(x.find("location-reach"), "code"),
            location_ids=[
                Coded(i.get("code", "").strip(), _attr(i, "vocabulary"))
                for i in x.iterfind("location-id")
            ],
            name=_narratives(x.find("name")),
            description=_narratives(x.find("description")),
            activity_description=_narratives(x.find("activity-description")),
            administrative=[
                {
                    "vocabulary": _attr(a, "vocabulary"),
                    "level": _attr(a, "level"),
                    "code": _attr(a, "code"),
                }
                for a in x.iterfind("administrative")
            ],
            srs_name=_attr(point, "srsName"),
            latitude=latitude,
            longitude=longitude,
            exactness=_attr(x.find("exactness"), "code"),
            location_class=_attr(x.find("location-class"), "code"),
            feature_designation=_attr(x.find("feature-designation"), "code"),
            line=x.sourceline,
        )

    def document_link(self, d: etree._Element) -> DocumentLink:
        return DocumentLink(
            url=(d.get("url") or "").strip(),
            format=_attr(d, "format"),
            title=_narratives(d.find("title")),
            description=_narratives(d.find("description")),
            categories=[c.get("code", "").strip() for c in d.iterfind("category")],
            languages=[c.get("code", "").strip() for c in d.iterfind("language")],
            document_date=_iso_date(d.find("document-date")),
            line=d.sourceline,
        )

    def details(self, activity: Activity) -> None:
        e = self.element
        conditions = e.find("conditions")
        if conditions is not None:
            activity.conditions_attached = _boolean(conditions, "attached")
            activity.conditions = [
                Condition(c.get("type", "").strip(), _narratives(c))
                for c in conditions.iterfind("condition")
            ]
        items = e.find("country-budget-items")
        if items is not None:
            activity.country_budget_items_vocabulary = _attr(items, "vocabulary")
            activity.country_budget_items = [
                BudgetItem(
                    i.get("code", "").strip(),
                    self.decimal(i, "percentage"),
                    _narratives(i.find("description")),
                )
                for i in items.iterfind("budget-item")
            ]
        crs = e.find("crs-add")
        activity.crs_add = None if crs is None else _element_json(crs)
        fss = e.find("fss")
        activity.fss = None if fss is None else _element_json(fss)
        activity.other_identifiers = [
            OtherIdentifier(
                o.get("ref", "").strip(),
                o.get("type", "").strip(),
                self.org_ref(o.find("owner-org"), "activity-id"),
            )
            for o in e.iterfind("other-identifier")
        ]
        activity.contacts = [
            ContactInfo(
                type=_attr(c, "type"),
                organisation=_narratives(c.find("organisation")),
                department=_narratives(c.find("department")),
                person_name=_narratives(c.find("person-name")),
                job_title=_narratives(c.find("job-title")),
                telephones=[(t.text or "").strip() for t in c.iterfind("telephone")],
                emails=[(t.text or "").strip() for t in c.iterfind("email")],
                websites=[(t.text or "").strip() for t in c.iterfind("website")],
                mailing_addresses=[_narratives(m) or [] for m in c.iterfind("mailing-address")],
            )
            for c in e.iterfind("contact-info")
        ]
        activity.legacy_data = [
            LegacyData(d.get("name", ""), d.get("value", ""), _attr(d, "iati-equivalent"))
            for d in e.iterfind("legacy-data")
        ]

    def links_of(self, element: etree._Element) -> list[DocumentLink]:
        return [self.document_link(d) for d in element.iterfind("document-link")]

    def references(self, element: etree._Element) -> list[Coded]:
        return [
            Coded(
                (r.get("code") or "").strip(),
                _attr(r, "vocabulary"),
                _attr(r, "vocabulary-uri") or _attr(r, "indicator-uri"),
            )
            for r in element.iterfind("reference")
        ]

    def period_value(self, v: etree._Element, kind: PeriodValueKind | None) -> PeriodValue:
        return PeriodValue(
            kind=kind,
            value=v.get("value"),
            comment=_narratives(v.find("comment")),
            dimensions=[(d.get("name", ""), d.get("value", "")) for d in v.iterfind("dimension")],
            location_refs=[(x.get("ref") or "").strip() for x in v.iterfind("location")],
            document_links=self.links_of(v),
            year=int(y) if kind is None and (y := _attr(v, "year")) is not None else None,
            iso_date=_iso_date(v) if kind is None else None,
            line=v.sourceline,
        )

    def iati_result(self, r: etree._Element) -> IatiResult:
        return IatiResult(
            type=(r.get("type") or "").strip(),
            aggregation_status=_boolean(r, "aggregation-status"),
            title=_narratives(r.find("title")),
            description=_narratives(r.find("description")),
            document_links=self.links_of(r),
            references=self.references(r),
            indicators=[
                Indicator(
                    measure=(i.get("measure") or "").strip(),
                    ascending=_boolean(i, "ascending"),
                    aggregation_status=_boolean(i, "aggregation-status"),
                    title=_narratives(i.find("title")),
                    description=_narratives(i.find("description")),
                    document_links=self.links_of(i),
                    references=self.references(i),
                    baselines=[self.period_value(b, None) for b in i.iterfind("baseline")],
                    periods=[
                        IndicatorPeriod(
                            period_start=_child_date(p, "period-start") or date.min,
                            period_end=_child_date(p, "period-end") or date.min,
                            targets=[
                                self.period_value(v, PeriodValueKind.TARGET)
                                for v in p.iterfind("target")
                            ],
                            actuals=[
                                self.period_value(v, PeriodValueKind.ACTUAL)
                                for v in p.iterfind("actual")
                            ],
                            line=p.sourceline,
                        )
                        for p in i.iterfind("period")
                    ],
                    line=i.sourceline,
                )
                for i in r.iterfind("indicator")
            ],
            line=r.sourceline,
        )

    def figure(self, element: etree._Element, attribute: str) -> Figure | None:
        """An outcome's figure: only a number is one (a qualitative value is kept in the
        IATI results, not here)."""
        raw = (element.get(attribute) or "").strip()
        try:
            value = Decimal(raw)
        except InvalidOperation:
            return None
        return Figure(value) if value.is_finite() else None

    def results(self, activity: Activity, result: etree._Element) -> None:
        """The service's outcomes, one per period and dimension set of each indicator, where
        the result's type and the indicator's measure are ones it knows."""
        kind = RESULT_TYPES.get(result.get("type", ""))
        if kind is None:
            return
        statement = _text(result.find("title")) or ""
        for indicator in result.iterfind("indicator"):
            measure = MEASURES.get(indicator.get("measure", ""))
            if measure is None:
                continue
            base = Result(
                kind, statement, indicator=_text(indicator.find("title")), measure=measure
            )
            baseline = indicator.find("baseline")
            if baseline is not None:
                base.baseline = self.figure(baseline, "value")
                year = _attr(baseline, "year")
                base.baseline_year = int(year) if year and year.isdigit() else None
            periods = list(indicator.iterfind("period"))
            if not periods:
                activity.results.append(base)
            for period in periods:
                self.period(activity, base, period)

    def period(self, activity: Activity, base: Result, period: etree._Element) -> None:
        """One outcome per set of dimensions: the totals, then each breakdown."""
        by_dimensions: dict[tuple[tuple[str, str], ...], Result] = {}
        start = _child_date(period, "period-start")
        end = _child_date(period, "period-end")
        for kind in ("target", "actual"):
            for figure in period.iterfind(kind):
                dimensions = tuple(
                    (d.get("name", ""), d.get("value", "")) for d in figure.iterfind("dimension")
                )
                result = by_dimensions.get(dimensions)
                if result is None:
                    result = Result(
                        base.kind,
                        base.statement,
                        indicator=base.indicator,
                        measure=base.measure,
                        baseline=base.baseline if not dimensions else None,
                        baseline_year=base.baseline_year if not dimensions else None,
                        period_start=start,
                        period_end=end if start is not None else None,
                        dimensions=dict(dimensions),
                    )
                    if result.period_start is not None and (
                        result.period_end is None or result.period_end >= result.period_start
                    ):
                        result.period_precision = DatePrecision.DAY
                    else:
                        result.period_start = result.period_end = None
                    by_dimensions[dimensions] = result
                value = self.figure(figure, "value")
                if value is not None and getattr(result, kind) is None:
                    setattr(result, kind, value)
        if not by_dimensions:
            activity.results.append(
                Result(
                    base.kind,
                    base.statement,
                    indicator=base.indicator,
                    measure=base.measure,
                    baseline=base.baseline,
                    baseline_year=base.baseline_year,
                )
            )
            return
        activity.results.extend(by_dimensions.values())
