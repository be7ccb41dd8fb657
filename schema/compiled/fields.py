"""How each field the compiled path knows reads in SQL, type by type.

Each rule mirrors a resolver: the same table, the same condition, the same order, the same
presentation of a value (``from_row`` and the value types in ``schema.types.common``). A
field missing here sends its query to the resolvers. ``tests/schema/test_compiled_reads.py``
holds every rule to its resolver by comparing whole answers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR, aggregate_order_by
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.elements import ColumnElement
from strawberry import relay

from db import conditions, keyset, orderings, queries
from db.bounds import record_id
from db.columns import TEXT_COLLATION
from db.json_select import (
    EMPTY_LIST,
    Json,
    as_text,
    global_id,
    json_list,
    stated_date,
    trimmed_decimal,
    unless_null,
)
from schema import filters
from schema.compiled.compiler import CannotCompile, Compiler, Request, Rule
from schema.loaders import project_conditions
from schema.pagination import check_page_size, decode_cursor

Values = dict[str, ColumnElement[Any]]
"""The scope of a value type (a date, an amount, a figure): its fields' expressions."""


@dataclass(frozen=True)
class Cited:
    """The scope of a ``Source``: a citation and its document."""

    citation: FromClause
    document: FromClause


@dataclass(frozen=True)
class Page:
    """The scope of a connection: its rows (numbered ``_n``, one past the page), the page
    size, how to count the whole list, its ordering, and whether rows precede it."""

    rows: FromClause
    size: int
    total: Callable[[], ColumnElement[int]]
    ordering: keyset.Ordering
    earlier: ColumnElement[bool]


def column(name: str) -> Rule:
    return lambda compiler, row, request: row.c[name]


def decimal_text(name: str) -> Rule:
    """``Decimal`` fields as Strawberry writes them: the stored value as a string."""
    return lambda compiler, row, request: as_text(row.c[name])


def value(name: str) -> Rule:
    return lambda compiler, values, request: values[name]


def global_id_of(type_name: str, key: str = "id") -> Rule:
    return lambda compiler, row, request: global_id(type_name, row.c[key])


def _value_object(
    compiler: Compiler, request: Request, values: Values, *tests: ColumnElement[Any]
) -> Json:
    built = compiler.object(request.returns.name, values, request.nodes, request.path)
    return unless_null(built, *tests)


def fuzzy_date(name: str, precision: str | None = None, derived: bool = False) -> Rule:
    """``FuzzyDate.of``: null unless both the day and its precision are known."""

    def rule(compiler: Compiler, row: FromClause, request: Request) -> Json:
        day, stated = row.c[name], row.c[precision or f"{name}_precision"]
        values: Values = {
            "value": stated_date(day, stated),
            "date": day,
            "precision": stated,
            "derived": sa.func.coalesce(row.c[f"{name}_derived"], sa.false())
            if derived
            else sa.false(),
        }
        return _value_object(compiler, request, values, day, stated)

    return rule


def money(amount: str, currency: str, qualifier: str) -> Rule:
    def rule(compiler: Compiler, row: FromClause, request: Request) -> Json:
        values: Values = {
            "amount": as_text(row.c[amount]),
            "currency": row.c[currency],
            "qualifier": row.c[qualifier],
        }
        return _value_object(
            compiler, request, values, row.c[amount], row.c[currency], row.c[qualifier]
        )

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


def sources(column_name: str) -> Rule:
    """``load_citations``: a record's citations, by document name, then as cited."""

    def rule(compiler: Compiler, row: FromClause, request: Request) -> Json:
        citation, document = queries.citation.alias(), queries.source_document.alias()
        built = compiler.object("Source", Cited(citation, document), request.nodes, request.path)
        source = (
            sa.select(citation)
            .join(document, document.c.id == citation.c.document_id)
            .where(citation.c[column_name] == row.c.id)
            .correlate(row)
        )
        return json_list(built, source, [document.c.file_name, citation.c.id])

    return rule


def _role_of(compiler: Compiler, request: Request, link: FromClause) -> ColumnElement[bool]:
    role = compiler.arguments(request).get("role")
    return sa.true() if role is None else link.c.role == role.value


def project_partners(compiler: Compiler, row: FromClause, request: Request) -> Json:
    link = queries.project_partner.alias()
    built = compiler.object("ProjectPartner", link, request.nodes, request.path)
    source = (
        sa.select(link)
        .where(link.c.project_id == row.c.id, _role_of(compiler, request, link))
        .correlate(row)
    )
    return json_list(built, source, [link.c.id])


