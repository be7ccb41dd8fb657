"""A code of an IATI codelist as a value: the code as written and its name from the
codelists the database holds (``db.codelists``), batched per request."""

from typing import TypeVar

import strawberry

from schema.compiled.activity_rules import code_known, code_name, code_part, code_withdrawn
from schema.compiled.compiler import compiled_field
from schema.info import Info
from schema.types.narrative import Lang, checked_lang

SECTOR_CODELISTS = {"1": "Sector", "2": "SectorCategory", "7": "UNSDG-Goals", "8": "UNSDG-Targets"}
"""SectorVocabulary codes whose codes are a bundled codelist's."""

TAG_CODELISTS = {"2": "UNSDG-Goals", "3": "UNSDG-Targets"}
REGION_CODELISTS = {"1": "Region"}
POLICY_MARKER_CODELISTS = {"1": "PolicyMarker"}
AID_TYPE_CODELISTS = {"1": "AidType"}

T = TypeVar("T")

NO_CODE = ("", "")
"""The key ``with_code_names`` waits on for a list without codes: no statement of its own."""


@strawberry.type(
    description="A code of an IATI codelist (TransactionType 3, Sector 15170...), kept as the "
    "file writes it, with its name from the codelists the service holds."
)
class Code:
    code: str = compiled_field(code_part("code"), description="The code as written in the file.")
    codelist: str | None = compiled_field(
        code_part("codelist"),
        description="The IATI codelist it is a code of (TransactionType, Sector); null for "
        "a publisher's own vocabulary (98, 99) or one without a bundled list.",
    )

    @compiled_field(
        code_name,
        description="Its name in the codelist, in `lang` (codelists give English, many "
        "French too); null when the codelist lacks the code or the language.",
    )
    async def name(self, info: Info, lang: Lang = None) -> str | None:
        wanted = checked_lang(lang) or "en"
        if self.codelist is None:
            return None
        found = await info.context.loaders.code.load((self.codelist, self.code))
        return None if found is None else found.names.get(wanted)

    @compiled_field(
        code_known,
        description="Whether the codelist knows the code: false for a code the file uses "
        "that the codelist lacks (kept as written, with a warning on the activity).",
    )
    async def known(self, info: Info) -> bool:
        if self.codelist is None:
            return False
        return await info.context.loaders.code.load((self.codelist, self.code)) is not None

    @compiled_field(
        code_withdrawn,
        description="True for a code the codelist has withdrawn (old files still use it); "
        "null when the codelist lacks the code.",
    )
    async def withdrawn(self, info: Info) -> bool | None:
        if self.codelist is None:
            return None
        found = await info.context.loaders.code.load((self.codelist, self.code))
        return None if found is None else found.withdrawn


def code(codelist: str | None, value: str | None) -> Code | None:
    return None if value is None else Code(code=value, codelist=codelist)


def _codes_in(value: object, found: set[tuple[str, str]], depth: int = 0) -> None:
    if isinstance(value, Code):
        if value.codelist is not None:
            found.add((value.codelist, value.code))
    elif isinstance(value, list):
        for item in value:
            _codes_in(item, found, depth)
    elif depth < 3 and hasattr(value, "__strawberry_definition__"):
        for item in vars(value).values():
            _codes_in(item, found, depth + 1)


async def with_code_names(info: Info, items: list[T]) -> list[T]:
    """``items`` once the names of every code in them are loaded, in one batch with the
    codes of the sibling lists resolved at the same time: their ``name`` fields then read
    the loader's cache, so a query costs one codelist statement per level of its lists,
    not one per moment a name happens to be asked for."""
    found: set[tuple[str, str]] = set()
    _codes_in(items, found)
    # A list without codes waits for the same batch as its siblings, so what they resolve
    # next (a project's tags, whichever projects have codes) is asked for together.
    await info.context.loaders.code.load_many(sorted(found) or [NO_CODE])
    return items
