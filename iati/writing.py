"""Write activities as IATI 2.03, streamed: the file is built one activity at a time.

An imported activity is written back as it came: every element the model keeps, with its
codes as the file wrote them, its narratives in every language, its budgets per period and
results with their periods, and the publisher's own ``reporting-org``. A project of the
built-in dataset, which no file described, is written from the service's own records, with
the configured reporting organisation.

Only what a project really holds is written. A project without something the schema
requires (a status, a date, a description, a participating organisation) is left out and
named in the report, never padded with an invented value; what IATI has no element for
travels in the service's extension (``iati.extension``).
"""

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from lxml import etree

from db.enums import CountryRole, IndicatorMeasure
from iati.codes import (
    DAC_THEME_PREFIX,
    DAC_VOCABULARIES,
    DATE_TYPE_CODES,
    DATE_TYPES,
    GENERAL_DESCRIPTION,
    MEASURE_CODES,
    ORGANISATION_TYPE_CODES,
    PARENT_ACTIVITY,
    REPORTING_VOCABULARY,
    RESULT_TYPE_CODES,
    ROLE_CODES,
    STATUS_CODES,
    TARGET_GROUPS,
)
from iati.extension import extension_element
from iati.records import (
    Activity,
    Budget,
    Classification,
    Coded,
    ContactInfo,
    DocumentLink,
    IatiResult,
    Indicator,
    Location,
    Narrative,
    OrgRef,
    PeriodValue,
    PlannedDisbursement,
    Result,
    Transaction,
    number,
    xml_text,
)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PERCENT_UNITS = {"%", "percent", "per cent", "percentage"}


@dataclass(frozen=True)
class ReportingOrg:
    """The configured reporting organisation: the built-in dataset's projects' publisher."""

    ref: str
    name: str
    type: str


@dataclass
class ExportReport:
    written: int = 0
    left_out: dict[str, list[str]] = field(default_factory=dict)
    """Project code → what the schema requires that the project lacks."""


def missing(activity: Activity) -> list[str]:
    lacks = []
    if activity.status is None and activity.status_code is None:
        lacks.append("an activity status")
    if not activity.dates and not activity.date_elements:
        lacks.append("an activity date")
    if activity.summary is None and not activity.groups and not activity.descriptions:
        lacks.append("a description")
    if not activity.participating_orgs and not any(link.listed for link in activity.partners):
        lacks.append("a participating organisation")
    return lacks


def _set(element: etree._Element, name: str, value: Any) -> None:
    """An attribute as the file had it; nothing when the value is absent."""
    if value is None:
        return
    if isinstance(value, bool):
        element.set(name, "1" if value else "0")
    elif isinstance(value, Decimal):
        element.set(name, number(value))
    elif isinstance(value, datetime | date):
        element.set(name, value.isoformat())
    else:
        element.set(name, xml_text(str(value)))


def _element(parent: etree._Element, tag: str, **attributes: Any) -> etree._Element:
    element = etree.SubElement(parent, tag)
    for name, value in attributes.items():
        _set(element, name.replace("_", "-"), value)
    return element


def _narratives(
    parent: etree._Element, narratives: Iterable[Narrative] | None, fallback: str | None = None
) -> None:
    written = False
    for n in narratives or ():
        element = etree.SubElement(parent, "narrative")
        if n.lang:
            element.set(XML_LANG, n.lang)
        element.text = xml_text(n.text)
        written = True
    if not written and fallback is not None:
        etree.SubElement(parent, "narrative").text = xml_text(fallback)


def _narrated(
    parent: etree._Element, tag: str, narratives: list[Narrative] | None, **attributes: Any
) -> None:
    """An element that holds only narratives (a title, a description, a comment), written
    when it has any."""
    if narratives:
        _narratives(_element(parent, tag, **attributes), narratives)


def _value(parent: etree._Element, tag: str, value: Decimal, **attributes: Any) -> None:
    _element(parent, tag, **attributes).text = number(value)


