"""How an IATI activity is classified: sectors, recipient regions, policy markers, tags,
humanitarian scopes, aid types and the activity's default classifications.

Every code is kept as the file writes it, with its vocabulary; names come from the bundled
codelists where the vocabulary is one of them (a DAC sector, an SDG target), from the file's
narratives otherwise.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql.elements import ColumnElement

from db import queries, tables
from db.metadata import table_of
from schema.compiled.activity_rules import (
    Read,
    activity_rows,
    coded,
    codelist_of,
    exact_decimal,
    field_of,
    json_items,
    json_member,
    json_text,
    narrative_list,
    or_default,
    plain,
    record,
    text_of,
)
from schema.compiled.builders import sources
from schema.compiled.compiler import compiled_field
from schema.info import Info
from schema.types.code import (
    AID_TYPE_CODELISTS,
    POLICY_MARKER_CODELISTS,
    REGION_CODELISTS,
    SECTOR_CODELISTS,
    TAG_CODELISTS,
    Code,
    code,
    with_code_names,
)
from schema.types.common import Source
from schema.types.money import as_written
from schema.types.narrative import Lang, Narrative, narratives, text_in

if TYPE_CHECKING:
    from schema.types.reference import Region


_SECTOR_VOCABULARY = or_default("vocabulary", "1")
_MARKER_VOCABULARY: Read = _SECTOR_VOCABULARY


def sector_of_json(element: ColumnElement[Any], row: Any) -> Mapping[str, Any]:
    """``Sector.of_json`` on the compiled path: a transaction's sector, without a share."""
    return {
        "vocabulary": json_text(element, "vocabulary"),
        "vocabulary_uri": json_text(element, "vocabulary_uri"),
        "code": sa.func.coalesce(json_text(element, "code"), ""),
        "percentage": sa.null(),
        "narratives": json_member(element, "narratives"),
    }


def aid_type_of_json(element: ColumnElement[Any], row: Any) -> Mapping[str, Any]:
    """``AidType.of_json`` on the compiled path."""
    return {
        "vocabulary": sa.func.coalesce(sa.func.nullif(json_text(element, "vocabulary"), ""), "1"),
        "code": sa.func.coalesce(json_text(element, "code"), ""),
    }


def _text(items: list[Narrative], lang: str | None, default_lang: str | None) -> str | None:
    return text_in([{"lang": n.lang, "text": n.text} for n in items], lang, default_lang)


