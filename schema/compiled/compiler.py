"""Turning a query's selection into one SQL statement that builds its JSON answer.

The compiler walks the operation as graphql-core would execute it (fragments, aliases, merged
selections, variables), but instead of calling resolvers it asks each field how it reads in
SQL: its ``Rule``, declared with the field itself (``compiled_field``, in the type's module),
or, for the fields of Strawberry's relay types, given by the class the field comes from
(``connections.INHERITED``). ``@skip`` and ``@include`` are decided as the executor decides
them, from their ``if`` (a literal or a variable). Whatever it is not sure of — a field
without a rule, another directive (``@defer``, ``@stream``), paging backward, an argument
the resolver would refuse, a permission other than the public read — ends the attempt with
``CannotCompile``, and the resolvers answer instead, errors included. So the compiled path
never answers differently; it answers only what it knows.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_list_type,
)
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_directive_values,
    get_variable_values,
)
from graphql.utilities import get_operation_ast
from sqlalchemy.sql.elements import ColumnElement
from strawberry import Schema
from strawberry.permission import PermissionExtension
from strawberry.types.arguments import convert_arguments
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from db import keyset
from db.json_select import Json, json_object, key_literal
from schema.pagination import encode_cursor
from schema.permissions import CanRead


class CannotCompile(Exception):
    """This operation (or a part of it) needs the resolvers."""


@dataclass
class Request:
    """One field of the answer: its nodes (merged under one response key), where it sits
    (response keys, with ``*`` standing for every item of a list)."""

    type_name: str
    name: str
    python_name: str
    nodes: list[FieldNode]
    definition: GraphQLField
    path: tuple[str, ...]

    @property
    def returns(self) -> GraphQLNamedType:
        return get_named_type(self.definition.type)


Rule = Callable[["Compiler", Any, Request], ColumnElement[Any]]
"""How a field reads in SQL: given the compiler, its parent's scope (a row, a page, a value
type's expressions) and the request for it, the expression of its JSON value."""

Inherited = Mapping[type, Mapping[str, Rule]]
"""Rules of fields a type inherits from a class not of this repo (relay's ``Node``,
``Connection``, ``Edge``, ``PageInfo``), by that class and the field's Python name."""

_RULE = "coopgraph.compiled_rule"


def compiled_field(rule: Rule, **options: Any) -> Any:
    """A Strawberry field (``strawberry.field``'s options) that the compiled path reads with
    ``rule``: what the field is and how it is fetched in one declaration, as a Grafast plan
    sits in its field's spec. Also a decorator of the field's resolver, like
    ``strawberry.field``."""
    return strawberry.field(metadata={_RULE: rule}, **options)


def rule_of(
    definition: StrawberryObjectDefinition, field: StrawberryField, inherited: Inherited
) -> Rule | None:
    """The field's own rule, else the one its type inherits with it; ``None``: no rule."""
    rule: Rule | None = field.metadata.get(_RULE)
    if rule is not None:
        return rule
    for base in definition.origin.__mro__:
        rule = inherited.get(base, {}).get(field.python_name)
        if rule is not None:
            return rule
    return None


def fields_without_rules(schema: Schema, inherited: Inherited) -> dict[str, list[str]]:
    """Every object type a query can reach, with the fields the compiled path cannot read
    (``__typename`` aside): what a query selecting them sends to the resolvers."""
    query_type = schema._schema.query_type
    assert query_type is not None
    missing: dict[str, list[str]] = {}
    seen: set[str] = set()
    reached: list[GraphQLNamedType] = [query_type]
    while reached:
        graphql_type = reached.pop()
        if graphql_type.name in seen or graphql_type.name.startswith("__"):
            continue
        seen.add(graphql_type.name)
        if is_abstract_type(graphql_type):
            reached.extend(schema._schema.get_possible_types(graphql_type))
            continue
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        definition = schema.get_type_by_name(graphql_type.name)
        assert isinstance(definition, StrawberryObjectDefinition)
        names = {schema.config.name_converter.get_graphql_name(f): f for f in definition.fields}
        for name, graphql_field in graphql_type.fields.items():
            reached.append(get_named_type(graphql_field.type))
            field = names.get(name)
            if field is None or rule_of(definition, field, inherited) is None:
                missing.setdefault(graphql_type.name, []).append(name)
    return missing


@dataclass(frozen=True)
class Reader:
    """What of the request a compiled statement depends on besides the query: whether it
    may read at all, and the page sizes in force."""

    may_read: bool
    default_page_size: int
    max_page_size: int