def _date(parent: etree._Element, tag: str, day: date | None) -> None:
    if day is not None:
        _element(parent, tag, iso_date=day)


def _org_ref(parent: etree._Element, tag: str, org: OrgRef | None, activity_attr: str) -> None:
    if org is None:
        return
    element = _element(parent, tag, ref=org.ref, type=org.type)
    _set(element, activity_attr, org.activity_id)
    _narratives(element, org.narratives)


def _reporting_org(e: etree._Element, a: Activity, configured: ReportingOrg) -> None:
    o = a.reporting_org
    if o is None:
        element = _element(e, "reporting-org", ref=configured.ref, type=configured.type)
        _narratives(element, None, configured.name)
        return
    element = _element(
        e, "reporting-org", ref=o.ref, type=o.type, secondary_reporter=o.secondary_reporter
    )
    _narratives(element, o.narratives, o.name)


def _participating_org(e: etree._Element, a: Activity) -> None:
    """Each participating-org element as the file wrote it, then the partner links no
    element names (the built-in dataset's, one added through the API)."""
    written = set()
    for p in a.participating_orgs:
        element = _element(
            e,
            "participating-org",
            ref=p.ref,
            role=p.role,
            type=p.type,
            activity_id=p.activity_id,
            crs_channel_code=p.crs_channel_code,
        )
        _narratives(element, p.narratives)
        written.add((p.partner_code, p.role))
    for link in a.partners:
        o = link.organisation
        if not link.listed or (o.code, ROLE_CODES[link.role]) in written:
            continue
        org_type = None if o.kind is None else ORGANISATION_TYPE_CODES.get(o.kind)
        element = _element(
            e, "participating-org", ref=o.ref, role=ROLE_CODES[link.role], type=org_type
        )
        _narratives(element, None, o.name)


def _dates(e: etree._Element, a: Activity) -> None:
    """Each activity-date as written, the first of each type 1-4 with the project's day
    (left out when the project no longer has it), then the project's dates no element
    gives."""
    read = set()
    for d in a.date_elements:
        name = DATE_TYPES.get(d.type)
        day: date | None = d.value
        if name is not None and name not in read:
            read.add(name)
            day = a.dates[name].value if name in a.dates else None
        if day is not None:
            _narratives(_element(e, "activity-date", iso_date=day, type=d.type), d.narratives)
    for name, stated in sorted(a.dates.items(), key=lambda item: DATE_TYPE_CODES[item[0]]):
        if name not in read:
            _element(e, "activity-date", iso_date=stated.value, type=DATE_TYPE_CODES[name])


def _descriptions(e: etree._Element, a: Activity) -> None:
    if a.descriptions:
        for d in a.descriptions:
            _narratives(_element(e, "description", type=d.type), d.narratives)
        return
    if a.summary is not None:
        _narratives(_element(e, "description", type=GENERAL_DESCRIPTION), None, a.summary)
    for g in a.groups:
        _narratives(_element(e, "description", type=TARGET_GROUPS), None, g.description)


def _contact(e: etree._Element, c: ContactInfo) -> None:
    element = _element(e, "contact-info", type=c.type)
    _narrated(element, "organisation", c.organisation)
    _narrated(element, "department", c.department)
    _narrated(element, "person-name", c.person_name)
    _narrated(element, "job-title", c.job_title)
    for tag, values in (("telephone", c.telephones), ("email", c.emails), ("website", c.websites)):
        for value in values:
            _element(element, tag).text = xml_text(value)
    for address in c.mailing_addresses:
        _narrated(element, "mailing-address", address)


def _classification(e: etree._Element, tag: str, c: Classification, **extra: Any) -> None:
    element = _element(
        e,
        tag,
        vocabulary=c.vocabulary,
        vocabulary_uri=c.vocabulary_uri,
        code=c.code,
        **extra,
    )
    _narratives(element, c.narratives)


