"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from db.tables.access import ApiKey, Change, ChangeCounter
from db.tables.citations import Citation, SourceDocument
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

__all__ = [
    "Agreement",
    "AgreementParty",
    "AgreementProject",
    "ApiKey",
    "BeneficiaryGroup",
    "Change",
    "ChangeCounter",
    "Citation",
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
]
