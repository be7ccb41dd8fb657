"""Where an IATI activity happens below the country: its location elements."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.elements import ColumnElement

from schema.compiled.activity_rules import (
    coded,
    exact_decimal,
    json_items,
    json_text,
    narrative_list,
    part,
    plain,
    text_of,
)
from schema.compiled.compiler import compiled_field
from schema.types.code import Code, code
from schema.types.money import as_written
from schema.types.narrative import Lang, Narrative, narratives, text_in


@strawberry.type(description="A point as the file writes it (WGS 84 unless `srsName` says).")
class Point:
    latitude: Decimal = compiled_field(
        exact_decimal(), description="Degrees north, exact as written."
    )
    longitude: Decimal = compiled_field(
        exact_decimal(), description="Degrees east, exact as written."
    )
    srs_name: str | None = compiled_field(
        plain(), description="The spatial reference system's URI as written (EPSG 4326)."
    )


@strawberry.type(description="An identifier of the place in a gazetteer (GeoNames, OSM...).")
class LocationIdentifier:
    vocabulary: Code = compiled_field(
        coded(codelist="GeographicVocabulary"),
        description="A GeographicVocabulary code (G1 GeoNames).",
    )
    code: str = compiled_field(plain(), description="The place's identifier in that gazetteer.")


@strawberry.type(description="An administrative area the place lies in, at a level.")
class AdministrativeArea:
    vocabulary: Code | None = compiled_field(
        coded(codelist="GeographicVocabulary"), description="A GeographicVocabulary code."
    )
    level: int | None = compiled_field(
        plain(), description="The administrative level (1 a province...); null when not given."
    )
    code: str = compiled_field(plain(), description="The area's code in that vocabulary.")


def _identifier(element: ColumnElement[Any], row: Any) -> Mapping[str, Any]:
    """A ``location-id`` as ``from_row`` reads it: ``""`` for what it lacks."""
    return {
        "vocabulary": sa.func.coalesce(json_text(element, "vocabulary"), ""),
        "code": sa.func.coalesce(json_text(element, "code"), ""),
    }


def _area(element: ColumnElement[Any], row: Any) -> Mapping[str, Any]:
    """An ``administrative`` area as ``from_row`` reads it: a level only where it is digits."""
    level = json_text(element, "level")
    return {
        "vocabulary": json_text(element, "vocabulary"),
        "level": sa.case((level.regexp_match("^[0-9]+$"), sa.cast(level, sa.Numeric))),
        "code": sa.func.coalesce(json_text(element, "code"), ""),
    }


def _point(row: FromClause) -> Mapping[str, Any]:
    return {"latitude": row.c.latitude, "longitude": row.c.longitude, "srs_name": row.c.srs_name}


def exact(value: Decimal) -> Decimal:
    written = as_written(value)
    assert written is not None
    return written


def _text(value: list[Narrative], lang: str | None, default: str | None) -> str | None:
    return text_in([{"lang": n.lang, "text": n.text} for n in value], lang, default)


@strawberry.type(description="An IATI location: a place where the activity works or reaches.")
class Location:
    ref: str | None = compiled_field(
        plain(), description="The publisher's reference of the place (results point at it)."
    )
    reach: Code | None = compiled_field(
        coded("location_reach", "GeographicLocationReach"),
        description="A GeographicLocationReach code: 1 Activity happens there, 2 its "
        "beneficiaries live there.",
    )
    location_ids: list[LocationIdentifier] = compiled_field(
        json_items("location_ids", _identifier),
        description="Its gazetteer identifiers, in file order.",
    )
    name_narratives: list[Narrative] = compiled_field(
        narrative_list("name"), description="Its name in every language the file gives."
    )
    description_narratives: list[Narrative] = compiled_field(
        narrative_list("description"),
        description="Its description in every language the file gives.",
    )
    activity_description_narratives: list[Narrative] = compiled_field(
        narrative_list("activity_description"),
        description="What the activity does there, in every language the file gives.",
    )
    administrative: list[AdministrativeArea] = compiled_field(
        json_items("administrative", _area),
        description="The administrative areas it lies in, in file order.",
    )
    point: Point | None = compiled_field(
        part(
            _point, lambda row: sa.and_(row.c.latitude.is_not(None), row.c.longitude.is_not(None))
        ),
        description="Its point; null when none is given.",
    )
    exactness: Code | None = compiled_field(
        coded(codelist="GeographicExactness"),
        description="A GeographicExactness code: 1 Exact, 2 Approximate, 3 Extrapolated.",
    )
    location_class: Code | None = compiled_field(
        coded(codelist="GeographicLocationClass"),
        description="A GeographicLocationClass code: 1 Administrative region, 2 Populated "
        "place, 3 Structure, 4 Other topographical feature.",
    )
    feature_designation: Code | None = compiled_field(
        coded(codelist="LocationType"),
        description="A LocationType code (PPL populated place, ADM2...).",
    )
    default_lang: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> "Location":
        point = None
        if row["latitude"] is not None and row["longitude"] is not None:
            point = Point(
                latitude=exact(row["latitude"]),
                longitude=exact(row["longitude"]),
                srs_name=row["srs_name"],
            )
        ids: list[dict[str, Any]] = row["location_ids"] or []
        areas: list[dict[str, Any]] = row["administrative"] or []
        return cls(
            ref=row["ref"],
            reach=code("GeographicLocationReach", row["location_reach"]),
            location_ids=[
                LocationIdentifier(
                    vocabulary=Code(
                        code=str(i.get("vocabulary") or ""), codelist="GeographicVocabulary"
                    ),
                    code=str(i.get("code") or ""),
                )
                for i in ids
            ],
            name_narratives=narratives(row["name"]),
            description_narratives=narratives(row["description"]),
            activity_description_narratives=narratives(row["activity_description"]),
            administrative=[
                AdministrativeArea(
                    vocabulary=code("GeographicVocabulary", a.get("vocabulary")),
                    level=int(a["level"]) if str(a.get("level") or "").isdigit() else None,
                    code=str(a.get("code") or ""),
                )
                for a in areas
            ],
            point=point,
            exactness=code("GeographicExactness", row["exactness"]),
            location_class=code("GeographicLocationClass", row["location_class"]),
            feature_designation=code("LocationType", row["feature_designation"]),
            default_lang=row["_lang"],
        )

    @compiled_field(
        text_of("name"), description="Its name in `lang`, or the activity's default language."
    )
    def name(self, lang: Lang = None) -> str | None:
        return _text(self.name_narratives, lang, self.default_lang)

    @compiled_field(
        text_of("description"),
        description="Its description in `lang`, or the default language.",
    )
    def description(self, lang: Lang = None) -> str | None:
        return _text(self.description_narratives, lang, self.default_lang)