def project_countries(compiler: Compiler, row: FromClause, request: Request) -> Json:
    """Each country once, by name, whichever its roles (as the resolver dedupes them)."""
    link, country = queries.project_country.alias(), queries.country.alias()
    built = compiler.object("Country", country, request.nodes, request.path)
    codes = (
        sa.select(link.c.country_code)
        .where(link.c.project_id == row.c.id, _role_of(compiler, request, link))
        .correlate(row)
    )
    return json_list(built, sa.select(country).where(country.c.code.in_(codes)), by_name(country))


def project_country_links(compiler: Compiler, row: FromClause, request: Request) -> Json:
    link, country = queries.project_country.alias(), queries.country.alias()
    built = compiler.object("ProjectCountry", link, request.nodes, request.path)
    source = (
        sa.select(link)
        .join(country, country.c.code == link.c.country_code)
        .where(link.c.project_id == row.c.id, _role_of(compiler, request, link))
        .correlate(row)
    )
    return json_list(built, source, [*by_name(country), link.c.role])


# Connections --------------------------------------------------------------------------


def _page_size(compiler: Compiler, arguments: dict[str, Any]) -> int:
    """The resolver's page size; a size it refuses raises its error (and so goes to it), and
    paging backward is its own."""
    if arguments.get("last") is not None:
        raise CannotCompile("paging backward is the resolvers'")
    first = arguments.get("first")
    check_page_size(first, "first", compiler.reader.max_page_size)
    return compiler.reader.default_page_size if first is None else int(first)


@dataclass(frozen=True)
class Span:
    """Where a forward page starts and ends: after one cursor, before another (either may
    be left out), as ``Connection.resolve_connection`` reads ``after`` and ``before``."""

    after: keyset.CursorValues | None = None
    before: keyset.CursorValues | None = None

    @classmethod
    def of(cls, arguments: dict[str, Any], ordering: keyset.Ordering) -> "Span":
        """A cursor that is not valid, or of another ordering, raises the resolvers' error
        (and so goes to them)."""
        after, before = arguments.get("after"), arguments.get("before")
        return cls(
            None if after is None else decode_cursor(after, ordering, "after"),
            None if before is None else decode_cursor(before, ordering, "before"),
        )

    def bounds(self, ordering: keyset.Ordering) -> keyset.Condition:
        condition: keyset.Condition = sa.true()
        if self.after is not None:
            condition = condition & ordering.beyond(self.after, backward=False)
        if self.before is not None:
            condition = condition & ordering.beyond(self.before, backward=True)
        return condition


@dataclass(frozen=True)
class Row:
    """The scope of an edge: the page's row and the ordering its cursor belongs to."""

    rows: FromClause
    ordering: keyset.Ordering


def sort_values(row: Row) -> Json:
    """A row's sort values as the resolvers put them in a cursor: ``str()`` of each value
    (a date as ISO 8601 whatever the server's DateStyle)."""
    values = []
    for i in range(row.ordering.width):
        column = row.rows.c[f"_key{i}"]
        text = (
            sa.func.to_char(column, "YYYY-MM-DD")
            if isinstance(column.type, sa.Date)
            else as_text(column)
        )
        values.append(text)
    return sa.func.json_build_array(*values)