def _location(e: etree._Element, loc: Location) -> None:
    element = _element(e, "location", ref=loc.ref)
    if loc.location_reach is not None:
        _element(element, "location-reach", code=loc.location_reach)
    for i in loc.location_ids:
        _element(element, "location-id", vocabulary=i.vocabulary, code=i.code)
    _narrated(element, "name", loc.name)
    _narrated(element, "description", loc.description)
    _narrated(element, "activity-description", loc.activity_description)
    for area in loc.administrative:
        _element(
            element,
            "administrative",
            vocabulary=area.get("vocabulary"),
            level=area.get("level"),
            code=area.get("code"),
        )
    if loc.latitude is not None and loc.longitude is not None:
        # srsName is required: a file that gave it empty gets it back empty.
        point = _element(element, "point", srsName=loc.srs_name or "")
        etree.SubElement(point, "pos").text = f"{number(loc.latitude)} {number(loc.longitude)}"
    for tag, code in (
        ("exactness", loc.exactness),
        ("location-class", loc.location_class),
        ("feature-designation", loc.feature_designation),
    ):
        if code is not None:
            _element(element, tag, code=code)


def _sectors(e: etree._Element, a: Activity) -> None:
    if a.iati_version is not None or a.sectors:
        for s in a.sectors:
            _classification(e, "sector", s, percentage=s.percentage)
        return
    for t in a.themes:
        code = t.slug.removeprefix(DAC_THEME_PREFIX)
        vocabulary = next(
            (v for v, n in DAC_VOCABULARIES.items() if code != t.slug and len(code) == n),
            REPORTING_VOCABULARY,
        )
        sector = _element(
            e, "sector", vocabulary=vocabulary, code=code if vocabulary != "99" else t.slug
        )
        _narratives(sector, None, t.name)


def _country_budget_items(e: etree._Element, a: Activity) -> None:
    if a.country_budget_items_vocabulary is None and not a.country_budget_items:
        return
    element = _element(e, "country-budget-items", vocabulary=a.country_budget_items_vocabulary)
    for item in a.country_budget_items:
        budget_item = _element(element, "budget-item", code=item.code, percentage=item.percentage)
        _narrated(budget_item, "description", item.description)


def _budget(e: etree._Element, b: Budget) -> None:
    element = _element(e, "budget", type=b.type, status=b.status)
    _date(element, "period-start", b.period_start)
    _date(element, "period-end", b.period_end)
    _value(element, "value", b.value, currency=b.currency, value_date=b.value_date)


def _legacy_budget(e: etree._Element, a: Activity) -> None:
    """The built-in dataset's one stated budget, over the project's whole span."""
    start = a.dates.get("actual_start") or a.dates.get("planned_start")
    end = a.dates.get("actual_end") or a.dates.get("planned_end")
    if a.budget is None or start is None or end is None:
        return
    budget = _element(e, "budget", type="1")
    _date(budget, "period-start", start.value)
    _date(budget, "period-end", end.value)
    _value(budget, "value", a.budget.amount, currency=a.budget.currency, value_date=start.value)


def _planned_disbursement(e: etree._Element, p: PlannedDisbursement) -> None:
    element = _element(e, "planned-disbursement", type=p.type)
    _date(element, "period-start", p.period_start)
    _date(element, "period-end", p.period_end)
    _value(element, "value", p.value, currency=p.currency, value_date=p.value_date)
    _org_ref(element, "provider-org", p.provider, "provider-activity-id")
    _org_ref(element, "receiver-org", p.receiver, "receiver-activity-id")


def _aid_types(parent: etree._Element, tag: str, aid_types: Iterable[Coded]) -> None:
    for aid in aid_types:
        _element(parent, tag, code=aid.code, vocabulary=aid.vocabulary)


