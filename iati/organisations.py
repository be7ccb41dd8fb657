"""Which organisation a file means: matched honestly, never merged by a ref alone.

A ``ref`` is a registered organisation identifier only when it starts with a prefix of
the OrganisationRegistrationAgency codelist (``XM-DAC-41302``, ``GB-CHC-202918``): then it
names one organisation whoever writes it, and matches the partner holding it. Any other
ref (``61``, ``MAEC-1``) is the publisher's own: it names an organisation only together
with its name and only in that publisher's files, so a ministry's ``61`` for both FAO and
its labour ministry gives two partners.
"""

from functools import cache
from pathlib import Path

from lxml import etree

AGENCIES_FILE = Path(__file__).parent / "codelists" / "OrganisationRegistrationAgency.xml"


@cache
def registration_agencies() -> frozenset[str]:
    """The agency prefixes (``XM-DAC``, ``GB-CHC``...), withdrawn ones included: a file
    written while they were current still means what it said."""
    tree = etree.parse(str(AGENCIES_FILE))
    return frozenset(
        code.strip() for code in tree.getroot().xpath("//codelist-item/code/text()") if code
    )


def is_registered(ref: str) -> bool:
    """Whether ``ref`` is an identifier of a registered organisation: an agency prefix, a
    hyphen, and an identifier. Agency codes have one hyphen (``XM-DAC``), so the prefix is
    the ref up to its second hyphen."""
    parts = ref.split("-", 2)
    return (
        len(parts) == 3 and bool(parts[2]) and f"{parts[0]}-{parts[1]}" in registration_agencies()
    )
