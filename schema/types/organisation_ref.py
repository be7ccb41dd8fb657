"""An organisation as an IATI element names it (provider, receiver, reporting-org): its ref,
type and name as written, and the partner the import matched it to."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import sqlalchemy as sa
import strawberry

from db import queries
from schema.compiled.activity_rules import (
    coded,
    field_of,
    narrative_list,
    part,
    plain,
    record,
    text_of,
)
from schema.compiled.compiler import Rule, compiled_field
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
    ref: str | None = compiled_field(
        plain(),
        description="Its @ref as written: a registered identifier (XM-DAC-41302) or the "
        "publisher's own local code; null when the file gives none.",
    )
    type: Code | None = compiled_field(
        coded(codelist="OrganisationType"),
        description="Its @type, an OrganisationType code (10 Government...); null if absent.",
    )
    activity_id: str | None = compiled_field(
        plain(),
        description="The IATI identifier of the organisation's own activity the money comes "
        "from or goes to (provider-activity-id / receiver-activity-id); null if not given.",
    )
    name_narratives: list[Narrative] = compiled_field(
        narrative_list(), description="Its name in every language the file gives."
    )
    partner_id: strawberry.Private[int | None]
    default_lang: strawberry.Private[str | None]

    @compiled_field(
        text_of("name_narratives"),
        description="Its name in `lang`, or the activity's default language.",
    )
    def name(self, lang: Lang = None) -> str | None:
        raw = [{"lang": n.lang, "text": n.text} for n in self.name_narratives]
        return text_in(raw, lang, self.default_lang)

    @compiled_field(
        record(queries.partner, "partner_id"),
        description="The partner the import matched it to (by a registered identifier, or by "
        "its local ref together with its name); null when none was.",
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


def organisation(prefix: str, partner: bool = False) -> Rule:
    """``OrganisationReference.of`` on the compiled path: the row's ``prefix`` columns (and
    the partner matched, where the table keeps one); null where the file names nothing."""

    def scope_of(row: Any) -> Mapping[str, Any]:
        return {
            "ref": field_of(row, f"{prefix}_org_ref"),
            "type": field_of(row, f"{prefix}_org_type"),
            "activity_id": field_of(row, f"{prefix}_activity_id"),
            "name_narratives": field_of(row, f"{prefix}_org_narratives"),
            "partner_id": field_of(row, f"{prefix}_partner_id") if partner else sa.null(),
            "_lang": field_of(row, "_lang"),
        }

    def present(row: Any) -> sa.ColumnElement[bool]:
        names = field_of(row, f"{prefix}_org_narratives")
        return sa.or_(
            field_of(row, f"{prefix}_org_ref").is_not(None),
            field_of(row, f"{prefix}_org_type").is_not(None),
            field_of(row, f"{prefix}_activity_id").is_not(None),
            sa.func.coalesce(sa.func.jsonb_array_length(names), 0) > 0,
        )

    return part(scope_of, present)