def _transaction(e: etree._Element, t: Transaction) -> None:
    element = _element(e, "transaction", ref=t.ref, humanitarian=t.humanitarian)
    _element(element, "transaction-type", code=t.transaction_type)
    _date(element, "transaction-date", t.transaction_date)
    _value(element, "value", t.value, currency=t.currency, value_date=t.value_date)
    _narrated(element, "description", t.description)
    _org_ref(element, "provider-org", t.provider, "provider-activity-id")
    _org_ref(element, "receiver-org", t.receiver, "receiver-activity-id")
    if t.disbursement_channel is not None:
        _element(element, "disbursement-channel", code=t.disbursement_channel)
    for s in t.sectors:
        _classification(element, "sector", s)
    if t.recipient_country is not None:
        country = _element(element, "recipient-country", code=t.recipient_country.code)
        _narratives(country, t.recipient_country.narratives)
    if t.recipient_region is not None:
        _classification(element, "recipient-region", t.recipient_region)
    for tag, code in (("flow-type", t.flow_type), ("finance-type", t.finance_type)):
        if code is not None:
            _element(element, tag, code=code)
    _aid_types(element, "aid-type", t.aid_types)
    if t.tied_status is not None:
        _element(element, "tied-status", code=t.tied_status)


def _document_link(parent: etree._Element, d: DocumentLink) -> None:
    element = _element(parent, "document-link", url=d.url, format=d.format)
    _narratives(_element(element, "title"), d.title)
    _narrated(element, "description", d.description)
    for code in d.categories:
        _element(element, "category", code=code)
    for code in d.languages:
        _element(element, "language", code=code)
    _date(element, "document-date", d.document_date)


def _references(parent: etree._Element, references: Iterable[Coded], uri: str) -> None:
    for r in references:
        element = _element(parent, "reference", vocabulary=r.vocabulary, code=r.code)
        _set(element, uri, r.vocabulary_uri)


def _period_value(parent: etree._Element, tag: str, v: PeriodValue) -> None:
    element = _element(parent, tag, year=v.year, iso_date=v.iso_date, value=v.value)
    for ref in v.location_refs:
        _element(element, "location", ref=ref)
    for name, value in v.dimensions:
        _element(element, "dimension", name=name, value=value)
    for d in v.document_links:
        _document_link(element, d)
    _narrated(element, "comment", v.comment)


def _baseline(parent: etree._Element, v: PeriodValue) -> None:
    """A baseline's children come in the schema's order: locations, dimensions, document
    links, then the comment (the reverse of a target's comment-first order in 2.03)."""
    _period_value(parent, "baseline", v)


def _target_or_actual(parent: etree._Element, tag: str, v: PeriodValue) -> None:
    element = _element(parent, tag, value=v.value)
    for ref in v.location_refs:
        _element(element, "location", ref=ref)
    for name, value in v.dimensions:
        _element(element, "dimension", name=name, value=value)
    _narrated(element, "comment", v.comment)
    for d in v.document_links:
        _document_link(element, d)


def _indicator(parent: etree._Element, i: Indicator) -> None:
    element = _element(
        parent,
        "indicator",
        measure=i.measure,
        ascending=i.ascending,
        aggregation_status=i.aggregation_status,
    )
    _narratives(_element(element, "title"), i.title)
    _narrated(element, "description", i.description)
    for d in i.document_links:
        _document_link(element, d)
    _references(element, i.references, "indicator-uri")
    for b in i.baselines:
        _baseline(element, b)
    for p in i.periods:
        period = _element(element, "period")
        _date(period, "period-start", p.period_start)
        _date(period, "period-end", p.period_end)
        for v in p.targets:
            _target_or_actual(period, "target", v)
        for v in p.actuals:
            _target_or_actual(period, "actual", v)


def _iati_result(e: etree._Element, r: IatiResult) -> None:
    element = _element(e, "result", type=r.type, aggregation_status=r.aggregation_status)
    _narratives(_element(element, "title"), r.title)
    _narrated(element, "description", r.description)
    for d in r.document_links:
        _document_link(element, d)
    _references(element, r.references, "vocabulary-uri")
    for i in r.indicators:
        _indicator(element, i)


