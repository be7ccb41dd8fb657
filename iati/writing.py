"""Write activities as IATI 2.03, streamed: the file is built one activity at a time.

Only what a project really holds is written. A project without something the schema
requires (a status, a date, a description, a participating organisation) is left out and
named in the report, never padded with an invented value; what IATI has no element for
travels in the service's extension (``iati.extension``).
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from lxml import etree

from db.enums import CountryRole, IndicatorMeasure
from iati.codes import (
    DAC_THEME_PREFIX,
    DAC_VOCABULARIES,
    DATE_TYPE_CODES,
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
from iati.records import Activity, Organisation, Result, number, xml_text

PERCENT_UNITS = {"%", "percent", "per cent", "percentage"}


@dataclass(frozen=True)
class ReportingOrg:
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
    if activity.status is None:
        lacks.append("an activity status")
    if not activity.dates:
        lacks.append("an activity date")
    if activity.summary is None and not activity.groups:
        lacks.append("a description")
    if not activity.partners:
        lacks.append("a participating organisation")
    return lacks


def _narrative(parent: etree._Element, text: str) -> None:
    etree.SubElement(parent, "narrative").text = xml_text(text)


def _org(parent: etree._Element, tag: str, o: Organisation | ReportingOrg, **attrs: str) -> None:
    element = etree.SubElement(parent, tag)
    ref = o.ref
    if isinstance(o, ReportingOrg):
        org_type: str | None = o.type
    else:
        org_type = None if o.kind is None else ORGANISATION_TYPE_CODES.get(o.kind)
    if ref:
        element.set("ref", xml_text(ref))
    if org_type:
        element.set("type", org_type)
    for name, value in attrs.items():
        element.set(name, value)
    _narrative(element, o.name)


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
    result = etree.SubElement(parent, "result", type=RESULT_TYPE_CODES[r.kind])
    _narrative(etree.SubElement(result, "title"), r.statement)
    indicator = etree.SubElement(result, "indicator", measure=MEASURE_CODES[_measure(r)])
    _narrative(etree.SubElement(indicator, "title"), r.indicator or r.statement)
    if r.baseline is not None and r.baseline_year is not None:
        etree.SubElement(
            indicator, "baseline", year=str(r.baseline_year), value=number(r.baseline.value)
        )
    if r.period_start is not None and r.period_end is not None:
        period = etree.SubElement(indicator, "period")
        etree.SubElement(period, "period-start", {"iso-date": r.period_start.isoformat()})
        etree.SubElement(period, "period-end", {"iso-date": r.period_end.isoformat()})
        for name, figure in (("target", r.target), ("actual", r.actual)):
            if figure is not None:
                element = etree.SubElement(period, name, value=number(figure.value))
                for dimension, value in r.dimensions.items():
                    etree.SubElement(
                        element, "dimension", name=xml_text(dimension), value=xml_text(value)
                    )


def activity_element(a: Activity, reporting: ReportingOrg) -> etree._Element:
    """The standard elements in the order the schema requires, then the extension."""
    e = etree.Element("iati-activity")
    etree.SubElement(e, "iati-identifier").text = xml_text(a.identifier)
    _org(e, "reporting-org", reporting)
    _narrative(etree.SubElement(e, "title"), a.title)
    if a.summary is not None:
        _narrative(etree.SubElement(e, "description", type=GENERAL_DESCRIPTION), a.summary)
    for g in a.groups:
        _narrative(etree.SubElement(e, "description", type=TARGET_GROUPS), g.description)
    for link in a.partners:
        _org(e, "participating-org", link.organisation, role=ROLE_CODES[link.role])
    assert a.status is not None
    etree.SubElement(e, "activity-status", code=STATUS_CODES[a.status])
    for name, d in sorted(a.dates.items(), key=lambda item: DATE_TYPE_CODES[item[0]]):
        etree.SubElement(
            e, "activity-date", {"iso-date": d.value.isoformat(), "type": DATE_TYPE_CODES[name]}
        )
    for c in a.countries:
        if c.role is CountryRole.RECIPIENT:
            country = etree.SubElement(e, "recipient-country", code=c.code)
            if c.percentage is not None:
                country.set("percentage", number(c.percentage))
    for t in a.themes:
        code = t.slug.removeprefix(DAC_THEME_PREFIX)
        vocabulary = next(
            (v for v, n in DAC_VOCABULARIES.items() if code != t.slug and len(code) == n),
            REPORTING_VOCABULARY,
        )
        sector = etree.SubElement(
            e, "sector", vocabulary=vocabulary, code=code if vocabulary != "99" else t.slug
        )
        _narrative(sector, t.name)
    start = a.dates.get("actual_start") or a.dates.get("planned_start")
    end = a.dates.get("actual_end") or a.dates.get("planned_end")
    if a.budget is not None and start is not None and end is not None:
        budget = etree.SubElement(e, "budget", type="1")
        etree.SubElement(budget, "period-start", {"iso-date": start.value.isoformat()})
        etree.SubElement(budget, "period-end", {"iso-date": end.value.isoformat()})
        value = etree.SubElement(
            budget, "value", {"currency": a.budget.currency, "value-date": start.value.isoformat()}
        )
        value.text = number(a.budget.amount)
    for p in a.programmes:
        etree.SubElement(e, "related-activity", ref=xml_text(p.ref), type=PARENT_ACTIVITY)
    for r in a.results:
        _result(e, r)
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