def connection(
    compiler: Compiler,
    request: Request,
    ordering: keyset.Ordering,
    where: keyset.Condition,
    size: int,
    span: Span,
    *,
    filtered: bool,
    correlate: FromClause | None = None,
) -> Json:
    """A page of ``ordering.table`` rows matching ``where`` within ``span``, as
    ``keyset.fetch_page`` reads it: one row past the page tells whether more follow; rows
    before ``after`` that match tell whether any precede.

    A ``filtered`` list asked for its page and its ``totalCount`` is read once: the page's
    rows carry the count of all the matching rows (a window over them). Its page is sorted
    from all the matches anyway (rarely does an index give a filter's rows in order), and
    counting them apart would find them a second time. An unfiltered list is counted apart,
    so its page can stop after its rows in an index's order."""
    order = ordering.order_by(False)
    selected = compiler.selected(request.returns.name, request.nodes)
    counted_with_page = (
        filtered
        and span == Span()
        and "totalCount" in selected
        and bool(selected & {"edges", "pageInfo"})
    )
    select = (
        ordering.select(*readable_columns(ordering.table))
        .where(where, span.bounds(ordering))
        .order_by(*order)
        # Written into the statement, not bound: planning a statement kept for reuse, the
        # server takes a bound limit for a tenth of the rows and may choose to walk a whole
        # index for a page it would rather sort.
        .limit(sa.literal_column(str(size + 1), sa.Integer))
    )
    if counted_with_page:
        select = select.add_columns(sa.func.count().over().label("_total"))
    page_rows = (select if correlate is None else select.correlate(correlate)).subquery()
    # Numbered once taken: numbering the matching rows before the limit would sort all of
    # them, where taking the first few of a sort keeps only those few.
    keys = [page_rows.c[f"_key{i}"] for i in range(ordering.width)]
    number = sa.func.row_number().over(order_by=ordering.order_by(False, keys))
    rows = sa.select(page_rows, number.label("_n")).subquery()

    def matching(*conditions: keyset.Condition) -> sa.Select[Any]:
        selected = sa.select(sa.func.count()).select_from(ordering.table).where(*conditions)
        return selected if correlate is None else selected.correlate(correlate)

    def total() -> ColumnElement[int]:
        if counted_with_page:
            # Each row holds the count; no row at all means none matched.
            return sa.func.coalesce(sa.func.max(rows.c["_total"]), 0)
        return matching(where).scalar_subquery()

    earlier: ColumnElement[bool] = sa.false()
    if span.after is not None:
        earlier = sa.exists(matching(where, ordering.beyond(span.after, backward=True)))
    page = Page(rows, size, total, ordering, earlier)
    built = compiler.object(request.returns.name, page, request.nodes, request.path)
    return sa.select(built).select_from(rows).having(sa.true()).scalar_subquery()


def readable_columns(table: sa.Table) -> list[sa.Column[Any]]:
    """A page's columns: all but search vectors, which no field shows and which would be
    carried through the page's sort and numbering for nothing."""
    return [column for column in table.c if not isinstance(column.type, TSVECTOR)]


def _on_page(page: Page, value: Json) -> Json:
    """``value`` of the page's rows, in order, leaving out the one fetched past the page."""
    aggregated = sa.func.json_agg(aggregate_order_by(value, page.rows.c["_n"]))
    return aggregated.filter(page.rows.c["_n"] <= page.size)


def edges(compiler: Compiler, page: Page, request: Request) -> Json:
    row = Row(page.rows, page.ordering)
    built = compiler.object(request.returns.name, row, request.nodes, request.path)
    return sa.func.coalesce(_on_page(page, built), EMPTY_LIST)


def page_info(compiler: Compiler, page: Page, request: Request) -> Json:
    cursors = _on_page(page, sort_values(Row(page.rows, page.ordering)))
    ends = Ends(
        {
            "hasNextPage": sa.func.count() > page.size,
            "hasPreviousPage": page.earlier,
            "startCursor": cursors.op("->")(0),
            "endCursor": cursors.op("->")(-1),
        },
        page.ordering,
    )
    return compiler.object("PageInfo", ends, request.nodes, request.path)


@dataclass(frozen=True)
class Ends:
    """The scope of a ``PageInfo``: its values, and the ordering of its cursors."""

    values: Values
    ordering: keyset.Ordering


def end_flag(name: str) -> Rule:
    return lambda compiler, ends, request: ends.values[name]


def end_cursor(name: str) -> Rule:
    def rule(compiler: Compiler, ends: Ends, request: Request) -> Json:
        compiler.cursors.append((request.path, ends.ordering))
        return ends.values[name]

    return rule


def edge_cursor(compiler: Compiler, row: Row, request: Request) -> Json:
    compiler.cursors.append((request.path, row.ordering))
    return sort_values(row)


def node_of_edge(compiler: Compiler, row: Row, request: Request) -> Json:
    return compiler.object(request.returns.name, row.rows, request.nodes, request.path)


def total_count(compiler: Compiler, page: Page, request: Request) -> ColumnElement[int]:
    return page.total()


