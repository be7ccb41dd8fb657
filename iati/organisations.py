"""Which organisation a file means: matched honestly, never merged by a ref alone.

A ``ref`` is a registered organisation identifier only when it starts with a code of the
OrganisationRegistrationAgency codelist (``XM-DAC-41302``: agency ``XM-DAC``), read from the
database's codelists (migration 0008, ``coopgraph codelists update``): then it names one
organisation whoever writes it, and matches the partner holding it. Any other ref (``61``,
``MAEC-1``) is the publisher's own: it names an organisation only together with its name
and only in that publisher's files, so a ministry's ``61`` for both FAO and its labour
ministry gives two partners.
"""

from collections.abc import Set

REGISTRATION_AGENCIES = "OrganisationRegistrationAgency"


def is_registered(ref: str, agencies: Set[str]) -> bool:
    """Whether ``ref`` is an identifier of a registered organisation: an agency code, a
    hyphen, and an identifier. Agency codes have one hyphen (``XM-DAC``), so the agency is
    the ref up to its second hyphen."""
    parts = ref.split("-", 2)
    return len(parts) == 3 and bool(parts[2]) and f"{parts[0]}-{parts[1]}" in agencies
