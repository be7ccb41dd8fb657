"""Every text a mutation takes, checked where it enters: a named maximum length per kind
of field, no control or invisible characters, and codes in one form.

Codes are what clients and URLs name records by, so they take one form: ASCII letters,
digits and ``.``, ``_``, ``-`` between them, no spaces, slashes or invisible characters;
the database keeps them unique ignoring case (``db.columns.folded_code_index``). IATI
identifiers keep their publisher's form and are compared exactly: only their length and
control characters are checked.
"""

import re
import unicodedata

import strawberry

MAX_CODE_LENGTH = 100
MAX_NAME_LENGTH = 500
"""Names and titles."""
MAX_LABEL_LENGTH = 100
"""Acronyms and units."""
MAX_IATI_IDENTIFIER_LENGTH = 200
MAX_WEBSITE_LENGTH = 2_000
MAX_NARRATIVE_LENGTH = 20_000
"""Descriptions, summaries, statements: anything else a person writes."""

TEXT_LIMITS = {
    "code": MAX_CODE_LENGTH,
    "name": MAX_NAME_LENGTH,
    "title": MAX_NAME_LENGTH,
    "location": MAX_NAME_LENGTH,
    "acronym": MAX_LABEL_LENGTH,
    "unit": MAX_LABEL_LENGTH,
    "iati_identifier": MAX_IATI_IDENTIFIER_LENGTH,
    "ref": MAX_IATI_IDENTIFIER_LENGTH,
    "activity_id": MAX_IATI_IDENTIFIER_LENGTH,
    "website": MAX_WEBSITE_LENGTH,
    # IATI codes and ISO codes: a codelist's longest is a few characters.
    **dict.fromkeys(
        (
            "transaction_type",
            "type",
            "status",
            "recipient_country",
            "flow_type",
            "finance_type",
            "tied_status",
            "disbursement_channel",
            "value_date",
            "transaction_date",
            "period_start",
            "period_end",
        ),
        MAX_LABEL_LENGTH,
    ),
}

_CODE = re.compile(r"[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*")
_LINE_BREAKS = {"\n", "\r", "\t"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def text_problems(value: object, path: str = "input") -> list[tuple[str, str, str]]:
    """(path, code, message) of every text in an input that breaks its bounds."""
    found: list[tuple[str, str, str]] = []
    pending: list[tuple[object, str, str]] = [(value, path, "")]
    while pending:
        item, at, field = pending.pop()
        if isinstance(item, str):
            found.extend((at, code, message) for code, message in _check(item, field))
        elif isinstance(item, list | tuple):
            pending.extend((v, f"{at}.{i}", field) for i, v in enumerate(item))
        elif hasattr(type(item), "__strawberry_definition__"):
            for name, child in vars(item).items():
                if child is not strawberry.UNSET and child is not None:
                    pending.append((child, f"{at}.{_camel(name)}", name))
    return found


def _check(text: str, field: str) -> list[tuple[str, str]]:
    limit = TEXT_LIMITS.get(field, MAX_NARRATIVE_LENGTH)
    if len(text) > limit:
        return [("TOO_LONG", f"At most {limit} characters ({len(text)} given).")]
    if field == "code" and not _CODE.fullmatch(text):
        return [
            (
                "INVALID_CODE",
                "A code is ASCII letters and digits, with '.', '_' or '-' between them "
                "(no spaces, slashes or invisible characters).",
            )
        ]
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") and c not in _LINE_BREAKS for c in text):
        return [("INVALID_TEXT", "Text may not hold control or invisible format characters.")]
    return []
