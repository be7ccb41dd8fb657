"""The builders of the IATI activity model's rules: rows of an ``activity_*`` table with their
activity's language, codes with their codelist names, narratives and the text of one
language, and values kept as JSON inside a row (a transaction's sectors, a location's
gazetteer identifiers).

They mirror what the resolvers read: ``queries.load_activity_rows`` (file order, the
activity's ``lang`` as ``_lang``), the ``Code`` loader (``codelist_code`` by codelist and
code), ``narratives`` and ``text_in`` (``schema.types.narrative``). A type read from more
than one place (a sector of the activity, or of a transaction's JSON) reads its fields from
a scope that is either a row or a mapping by field name (``field_of``), built beside the
type's ``from_row`` by the same name.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from graphql import GraphQLError
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.elements import ColumnElement

from db import queries
from db.codelists import codelist_code
from db.json_select import Json, as_text, json_list, key_literal, unless_null
from schema.compiled.compiler import CannotCompile, Compiler, Request, Rule
from schema.types.narrative import checked_lang

Scope = FromClause | Mapping[str, Any]
"""A row of a table (its columns), or the expressions of a value's fields by name."""
Read = Callable[[Any], ColumnElement[Any]]
"""An expression of a scope (a column, or one computed from its columns)."""
Condition = Callable[[Compiler, Request, FromClause], ColumnElement[bool]]
"""Which rows of a child table a field lists, from its arguments."""


def field_of(scope: Any, name: str) -> ColumnElement[Any]:
    found: ColumnElement[Any] = scope.c[name] if isinstance(scope, FromClause) else scope[name]
    return found


def _reading(source: str | Read | None, request: Request) -> Read:
    if source is None:
        return lambda scope: field_of(scope, request.python_name)
    if isinstance(source, str):
        return lambda scope: field_of(scope, source)
    return source


def or_default(name: str, default: str) -> Read:
    """``value or default``, as the resolvers write a code the file may leave out."""
    return lambda scope: sa.func.coalesce(sa.func.nullif(field_of(scope, name), ""), default)


def json_text(value: ColumnElement[Any], key: str) -> ColumnElement[str]:
    """``value ->> key``: a JSON object's member as text, null where it has none."""
    return value.op("->>")(key_literal(key))


def json_member(value: ColumnElement[Any], key: str) -> ColumnElement[Any]:
    return value.op("->")(key_literal(key))


def plain(source: str | Read | None = None) -> Rule:
    """The scope's expression ``source`` (by default the field's Python name), as is."""
    return lambda compiler, scope, request: _reading(source, request)(scope)


def exact_decimal(source: str | Read | None = None) -> Rule:
    """A decimal as written (``as_written``): PostgreSQL's text of the numeric."""
    return lambda compiler, scope, request: as_text(_reading(source, request)(scope))


@dataclass(frozen=True)
class CodeOf:
    """The scope of a ``Code``: the code as written and the codelist it is a code of
    (null for a vocabulary without a bundled list)."""

    code: ColumnElement[Any]
    codelist: ColumnElement[Any]


Codelist = str | None | Read


def codelist_of(vocabulary: Read, lists: Mapping[str, str]) -> Read:
    """The codelist of a code whose vocabulary names it (``SECTOR_CODELISTS``...)."""

    def read(scope: Any) -> ColumnElement[Any]:
        found = vocabulary(scope)
        whens = [(found == key, sa.literal(name, sa.String)) for key, name in lists.items()]
        return sa.case(*whens, else_=sa.null())

    return read


def _codelist(codelist: Codelist, scope: Any) -> ColumnElement[Any]:
    if codelist is None:
        return sa.null()
    if isinstance(codelist, str):
        return sa.literal(codelist, sa.String)
    return codelist(scope)


def coded(source: str | Read | None = None, codelist: Codelist = None) -> Rule:
    """A ``Code`` of ``codelist``; null where the scope has no code (``code()``)."""

    def rule(compiler: Compiler, scope: Any, request: Request) -> Json:
        written = _reading(source, request)(scope)
        of = CodeOf(written, _codelist(codelist, scope))
        built = compiler.object(request.returns.name, of, request.nodes, request.path)
        return unless_null(built, written)

    return rule