def _measure(r: Result) -> IndicatorMeasure:
    """What an indicator measures, read off its figures when no file said."""
    if r.measure is not None:
        return r.measure
    if r.unit is not None and r.unit.strip().lower() in PERCENT_UNITS:
        return IndicatorMeasure.PERCENTAGE
    if any(f is not None for f in (r.baseline, r.target, r.actual)):
        return IndicatorMeasure.UNIT
    return IndicatorMeasure.QUALITATIVE


def _result(parent: etree._Element, r: Result) -> None:
    """A built-in dataset's outcome: one indicator and at most one period."""
    result = _element(parent, "result", type=RESULT_TYPE_CODES[r.kind])
    _narratives(_element(result, "title"), None, r.statement)
    indicator = _element(result, "indicator", measure=MEASURE_CODES[_measure(r)])
    _narratives(_element(indicator, "title"), None, r.indicator or r.statement)
    if r.baseline is not None and r.baseline_year is not None:
        _element(indicator, "baseline", year=r.baseline_year, value=r.baseline.value)
    if r.period_start is not None and r.period_end is not None:
        period = _element(indicator, "period")
        _date(period, "period-start", r.period_start)
        _date(period, "period-end", r.period_end)
        for name, figure in (("target", r.target), ("actual", r.actual)):
            if figure is not None:
                element = _element(period, name, value=figure.value)
                for dimension, value in r.dimensions.items():
                    _element(element, "dimension", name=dimension, value=value)


def _as_written(parent: etree._Element, tag: str, written: dict[str, Any] | None) -> None:
    """An element kept whole (``crs-add``, ``fss``): ``{"name", "attributes", "text",
    "children": [...]}`` as ``iati.reading`` keeps it, written back in file order."""
    if written is None:
        return
    element = etree.SubElement(parent, tag)
    for name, value in (written.get("attributes") or {}).items():
        if value is not None:
            element.set(name, xml_text(str(value)))
    if written.get("text") is not None:
        element.text = xml_text(str(written["text"]))
    for child in written.get("children") or ():
        _as_written(element, child["name"], child)


