"""IATI narratives: a text in every language the file gives, and the one a client asks for.

Text fields of the IATI model answer in the activity's default language (its ``xml:lang``,
which a narrative without ``xml:lang`` is written in) and take ``lang:`` for another; their
``...Narratives`` siblings list every language.
"""

import re
from typing import Annotated, Any

import strawberry

from schema.compiled.builders import from_values
from schema.compiled.compiler import compiled_field
from schema.errors import bad_user_input

_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}")

Lang = Annotated[
    str | None,
    strawberry.argument(
        description="The language wanted, as an ISO 639-1 code (fr, es): null when the file "
        "has no narrative in it. Null: the activity's default language."
    ),
]


@strawberry.type(description="A text in one language, as the IATI file writes it.")
class Narrative:
    lang: str | None = compiled_field(
        from_values(),
        description="Its xml:lang (ISO 639-1); null where the file gives none, which means "
        "the activity's default language (`Project.language`).",
    )
    text: str = compiled_field(from_values(), description="The text as written.")


def narratives(value: list[dict[str, Any]] | None) -> list[Narrative]:
    return [Narrative(lang=n.get("lang"), text=n.get("text") or "") for n in value or []]


def checked_lang(lang: str | None) -> str | None:
    """A language code a client may send: short, letters and digits (``BAD_USER_INPUT``)."""
    if lang is not None and (len(lang) > 35 or not _LANG.fullmatch(lang)):
        raise bad_user_input("`lang` must be a language code such as fr or es.", argument="lang")
    return lang.lower() if lang is not None else None


def text_in(
    value: list[dict[str, Any]] | None, lang: str | None, default_lang: str | None
) -> str | None:
    """The narrative in ``lang``, or in the default language when ``lang`` is null (a
    narrative without ``xml:lang`` is in the default language; failing one, the first
    written). Null when there is none in the language asked."""
    wanted = checked_lang(lang)
    default = (default_lang or "").lower() or None
    found = value or []
    for narrative in found:
        written = (narrative.get("lang") or default or "").lower() or None
        if wanted is not None and written == wanted:
            return str(narrative.get("text") or "")
        if wanted is None and (narrative.get("lang") is None or written == default):
            return str(narrative.get("text") or "")
    if wanted is None and found:
        return str(found[0].get("text") or "")
    return None
