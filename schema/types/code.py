"""A code of an IATI codelist as a value: the code as written and its name from the
codelists the database holds (``db.codelists``), batched per request."""

import strawberry

from schema.info import Info
from schema.types.narrative import Lang, checked_lang

SECTOR_CODELISTS = {"1": "Sector", "2": "SectorCategory", "7": "UNSDG-Goals", "8": "UNSDG-Targets"}
"""SectorVocabulary codes whose codes are a bundled codelist's."""

TAG_CODELISTS = {"2": "UNSDG-Goals", "3": "UNSDG-Targets"}
REGION_CODELISTS = {"1": "Region"}
POLICY_MARKER_CODELISTS = {"1": "PolicyMarker"}
AID_TYPE_CODELISTS = {"1": "AidType"}


@strawberry.type(
    description="A code of an IATI codelist (TransactionType 3, Sector 15170...), kept as the "
    "file writes it, with its name from the codelists the service holds."
)
class Code:
    code: str = strawberry.field(description="The code as written in the file.")
    codelist: str | None = strawberry.field(
        description="The IATI codelist it is a code of (TransactionType, Sector); null for "
        "a publisher's own vocabulary (98, 99) or one without a bundled list."
    )

    @strawberry.field(
        description="Its name in the codelist, in `lang` (codelists give English, many "
        "French too); null when the codelist lacks the code or the language."
    )
    async def name(self, info: Info, lang: Lang = None) -> str | None:
        wanted = checked_lang(lang) or "en"
        if self.codelist is None:
            return None
        found = await info.context.loaders.code.load((self.codelist, self.code))
        return None if found is None else found.names.get(wanted)

    @strawberry.field(
        description="Whether the codelist knows the code: false for a code the file uses "
        "that the codelist lacks (kept as written, with a warning on the activity)."
    )
    async def known(self, info: Info) -> bool:
        if self.codelist is None:
            return False
        return await info.context.loaders.code.load((self.codelist, self.code)) is not None

    @strawberry.field(
        description="True for a code the codelist has withdrawn (old files still use it); "
        "null when the codelist lacks the code."
    )
    async def withdrawn(self, info: Info) -> bool | None:
        if self.codelist is None:
            return None
        found = await info.context.loaders.code.load((self.codelist, self.code))
        return None if found is None else found.withdrawn


def code(codelist: str | None, value: str | None) -> Code | None:
    return None if value is None else Code(code=value, codelist=codelist)