@dataclass(frozen=True)
class Shape:
    """What the statement's answer needs besides running it; kept with the rendered SQL
    (not the SQLAlchemy statement, which weighs far more) for as long as that is cached."""

    required: tuple[tuple[str, ...], ...]
    """Paths that must not be null: where the resolvers would answer an error instead
    (``node`` with an id nothing has), the compiled answer is not used."""
    cursors: tuple[tuple[tuple[str, ...], keyset.Ordering], ...]
    """Paths where the statement leaves a row's sort values, to be written as the cursor
    of that ordering (``pagination.encode_cursor``: Python's JSON and base64, which the
    resolvers' cursors are made of and a client hands back)."""

    def finish(self, data: Any) -> Any:
        for path, ordering in self.cursors:
            _encode_cursors(data, path, ordering)
        return data

    def holds_in(self, data: Any) -> bool:
        for path in self.required:
            value = data
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if value is None:
                return False
        return True


@dataclass(frozen=True)
class Compiled:
    statement: sa.Select[Any]
    shape: Shape


def _encode_cursors(value: Any, path: tuple[str, ...], ordering: keyset.Ordering) -> None:
    """Write, at ``path`` in ``value``, each row's sort values as its cursor."""
    if value is None:
        return
    key, rest = path[0], path[1:]
    if key == "*":
        for item in value:
            _encode_cursors(item, rest, ordering)
    elif rest:
        _encode_cursors(value.get(key), rest, ordering)
    elif value.get(key) is not None:
        value[key] = encode_cursor(ordering, tuple(value[key]))


