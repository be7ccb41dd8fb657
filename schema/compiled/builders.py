"""The shared builders of rules: how a field of a common shape reads in SQL (a column, a
dated or qualified value, money, a record pointed at, child rows, rows through a link
table, citations). The types declare their fields' rules with them (``compiled_field`` in
``schema/types/``), built from these.

Each rule mirrors a resolver: the same table, the same condition, the same order, the same
presentation of a value (``from_row`` and the value types in ``schema.types.common``). A
field without a rule sends its query to the resolvers. ``tests/schema/test_compiled_reads.py``
holds every rule to its resolver by comparing whole answers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.elements import ColumnElement

from db import queries
from db.columns import TEXT_COLLATION
from db.json_select import (
    Json,
    as_text,
    json_list,
    key_literal,
    stated_date,
    trimmed_decimal,
    unless_null,
)
from schema.compiled.compiler import Compiler, Request, Rule

Values = dict[str, ColumnElement[Any]]
"""The scope of a value type (a date, an amount, a figure): its fields' expressions."""


@dataclass(frozen=True)
class Cited:
    """The scope of a ``Source``: a citation and its document."""

    citation: FromClause
    document: FromClause


def column(name: str | None = None) -> Rule:
    """The row's column ``name``, by default the one named as the field is in Python."""
    return lambda compiler, row, request: row.c[name or request.python_name]


def decimal_text(name: str) -> Rule:
    """``Decimal`` fields as Strawberry writes them: the stored value as a string."""
    return lambda compiler, row, request: as_text(row.c[name])


def from_values() -> Rule:
    """A field of a value type: its expression in the scope ``fuzzy_date``, ``money``,
    ``quantity`` or ``count`` built."""
    return lambda compiler, values, request: values[request.python_name]


def member() -> Rule:
    """A field of an object kept as JSON (the scope, a JSON expression): its member named
    as the field is in Python, as is."""
    return lambda compiler, value, request: value.op("->")(key_literal(request.python_name))


def members() -> Rule:
    """A list field of an object kept as JSON: its array member named as the field is in
    Python, each item read with the item type's ``member`` rules, in the array's order."""

    def rule(compiler: Compiler, value: ColumnElement[Any], request: Request) -> Json:
        items = (
            sa.func.json_array_elements(value.op("->")(key_literal(request.python_name)))
            .table_valued("value", with_ordinality="position")
            .render_derived()
        )
        built = compiler.object(request.returns.name, items.c.value, request.nodes, request.path)
        return json_list(built, sa.select(items), [items.c.position])

    return rule


def of_document(rule: Rule) -> Rule:
    """A ``Source`` field read by ``rule`` from the cited document's row."""
    return lambda compiler, cited, request: rule(compiler, cited.document, request)


def of_citation(rule: Rule) -> Rule:
    """A ``Source`` field read by ``rule`` from the citation's row."""
    return lambda compiler, cited, request: rule(compiler, cited.citation, request)


def _value_object(
    compiler: Compiler, request: Request, values: Values, *tests: ColumnElement[Any]
) -> Json:
    built = compiler.object(request.returns.name, values, request.nodes, request.path)
    return unless_null(built, *tests)


def fuzzy_date(name: str, precision: str | None = None, derived: bool = True) -> Rule:
    """``FuzzyDate.column``: null unless both the day and its precision are known."""

    def rule(compiler: Compiler, row: FromClause, request: Request) -> Json:
        day, stated = row.c[name], row.c[precision or f"{name}_precision"]
        values: Values = {
            "value": stated_date(day, stated),
            "date": day,
            "precision": stated,
            "derived": sa.func.coalesce(row.c[f"{name}_derived"], sa.false())
            if derived
            else sa.false(),
            "derived_how": row.c[f"{name}_derivation"] if derived else sa.null(),
        }
        return _value_object(compiler, request, values, day, stated)

    return rule


def money(amount: str, currency: str, qualifier: str) -> Rule:
    def rule(compiler: Compiler, row: FromClause, request: Request) -> Json:
        values: Values = {
            "amount": as_text(row.c[amount]),
            "currency": row.c[currency],
            "qualifier": row.c[qualifier],
            "value_date": sa.null(),
        }
        return _value_object(
            compiler, request, values, row.c[amount], row.c[currency], row.c[qualifier]
        )

    return rule