def root_projects(compiler: Compiler, root: None, request: Request) -> Json:
    arguments = compiler.arguments(request)
    size = _page_size(compiler, arguments)
    criteria = filters.project_criteria(arguments.get("filter"))
    ordering = orderings.project_ordering(filters.project_order(arguments.get("order_by")))
    where = conditions.project_condition(criteria)
    span = Span.of(arguments, ordering)
    filtered = arguments.get("filter") is not None
    return connection(compiler, request, ordering, where, size, span, filtered=filtered)


def root_listing(ordering: keyset.Ordering, condition: Callable[[Any], keyset.Condition]) -> Rule:
    def rule(compiler: Compiler, root: None, request: Request) -> Json:
        arguments = compiler.arguments(request)
        size = _page_size(compiler, arguments)
        where = condition(arguments.get("filter"))
        span = Span.of(arguments, ordering)
        filtered = arguments.get("filter") is not None
        return connection(compiler, request, ordering, where, size, span, filtered=filtered)

    return rule


def projects_of(relation: str, key: str) -> Rule:
    """A partner's, programme's, country's or theme's ``projectsConnection``, as
    ``project_page`` reads it."""

    def rule(compiler: Compiler, row: FromClause, request: Request) -> Json:
        arguments = compiler.arguments(request)
        size = _page_size(compiler, arguments)
        criteria = filters.project_criteria(arguments.get("filter"))
        ordering = orderings.project_ordering(filters.project_order(arguments.get("order_by")))
        where, link_where = project_conditions(relation, criteria, arguments.get("role"))
        linked_ids = queries.projects_linked_to(relation, row.c[key], link_where).correlate(row)
        return connection(
            compiler,
            request,
            ordering,
            where & queries.project.c.id.in_(linked_ids),
            size,
            Span.of(arguments, ordering),
            filtered=True,  # to the partner's, programme's, country's or theme's projects
            correlate=row,
        )

    return rule


NODE_TABLES: dict[str, sa.Table] = {
    "Project": queries.project,
    "Partner": queries.partner,
    "Programme": queries.programme,
    "BeneficiaryGroup": queries.beneficiary_group,
    "Outcome": queries.outcome,
}


def node(compiler: Compiler, root: None, request: Request) -> Json:
    """``node(id:)`` for the record types below; a malformed or unknown id, or an id of
    another type, is the resolver's to answer (with its error)."""
    raw = compiler.arguments(request)["id"]
    try:
        parsed = relay.GlobalID.from_id(raw)
    except Exception as error:
        raise CannotCompile("not a global id") from error
    table = NODE_TABLES.get(parsed.type_name)
    number = record_id(parsed.node_id)
    if table is None or number is None:
        raise CannotCompile("a node type the compiled path does not read")
    target = table.alias()
    built = compiler.object(parsed.type_name, target, request.nodes, request.path)
    compiler.required.append(request.path)
    return sa.select(built).where(target.c.id == number).scalar_subquery()


def _plain(*names: str) -> dict[str, Rule]:
    """Fields that are a column of the same name (in snake case)."""
    return {name: column(_snake(name)) for name in names}


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


PROJECT: dict[str, Rule] = {
    "id": global_id_of("Project"),
    **_plain("version", "code", "title", "acronym", "summary", "status", "statusAsOf"),
    **_plain("statusDerived", "durationMonths"),
    "plannedStart": fuzzy_date("planned_start", derived=True),
    "plannedEnd": fuzzy_date("planned_end", derived=True),
    "actualStart": fuzzy_date("actual_start", derived=True),
    "actualEnd": fuzzy_date("actual_end", derived=True),
    "budget": money("budget_amount", "budget_currency", "budget_amount_qualifier"),
    "previousPhase": reference(queries.project, "previous_phase_id"),
    "nextPhases": children(queries.project, "previous_phase_id", by_id),
    "programmes": linked(
        queries.programme, queries.project_programme, "project_id", "programme_id", "id", by_name
    ),
    "partners": project_partners,
    "countries": project_countries,
    "countryLinks": project_country_links,
    "regions": linked(
        queries.region, queries.project_region, "project_id", "region_code", "code", by_name
    ),
    "themes": linked(
        queries.theme, queries.project_theme, "project_id", "theme_slug", "slug", by_name
    ),
    "beneficiaryGroups": children(queries.beneficiary_group, "project_id", by_code),
    "outcomes": children(queries.outcome, "project_id", by_code),
    "sources": sources("project_id"),
}

