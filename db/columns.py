"""Column factories for the shapes the model repeats: enums, qualified figures, fuzzy dates.

Enums are stored as text with a CHECK constraint rather than as PostgreSQL enum types, so
that adding a member is a one-line migration instead of an ``ALTER TYPE`` dance.
"""

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from db.enums import DatePrecision, Qualifier

TEXT_COLLATION = "C"
"""Collation for ordering text: the only one every PostgreSQL build has, so servers agree."""


def enum_column(
    enum: type[StrEnum], name: str, *, nullable: bool = False, primary_key: bool = False
) -> sa.Column:  # type: ignore[type-arg]
    """The column name is given here because it also names the CHECK constraint."""
    return sa.Column(
        name,
        sa.Enum(
            enum,
            name=name,
            native_enum=False,
            create_constraint=True,
            length=max(len(m.value) for m in enum),
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        nullable=nullable,
        primary_key=primary_key,
    )


def qualifier_column(name: str) -> sa.Column:  # type: ignore[type-arg]
    return enum_column(Qualifier, name, nullable=True)


def precision_column(name: str) -> sa.Column:  # type: ignore[type-arg]
    return enum_column(DatePrecision, name, nullable=True)


def created_at_column(name: str = "created_at") -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def updated_at_column() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def version_column() -> sa.Column:  # type: ignore[type-arg]
    """Bumped by every update: a writer states the version it read, so a stale write is
    refused instead of silently overwriting another's (optimistic concurrency)."""
    return sa.Column(sa.Integer, nullable=False, server_default="1")


def figure_checks(table: str, *figures: str) -> list[sa.CheckConstraint]:
    """A figure and its qualifier come together: a qualifier without a figure means nothing."""
    return [
        sa.CheckConstraint(f"({f} IS NULL) = ({f}_qualifier IS NULL)", name=f"{f}_qualified")
        for f in figures
    ]


def date_checks(table: str, *dates: str) -> list[sa.CheckConstraint]:
    """A date always says how precise it is."""
    return [
        sa.CheckConstraint(f"({d} IS NULL) = ({d}_precision IS NULL)", name=f"{d}_has_precision")
        for d in dates
    ]


IATI_MONEY = sa.Numeric()
"""An IATI value: exact, signed and unscaled, so 1000.50 stays 1000.50 and -250 stays -250."""


NARRATIVES = JSONB(none_as_null=True)
"""An element's narratives in every language, in file order: a JSON array of
``{"lang": "fr", "text": "..."}``, ``lang`` null where the narrative has no ``xml:lang``
(it is then in the activity's default language). Null when the element is absent."""


def narratives_column(name: str = "narratives") -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, NARRATIVES, nullable=True)


def position_column() -> sa.Column:  # type: ignore[type-arg]
    """The element's place among its siblings in the file, so an export writes them back in
    the order they came."""
    return sa.Column("position", sa.Integer, nullable=False, server_default="0")


INVISIBLE_CHARACTERS = (
    r"[[:space:]\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200b-\u200f"
    r"\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
"""Spaces and characters that show nothing (zero-width, joiners, direction marks, soft
hyphens, variation selectors), as a PostgreSQL regular expression."""


def folded(text: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    """Text without case and invisible characters: how codes are compared."""
    pattern: sa.ColumnElement[str] = sa.literal_column(f"'{INVISIBLE_CHARACTERS}'")
    return sa.func.lower(
        sa.func.regexp_replace(text, pattern, sa.literal_column("''"), sa.literal_column("'g'"))
    )


def folded_code_index(table: str) -> sa.Index:
    """Codes are unique ignoring case and invisible characters, in the database itself:
    ``KOICA-1`` and ``koica-1`` or ``koica\u200b-1`` cannot both exist, whoever writes."""
    return sa.Index(
        f"ux_{table}_code_folded",
        sa.text(f"lower(regexp_replace(code, '{INVISIBLE_CHARACTERS}', '', 'g'))"),
        unique=True,
    )


def currency_check(table: str, column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} ~ '^[A-Z]{{3}}$'", name=f"{column}_iso4217")


__all__ = [
    "IATI_MONEY",
    "TEXT_COLLATION",
    "created_at_column",
    "currency_check",
    "date_checks",
    "enum_column",
    "figure_checks",
    "folded",
    "folded_code_index",
    "narratives_column",
    "position_column",
    "precision_column",
    "qualifier_column",
    "updated_at_column",
    "version_column",
]
