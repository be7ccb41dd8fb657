"""The service's extension: what IATI has no element for, in a namespace of its own.

A file the service writes carries, after the standard elements of each activity, one
``cg:project`` element describing the records in full: codes, qualifiers, date precision,
beneficiary groups with their counts, and the source passages. When a file has it, the
reader takes the records from it (the standard elements say the same, less precisely);
other IATI tools skip it, as the schema lets them.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree

from db.enums import (
    BeneficiaryCategory,
    CountryRole,
    DatePrecision,
    IndicatorMeasure,
    OutcomeKind,
    PartnerKind,
    PartnerRole,
    ProjectStatus,
    Qualifier,
)
from iati.codes import EXTENSION_NAMESPACE, ROLES
from iati.records import (
    Activity,
    ActivityDate,
    CountryLink,
    Figure,
    Group,
    Money,
    Organisation,
    ParticipatingOrg,
    PartnerLink,
    ProgrammeRef,
    Result,
    Source,
    ThemeRef,
    number,
    xml_text,
)

NS = f"{{{EXTENSION_NAMESPACE}}}"


def _tag(name: str) -> str:
    return f"{NS}{name}"


def _put(element: etree._Element, name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        element.set(name, "true" if value else "false")
    elif isinstance(value, date):
        element.set(name, value.isoformat())
    elif isinstance(value, Decimal):
        element.set(name, number(value))
    elif isinstance(value, list):
        element.set(name, " ".join(str(v) for v in value))
    else:
        element.set(name, xml_text(str(value)))


def _put_figure(element: etree._Element, name: str, figure: Figure | None) -> None:
    if figure is not None:
        element.set(name, number(figure.value))
        element.set(f"{name}-qualifier", figure.qualifier.value)


def _put_money(element: etree._Element, money: Money | None) -> None:
    if money is not None:
        element.set("amount", number(money.amount))
        element.set("currency", money.currency)
        element.set("qualifier", money.qualifier.value)


def _add_sources(parent: etree._Element, sources: list[Source]) -> None:
    for s in sources:
        element = etree.SubElement(parent, _tag("source"))
        _put(element, "document", s.document)
        _put(element, "title", s.title)
        _put(element, "publisher", s.publisher)
        _put(element, "published-on", s.published_on)
        _put(element, "published-on-precision", s.published_on_precision)
        element.text = xml_text(s.excerpt)


def _link_of(written: ParticipatingOrg, links: list[PartnerLink]) -> PartnerLink | None:
    """The extension's partner link a participating-org element names: of its role and
    ref, the one of its name where several are."""
    role = ROLES.get(written.role)
    name = written.organisation.name.casefold() if written.organisation else None
    found = [
        link
        for link in links
        if link.listed and link.role is role and link.organisation.ref == written.ref
    ]
    named = [link for link in found if link.organisation.name.casefold() == name]
    if named or written.ref is None:
        return next(iter(named), None)
    return found[0] if len(found) == 1 else None


def extension_element(activity: Activity) -> etree._Element:
    root = etree.Element(_tag("project"), nsmap={"cg": EXTENSION_NAMESPACE})
    _put(root, "code", activity.code)
    _put(root, "acronym", activity.acronym)
    _put(root, "duration-months", activity.duration_months)
    _put(root, "status", activity.status)
    _put(root, "status-as-of", activity.status_as_of)
    _put(root, "status-derived", activity.status_derived)
    for name, d in activity.dates.items():
        element = etree.SubElement(root, _tag("date"))
        _put(element, "type", name)
        _put(element, "value", d.value)
        _put(element, "precision", d.precision)
        _put(element, "derived", d.derived)
    if activity.budget is not None:
        _put_money(etree.SubElement(root, _tag("budget")), activity.budget)
    for p in activity.programmes:
        element = etree.SubElement(root, _tag("programme"))
        _put(element, "ref", p.ref)
        _put(element, "code", p.code)
        _put(element, "name", p.name)
    for link in activity.partners:
        element = etree.SubElement(root, _tag("partner"))
        o = link.organisation
        _put(element, "role", link.role)
        _put(element, "name", o.name)
        _put(element, "ref", o.ref)
        _put(element, "code", o.code)
        _put(element, "acronym", o.acronym)
        _put(element, "kind", o.kind)
        if not link.listed:
            _put(element, "listed", False)
        _put_money(element, link.amount)
        _add_sources(element, link.sources)
    for c in activity.countries:
        element = etree.SubElement(root, _tag("country"))
        _put(element, "code", c.code)
        _put(element, "role", c.role)
        _put(element, "percentage", c.percentage)
        _add_sources(element, c.sources)
    for region in activity.regions:
        _put(etree.SubElement(root, _tag("region")), "code", region)
    for t in activity.themes:
        element = etree.SubElement(root, _tag("theme"))
        _put(element, "slug", t.slug)
        _put(element, "name", t.name)
    for g in activity.groups:
        element = etree.SubElement(root, _tag("beneficiary-group"))
        _put(element, "code", g.code)
        _put(element, "description", g.description)
        _put(element, "categories", [c.value for c in g.categories])
        _put_figure(element, "target-count", g.target_count)
        _put_figure(element, "reached-count", g.reached_count)
        _put_figure(element, "women-share", g.women_share)
        _put(element, "country", g.country)
        _put(element, "location", g.location)
        _add_sources(element, g.sources)
    for r in activity.results:
        element = etree.SubElement(root, _tag("outcome"))
        _put(element, "code", r.code)
        _put(element, "kind", r.kind)
        _put(element, "statement", r.statement)
        _put(element, "indicator", r.indicator)
        _put(element, "measure", r.measure)
        _put(element, "unit", r.unit)
        _put_figure(element, "baseline", r.baseline)
        _put(element, "baseline-year", r.baseline_year)
        _put_figure(element, "target", r.target)
        _put_figure(element, "actual", r.actual)
        _put(element, "period-start", r.period_start)
        _put(element, "period-end", r.period_end)
        _put(element, "period-precision", r.period_precision)
        for name, value in r.dimensions.items():
            dimension = etree.SubElement(element, _tag("dimension"))
            _put(dimension, "name", name)
            _put(dimension, "value", value)
        _add_sources(element, r.sources)
    _add_sources(root, activity.sources)
    return root


class ExtensionError(ValueError):
    pass


def _get(element: etree._Element, name: str, parse: Callable[[str], Any] = str) -> Any:
    raw = element.get(name)
    if raw is None:
        return None
    try:
        return parse(raw)
    except (ValueError, ArithmeticError) as error:
        raise ExtensionError(
            f"line {element.sourceline}: cg:{etree.QName(element).localname}/@{name} "
            f"{raw!r} is not valid"
        ) from error


def _required(element: etree._Element, name: str, parse: Callable[[str], Any] = str) -> Any:
    value = _get(element, name, parse)
    if value is None:
        raise ExtensionError(
            f"line {element.sourceline}: cg:{etree.QName(element).localname} has no @{name}"
        )
    return value


def _bool(raw: str) -> bool:
    if raw not in ("true", "false"):
        raise ValueError(raw)
    return raw == "true"


def _figure(element: etree._Element, name: str) -> Figure | None:
    value = _get(element, name, Decimal)
    if value is None:
        return None
    return Figure(value, _get(element, f"{name}-qualifier", Qualifier) or Qualifier.EXACT)


def _money(element: etree._Element) -> Money | None:
    amount = _get(element, "amount", Decimal)
    if amount is None:
        return None
    return Money(
        amount,
        _required(element, "currency"),
        _get(element, "qualifier", Qualifier) or Qualifier.EXACT,
    )


def _sources(element: etree._Element) -> list[Source]:
    return [
        Source(
            document=_required(s, "document"),
            excerpt=s.text or "",
            title=_get(s, "title"),
            publisher=_get(s, "publisher"),
            published_on=_get(s, "published-on", date.fromisoformat),
            published_on_precision=_get(s, "published-on-precision", DatePrecision),
        )
        for s in element.iterchildren(_tag("source"))
    ]


def apply_extension(activity: Activity, root: etree._Element) -> None:
    """Replace what the standard elements said with the extension's fuller account."""
    activity.code = _get(root, "code")
    activity.acronym = _get(root, "acronym")
    activity.duration_months = _get(root, "duration-months", int)
    activity.status = _get(root, "status", ProjectStatus)
    activity.status_as_of = _get(root, "status-as-of", date.fromisoformat)
    activity.status_derived = bool(_get(root, "status-derived", _bool))
    activity.dates = {
        _required(d, "type"): ActivityDate(
            _required(d, "value", date.fromisoformat),
            _get(d, "precision", DatePrecision) or DatePrecision.DAY,
            bool(_get(d, "derived", _bool)),
        )
        for d in root.iterchildren(_tag("date"))
    }
    budget = root.find(_tag("budget"))
    activity.budget = None if budget is None else _money(budget)
    activity.programmes = [
        ProgrammeRef(_required(p, "ref"), _get(p, "code"), _get(p, "name"))
        for p in root.iterchildren(_tag("programme"))
    ]
    # The standard elements keep what the extension does not repeat: each written
    # recipient-country as written, in the order the extension lists the same links;
    # each participating-org element is kept as written, and read as the extension's
    # partner of its role and ref (and name, where two share a ref).
    written_countries = iter(activity.countries)
    activity.partners = []
    for p in root.iterchildren(_tag("partner")):
        link = PartnerLink(
            Organisation(
                name=_required(p, "name"),
                ref=_get(p, "ref"),
                kind=_get(p, "kind", PartnerKind),
                code=_get(p, "code"),
                acronym=_get(p, "acronym"),
            ),
            role=_required(p, "role", PartnerRole),
            amount=_money(p),
            sources=_sources(p),
            listed=_get(p, "listed", _bool) is not False,
        )
        activity.partners.append(link)
    for written in activity.participating_orgs:
        named = _link_of(written, activity.partners)
        if named is not None:
            written.organisation = named.organisation
            named.activity_id = named.activity_id or written.activity_id
    activity.countries = []
    for c in root.iterchildren(_tag("country")):
        country = CountryLink(
            _required(c, "code"),
            _required(c, "role", CountryRole),
            _get(c, "percentage", Decimal),
            _sources(c),
        )
        if country.role is CountryRole.RECIPIENT:
            standard_country = next(written_countries, None)
            if standard_country is not None:
                country.narratives = standard_country.narratives
        activity.countries.append(country)
    activity.regions = [_required(r, "code") for r in root.iterchildren(_tag("region"))]
    activity.themes = [
        ThemeRef(_required(t, "slug"), _required(t, "name"))
        for t in root.iterchildren(_tag("theme"))
    ]
    activity.groups = [
        Group(
            description=_required(g, "description"),
            categories=[BeneficiaryCategory(c) for c in _required(g, "categories", str.split)],
            code=_get(g, "code"),
            target_count=_figure(g, "target-count"),
            reached_count=_figure(g, "reached-count"),
            women_share=_figure(g, "women-share"),
            country=_get(g, "country"),
            location=_get(g, "location"),
            sources=_sources(g),
        )
        for g in root.iterchildren(_tag("beneficiary-group"))
    ]
    activity.results = [
        Result(
            kind=_required(r, "kind", OutcomeKind),
            statement=_required(r, "statement"),
            indicator=_get(r, "indicator"),
            measure=_get(r, "measure", IndicatorMeasure),
            unit=_get(r, "unit"),
            code=_get(r, "code"),
            baseline=_figure(r, "baseline"),
            baseline_year=_get(r, "baseline-year", int),
            target=_figure(r, "target"),
            actual=_figure(r, "actual"),
            period_start=_get(r, "period-start", date.fromisoformat),
            period_end=_get(r, "period-end", date.fromisoformat),
            period_precision=_get(r, "period-precision", DatePrecision),
            dimensions={
                _required(d, "name"): _required(d, "value")
                for d in r.iterchildren(_tag("dimension"))
            },
            sources=_sources(r),
        )
        for r in root.iterchildren(_tag("outcome"))
    ]
    activity.sources = _sources(root)
