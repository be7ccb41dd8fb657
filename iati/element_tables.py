"""The tables of an activity's repeated IATI elements, by the name of the ``Activity`` field
(or record) they hold: writing them (``iati.activity_rows``) and reading them back
(``iati.loading``) name the same tables from here."""

import sqlalchemy as sa

from db.metadata import table_of
from db.tables import (
    ActivityBudget,
    ActivityCondition,
    ActivityContactInfo,
    ActivityCountryBudgetItem,
    ActivityDateElement,
    ActivityDescription,
    ActivityDocumentLink,
    ActivityHumanitarianScope,
    ActivityIndicator,
    ActivityIndicatorBaseline,
    ActivityIndicatorPeriod,
    ActivityLegacyData,
    ActivityLocation,
    ActivityOtherIdentifier,
    ActivityParticipatingOrg,
    ActivityPeriodValue,
    ActivityPlannedDisbursement,
    ActivityPolicyMarker,
    ActivityRecipientRegion,
    ActivityRelatedActivity,
    ActivityResult,
    ActivitySector,
    ActivityTag,
    ActivityTransaction,
)

ELEMENT_TABLES: dict[str, sa.Table] = {
    "descriptions": table_of(ActivityDescription),
    "other_identifiers": table_of(ActivityOtherIdentifier),
    "contacts": table_of(ActivityContactInfo),
    "participating_orgs": table_of(ActivityParticipatingOrg),
    "dates": table_of(ActivityDateElement),
    "recipient_regions": table_of(ActivityRecipientRegion),
    "locations": table_of(ActivityLocation),
    "sectors": table_of(ActivitySector),
    "tags": table_of(ActivityTag),
    "country_budget_items": table_of(ActivityCountryBudgetItem),
    "humanitarian_scopes": table_of(ActivityHumanitarianScope),
    "policy_markers": table_of(ActivityPolicyMarker),
    "budgets": table_of(ActivityBudget),
    "planned_disbursements": table_of(ActivityPlannedDisbursement),
    "transactions": table_of(ActivityTransaction),
    "document_links": table_of(ActivityDocumentLink),
    "related_activities": table_of(ActivityRelatedActivity),
    "legacy_data": table_of(ActivityLegacyData),
    "conditions": table_of(ActivityCondition),
    "results": table_of(ActivityResult),
    "indicators": table_of(ActivityIndicator),
    "baselines": table_of(ActivityIndicatorBaseline),
    "periods": table_of(ActivityIndicatorPeriod),
    "period_values": table_of(ActivityPeriodValue),
}
"""The element tables an activity is loaded from: one statement each per batch."""
