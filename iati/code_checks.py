"""Warnings for codes the IATI codelists do not have, or have withdrawn.

The schema does not check codes, so a file may hold any: the import keeps each code as
written and warns (the rulesets' "must be on the codelist" is a warning here, never a
refusal). A code is checked against the codelist its attribute, and for vocabularied
elements its vocabulary, names; a vocabulary not on its own codelist is an unknown
vocabulary, and the codes of a vocabulary without a codelist in the database (a
publisher's own, 98/99) are not checked. Codes the reading already maps (activity status,
participating-org role, activity-date type) warn there.
"""

from collections.abc import Iterator, Mapping

from db.codelists import CodeInfo
from db.enums import ImportWarningKind
from iati.records import Activity, Classification, ImportWarning

Known = Mapping[str, Mapping[str, CodeInfo]]

SECTOR_CODELISTS = {"1": "Sector", "2": "SectorCategory", "7": "UNSDG-Goals", "8": "UNSDG-Targets"}
REGION_CODELISTS = {"1": "Region"}
POLICY_MARKER_CODELISTS = {"1": "PolicyMarker"}
AID_TYPE_CODELISTS = {"1": "AidType"}

CODELISTS: tuple[str, ...] = (
    "ActivityScope",
    "AidType",
    "AidTypeVocabulary",
    "BudgetIdentifierVocabulary",
    "BudgetNotProvided",
    "BudgetStatus",
    "BudgetType",
    "CollaborationType",
    "ConditionType",
    "ContactType",
    "Currency",
    "DescriptionType",
    "DisbursementChannel",
    "DocumentCategory",
    "FileFormat",
    "FinanceType",
    "FlowType",
    "GeographicExactness",
    "GeographicLocationClass",
    "GeographicLocationReach",
    "GeographicVocabulary",
    "HumanitarianScopeType",
    "HumanitarianScopeVocabulary",
    "IndicatorMeasure",
    "Language",
    "LocationType",
    "OrganisationType",
    "OtherIdentifierType",
    "PolicyMarker",
    "PolicyMarkerVocabulary",
    "PolicySignificance",
    "Region",
    "RegionVocabulary",
    "RelatedActivityType",
    "ResultType",
    "Sector",
    "SectorCategory",
    "SectorVocabulary",
    "TagVocabulary",
    "TiedStatus",
    "TransactionType",
    "UNSDG-Goals",
    "UNSDG-Targets",
)
"""The codelists the import checks codes against, read once per import."""

_Check = tuple[str, str | None, str, int | None]
"""(codelist, code, element path, line)"""


def _classification(
    c: Classification,
    element: str,
    vocabularies: str | None,
    codelists: Mapping[str, str],
    default_vocabulary: str | None,
) -> Iterator[_Check]:
    vocabulary = c.vocabulary or default_vocabulary
    if vocabularies is not None and c.vocabulary is not None:
        yield vocabularies, c.vocabulary, f"{element}/@vocabulary", c.line
    if vocabulary is not None and vocabulary in codelists:
        yield codelists[vocabulary], c.code, f"{element}/@code", c.line


