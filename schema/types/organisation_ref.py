"""An organisation as an IATI element names it (provider, receiver, reporting-org): its ref,
type and name as written, and the partner the import matched it to."""

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from schema.info import Info
from schema.types.code import Code, code
from schema.types.narrative import Lang, Narrative, narratives, text_in

if TYPE_CHECKING:
    from schema.types.partner import Partner


@strawberry.type(
    description="An organisation as an IATI element writes it (a transaction's provider or "
    "receiver, a planned disbursement's): kept as written, beside the partner matched."
)
class OrganisationReference:
    ref: str | None = strawberry.field(
        description="Its @ref as written: a registered identifier (XM-DAC-41302) or the "
        "publisher's own local code; null when the file gives none."
    )
    type: Code | None = strawberry.field(
        description="Its @type, an OrganisationType code (10 Government...); null if absent."
    )
    activity_id: str | None = strawberry.field(
        description="The IATI identifier of the organisation's own activity the money comes "
        "from or goes to (provider-activity-id / receiver-activity-id); null if not given."
    )
    name_narratives: list[Narrative] = strawberry.field(
        description="Its name in every language the file gives."
    )
    partner_id: strawberry.Private[int | None]
    default_lang: strawberry.Private[str | None]

    @strawberry.field(description="Its name in `lang`, or the activity's default language.")
    def name(self, lang: Lang = None) -> str | None:
        raw = [{"lang": n.lang, "text": n.text} for n in self.name_narratives]
        return text_in(raw, lang, self.default_lang)

    @strawberry.field(
        description="The partner the import matched it to (by a registered identifier, or by "
        "its local ref together with its name); null when none was."
    )
    async def partner(
        self, info: Info
    ) -> Annotated["Partner", strawberry.lazy("schema.types.partner")] | None:
        if self.partner_id is None:
            return None
        return await info.context.loaders.partner.load(self.partner_id)

    @classmethod
    def of(
        cls, row: Any, prefix: str, default_lang: str | None, partner_id: int | None = None
    ) -> "OrganisationReference | None":
        ref, kind = row[f"{prefix}_org_ref"], row[f"{prefix}_org_type"]
        activity, names = row[f"{prefix}_activity_id"], row[f"{prefix}_org_narratives"]
        if ref is None and kind is None and activity is None and not names:
            return None
        return cls(
            ref=ref,
            type=code("OrganisationType", kind),
            activity_id=activity,
            name_narratives=narratives(names),
            partner_id=partner_id,
            default_lang=default_lang,
        )