RULES: dict[str, dict[str, Rule]] = {
    "Query": {
        "node": node,
        "projects": root_projects,
        "partners": root_listing(
            orderings.PARTNERS,
            lambda f: conditions.partner_condition(filters.partner_criteria(f)),
        ),
        "programmes": root_listing(
            orderings.PROGRAMMES,
            lambda f: conditions.programme_condition(filters.programme_criteria(f)),
        ),
    },
    "Project": PROJECT,
    "ProjectPartner": {
        "role": column("role"),
        "amount": money("amount", "currency", "amount_qualifier"),
        "partner": reference(queries.partner, "partner_id"),
        "project": reference(queries.project, "project_id"),
        "sources": sources("project_partner_id"),
    },
    "ProjectCountry": {
        "role": column("role"),
        "percentage": decimal_text("percentage"),
        "country": reference(queries.country, "country_code", key="code"),
        "sources": sources("project_country_id"),
    },
    "Partner": {
        "id": global_id_of("Partner"),
        **_plain("version", "code", "name", "acronym", "kind", "website", "description"),
        **_plain("iatiIdentifier"),
        "country": reference(queries.country, "country_code", key="code"),
        "parent": reference(queries.partner, "parent_id"),
        "children": children(queries.partner, "parent_id", by_id),
        "projectsConnection": projects_of("partner", "id"),
        "sources": sources("partner_id"),
    },
    "Programme": {
        "id": global_id_of("Programme"),
        **_plain("version", "code", "name", "acronym", "description"),
        "startDate": fuzzy_date("start_date"),
        "endDate": fuzzy_date("end_date"),
        "parent": reference(queries.programme, "parent_id"),
        "projectsConnection": projects_of("programme", "id"),
        "sources": sources("programme_id"),
    },
    "Country": {
        "id": global_id_of("Country", "code"),
        **_plain("code", "name", "officialName", "region", "alternativeNames"),
        "projectsConnection": projects_of("country", "code"),
    },
    "Theme": {
        "id": global_id_of("Theme", "slug"),
        **_plain("slug", "name"),
        "projectsConnection": projects_of("theme", "slug"),
    },
    "Region": _plain("code", "name"),
    "BeneficiaryGroup": {
        "id": global_id_of("BeneficiaryGroup"),
        **_plain("version", "code", "description", "categories", "location"),
        "targetCount": count("target_count"),
        "reachedCount": count("reached_count"),
        "womenShare": quantity("women_share"),
        "country": reference(queries.country, "country_code", key="code"),
        "project": reference(queries.project, "project_id"),
        "sources": sources("beneficiary_group_id"),
    },
    "Outcome": {
        "id": global_id_of("Outcome"),
        **_plain("version", "code", "kind", "statement", "indicator", "unit", "measure"),
        **_plain("baselineYear"),
        "baseline": quantity("baseline"),
        "target": quantity("target"),
        "actual": quantity("actual"),
        "periodStart": fuzzy_date("period_start", precision="period_precision"),
        "periodEnd": fuzzy_date("period_end", precision="period_precision"),
        "project": reference(queries.project, "project_id"),
        "sources": sources("outcome_id"),
    },
    "Source": {
        "document": lambda compiler, cited, request: cited.document.c.file_name,
        "title": lambda compiler, cited, request: cited.document.c.title,
        "publisher": lambda compiler, cited, request: cited.document.c.publisher,
        "excerpt": lambda compiler, cited, request: cited.citation.c.excerpt,
        "published": lambda compiler, cited, request: fuzzy_date("published_on")(
            compiler, cited.document, request
        ),
    },
    "FuzzyDate": {name: value(name) for name in ("value", "date", "precision", "derived")},
    "Money": {name: value(name) for name in ("amount", "currency", "qualifier")},
    "Quantity": {name: value(name) for name in ("value", "qualifier")},
    "Count": {name: value(name) for name in ("value", "qualifier")},
    "PageInfo": {
        "hasNextPage": end_flag("hasNextPage"),
        "hasPreviousPage": end_flag("hasPreviousPage"),
        "startCursor": end_cursor("startCursor"),
        "endCursor": end_cursor("endCursor"),
    },
    **{
        f"{name}Connection": {
            "edges": edges,
            "pageInfo": page_info,
            "totalCount": total_count,
        }
        for name in ("Project", "Partner", "Programme")
    },
    **{
        f"{name}Edge": {"node": node_of_edge, "cursor": edge_cursor}
        for name in ("Project", "Partner", "Programme")
    },
}
