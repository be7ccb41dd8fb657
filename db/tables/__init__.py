"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from db.tables import funding_links  # noqa: F401  (its indexes join the metadata)
from db.tables.access import ApiKey, Change, ChangeCounter
from db.tables.activity_classification import (
    ActivityCountryBudgetItem,
    ActivityHumanitarianScope,
    ActivityPolicyMarker,
    ActivityRecipientRegion,
    ActivitySector,
    ActivityTag,
)
from db.tables.activity_details import (
    ActivityCondition,
    ActivityContactInfo,
    ActivityDateElement,
    ActivityDescription,
    ActivityLegacyData,
    ActivityOtherIdentifier,
    ActivityWarning,
)
from db.tables.activity_documents import ActivityDocumentLink
from db.tables.activity_finance import (
    ActivityBudget,
    ActivityPlannedDisbursement,
    ActivityTransaction,
)
from db.tables.activity_geography import ActivityLocation
from db.tables.activity_organisations import ActivityParticipatingOrg
from db.tables.activity_relations import ActivityRelatedActivity
from db.tables.activity_results import (
    ActivityIndicator,
    ActivityIndicatorBaseline,
    ActivityIndicatorPeriod,
    ActivityPeriodValue,
    ActivityResult,
)
from db.tables.citations import Citation, SourceDocument
from db.tables.codelists import Codelist, CodelistCode
from db.tables.exchange_rates import ExchangeRate
from db.tables.funding import (
    Agreement,
    AgreementParty,
    AgreementProject,
    Contribution,
    PartnerFact,
    PartnerFactCountry,
)
from db.tables.partners import Partner
from db.tables.programmes import Programme, ProgrammePartner
from db.tables.projects import (
    Project,
    ProjectCountry,
    ProjectPartner,
    ProjectProgramme,
    ProjectRegion,
    ProjectTheme,
)
from db.tables.reference import Country, Region, Theme
from db.tables.results import BeneficiaryGroup, Outcome
from db.tables.statistics import (
    summary_bucket,
    summary_bucket_money,
    summary_flush,
    summary_membership,
    summary_pending,
    summary_project,
    summary_project_money,
)

__all__ = [
    "ActivityBudget",
    "ActivityCondition",
    "ActivityContactInfo",
    "ActivityCountryBudgetItem",
    "ActivityDateElement",
    "ActivityDescription",
    "ActivityDocumentLink",
    "ActivityHumanitarianScope",
    "ActivityIndicator",
    "ActivityIndicatorBaseline",
    "ActivityIndicatorPeriod",
    "ActivityLegacyData",
    "ActivityLocation",
    "ActivityOtherIdentifier",
    "ActivityParticipatingOrg",
    "ActivityPeriodValue",
    "ActivityPlannedDisbursement",
    "ActivityPolicyMarker",
    "ActivityRecipientRegion",
    "ActivityRelatedActivity",
    "ActivityResult",
    "ActivitySector",
    "ActivityTag",
    "ActivityTransaction",
    "ActivityWarning",
    "Agreement",
    "AgreementParty",
    "AgreementProject",
    "ApiKey",
    "BeneficiaryGroup",
    "Change",
    "ChangeCounter",
    "Citation",
    "Codelist",
    "CodelistCode",
    "Contribution",
    "Country",
    "ExchangeRate",
    "Outcome",
    "Partner",
    "PartnerFact",
    "PartnerFactCountry",
    "Programme",
    "ProgrammePartner",
    "Project",
    "ProjectCountry",
    "ProjectPartner",
    "ProjectProgramme",
    "ProjectRegion",
    "ProjectTheme",
    "Region",
    "SourceDocument",
    "Theme",
    "summary_bucket",
    "summary_bucket_money",
    "summary_flush",
    "summary_membership",
    "summary_pending",
    "summary_project",
    "summary_project_money",
]