def code_list(source: str, codelist: str) -> Rule:
    """A text array's codes, in order, each a ``Code`` of ``codelist``."""

    def rule(compiler: Compiler, scope: Any, request: Request) -> Json:
        items = _ordered(sa.func.unnest(field_of(scope, source)))
        of = CodeOf(items.c.value, sa.literal(codelist, sa.String))
        built = compiler.object(request.returns.name, of, request.nodes, request.path)
        return json_list(built, sa.select(items).correlate_except(items), [items.c.n])

    return rule


def _code_row(of: CodeOf) -> sa.Select[Any]:
    c = codelist_code.c
    return sa.select().where(c.codelist == of.codelist, c.code == of.code)


def code_part(name: str) -> Rule:
    """``Code.code`` and ``Code.codelist``."""
    return lambda compiler, of, request: getattr(of, name)


def code_name(compiler: Compiler, of: CodeOf, request: Request) -> Json:
    """The name in the language asked (English without one), as the code loader finds it;
    a language the resolver refuses is its to answer."""
    wanted = lang_argument(compiler, request) or "en"
    names = codelist_code.c.names.op("->>")(sa.literal(wanted, sa.String))
    return _code_row(of).add_columns(names).scalar_subquery()


def code_known(compiler: Compiler, of: CodeOf, request: Request) -> Json:
    return sa.exists(_code_row(of).add_columns(sa.literal(1)))


def code_withdrawn(compiler: Compiler, of: CodeOf, request: Request) -> Json:
    return _code_row(of).add_columns(codelist_code.c.withdrawn).scalar_subquery()


def lang_argument(compiler: Compiler, request: Request) -> str | None:
    try:
        return checked_lang(compiler.arguments(request).get("lang"))
    except GraphQLError as error:
        raise CannotCompile("a language the resolver refuses") from error


def _ordered(function: Any) -> Any:
    """A set-returning function's rows as ``value`` with their place ``n``."""
    return function.table_valued("value", with_ordinality="n").render_derived().alias()


def json_items(source: str | Read, scope_of: Callable[[ColumnElement[Any], Any], Any]) -> Rule:
    """The objects of a JSON array in the scope's ``source``, in order, each read from the
    scope ``scope_of`` makes of its element (and the scope it is in); ``[]`` for none."""

    def rule(compiler: Compiler, scope: Any, request: Request) -> Json:
        elements = _ordered(sa.func.jsonb_array_elements(_reading(source, request)(scope)))
        item = scope_of(elements.c.value, scope)
        built = compiler.object(request.returns.name, item, request.nodes, request.path)
        return json_list(built, sa.select(elements).correlate_except(elements), [elements.c.n])

    return rule


def _narrative(element: ColumnElement[Any], scope: Any) -> Mapping[str, Any]:
    """``narratives``: its language (null without ``xml:lang``) and its text (``""``
    without one)."""
    return {
        "lang": json_text(element, "lang"),
        "text": sa.func.coalesce(json_text(element, "text"), ""),
    }


def narrative_list(source: str | Read | None = None) -> Rule:
    """A narratives column (or an expression of the scope) as ``[Narrative]``, in file
    order; ``[]`` where it is null."""

    def rule(compiler: Compiler, scope: Any, request: Request) -> Json:
        return json_items(source or request.python_name, _narrative)(compiler, scope, request)

    return rule


def _narratives_array(value: ColumnElement[Any]) -> ColumnElement[Any]:
    """A stored narratives value, JSON ``null`` read as none (``narratives(None)``): an array
    of arrays keeps a missing element's narratives as ``null``, not SQL's NULL."""
    return sa.func.nullif(value, sa.literal_column("'null'::jsonb"))


def first_narratives(source: str) -> Read:
    """The first of a JSON array of narratives arrays (a contact's first mailing address);
    null where there is none."""
    return lambda scope: _narratives_array(field_of(scope, source).op("->")(0))


