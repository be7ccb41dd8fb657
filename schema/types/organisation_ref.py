"""An organisation as an IATI element names it (reporting-org, participating-org, a
transaction's provider or receiver): its ref, type and name as written, and the partner the
import matched it to. ``OrganisationElement`` is what the types of those elements share, with
the fields (and their compiled rules) they declare from it."""

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

REF_AS_WRITTEN = (
    "Its @ref as written: a registered identifier (XM-DAC-41302) or the publisher's own "
    "local code; null when the file gives none."
)


@strawberry.type
class OrganisationElement:
    """The base of the organisation elements' types: what they keep of the file (the name's
    narratives, the activity's language, the partner matched) and how their shared fields
    resolve. It declares no GraphQL field itself: Strawberry would list a base's fields
    before the type's own, so each type declares the shared ones with the functions below,
    where its schema has them (the name and partner last)."""

    names: strawberry.Private[list[Narrative]]
    partner_id: strawberry.Private[int | None]
    default_lang: strawberry.Private[str | None]

    def written_names(self) -> list[Narrative]:
        return self.names

    def name_in(self, lang: Lang = None) -> str | None:
        raw = [{"lang": n.lang, "text": n.text} for n in self.names]
        return text_in(raw, lang, self.default_lang)

    async def matched_partner(
        self, info: Info
    ) -> Annotated["Partner", strawberry.lazy("schema.types.partner")] | None:
        if self.partner_id is None:
            return None
        return await info.context.loaders.partner.load(self.partner_id)


def ref_field(description: str = REF_AS_WRITTEN) -> Any:
    """The element's @ref, as written."""
    return compiled_field(plain(), description=description)


def type_field(description: str) -> Any:
    """The element's @type, an OrganisationType code."""
    return compiled_field(coded(codelist="OrganisationType"), description=description)


def name_narratives_field(source: str = "name_narratives") -> Any:
    """``nameNarratives``, read on the compiled path from the scope's ``source``."""
    return compiled_field(
        narrative_list(source),
        description="Its name in every language the file gives.",
        resolver=OrganisationElement.written_names,
    )


def name_field(source: str = "name_narratives") -> Any:
    """``name(lang:)``: the text of the scope's ``source`` narratives in one language."""
    return compiled_field(
        text_of(source),
        description="Its name in `lang`, or the activity's default language.",
        resolver=OrganisationElement.name_in,
    )


def partner_field(description: str) -> Any:
    """``partner``: the partner the import matched, by the scope's ``partner_id``."""
    return compiled_field(
        record(queries.partner, "partner_id"),
        description=description,
        resolver=OrganisationElement.matched_partner,
    )


@strawberry.type(
    description="An organisation as an IATI element writes it (a transaction's provider or "
    "receiver, a planned disbursement's): kept as written, beside the partner matched."
)
class OrganisationReference(OrganisationElement):
    ref: str | None = ref_field()
    type: Code | None = type_field(
        "Its @type, an OrganisationType code (10 Government...); null if absent."
    )
    activity_id: str | None = compiled_field(
        plain(),
        description="The IATI identifier of the organisation's own activity the money comes "
        "from or goes to (provider-activity-id / receiver-activity-id); null if not given.",
    )
    name_narratives = name_narratives_field()
    name = name_field()
    partner = partner_field(
        "The partner the import matched it to (by a registered identifier, or by its local "
        "ref together with its name); null when none was."
    )

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
            names=narratives(names),
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
