"""Which fields the compiled path cannot read, named: a field added without a rule (or a rule
lost with a renamed type) fails here until it is given one or listed below, with why.

A query selecting any of these is answered by the resolvers, whole."""

from schema.build import schema
from schema.compiled.compiler import fields_without_rules
from schema.compiled.connections import INHERITED

TIMESTAMPS = "createdAt updatedAt"
"""Left to the resolvers, which write them as Python does (``datetime.isoformat``); no rule
renders that text in SQL."""

IATI_LISTS = (
    "activityDates budgets classifications documents locations participatingOrgs "
    "plannedDisbursements policyMarkers publisherContacts regionLinks relatedProjects "
    "reportingOrg results sectors titleIn titleNarratives transactions warnings"
)
"""The IATI activity model's fields: read through the DataLoaders (one statement per list
and level, codelist names with them) and not yet by the compiled path, which answers a
query selecting none of them as before."""

IATI_TYPES: dict[str, str] = {
    "ActivityDate": "isoDate narratives type",
    "ActivityWarning": "createdAt element fileName kind line message",
    "AdministrativeArea": "code level vocabulary",
    "AidType": "code vocabulary",
    "Budget": "periodEnd periodStart project status type value version",
    "Classifications": "activityScope budgetNotProvided collaborationType defaultAidTypes "
    "defaultFinanceType defaultFlowType defaultTiedStatus humanitarianScopes tags",
    "Code": "code codelist known name withdrawn",
    "Dimension": "name value",
    "DocumentLink": "categories descriptionNarratives documentDate format languages title "
    "titleNarratives url",
    "HumanitarianScope": "code narratives type vocabulary vocabularyUri",
    "Indicator": "aggregationStatus ascending baselines descriptionNarratives measure periods "
    "title titleNarratives",
    "IndicatorBaseline": "comment commentNarratives dimensions isoDate locationRefs value year",
    "IndicatorPeriod": "actuals periodEnd periodStart targets",
    "IndicatorValue": "comment commentNarratives dimensions locationRefs value",
    "Location": "activityDescriptionNarratives administrative description "
    "descriptionNarratives exactness featureDesignation locationClass locationIds name "
    "nameNarratives point reach ref",
    "LocationIdentifier": "code vocabulary",
    "Narrative": "lang text",
    "OrganisationReference": "activityId name nameNarratives partner ref type",
    "ParticipatingOrganisation": "activityId crsChannelCode name nameNarratives partner ref "
    "role type",
    "PlannedDisbursement": "periodEnd periodStart providerOrg receiverOrg type value",
    "Point": "latitude longitude srsName",
    "PolicyMarker": "code narratives significance vocabulary vocabularyUri",
    "PublisherContact": "departmentNarratives emails jobTitleNarratives "
    "mailingAddressNarratives mailingAddresses organisationNarratives personNameNarratives "
    "telephones type websites",
    "RegionLink": "code name narratives percentage region sources vocabulary vocabularyUri",
    "RelatedActivity": "identifier project type",
    "ReportingOrganisation": "name nameNarratives partner ref secondaryReporter type",
    "Result": "aggregationStatus description descriptionNarratives indicators title "
    "titleNarratives type",
    "Sector": "code narratives percentage vocabulary vocabularyUri",
    "Tag": "code narratives vocabulary vocabularyUri",
    "Transaction": "aidTypes date description descriptionNarratives disbursementChannel "
    "financeType flowType humanitarian project providerOrg receiverOrg recipientCountry "
    "recipientCountryCode recipientRegion ref sectors tiedStatus type value version",
}

WITHOUT_RULES: dict[str, str] = {
    **IATI_TYPES,
    # Root fields other than node, projects, partners, programmes, search and projectStats.
    "Query": "_entities _service beneficiaryGroups outcomes contributions agreements "
    "contributionStats financeStats changes countries themes nodes",
    "_Service": "sdl",
    # Record fields kept for the resolvers: timestamps, the plain lists beside each
    # projectsConnection, and links to what the compiled path does not read.
    "Project": f"{TIMESTAMPS} agreements fundingFlow {IATI_LISTS}",
    "ProjectConnection": "undatedLeftOut",
    "Partner": f"{TIMESTAMPS} projects programmes contributions facts fundingFlow traceability",
    "Programme": f"{TIMESTAMPS} phases partners projects",
    "Country": "projects",
    "Theme": "projects",
    "BeneficiaryGroup": TIMESTAMPS,
    "Outcome": f"{TIMESTAMPS} dimensions progress",
    # Types only the resolvers read (their global ids aside, which every node has).
    "OutcomeDimension": "name value",
    "ProgrammePartner": "role partner programme sources",
    "PartnerFact": "code topic statement asOf value unit partner countries sources",
    "Agreement": "code kind title description signedOn periodStartYear periodEndYear officials "
    "programme parties projects sources",
    "Contribution": f"version {TIMESTAMPS} code kind amount periodStartYear periodEndYear "
    "donor recipient programme project sources",
    "Change": "position at keyName recordType type recordId operation recordVersion before after "
    "recordGlobalId",
    "ContributionStats": "total buckets",
    "ContributionBucket": "key label contributionCount amounts",
    # Conversion reads the rate table through the request's rate loader.
    "Money": "converted",
    "ConvertedMoney": "amount currency rate rateDate source",
    "FinanceStats": "currency budgetYear chain total buckets",
    "FinanceBucket": "keys records estimatedBySplit rebased incomingFunds commitments "
    "disbursements expenditure spend budget budgetLeft",
    "FinanceKey": "grouping key label",
    "FinanceMeasure": "amounts converted convertedRecords notConverted",
    "FinanceAmount": "amount currency records estimatedBySplit",
    # Funding chains: one recursive statement of their own.
    "FundingFlow": "direction depth currency nodes edges truncated",
    "FlowNode": "id kind label iatiIdentifier depth project",
    "FlowEdge": "source target transactionType reportedBy amounts converted "
    "convertedTransactions notConverted transactions",
    "FlowAmount": "amount currency transactions",
    "Traceability": "incomingFunds withProviderActivity share",
}


def test_every_field_without_a_rule_is_listed() -> None:
    missing = fields_without_rules(schema, INHERITED)
    assert {name: sorted(fields) for name, fields in missing.items()} == {
        name: sorted(fields.split()) for name, fields in WITHOUT_RULES.items()
    }


def test_the_record_types_are_read_by_the_compiled_path() -> None:
    """Their rules are found through the Strawberry types (a field's metadata, relay's
    classes), so these stay compiled whatever their modules or names become."""
    missing = fields_without_rules(schema, INHERITED)
    for name in ["Project", "Partner", "Programme", "BeneficiaryGroup", "Outcome"]:
        assert not {"id", "code", "sources"} & set(missing.get(name, []))
    for name in ["Source", "FuzzyDate", "Quantity", "Count", "PageInfo", "Region"]:
        assert name not in missing
    assert missing.get("Money", []) == ["converted"]  # a money's own fields all compile
    for name in ["ProjectConnection", "ProjectEdge", "PartnerConnection", "ProgrammeEdge"]:
        assert not set(missing.get(name, [])) & {"edges", "pageInfo", "totalCount", "node"}
