"""IATI results as the standard nests them: result → indicator → baselines and periods →
targets and actuals.

These are the activity's results as its file states them. ``Project.outcomes`` (the
service's older summary) holds one ``Outcome`` per indicator, period and set of dimensions,
made from the same elements at import, with a target, an actual and ``progress``; the built-in
dataset's outcomes have no IATI result behind them.
"""

import datetime
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.elements import ColumnElement

from db import tables
from db.enums import PeriodValueKind
from db.metadata import table_of
from schema.compiled.activity_rules import (
    Condition,
    activity_rows,
    coded,
    json_items,
    json_text,
    narrative_list,
    plain,
    text_of,
)
from schema.compiled.compiler import Compiler, Request, compiled_field
from schema.info import Info
from schema.types.code import Code, with_code_names
from schema.types.narrative import Lang, Narrative, narratives, text_in


def _text(value: list[Narrative], lang: str | None, default: str | None) -> str | None:
    return text_in([{"lang": n.lang, "text": n.text} for n in value], lang, default)


def _dimension(element: ColumnElement[Any], row: Any) -> Mapping[str, Any]:
    """``_dimensions`` on the compiled path: ``""`` for what a dimension lacks."""
    return {
        "name": sa.func.coalesce(json_text(element, "name"), ""),
        "value": sa.func.coalesce(json_text(element, "value"), ""),
    }


def _of_kind(kind: PeriodValueKind) -> Condition:
    def condition(compiler: Compiler, request: Request, row: FromClause) -> ColumnElement[bool]:
        return row.c.kind == kind.value

    return condition


@strawberry.type(description="A dimension a value is broken down by (sex: female).")
class Dimension:
    name: str = compiled_field(plain(), description="What the value is broken down by (sex, age).")
    value: str = compiled_field(plain(), description="Which part this value is (female, 15-24).")


def _dimensions(value: list[dict[str, Any]] | None) -> list[Dimension]:
    return [
        Dimension(name=str(d.get("name") or ""), value=str(d.get("value") or ""))
        for d in value or []
    ]


@strawberry.type(description="An indicator's target or actual for a period, as written.")
class IndicatorValue:
    value: str | None = compiled_field(
        plain(),
        description="The figure as written (text: the standard types it so; a qualitative "
        "indicator has none).",
    )
    comment_narratives: list[Narrative] = compiled_field(
        narrative_list("comment"), description="Its comment in every language the file gives."
    )
    dimensions: list[Dimension] = compiled_field(
        json_items("dimensions", _dimension), description="What the value is broken down by."
    )
    location_refs: list[str] = compiled_field(
        plain(), description="The refs of the activity's locations the value is for."
    )
    kind: strawberry.Private[PeriodValueKind]
    default_lang: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> "IndicatorValue":
        return cls(
            value=row["value"],
            comment_narratives=narratives(row["comment"]),
            dimensions=_dimensions(row["dimensions"]),
            location_refs=list(row["location_refs"]),
            kind=PeriodValueKind(row["kind"]),
            default_lang=row["_lang"],
        )

    @compiled_field(
        text_of("comment"),
        description="Its comment in `lang`, or the activity's default language.",
    )
    def comment(self, lang: Lang = None) -> str | None:
        return _text(self.comment_narratives, lang, self.default_lang)


@strawberry.type(description="An indicator's baseline: where it started from.")
class IndicatorBaseline:
    year: int | None = compiled_field(
        plain(), description="The baseline's year; null if not given."
    )
    iso_date: datetime.date | None = compiled_field(
        plain(), description="The baseline's date (2.03); null if not given."
    )
    value: str | None = compiled_field(plain(), description="The figure as written.")
    comment_narratives: list[Narrative] = compiled_field(
        narrative_list("comment"), description="Its comment in every language the file gives."
    )
    dimensions: list[Dimension] = compiled_field(
        json_items("dimensions", _dimension), description="What it is broken down by."
    )
    location_refs: list[str] = compiled_field(
        plain(), description="The refs of the activity's locations the baseline is for."
    )
    default_lang: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> "IndicatorBaseline":
        return cls(
            year=row["year"],
            iso_date=row["iso_date"],
            value=row["value"],
            comment_narratives=narratives(row["comment"]),
            dimensions=_dimensions(row["dimensions"]),
            location_refs=list(row["location_refs"]),
            default_lang=row["_lang"],
        )

    @compiled_field(
        text_of("comment"),
        description="Its comment in `lang`, or the activity's default language.",
    )
    def comment(self, lang: Lang = None) -> str | None:
        return _text(self.comment_narratives, lang, self.default_lang)


