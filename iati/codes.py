"""IATI code lists, both ways, and the namespace of the service's extension.

Where the service's vocabulary is coarser than IATI's (organisation types), reading maps
many codes to one and writing picks one, so a file the service wrote reads back to the
same records. Activity statuses are kept as published: 3 Finalisation and 4 Closed are
statuses of their own (the built-in dataset's COMPLETED is written as 4).
"""

from db.enums import IndicatorMeasure, OutcomeKind, PartnerKind, PartnerRole, ProjectStatus

EXTENSION_NAMESPACE = "https://coopgraph.example/ns/iati/1"
"""Elements in this namespace carry what IATI has no element for; other tools ignore them."""

SUPPORTED_VERSIONS = ("2.01", "2.02", "2.03")

ROLES: dict[str, PartnerRole] = {
    "1": PartnerRole.FUNDING,
    "2": PartnerRole.ACCOUNTABLE,
    "3": PartnerRole.EXTENDING,
    "4": PartnerRole.IMPLEMENTING,
}
ROLE_CODES = {role: code for code, role in ROLES.items()}

STATUSES: dict[str, ProjectStatus] = {
    "1": ProjectStatus.PIPELINE,
    "2": ProjectStatus.ACTIVE,
    "3": ProjectStatus.FINALISATION,
    "4": ProjectStatus.CLOSED,
    "5": ProjectStatus.CANCELLED,
    "6": ProjectStatus.SUSPENDED,
}
STATUS_CODES = {
    ProjectStatus.PIPELINE: "1",
    ProjectStatus.ACTIVE: "2",
    ProjectStatus.COMPLETED: "4",
    ProjectStatus.FINALISATION: "3",
    ProjectStatus.CLOSED: "4",
    ProjectStatus.CANCELLED: "5",
    ProjectStatus.SUSPENDED: "6",
}

DATE_TYPES = {
    "1": "planned_start",
    "2": "actual_start",
    "3": "planned_end",
    "4": "actual_end",
}
DATE_TYPE_CODES = {name: code for code, name in DATE_TYPES.items()}

RESULT_TYPES: dict[str, OutcomeKind] = {
    "1": OutcomeKind.OUTPUT,
    "2": OutcomeKind.OUTCOME,
    "3": OutcomeKind.IMPACT,
}
RESULT_TYPE_CODES = {kind: code for code, kind in RESULT_TYPES.items()}

MEASURES: dict[str, IndicatorMeasure] = {
    "1": IndicatorMeasure.UNIT,
    "2": IndicatorMeasure.PERCENTAGE,
    "3": IndicatorMeasure.NOMINAL,
    "4": IndicatorMeasure.ORDINAL,
    "5": IndicatorMeasure.QUALITATIVE,
}
MEASURE_CODES = {measure: code for code, measure in MEASURES.items()}

ORGANISATION_TYPES: dict[str, PartnerKind] = {
    "10": PartnerKind.GOVERNMENT,
    "11": PartnerKind.GOVERNMENT,
    "15": PartnerKind.GOVERNMENT,
    "21": PartnerKind.NGO,
    "22": PartnerKind.NGO,
    "23": PartnerKind.NGO,
    "24": PartnerKind.NGO,
    "30": PartnerKind.OTHER,
    "40": PartnerKind.INTERNATIONAL_ORGANISATION,
    "60": PartnerKind.OTHER,
    "70": PartnerKind.PRIVATE_SECTOR,
    "71": PartnerKind.PRIVATE_SECTOR,
    "72": PartnerKind.PRIVATE_SECTOR,
    "73": PartnerKind.PRIVATE_SECTOR,
    "80": PartnerKind.RESEARCH_ACADEMIA,
    "90": PartnerKind.OTHER,
}
ORGANISATION_TYPE_CODES: dict[PartnerKind, str] = {
    PartnerKind.GOVERNMENT: "10",
    PartnerKind.GOVERNMENT_MINISTRY: "10",
    PartnerKind.DEVELOPMENT_AGENCY: "10",
    PartnerKind.UN_AGENCY: "40",
    PartnerKind.INTERNATIONAL_ORGANISATION: "40",
    PartnerKind.NGO: "21",
    PartnerKind.PRIVATE_SECTOR: "70",
    PartnerKind.RESEARCH_ACADEMIA: "80",
}
"""Kinds without an IATI type (workers' and employers' organisations, OTHER) get no @type."""

DAC_VOCABULARIES = {"1": 5, "2": 3}
"""Sector vocabularies of the OECD DAC and the length of their codes."""
REPORTING_VOCABULARY = "99"
DAC_THEME_PREFIX = "dac-"
"""Themes read from DAC sector codes are slugged ``dac-<code>`` and written back as such."""

BUDGET_REVISED = "2"
COMMITMENT = "2"
PARENT_ACTIVITY = "1"
TARGET_GROUPS = "3"
GENERAL_DESCRIPTION = "1"