def activity_element(a: Activity, reporting: ReportingOrg) -> etree._Element:
    """The standard elements in the order the schema requires, then the extension."""
    e = etree.Element("iati-activity")
    if a.last_updated is not None and a.last_updated_without_zone:
        # Read as UTC: the same wall time, written without a zone as the file did.
        _set(e, "last-updated-datetime", a.last_updated.astimezone(UTC).replace(tzinfo=None))
    else:
        _set(e, "last-updated-datetime", a.last_updated)
    _set(e, XML_LANG, a.lang)
    _set(e, "default-currency", a.default_currency)
    _set(e, "humanitarian", a.humanitarian)
    _set(e, "hierarchy", a.hierarchy)
    _set(e, "linked-data-uri", a.linked_data_uri)
    _set(e, "budget-not-provided", a.budget_not_provided)
    etree.SubElement(e, "iati-identifier").text = xml_text(a.identifier)
    _reporting_org(e, a, reporting)
    _narratives(etree.SubElement(e, "title"), a.title_narratives, a.title)
    _descriptions(e, a)
    _participating_org(e, a)
    for o in a.other_identifiers:
        other = _element(e, "other-identifier", ref=o.ref, type=o.type)
        if o.owner_org is not None:
            owner = _element(other, "owner-org", ref=o.owner_org.ref)
            _narratives(owner, o.owner_org.narratives)
    status = STATUS_CODES[a.status] if a.status is not None else a.status_code
    _element(e, "activity-status", code=status)
    _dates(e, a)
    for contact in a.contacts:
        _contact(e, contact)
    if a.activity_scope is not None:
        _element(e, "activity-scope", code=a.activity_scope)
    for link in a.countries:
        if link.role is CountryRole.RECIPIENT:
            country = _element(e, "recipient-country", code=link.code, percentage=link.percentage)
            _narratives(country, link.narratives)
    for region in a.recipient_regions:
        _classification(e, "recipient-region", region, percentage=region.percentage)
    for loc in a.locations:
        _location(e, loc)
    _sectors(e, a)
    for tag_ in a.tags:
        _classification(e, "tag", tag_)
    _country_budget_items(e, a)
    for scope in a.humanitarian_scopes:
        _classification(e, "humanitarian-scope", scope, type=scope.type)
    for marker in a.policy_markers:
        _classification(e, "policy-marker", marker, significance=marker.significance)
    for name, code in (
        ("collaboration-type", a.collaboration_type),
        ("default-flow-type", a.default_flow_type),
        ("default-finance-type", a.default_finance_type),
    ):
        if code is not None:
            _element(e, name, code=code)
    _aid_types(e, "default-aid-type", a.default_aid_types)
    if a.default_tied_status is not None:
        _element(e, "default-tied-status", code=a.default_tied_status)
    if a.budgets or a.iati_version is not None:
        for budget in a.budgets:
            _budget(e, budget)
    else:
        _legacy_budget(e, a)
    for planned in a.planned_disbursements:
        _planned_disbursement(e, planned)
    if a.capital_spend is not None:
        _element(e, "capital-spend", percentage=a.capital_spend)
    for transaction in a.transactions:
        _transaction(e, transaction)
    for document in a.document_links:
        _document_link(e, document)
    if a.related_activities or a.iati_version is not None:
        for related in a.related_activities:
            _element(e, "related-activity", ref=related.ref, type=related.type)
    else:
        for programme in a.programmes:
            _element(e, "related-activity", ref=programme.ref, type=PARENT_ACTIVITY)
    for legacy in a.legacy_data:
        _element(
            e,
            "legacy-data",
            name=legacy.name,
            value=legacy.value,
            iati_equivalent=legacy.iati_equivalent,
        )
    if a.conditions_attached is not None:
        conditions = _element(e, "conditions", attached=a.conditions_attached)
        for condition in a.conditions:
            _narratives(
                _element(conditions, "condition", type=condition.type), condition.narratives
            )
    if a.iati_results or a.iati_version is not None:
        for result in a.iati_results:
            _iati_result(e, result)
    else:
        for outcome in a.results:
            _result(e, outcome)
    _as_written(e, "crs-add", a.crs_add)
    _as_written(e, "fss", a.fss)
    e.append(extension_element(a))
    return e


HEADER = b'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n'
FOOTER = b"</iati-activities>\n"


class NothingToExport(Exception):
    """The schema requires at least one activity: an empty file would not be IATI."""


def _serialised(activity: Activity, reporting: ReportingOrg) -> bytes:
    element = activity_element(activity, reporting)
    etree.indent(element, space="  ", level=1)
    return b"  " + etree.tostring(element, encoding="UTF-8") + b"\n"


async def _writable(
    activities: AsyncIterator[Activity], report: ExportReport
) -> AsyncIterator[Activity]:
    async for activity in activities:
        lacks = missing(activity)
        if lacks:
            report.left_out[activity.code or activity.identifier] = lacks
        else:
            report.written += 1
            yield activity


async def write_activities(
    activities: AsyncIterator[Activity], reporting: ReportingOrg, report: ExportReport
) -> AsyncIterator[bytes]:
    """The file, piece by piece; raises ``NothingToExport`` before the first piece when no
    activity can be written, so a caller can still answer with an error."""
    writable = _writable(activities, report)
    first = await anext(writable, None)
    if first is None:
        raise NothingToExport()

    async def pieces() -> AsyncIterator[bytes]:
        yield HEADER + _serialised(first, reporting)
        async for activity in writable:
            yield _serialised(activity, reporting)
        yield FOOTER

    return pieces()