@strawberry.type(description="A period of an indicator, with its targets and actuals.")
class IndicatorPeriod:
    period_start: datetime.date = compiled_field(plain(), description="First day of the period.")
    period_end: datetime.date = compiled_field(plain(), description="Last day of the period.")
    row_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: RowMapping) -> "IndicatorPeriod":
        return cls(period_start=row["period_start"], period_end=row["period_end"], row_id=row["id"])

    async def _values(self, info: Info, kind: PeriodValueKind) -> list[IndicatorValue]:
        loader = info.context.loaders.activity_rows("ActivityPeriodValue", "period_id")
        values = [IndicatorValue.from_row(row) for row in await loader.load(self.row_id)]
        return [v for v in values if v.kind == kind]

    @compiled_field(
        activity_rows(
            table_of(tables.ActivityPeriodValue),
            "period_id",
            where=_of_kind(PeriodValueKind.TARGET),
        ),
        description="Its targets (several where broken down by dimension).",
    )
    async def targets(self, info: Info) -> list[IndicatorValue]:
        return await self._values(info, PeriodValueKind.TARGET)

    @compiled_field(
        activity_rows(
            table_of(tables.ActivityPeriodValue),
            "period_id",
            where=_of_kind(PeriodValueKind.ACTUAL),
        ),
        description="Its actuals (several where broken down by dimension).",
    )
    async def actuals(self, info: Info) -> list[IndicatorValue]:
        return await self._values(info, PeriodValueKind.ACTUAL)


@strawberry.type(description="An IATI indicator of a result: what is measured, and how.")
class Indicator:
    measure: Code = compiled_field(
        coded(codelist="IndicatorMeasure"),
        description="An IndicatorMeasure code: 1 Unit, 2 Percentage, 3 Nominal, 4 Ordinal, "
        "5 Qualitative.",
    )
    ascending: bool | None = compiled_field(
        plain(),
        description="True where a higher value is better; null where the file does not say.",
    )
    aggregation_status: bool | None = compiled_field(
        plain(),
        description="Whether the publisher says its values may be summed across activities.",
    )
    title_narratives: list[Narrative] = compiled_field(
        narrative_list("title"), description="Its title in every language the file gives."
    )
    description_narratives: list[Narrative] = compiled_field(
        narrative_list("description"),
        description="Its description in every language the file gives.",
    )
    row_id: strawberry.Private[int]
    default_lang: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> "Indicator":
        return cls(
            measure=Code(code=row["measure"], codelist="IndicatorMeasure"),
            ascending=row["ascending"],
            aggregation_status=row["aggregation_status"],
            title_narratives=narratives(row["title"]),
            description_narratives=narratives(row["description"]),
            row_id=row["id"],
            default_lang=row["_lang"],
        )

    @compiled_field(
        text_of("title"), description="Its title in `lang`, or the activity's default language."
    )
    def title(self, lang: Lang = None) -> str | None:
        return _text(self.title_narratives, lang, self.default_lang)

    @compiled_field(
        activity_rows(table_of(tables.ActivityIndicatorBaseline), "indicator_id"),
        description="Its baselines, in file order (2.03 allows several).",
    )
    async def baselines(self, info: Info) -> list[IndicatorBaseline]:
        loader = info.context.loaders.activity_rows("ActivityIndicatorBaseline", "indicator_id")
        return [IndicatorBaseline.from_row(row) for row in await loader.load(self.row_id)]

    @compiled_field(
        activity_rows(table_of(tables.ActivityIndicatorPeriod), "indicator_id"),
        description="Its periods, in file order: four periods stay four.",
    )
    async def periods(self, info: Info) -> list[IndicatorPeriod]:
        loader = info.context.loaders.activity_rows("ActivityIndicatorPeriod", "indicator_id")
        return [IndicatorPeriod.from_row(row) for row in await loader.load(self.row_id)]


@strawberry.type(
    description="An IATI result of the activity, as its file states it, with its indicators."
)
class Result:
    type: Code = compiled_field(
        coded(codelist="ResultType"),
        description="A ResultType code: 1 Output, 2 Outcome, 3 Impact, 9 Other.",
    )
    aggregation_status: bool | None = compiled_field(
        plain(),
        description="Whether the publisher says its values may be summed across activities.",
    )
    title_narratives: list[Narrative] = compiled_field(
        narrative_list("title"), description="Its title in every language the file gives."
    )
    description_narratives: list[Narrative] = compiled_field(
        narrative_list("description"),
        description="Its description in every language the file gives.",
    )
    row_id: strawberry.Private[int]
    default_lang: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> "Result":
        return cls(
            type=Code(code=row["type"], codelist="ResultType"),
            aggregation_status=row["aggregation_status"],
            title_narratives=narratives(row["title"]),
            description_narratives=narratives(row["description"]),
            row_id=row["id"],
            default_lang=row["_lang"],
        )

    @compiled_field(
        text_of("title"), description="Its title in `lang`, or the activity's default language."
    )
    def title(self, lang: Lang = None) -> str | None:
        return _text(self.title_narratives, lang, self.default_lang)

    @compiled_field(
        text_of("description"),
        description="Its description in `lang`, or the default language.",
    )
    def description(self, lang: Lang = None) -> str | None:
        return _text(self.description_narratives, lang, self.default_lang)

    @compiled_field(
        activity_rows(table_of(tables.ActivityIndicator), "result_id"),
        description="Its indicators, in file order.",
    )
    async def indicators(self, info: Info) -> list[Indicator]:
        loader = info.context.loaders.activity_rows("ActivityIndicator", "result_id")
        rows = await loader.load(self.row_id)
        return await with_code_names(info, [Indicator.from_row(row) for row in rows])
