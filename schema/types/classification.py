"""How an IATI activity is classified: sectors, recipient regions, policy markers, tags,
humanitarian scopes, aid types and the activity's default classifications.

Every code is kept as the file writes it, with its vocabulary; names come from the bundled
codelists where the vocabulary is one of them (a DAC sector, an SDG target), from the file's
narratives otherwise.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy.engine import RowMapping

from schema.info import Info
from schema.types.code import (
    AID_TYPE_CODELISTS,
    POLICY_MARKER_CODELISTS,
    REGION_CODELISTS,
    SECTOR_CODELISTS,
    TAG_CODELISTS,
    Code,
    code,
)
from schema.types.common import Source
from schema.types.narrative import Lang, Narrative, narratives, text_in

if TYPE_CHECKING:
    from schema.types.reference import Region


def _text(items: list[Narrative], lang: str | None, default_lang: str | None) -> str | None:
    return text_in([{"lang": n.lang, "text": n.text} for n in items], lang, default_lang)


@strawberry.type(
    description="An IATI sector: a code of a vocabulary (1 DAC 5-digit, 2 DAC 3-digit, "
    "7 SDG goal, 8 SDG target, 99 the publisher's own...) and the share of the activity in it. "
    "A classification apart from the built-in dataset's themes."
)
class Sector:
    vocabulary: Code = strawberry.field(
        description="A SectorVocabulary code; 1 (DAC 5-digit) where the file gives none."
    )
    vocabulary_uri: str | None = strawberry.field(
        description="Where a publisher's own vocabulary (98, 99) is defined; null otherwise."
    )
    code: Code = strawberry.field(
        description="The sector code as written: 15170, 151, 5.2; named from the codelist of "
        "its vocabulary where the service holds it."
    )
    percentage: Decimal | None = strawberry.field(
        description="Share of the activity in this sector, in percent, as written (the "
        "shares of one vocabulary should add up to 100: a warning says when not); null when "
        "the file gives none."
    )
    narratives: list[Narrative] = strawberry.field(
        description="The file's own name of the sector, in every language it gives."
    )

    @classmethod
    def of(
        cls,
        vocabulary: str | None,
        code_value: str,
        vocabulary_uri: str | None,
        percentage: Decimal | None,
        names: list[dict[str, Any]] | None,
    ) -> "Sector":
        vocabulary = vocabulary or "1"
        return cls(
            vocabulary=Code(code=vocabulary, codelist="SectorVocabulary"),
            vocabulary_uri=vocabulary_uri,
            code=Code(code=code_value, codelist=SECTOR_CODELISTS.get(vocabulary)),
            percentage=percentage,
            narratives=narratives(names),
        )

    @classmethod
    def from_row(cls, row: RowMapping) -> "Sector":
        return cls.of(
            row["vocabulary"],
            row["code"],
            row["vocabulary_uri"],
            row["percentage"],
            row["narratives"],
        )

    @classmethod
    def of_json(cls, item: dict[str, Any], default_lang: str | None) -> "Sector":
        return cls.of(
            item.get("vocabulary"),
            str(item.get("code") or ""),
            item.get("vocabulary_uri"),
            None,
            item.get("narratives"),
        )


@strawberry.type(description="An aid-type element: a code of one AidTypeVocabulary.")
class AidType:
    vocabulary: Code = strawberry.field(
        description="An AidTypeVocabulary code: 1 OECD DAC (where the file gives none), "
        "2 Earmarking category, 3 Earmarking modality, 4 Cash and voucher modalities."
    )
    code: Code = strawberry.field(description="The aid type code as written (C01, B02...).")

    @classmethod
    def of_json(cls, item: dict[str, Any]) -> "AidType":
        vocabulary = str(item.get("vocabulary") or "1")
        return cls(
            vocabulary=Code(code=vocabulary, codelist="AidTypeVocabulary"),
            code=Code(
                code=str(item.get("code") or ""), codelist=AID_TYPE_CODELISTS.get(vocabulary)
            ),
        )


@strawberry.type(
    description="A project's link to a recipient region: an IATI recipient-region with its "
    "vocabulary and share, or a region of the built-in dataset (ASEAN, GLOBAL)."
)
class RegionLink:
    vocabulary: Code | None = strawberry.field(
        description="A RegionVocabulary code: 1 OECD DAC, 2 UN M49, 99 the publisher's own; "
        "null for the built-in dataset's regions, which are the service's own codes."
    )
    vocabulary_uri: str | None = strawberry.field(
        description="Where a publisher's own vocabulary (99) is defined; null otherwise."
    )
    code: str = strawberry.field(description="The region code as written (298, ASEAN).")
    percentage: Decimal | None = strawberry.field(
        description="Share of the activity in this region, in percent; null when not given."
    )
    narratives: list[Narrative] = strawberry.field(
        description="The file's own name of the region, in every language it gives."
    )
    region_code: strawberry.Private[str | None]
    project_id: strawberry.Private[int]
    default_lang: strawberry.Private[str | None]

    @classmethod
    def iati(
        cls,
        *,
        vocabulary: str | None,
        code_value: str,
        vocabulary_uri: str | None,
        percentage: Decimal | None,
        names: list[dict[str, Any]] | None,
        project_id: int,
        default_lang: str | None,
    ) -> "RegionLink":
        vocabulary = vocabulary or "1"
        return cls(
            vocabulary=Code(code=vocabulary, codelist="RegionVocabulary"),
            vocabulary_uri=vocabulary_uri,
            code=code_value,
            percentage=percentage,
            narratives=narratives(names),
            region_code=code_value if vocabulary in REGION_CODELISTS else None,
            project_id=project_id,
            default_lang=default_lang,
        )

    @classmethod
    def from_row(cls, row: RowMapping) -> "RegionLink":
        return cls.iati(
            vocabulary=row["vocabulary"],
            code_value=row["code"],
            vocabulary_uri=row["vocabulary_uri"],
            percentage=row["percentage"],
            names=row["narratives"],
            project_id=row["project_id"],
            default_lang=row["_lang"],
        )

    @classmethod
    def of_dataset(cls, region_code: str, project_id: int) -> "RegionLink":
        return cls(
            vocabulary=None,
            vocabulary_uri=None,
            code=region_code,
            percentage=None,
            narratives=[],
            region_code=region_code,
            project_id=project_id,
            default_lang=None,
        )

    @strawberry.field(
        description="The region, where the service holds it (the OECD DAC regions of the "
        "Region codelist and the dataset's own); null for a code of another vocabulary."
    )
    async def region(
        self, info: Info
    ) -> Annotated["Region", strawberry.lazy("schema.types.reference")] | None:
        if self.region_code is None:
            return None
        return await info.context.loaders.region.load(self.region_code)

    @strawberry.field(
        description="The passages the link is stated in: the project's own sources (an "
        "imported project's: its IATI file and activity)."
    )
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["project_id"].load(self.project_id)

    @strawberry.field(description="The file's name of the region in `lang`, or the default one.")
    def name(self, lang: Lang = None) -> str | None:
        return _text(self.narratives, lang, self.default_lang)


@strawberry.type(
    description="An IATI policy marker: how far the activity targets a policy objective "
    "(gender equality, environment...)."
)
class PolicyMarker:
    vocabulary: Code = strawberry.field(
        description="A PolicyMarkerVocabulary code: 1 OECD DAC CRS (where the file gives "
        "none), 99 the publisher's own."
    )
    vocabulary_uri: str | None = strawberry.field(
        description="Where a publisher's own vocabulary (99) is defined; null otherwise."
    )
    code: Code = strawberry.field(description="The marker: a PolicyMarker code (1 Gender...).")
    significance: Code | None = strawberry.field(
        description="A PolicySignificance code: 0 not targeted, 1 significant, 2 principal "
        "objective, 3 principal and in support of an action programme, 4 explicit primary "
        "objective; null where the file gives none."
    )
    narratives: list[Narrative] = strawberry.field(
        description="The file's own name of the marker, in every language it gives."
    )

    @classmethod
    def from_row(cls, row: RowMapping) -> "PolicyMarker":
        vocabulary = row["vocabulary"] or "1"
        return cls(
            vocabulary=Code(code=vocabulary, codelist="PolicyMarkerVocabulary"),
            vocabulary_uri=row["vocabulary_uri"],
            code=Code(code=row["code"], codelist=POLICY_MARKER_CODELISTS.get(vocabulary)),
            significance=code("PolicySignificance", row["significance"]),
            narratives=narratives(row["narratives"]),
        )


@strawberry.type(description="An IATI tag: a code of a TagVocabulary (2 SDG goal, 3 target...).")
class Tag:
    vocabulary: Code = strawberry.field(description="A TagVocabulary code (1, 2, 3, 99).")
    vocabulary_uri: str | None = strawberry.field(
        description="Where a publisher's own vocabulary (99) is defined; null otherwise."
    )
    code: Code = strawberry.field(description="The tag's code as written.")
    narratives: list[Narrative] = strawberry.field(
        description="The tag's text in every language the file gives."
    )

    @classmethod
    def from_row(cls, row: RowMapping) -> "Tag":
        return cls(
            vocabulary=Code(code=row["vocabulary"], codelist="TagVocabulary"),
            vocabulary_uri=row["vocabulary_uri"],
            code=Code(code=row["code"], codelist=TAG_CODELISTS.get(row["vocabulary"])),
            narratives=narratives(row["narratives"]),
        )


@strawberry.type(description="An IATI humanitarian-scope: the emergency or appeal it answers.")
class HumanitarianScope:
    type: Code = strawberry.field(
        description="A HumanitarianScopeType code: 1 Emergency, 2 Appeal."
    )
    vocabulary: Code = strawberry.field(
        description="A HumanitarianScopeVocabulary code (1-2 GLIDE, 2-1 Humanitarian plan...)."
    )
    vocabulary_uri: str | None = strawberry.field(
        description="Where a publisher's own vocabulary (99) is defined; null otherwise."
    )
    code: str = strawberry.field(
        description="The emergency's or appeal's code (EQ-2015-000048-NPL)."
    )
    narratives: list[Narrative] = strawberry.field(
        description="Its name in every language the file gives."
    )

    @classmethod
    def from_row(cls, row: RowMapping) -> "HumanitarianScope":
        return cls(
            type=Code(code=row["type"], codelist="HumanitarianScopeType"),
            vocabulary=Code(code=row["vocabulary"], codelist="HumanitarianScopeVocabulary"),
            vocabulary_uri=row["vocabulary_uri"],
            code=row["code"],
            narratives=narratives(row["narratives"]),
        )


@strawberry.type(
    description="An IATI activity's classifications as its file states them: the defaults "
    "its transactions inherit, its scope and collaboration type, and its tags and "
    "humanitarian scopes. Every field is null (or empty) for a project no IATI file describes."
)
class Classifications:
    collaboration_type: Code | None = strawberry.field(
        description="A CollaborationType code (1 Bilateral, 2 Multilateral...)."
    )
    default_flow_type: Code | None = strawberry.field(description="A FlowType code (10 ODA...).")
    default_finance_type: Code | None = strawberry.field(
        description="A FinanceType code (110 Standard grant...)."
    )
    default_aid_types: list[AidType] = strawberry.field(
        description="Its default-aid-type elements, one per vocabulary."
    )
    default_tied_status: Code | None = strawberry.field(description="A TiedStatus code (5 Untied).")
    activity_scope: Code | None = strawberry.field(
        description="An ActivityScope code (1 Global ... 8 Single location)."
    )
    budget_not_provided: Code | None = strawberry.field(
        description="A BudgetNotProvided code: why the activity states no budget."
    )
    project_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: RowMapping) -> "Classifications":
        return cls(
            collaboration_type=code("CollaborationType", row["collaboration_type"]),
            default_flow_type=code("FlowType", row["default_flow_type"]),
            default_finance_type=code("FinanceType", row["default_finance_type"]),
            default_aid_types=[AidType.of_json(a) for a in row["default_aid_types"] or []],
            default_tied_status=code("TiedStatus", row["default_tied_status"]),
            activity_scope=code("ActivityScope", row["activity_scope"]),
            budget_not_provided=code("BudgetNotProvided", row["budget_not_provided"]),
            project_id=row["id"],
        )

    @strawberry.field(description="Its tag elements, in file order.")
    async def tags(self, info: Info) -> list[Tag]:
        rows = await info.context.loaders.activity_rows("ActivityTag").load(self.project_id)
        return [Tag.from_row(row) for row in rows]

    @strawberry.field(description="Its humanitarian-scope elements, in file order.")
    async def humanitarian_scopes(self, info: Info) -> list[HumanitarianScope]:
        loader = info.context.loaders.activity_rows("ActivityHumanitarianScope")
        return [HumanitarianScope.from_row(row) for row in await loader.load(self.project_id)]