def narrative_lists(source: str) -> Rule:
    """A JSON array of narratives arrays as ``[[Narrative]]``, both in file order."""

    def rule(compiler: Compiler, scope: Any, request: Request) -> Json:
        lists = _ordered(sa.func.jsonb_array_elements(field_of(scope, source)))
        items = _ordered(sa.func.jsonb_array_elements(_narratives_array(lists.c.value)))
        item = _narrative(items.c.value, scope)
        built = compiler.object(request.returns.name, item, request.nodes, request.path)
        each = json_list(built, sa.select(items).correlate_except(items), [items.c.n])
        return json_list(each, sa.select(lists).correlate_except(lists), [lists.c.n])

    return rule


def narrative_text(
    narratives_value: ColumnElement[Any], lang: str | None, default_lang: ColumnElement[Any]
) -> ColumnElement[str]:
    """``text_in`` in SQL: the narrative in ``lang`` (already checked), else in the default
    language (one without ``xml:lang`` is in it), failing one the first written; null when
    there is none in the language asked."""
    elements = _ordered(sa.func.jsonb_array_elements(narratives_value))
    written_lang = json_text(elements.c.value, "lang")
    default = sa.func.nullif(sa.func.lower(default_lang), "")
    written = sa.func.nullif(
        sa.func.lower(sa.func.coalesce(sa.func.nullif(written_lang, ""), default, "")), ""
    )
    matching = (
        written == lang
        if lang is not None
        else sa.or_(written_lang.is_(None), written.is_not_distinct_from(default))
    )
    text = sa.func.coalesce(json_text(elements.c.value, "text"), "")
    found = (
        sa.select(text)
        .select_from(elements)
        .where(matching)
        .order_by(elements.c.n)
        .limit(1)
        .correlate_except(elements)
        .scalar_subquery()
    )
    if lang is not None:
        return found
    first = sa.case(
        (
            sa.func.jsonb_array_length(narratives_value) > 0,
            sa.func.coalesce(json_text(narratives_value.op("->")(0), "text"), ""),
        ),
        else_=sa.null(),
    )
    return sa.func.coalesce(found, first)


def text_of(source: str, lang_of: str = "_lang") -> Rule:
    """A text field with ``lang:``: its narratives' text in that language, or the default."""

    def rule(compiler: Compiler, scope: Any, request: Request) -> Json:
        wanted = lang_argument(compiler, request)
        return narrative_text(field_of(scope, source), wanted, field_of(scope, lang_of))

    return rule


def record(table: sa.Table, source: str, key: str = "id") -> Rule:
    """The record the scope's ``source`` points at (null where it points nowhere)."""

    def rule(compiler: Compiler, scope: Any, request: Request) -> Json:
        target = table.alias()
        built = compiler.object(request.returns.name, target, request.nodes, request.path)
        return (
            sa.select(built)
            .where(target.c[key] == field_of(scope, source))
            .correlate_except(target)
            .scalar_subquery()
        )

    return rule


def part(scope_of: Callable[[Any], Any], present: Read | None = None) -> Rule:
    """An object read from the scope ``scope_of`` makes of the parent's (a row's reporting
    organisation, a transaction's provider); null where ``present`` is false."""

    def rule(compiler: Compiler, scope: Any, request: Request) -> Json:
        built = compiler.object(request.returns.name, scope_of(scope), request.nodes, request.path)
        if present is None:
            return built
        return sa.case((present(scope), built), else_=sa.null())

    return rule


def activity_rows(
    table: sa.Table,
    column: str = "project_id",
    key: str = "id",
    where: Condition | None = None,
) -> Rule:
    """``load_activity_rows``: the rows of an ``activity_*`` table whose ``column`` is the
    parent's ``key``, in file order, each with its activity's language as ``_lang``; only
    those ``where`` keeps, from the field's arguments."""

    def rule(compiler: Compiler, parent: Any, request: Request) -> Json:
        child, activity = table.alias(), queries.project.alias()
        condition = sa.true() if where is None else where(compiler, request, child)
        rows = (
            sa.select(child, activity.c.lang.label("_lang"))
            .join(activity, activity.c.id == child.c.project_id)
            .where(child.c[column] == field_of(parent, key), condition)
            .correlate_except(child, activity)
            .subquery()
        )
        built = compiler.object(request.returns.name, rows, request.nodes, request.path)
        return json_list(built, sa.select(rows), [rows.c.position, rows.c.id])

    return rule