def _checks(a: Activity) -> Iterator[_Check]:
    line = a.line
    for element, codelist, code in (
        ("collaboration-type", "CollaborationType", a.collaboration_type),
        ("default-flow-type", "FlowType", a.default_flow_type),
        ("default-finance-type", "FinanceType", a.default_finance_type),
        ("default-tied-status", "TiedStatus", a.default_tied_status),
        ("activity-scope", "ActivityScope", a.activity_scope),
        ("iati-activity/@default-currency", "Currency", a.default_currency),
        ("iati-activity/@budget-not-provided", "BudgetNotProvided", a.budget_not_provided),
        (
            "country-budget-items/@vocabulary",
            "BudgetIdentifierVocabulary",
            a.country_budget_items_vocabulary,
        ),
    ):
        if code:
            yield codelist, code, element, line
    for aid in a.default_aid_types:
        if aid.vocabulary:
            yield "AidTypeVocabulary", aid.vocabulary, "default-aid-type/@vocabulary", line
        if (aid.vocabulary or "1") in AID_TYPE_CODELISTS:
            yield "AidType", aid.code, "default-aid-type/@code", line
    if a.reporting_org is not None and a.reporting_org.type:
        yield "OrganisationType", a.reporting_org.type, "reporting-org/@type", a.reporting_org.line
    for link in a.partners:
        org = link.organisation
        if org.type and org is not a.reporting_org:
            yield "OrganisationType", org.type, "participating-org/@type", org.line
    for desc in a.descriptions:
        if desc.type:
            yield "DescriptionType", desc.type, "description/@type", desc.line
    for sector in a.sectors:
        yield from _classification(sector, "sector", "SectorVocabulary", SECTOR_CODELISTS, "1")
    for r in a.recipient_regions:
        yield from _classification(r, "recipient-region", "RegionVocabulary", REGION_CODELISTS, "1")
    for m in a.policy_markers:
        yield from _classification(
            m, "policy-marker", "PolicyMarkerVocabulary", POLICY_MARKER_CODELISTS, "1"
        )
        if m.significance:
            yield "PolicySignificance", m.significance, "policy-marker/@significance", m.line
    for tag in a.tags:
        yield from _classification(tag, "tag", "TagVocabulary", {}, None)
    for h in a.humanitarian_scopes:
        yield from _classification(h, "humanitarian-scope", "HumanitarianScopeVocabulary", {}, None)
        if h.type:
            yield "HumanitarianScopeType", h.type, "humanitarian-scope/@type", h.line
    for t in a.transactions:
        yield "TransactionType", t.transaction_type, "transaction/transaction-type", t.line
        for codelist, code, element in (
            ("Currency", t.currency, "transaction/value/@currency"),
            ("FlowType", t.flow_type, "transaction/flow-type"),
            ("FinanceType", t.finance_type, "transaction/finance-type"),
            ("TiedStatus", t.tied_status, "transaction/tied-status"),
            ("DisbursementChannel", t.disbursement_channel, "transaction/disbursement-channel"),
        ):
            if code:
                yield codelist, code, element, t.line
        for t_sector in t.sectors:
            yield from _classification(
                t_sector, "transaction/sector", "SectorVocabulary", SECTOR_CODELISTS, "1"
            )
        for t_aid in t.aid_types:
            if (t_aid.vocabulary or "1") in AID_TYPE_CODELISTS:
                yield "AidType", t_aid.code, "transaction/aid-type", t.line
    for b in a.budgets:
        for codelist, code, element in (
            ("BudgetType", b.type, "budget/@type"),
            ("BudgetStatus", b.status, "budget/@status"),
            ("Currency", b.currency, "budget/value/@currency"),
        ):
            if code:
                yield codelist, code, element, b.line
    for p in a.planned_disbursements:
        if p.type:
            yield "BudgetType", p.type, "planned-disbursement/@type", p.line
        if p.currency:
            yield "Currency", p.currency, "planned-disbursement/value/@currency", p.line
    for x in a.locations:
        for codelist, code, element in (
            ("GeographicLocationReach", x.location_reach, "location/location-reach"),
            ("GeographicExactness", x.exactness, "location/exactness"),
            ("GeographicLocationClass", x.location_class, "location/location-class"),
            ("LocationType", x.feature_designation, "location/feature-designation"),
        ):
            if code:
                yield codelist, code, element, x.line
        for location_id in x.location_ids:
            if location_id.vocabulary:
                vocabulary = location_id.vocabulary
                yield "GeographicVocabulary", vocabulary, "location/location-id", x.line
    for doc in a.document_links:
        if doc.format:
            yield "FileFormat", doc.format, "document-link/@format", doc.line
        for category in doc.categories:
            yield "DocumentCategory", category, "document-link/category", doc.line
        for language in doc.languages:
            yield "Language", language, "document-link/language", doc.line
    for related in a.related_activities:
        yield "RelatedActivityType", related.type, "related-activity/@type", related.line
    for other in a.other_identifiers:
        yield "OtherIdentifierType", other.type, "other-identifier/@type", line
    for cond in a.conditions:
        yield "ConditionType", cond.type, "conditions/condition/@type", line
    for contact in a.contacts:
        if contact.type:
            yield "ContactType", contact.type, "contact-info/@type", line
    for result in a.iati_results:
        yield "ResultType", result.type, "result/@type", result.line
        for ind in result.indicators:
            yield "IndicatorMeasure", ind.measure, "result/indicator/@measure", ind.line


def code_warnings(activity: Activity, known: Known) -> list[ImportWarning]:
    """A warning per code not on its codelist (``UNKNOWN_VOCABULARY`` for a vocabulary) or
    withdrawn from it; nothing where the database has no such codelist."""
    warnings = []
    for codelist, code, element, line in _checks(activity):
        codes = known.get(codelist)
        if not codes or code is None:
            continue
        info = codes.get(code)
        if info is None:
            kind = (
                ImportWarningKind.UNKNOWN_VOCABULARY
                if element.endswith("@vocabulary")
                else ImportWarningKind.UNKNOWN_CODE
            )
            message = f"{element} {code!r} is not on the {codelist} codelist: kept as written"
            warnings.append(ImportWarning(kind, message, element, line))
        elif info.withdrawn:
            message = f"{element} {code!r} is withdrawn from the {codelist} codelist"
            warnings.append(ImportWarning(ImportWarningKind.WITHDRAWN_CODE, message, element, line))
    return warnings