class Compiler:
    def __init__(
        self,
        schema: Schema,
        inherited: Inherited,
        fragments: dict[str, FragmentDefinitionNode],
        variables: VariableValues,
        reader: Reader,
    ) -> None:
        self.schema = schema
        self.graphql_schema: GraphQLSchema = schema._schema
        self.inherited = inherited
        self.fragments = fragments
        self.variables = variables
        self.reader = reader
        self.required: list[tuple[str, ...]] = []
        self.cursors: list[tuple[tuple[str, ...], keyset.Ordering]] = []

    def object(
        self,
        type_name: str,
        parent: Any,
        nodes: list[FieldNode],
        path: tuple[str, ...],
    ) -> Json:
        """The JSON object of ``type_name`` for ``parent`` with the fields ``nodes`` select."""
        object_type, selection = self._selection(type_name, nodes)
        pairs: list[tuple[str, ColumnElement[Any]]] = []
        for key, field_nodes in selection.items():
            name = field_nodes[0].name.value
            if name == "__typename":
                pairs.append((key, key_literal(type_name)))
                continue
            strawberry_type, strawberry_field = self._strawberry_field(type_name, name)
            rule = rule_of(strawberry_type, strawberry_field, self.inherited)
            if rule is None:
                raise CannotCompile(f"{type_name}.{name} has no rule")
            self._check_permissions(type_name, name, strawberry_field)
            definition = object_type.fields[name]
            listed = is_list_type(get_nullable_type(definition.type))
            request = Request(
                type_name,
                name,
                strawberry_field.python_name,
                field_nodes,
                definition,
                (*path, key, *(("*",) if listed else ())),
            )
            pairs.append((key, rule(self, parent, request)))
        if not pairs or len(pairs) > 50:
            # json_build_object takes at most 100 arguments.
            raise CannotCompile("selection too wide for one JSON object")
        return json_object(pairs)

    def selected(self, type_name: str, nodes: list[FieldNode]) -> set[str]:
        """The names of the fields ``nodes`` select on ``type_name``, fragments included."""
        _, selection = self._selection(type_name, nodes)
        return {field_nodes[0].name.value for field_nodes in selection.values()}

    def _selection(
        self, type_name: str, nodes: list[FieldNode]
    ) -> tuple[GraphQLObjectType, dict[str, list[FieldNode]]]:
        object_type = self.graphql_schema.get_type(type_name)
        if not isinstance(object_type, GraphQLObjectType):
            raise CannotCompile(f"{type_name} is not an object type")
        selection = self._collect(object_type, [n.selection_set for n in nodes if n.selection_set])
        return object_type, selection

    def arguments(self, request: Request) -> dict[str, Any]:
        """The field's arguments as its resolver receives them (Strawberry inputs, enums)."""
        _, strawberry_field = self._strawberry_field(request.type_name, request.name)
        raw = get_argument_values(request.definition, request.nodes[0], self.variables)
        if any(
            get_argument_values(request.definition, node, self.variables) != raw
            for node in request.nodes[1:]
        ):
            raise CannotCompile("merged fields with different arguments")
        return convert_arguments(
            raw,
            strawberry_field.arguments,
            scalar_registry=self.schema.schema_converter.scalar_registry,
            config=self.schema.config,
        )

    def _check_permissions(
        self, type_name: str, name: str, strawberry_field: StrawberryField
    ) -> None:
        if any(
            not isinstance(extension, PermissionExtension)
            for extension in strawberry_field.extensions
        ) or any(p is not CanRead for p in strawberry_field.permission_classes):
            raise CannotCompile(f"{type_name}.{name} has checks of its own")
        if strawberry_field.permission_classes and not self.reader.may_read:
            raise CannotCompile("reading needs a key: the resolvers say so")

    def _strawberry_field(
        self, type_name: str, name: str
    ) -> tuple[StrawberryObjectDefinition, StrawberryField]:
        definition = self.schema.get_type_by_name(type_name)
        if not isinstance(definition, StrawberryObjectDefinition):
            raise CannotCompile(f"{type_name} is not a Strawberry object type")
        for strawberry_field in definition.fields:
            if self.schema.config.name_converter.get_graphql_name(strawberry_field) == name:
                return definition, strawberry_field
        raise CannotCompile(f"{type_name}.{name} is not a Strawberry field")

    def _collect(
        self, object_type: GraphQLObjectType, selection_sets: list[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        """Fields by response key, as graphql-core's ``collect_fields`` gathers them, for the
        plain cases only: a directive other than ``@skip`` and ``@include`` (``@defer``)
        needs the executor."""
        collected: dict[str, list[FieldNode]] = {}
        for node in self._selections(object_type, selection_sets, set()):
            key = node.alias.value if node.alias else node.name.value
            collected.setdefault(key, []).append(node)
        return collected

    def _selections(
        self,
        object_type: GraphQLObjectType,
        selection_sets: list[SelectionSetNode],
        visited: set[str],
    ) -> Iterator[FieldNode]:
        for selection_set in selection_sets:
            for selection in selection_set.selections:
                if selection.directives and not self._included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    yield selection
                elif isinstance(selection, InlineFragmentNode):
                    if self._applies(selection.type_condition, object_type):
                        yield from self._selections(object_type, [selection.selection_set], visited)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is None or name in visited:
                        raise CannotCompile("unknown or repeated fragment")
                    if self._applies(fragment.type_condition, object_type):
                        yield from self._selections(
                            object_type, [fragment.selection_set], visited | {name}
                        )

    def _included(self, selection: SelectionNode) -> bool:
        """Whether ``@skip`` and ``@include`` keep a selection (``@skip`` first, as the
        executor has it); any other directive is the executor's."""
        if any(d.name.value not in ("skip", "include") for d in selection.directives or ()):
            raise CannotCompile("directives other than @skip and @include need the executor")
        skip = get_directive_values(GraphQLSkipDirective, selection, self.variables)
        if skip is not None and skip["if"] is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, selection, self.variables)
        return include is None or include["if"] is True

    def _applies(self, condition: Any, object_type: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        condition_type = self.graphql_schema.get_type(condition.name.value)
        if condition_type is None:
            raise CannotCompile("unknown type condition")
        if condition_type is object_type:
            return True
        return is_abstract_type(condition_type) and self.graphql_schema.is_sub_type(
            condition_type, object_type
        )


def compile_operation(
    schema: Schema,
    inherited: Inherited,
    document: Any,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    reader: Reader,
) -> Compiled:
    """One statement selecting the whole ``data`` of a query, or ``CannotCompile``."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        raise CannotCompile("only queries")
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    coerced = get_variable_values(
        schema._schema, operation.variable_definitions or (), variables or {}
    )
    if not isinstance(coerced, VariableValues):
        raise CannotCompile("variables the executor must refuse")
    compiler = Compiler(schema, inherited, fragments, coerced, reader)
    query_type = schema._schema.query_type
    assert query_type is not None
    data = compiler.object(query_type.name, None, [_root_node(operation)], ())
    shape = Shape(tuple(compiler.required), tuple(compiler.cursors))
    return Compiled(sa.select(data), shape)


def _root_node(operation: OperationDefinitionNode) -> FieldNode:
    """The operation's selection as if it were a field's, so the root is an object like any."""
    return FieldNode(name=NameNode(value="data"), selection_set=operation.selection_set)