def iati_money(amount: str, currency: str, value_date: str = "value_date") -> Rule:
    """``Money.iati``: an IATI value, exact, with its value date; null without a currency."""

    def rule(compiler: Compiler, row: FromClause, request: Request) -> Json:
        values: Values = {
            "amount": as_text(row.c[amount]),
            "currency": row.c[currency],
            "qualifier": sa.literal("EXACT"),
            "value_date": row.c[value_date],
        }
        return _value_object(compiler, request, values, row.c[amount], row.c[currency])

    return rule


def quantity(name: str) -> Rule:
    """``Quantity.column``: the figure without padding (``plain_decimal``)."""

    def rule(compiler: Compiler, row: FromClause, request: Request) -> Json:
        values: Values = {
            "value": trimmed_decimal(row.c[name]),
            "qualifier": row.c[f"{name}_qualifier"],
        }
        return _value_object(compiler, request, values, row.c[name])

    return rule


def count(name: str) -> Rule:
    def rule(compiler: Compiler, row: FromClause, request: Request) -> Json:
        values: Values = {"value": row.c[name], "qualifier": row.c[f"{name}_qualifier"]}
        return _value_object(compiler, request, values, row.c[name])

    return rule


def reference(table: sa.Table, foreign_key: str, key: str = "id") -> Rule:
    """The record a column points at (null where it points nowhere)."""

    def rule(compiler: Compiler, row: FromClause, request: Request) -> Json:
        target = table.alias()
        built = compiler.object(request.returns.name, target, request.nodes, request.path)
        return (
            sa.select(built)
            .where(target.c[key] == row.c[foreign_key])
            .correlate(row)
            .scalar_subquery()
        )

    return rule


def children(
    table: sa.Table,
    foreign_key: str,
    order: Callable[[FromClause], list[ColumnElement[Any]]],
    key: str = "id",
) -> Rule:
    """Rows of ``table`` whose ``foreign_key`` is the parent's ``key``, as ``load_children``."""

    def rule(compiler: Compiler, row: FromClause, request: Request) -> Json:
        child = table.alias()
        built = compiler.object(request.returns.name, child, request.nodes, request.path)
        source = sa.select(child).where(child.c[foreign_key] == row.c[key]).correlate(row)
        return json_list(built, source, order(child))

    return rule


def linked(
    table: sa.Table,
    link: sa.Table,
    parent_column: str,
    target_column: str,
    key: str,
    order: Callable[[FromClause], list[ColumnElement[Any]]],
) -> Rule:
    """Records reached through a link table (a project's programmes, themes, regions)."""

    def rule(compiler: Compiler, row: FromClause, request: Request) -> Json:
        target, via = table.alias(), link.alias()
        built = compiler.object(request.returns.name, target, request.nodes, request.path)
        source = (
            sa.select(target)
            .join(via, via.c[target_column] == target.c[key])
            .where(via.c[parent_column] == row.c.id)
            .correlate(row)
        )
        return json_list(built, source, order(target))

    return rule


def by_name(table: FromClause) -> list[ColumnElement[Any]]:
    return [table.c.name.collate(TEXT_COLLATION)]


def by_id(table: FromClause) -> list[ColumnElement[Any]]:
    return [table.c.id]


def by_code(table: FromClause) -> list[ColumnElement[Any]]:
    return [table.c.code]


def sources(
    column_name: str, record: Callable[[Any], ColumnElement[Any]] = lambda row: row.c.id
) -> Rule:
    """``load_citations``: a record's citations, by document name, then as cited; the
    record's id read from the scope by ``record`` (a row's own by default)."""

    def rule(compiler: Compiler, row: Any, request: Request) -> Json:
        citation, document = queries.citation.alias(), queries.source_document.alias()
        built = compiler.object(
            request.returns.name, Cited(citation, document), request.nodes, request.path
        )
        source = (
            sa.select(citation)
            .join(document, document.c.id == citation.c.document_id)
            .where(citation.c[column_name] == record(row))
            .correlate_except(citation, document)
        )
        return json_list(built, source, [document.c.file_name, citation.c.id])

    return rule


def role_of(compiler: Compiler, request: Request, link: FromClause) -> ColumnElement[bool]:
    """The field's ``role`` argument as a condition on a link row (any role without one)."""
    role = compiler.arguments(request).get("role")
    return sa.true() if role is None else link.c.role == role.value