@strawberry.type(
    description="An IATI sector: a code of a vocabulary (1 DAC 5-digit, 2 DAC 3-digit, "
    "7 SDG goal, 8 SDG target, 99 the publisher's own...) and the share of the activity in it. "
    "A classification apart from the built-in dataset's themes."
)
class Sector:
    vocabulary: Code = compiled_field(
        coded(_SECTOR_VOCABULARY, "SectorVocabulary"),
        description="A SectorVocabulary code; 1 (DAC 5-digit) where the file gives none.",
    )
    vocabulary_uri: str | None = compiled_field(
        plain(),
        description="Where a publisher's own vocabulary (98, 99) is defined; null otherwise.",
    )
    code: Code = compiled_field(
        coded("code", codelist_of(_SECTOR_VOCABULARY, SECTOR_CODELISTS)),
        description="The sector code as written: 15170, 151, 5.2; named from the codelist of "
        "its vocabulary where the service holds it.",
    )
    percentage: Decimal | None = compiled_field(
        exact_decimal(),
        description="Share of the activity in this sector, in percent, as written (the "
        "shares of one vocabulary should add up to 100: a warning says when not); null when "
        "the file gives none.",
    )
    narratives: list[Narrative] = compiled_field(
        narrative_list(),
        description="The file's own name of the sector, in every language it gives.",
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
            percentage=as_written(percentage),
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
    vocabulary: Code = compiled_field(
        coded(codelist="AidTypeVocabulary"),
        description="An AidTypeVocabulary code: 1 OECD DAC (where the file gives none), "
        "2 Earmarking category, 3 Earmarking modality, 4 Cash and voucher modalities.",
    )
    code: Code = compiled_field(
        coded(
            codelist=codelist_of(lambda scope: field_of(scope, "vocabulary"), AID_TYPE_CODELISTS)
        ),
        description="The aid type code as written (C01, B02...).",
    )

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
    vocabulary: Code | None = compiled_field(
        coded(codelist="RegionVocabulary"),
        description="A RegionVocabulary code: 1 OECD DAC, 2 UN M49, 99 the publisher's own; "
        "null for the built-in dataset's regions, which are the service's own codes.",
    )
    vocabulary_uri: str | None = compiled_field(
        plain(),
        description="Where a publisher's own vocabulary (99) is defined; null otherwise.",
    )
    code: str = compiled_field(plain(), description="The region code as written (298, ASEAN).")
    percentage: Decimal | None = compiled_field(
        exact_decimal(),
        description="Share of the activity in this region, in percent; null when not given.",
    )
    narratives: list[Narrative] = compiled_field(
        narrative_list(),
        description="The file's own name of the region, in every language it gives.",
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
            percentage=as_written(percentage),
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

    @staticmethod
    def iati_scope(
        *,
        vocabulary: ColumnElement[Any],
        code_value: ColumnElement[Any],
        vocabulary_uri: ColumnElement[Any],
        percentage: ColumnElement[Any],
        names: ColumnElement[Any],
        project_id: ColumnElement[Any],
        default_lang: ColumnElement[Any],
    ) -> Mapping[str, Any]:
        """``iati`` on the compiled path: the scope its fields read."""
        vocabulary = sa.func.coalesce(sa.func.nullif(vocabulary, ""), "1")
        return {
            "vocabulary": vocabulary,
            "vocabulary_uri": vocabulary_uri,
            "code": code_value,
            "percentage": percentage,
            "narratives": names,
            "region_code": sa.case(
                (vocabulary.in_(list(REGION_CODELISTS)), code_value), else_=sa.null()
            ),
            "project_id": project_id,
            "_lang": default_lang,
        }

    @staticmethod
    def row_scope(row: Any) -> Mapping[str, Any]:
        """``from_row`` on the compiled path."""
        return RegionLink.iati_scope(
            vocabulary=field_of(row, "vocabulary"),
            code_value=field_of(row, "code"),
            vocabulary_uri=field_of(row, "vocabulary_uri"),
            percentage=field_of(row, "percentage"),
            names=field_of(row, "narratives"),
            project_id=field_of(row, "project_id"),
            default_lang=field_of(row, "_lang"),
        )

    @staticmethod
    def dataset_scope(
        region_code: ColumnElement[Any], project_id: ColumnElement[Any]
    ) -> Mapping[str, Any]:
        """``of_dataset`` on the compiled path."""
        return {
            "vocabulary": sa.null(),
            "vocabulary_uri": sa.null(),
            "code": region_code,
            "percentage": sa.null(),
            "narratives": sa.cast(sa.null(), JSONB),
            "region_code": region_code,
            "project_id": project_id,
            "_lang": sa.null(),
        }

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

    @compiled_field(
        record(queries.region, "region_code", key="code"),
        description="The region, where the service holds it (the OECD DAC regions of the "
        "Region codelist and the dataset's own); null for a code of another vocabulary.",
    )
    async def region(
        self, info: Info
    ) -> Annotated["Region", strawberry.lazy("schema.types.reference")] | None:
        if self.region_code is None:
            return None
        return await info.context.loaders.region.load(self.region_code)

    @compiled_field(
        sources("project_id", record=lambda scope: field_of(scope, "project_id")),
        description="The passages the link is stated in: the project's own sources (an "
        "imported project's: its IATI file and activity).",
    )
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["project_id"].load(self.project_id)

    @compiled_field(
        text_of("narratives"),
        description="The file's name of the region in `lang`, or the default one.",
    )
    def name(self, lang: Lang = None) -> str | None:
        return _text(self.narratives, lang, self.default_lang)


@strawberry.type(
    description="An IATI policy marker: how far the activity targets a policy objective "
    "(gender equality, environment...)."
)
class PolicyMarker:
    vocabulary: Code = compiled_field(
        coded(_MARKER_VOCABULARY, "PolicyMarkerVocabulary"),
        description="A PolicyMarkerVocabulary code: 1 OECD DAC CRS (where the file gives "
        "none), 99 the publisher's own.",
    )
    vocabulary_uri: str | None = compiled_field(
        plain(),
        description="Where a publisher's own vocabulary (99) is defined; null otherwise.",
    )
    code: Code = compiled_field(
        coded("code", codelist_of(_MARKER_VOCABULARY, POLICY_MARKER_CODELISTS)),
        description="The marker: a PolicyMarker code (1 Gender...).",
    )
    significance: Code | None = compiled_field(
        coded(codelist="PolicySignificance"),
        description="A PolicySignificance code: 0 not targeted, 1 significant, 2 principal "
        "objective, 3 principal and in support of an action programme, 4 explicit primary "
        "objective; null where the file gives none.",
    )
    narratives: list[Narrative] = compiled_field(
        narrative_list(),
        description="The file's own name of the marker, in every language it gives.",
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
    vocabulary: Code = compiled_field(
        coded(codelist="TagVocabulary"), description="A TagVocabulary code (1, 2, 3, 99)."
    )
    vocabulary_uri: str | None = compiled_field(
        plain(),
        description="Where a publisher's own vocabulary (99) is defined; null otherwise.",
    )
    code: Code = compiled_field(
        coded("code", codelist_of(lambda row: field_of(row, "vocabulary"), TAG_CODELISTS)),
        description="The tag's code as written.",
    )
    narratives: list[Narrative] = compiled_field(
        narrative_list(), description="The tag's text in every language the file gives."
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
    type: Code = compiled_field(
        coded(codelist="HumanitarianScopeType"),
        description="A HumanitarianScopeType code: 1 Emergency, 2 Appeal.",
    )
    vocabulary: Code = compiled_field(
        coded(codelist="HumanitarianScopeVocabulary"),
        description="A HumanitarianScopeVocabulary code (1-2 GLIDE, 2-1 Humanitarian plan...).",
    )
    vocabulary_uri: str | None = compiled_field(
        plain(),
        description="Where a publisher's own vocabulary (99) is defined; null otherwise.",
    )
    code: str = compiled_field(
        plain(), description="The emergency's or appeal's code (EQ-2015-000048-NPL)."
    )
    narratives: list[Narrative] = compiled_field(
        narrative_list(), description="Its name in every language the file gives."
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
    collaboration_type: Code | None = compiled_field(
        coded(codelist="CollaborationType"),
        description="A CollaborationType code (1 Bilateral, 2 Multilateral...).",
    )
    default_flow_type: Code | None = compiled_field(
        coded(codelist="FlowType"), description="A FlowType code (10 ODA...)."
    )
    default_finance_type: Code | None = compiled_field(
        coded(codelist="FinanceType"), description="A FinanceType code (110 Standard grant...)."
    )
    default_aid_types: list[AidType] = compiled_field(
        json_items("default_aid_types", aid_type_of_json),
        description="Its default-aid-type elements, one per vocabulary.",
    )
    default_tied_status: Code | None = compiled_field(
        coded(codelist="TiedStatus"), description="A TiedStatus code (5 Untied)."
    )
    activity_scope: Code | None = compiled_field(
        coded(codelist="ActivityScope"),
        description="An ActivityScope code (1 Global ... 8 Single location).",
    )
    budget_not_provided: Code | None = compiled_field(
        coded(codelist="BudgetNotProvided"),
        description="A BudgetNotProvided code: why the activity states no budget.",
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

    @compiled_field(
        activity_rows(table_of(tables.ActivityTag)), description="Its tag elements, in file order."
    )
    async def tags(self, info: Info) -> list[Tag]:
        rows = await info.context.loaders.activity_rows("ActivityTag").load(self.project_id)
        return await with_code_names(info, [Tag.from_row(row) for row in rows])

    @compiled_field(
        activity_rows(table_of(tables.ActivityHumanitarianScope)),
        description="Its humanitarian-scope elements, in file order.",
    )
    async def humanitarian_scopes(self, info: Info) -> list[HumanitarianScope]:
        loader = info.context.loaders.activity_rows("ActivityHumanitarianScope")
        rows = await loader.load(self.project_id)
        return await with_code_names(info, [HumanitarianScope.from_row(row) for row in rows])
