"""Closed vocabularies of the data model.

Values are the UPPER_CASE names so that the database, the dataset file and the GraphQL
enums all spell a value the same way. Where IATI has a code list, the members follow it
(partner roles 1-4, result types 1-3, activity dates).
"""

from enum import StrEnum


class PartnerKind(StrEnum):
    GOVERNMENT = "GOVERNMENT"
    GOVERNMENT_MINISTRY = "GOVERNMENT_MINISTRY"
    DEVELOPMENT_AGENCY = "DEVELOPMENT_AGENCY"
    UN_AGENCY = "UN_AGENCY"
    INTERNATIONAL_ORGANISATION = "INTERNATIONAL_ORGANISATION"
    NGO = "NGO"
    WORKERS_ORGANISATION = "WORKERS_ORGANISATION"
    EMPLOYERS_ORGANISATION = "EMPLOYERS_ORGANISATION"
    PRIVATE_SECTOR = "PRIVATE_SECTOR"
    RESEARCH_ACADEMIA = "RESEARCH_ACADEMIA"
    OTHER = "OTHER"


class PartnerRole(StrEnum):
    """IATI participating-org roles: 1 Funding, 2 Accountable, 3 Extending, 4 Implementing."""

    FUNDING = "FUNDING"
    ACCOUNTABLE = "ACCOUNTABLE"
    EXTENDING = "EXTENDING"
    IMPLEMENTING = "IMPLEMENTING"


class ProjectStatus(StrEnum):
    """The built-in dataset's statuses, and IATI's activity statuses kept as published:
    COMPLETED is the dataset's "finished" (written as IATI 4); an imported activity is
    FINALISATION (3) or CLOSED (4) as its file says, never folded into COMPLETED."""

    PIPELINE = "PIPELINE"
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"
    FINALISATION = "FINALISATION"
    CLOSED = "CLOSED"
    SUSPENDED = "SUSPENDED"
    CANCELLED = "CANCELLED"


class CountryRole(StrEnum):
    """A recipient receives the aid; a participant takes part without receiving it."""

    RECIPIENT = "RECIPIENT"
    PARTICIPANT = "PARTICIPANT"


class BeneficiaryCategory(StrEnum):
    WOMEN = "WOMEN"
    YOUTH = "YOUTH"
    REFUGEES = "REFUGEES"
    INTERNALLY_DISPLACED_PERSONS = "INTERNALLY_DISPLACED_PERSONS"
    HOST_COMMUNITIES = "HOST_COMMUNITIES"
    WORKERS = "WORKERS"
    EMPLOYERS_ENTERPRISES = "EMPLOYERS_ENTERPRISES"
    GOVERNMENT_OFFICIALS = "GOVERNMENT_OFFICIALS"
    TRAINEES = "TRAINEES"
    OTHER = "OTHER"


class OutcomeKind(StrEnum):
    """IATI result types 1 Output, 2 Outcome, 3 Impact."""

    OUTPUT = "OUTPUT"
    OUTCOME = "OUTCOME"
    IMPACT = "IMPACT"


class IndicatorMeasure(StrEnum):
    """IATI indicator measures 1 Unit, 2 Percentage, 3 Nominal, 4 Ordinal, 5 Qualitative."""

    UNIT = "UNIT"
    PERCENTAGE = "PERCENTAGE"
    NOMINAL = "NOMINAL"
    ORDINAL = "ORDINAL"
    QUALITATIVE = "QUALITATIVE"


class ContributionKind(StrEnum):
    ASSESSED = "ASSESSED"
    VOLUNTARY_CORE = "VOLUNTARY_CORE"
    VOLUNTARY_EARMARKED = "VOLUNTARY_EARMARKED"


class AgreementKind(StrEnum):
    MEMORANDUM_OF_UNDERSTANDING = "MEMORANDUM_OF_UNDERSTANDING"
    AGREEMENT = "AGREEMENT"
    EVALUATION = "EVALUATION"
    ASSESSMENT = "ASSESSMENT"


class Qualifier(StrEnum):
    """How a source states a figure: "nearly" is APPROXIMATE, "more than" AT_LEAST."""

    EXACT = "EXACT"
    APPROXIMATE = "APPROXIMATE"
    AT_LEAST = "AT_LEAST"
    AT_MOST = "AT_MOST"


class DatePrecision(StrEnum):
    """How much of a date a source gives: "December 2020" is MONTH, "2014" is YEAR."""

    DAY = "DAY"
    MONTH = "MONTH"
    YEAR = "YEAR"


class KeyScope(StrEnum):
    """WRITE: a partner's own projects (or all, without a partner); ADMIN: everything."""

    WRITE = "WRITE"
    ADMIN = "ADMIN"


class ChangeOperation(StrEnum):
    CREATE = "CREATE"
    UPDATE = "UPDATE"
    DELETE = "DELETE"


class PeriodValueKind(StrEnum):
    """Which figure of an IATI result period a value is: its target or its actual."""

    TARGET = "TARGET"
    ACTUAL = "ACTUAL"


class ImportWarningKind(StrEnum):
    """What the IATI rulesets warn about but the schema accepts: the activity is imported
    and the warning kept on it."""

    NEGATIVE_VALUE = "NEGATIVE_VALUE"
    PERCENTAGES_NOT_100 = "PERCENTAGES_NOT_100"
    BUDGET_PERIOD_OVER_A_YEAR = "BUDGET_PERIOD_OVER_A_YEAR"
    PERIOD_ENDS_BEFORE_START = "PERIOD_ENDS_BEFORE_START"
    UNKNOWN_VOCABULARY = "UNKNOWN_VOCABULARY"
    UNKNOWN_CODE = "UNKNOWN_CODE"
    WITHDRAWN_CODE = "WITHDRAWN_CODE"
    UNKNOWN_COUNTRY = "UNKNOWN_COUNTRY"
    SEVERAL_CURRENCIES = "SEVERAL_CURRENCIES"
    NOT_A_NUMBER = "NOT_A_NUMBER"
    OTHER = "OTHER"


class RateSource(StrEnum):
    """Where an exchange rate comes from (each source quotes against its own base)."""

    ECB_DAILY = "ECB_DAILY"
    """The European Central Bank's reference rate of a business day, per euro."""
    IMF_ANNUAL = "IMF_ANNUAL"
    """The IMF's annual average of a year, per US dollar."""
    SAME_CURRENCY = "SAME_CURRENCY"
    """No conversion: the amount is already in the currency asked for (never stored)."""
