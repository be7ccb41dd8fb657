"""How big an operation is once its fragments are written out, measured in one pass.

A fragment may be spread many times, and each of its spreads may spread others: twenty
fragments that each spread the next twice write out a million fields from 866 bytes. Every
walk that follows each spread on each path (Strawberry's depth and alias limiters, a cost
rule, some of graphql-core's own rules) doubles its time per fragment. Here each fragment
is measured once, in an order where the fragments it spreads were measured before it (an
explicit stack, so a long chain of fragments cannot exhaust Python's recursion), and a
spread adds the fragment's measure: the depth, aliases, written-out fields and cost of a
document in time linear in its text. A spread that closes a cycle adds nothing
(graphql-core's ``NoFragmentCycles`` refuses the document), an unknown fragment or field
adds nothing but itself (the validation rules name it).

The cost counts every field once per parent it can be resolved for:

- a connection (a type named ``…Connection``) multiplies what is under it by the page it
  asks for (``first`` or ``last``; a variable counts as the largest page, no argument as
  the default one), and its ``edges`` list adds no factor of its own;
- a plain list of objects multiplies what is under it by the most it can hold, which its
  field declares with ``@listSize(assumedSize:)`` (the IBM cost specification's and Apollo
  demand control's directive); one that declares none, by its ``first`` argument or else
  as ``RECORD_LINKS``; a list of scalars or enums counts once;
- a field that follows a graph to a ``depth`` (``fundingFlow``) multiplies what is under
  it by that depth (its default when absent, the most it accepts for a variable): each
  level can reach as many nodes again;
- any other field counts once, introspection's included (not what is under them: their
  answer does not grow with the data).
"""

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)
from strawberry.federation.schema_directives import ListSize
from strawberry.types.field import StrawberryField

from db.funding_flow import MAX_DEPTH

CEILING = 10**15
"""Counts stop growing here: far above any limit, and an exact count of an exponential
expansion would only make a longer number to print."""


RECORD_LINKS = 10
"""What a plain list that declares no size is counted as: a record's own links (its
sources, partners, outcomes, a bucket's amounts) are few by nature; the lists that grow
with a table (a country's or a partner's projects, all countries) declare their size."""


@dataclass(frozen=True)
class Size:
    depth: int = 0
    """As Strawberry's ``QueryDepthLimiter`` counts it: fields with a selection, nested."""
    aliases: int = 0
    fields: int = 0
    """Fields with every fragment written out, as the validation rules may visit them."""
    cost: int = 0
    repeats: int = 0
    """The most times one response name occurs in one selection set, fragments written
    out: graphql-core compares such fields pairwise, and their selections with them."""

    def __add__(self, other: "Size") -> "Size":
        return Size(
            max(self.depth, other.depth),
            min(CEILING, self.aliases + other.aliases),
            min(CEILING, self.fields + other.fields),
            min(CEILING, self.cost + other.cost),
            max(self.repeats, other.repeats),
        )


@dataclass(frozen=True)
class Pages:
    default: int
    largest: int


def list_size(schema: GraphQLSchema, parent: GraphQLNamedType, field_name: str) -> int | None:
    """The ``assumedSize`` a field declares with ``@listSize``, or None."""
    if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return None
    field = parent.fields.get(field_name)
    definition = (field.extensions or {}).get("strawberry-definition") if field else None
    if not isinstance(definition, StrawberryField):
        return None
    for directive in definition.directives:
        if isinstance(directive, ListSize) and directive.assumed_size is not None:
            return directive.assumed_size
    return None


@dataclass(frozen=True)
class Measured:
    operation: OperationDefinitionNode
    size: Size
    paged_instead: frozenset[str]
    """``Type.list → listConnection`` for the plain lists the document asks for that have a
    paged twin."""


def measure(schema: GraphQLSchema, document: DocumentNode, pages: Pages) -> list[Measured]:
    """Each operation of the document, its fragments measured once for all of them."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    measuring = _Measuring(schema, fragments, pages)
    measured = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            size = measuring.operation(definition)
            measured.append(Measured(definition, size, frozenset(measuring.paged_instead)))
    return measured


class _Measuring:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        pages: Pages,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.pages = pages
        self.sizes: dict[str, tuple[Size, Counter[str]]] = {}
        """Each fragment's measure, and the response names it adds to where it is spread."""
        self.paged_instead: set[str] = set()

    def operation(self, node: OperationDefinitionNode) -> Size:
        root = self.schema.get_root_type(node.operation)
        if root is None:
            return Size()
        for name in self._dependency_order(node.selection_set):
            fragment = self.fragments[name]
            self.sizes[name] = self._merged(fragment.selection_set, self._condition(fragment, root))
        return self._set(node.selection_set, root)

    def _dependency_order(self, start: SelectionSetNode) -> list[str]:
        """The fragments the operation reaches, each after those it spreads (a depth-first
        post-order with its own stack); a spread closing a cycle is not followed."""
        order: list[str] = []
        seen: set[str] = set()
        stack: list[tuple[str | None, Iterator[str]]] = [(None, _spreads(start))]
        while stack:
            name, pending = stack[-1]
            spread = next(pending, None)
            if spread is None:
                stack.pop()
                if name is not None:
                    order.append(name)
            elif spread in self.fragments and spread not in seen and spread not in self.sizes:
                seen.add(spread)
                stack.append((spread, _spreads(self.fragments[spread].selection_set)))
        return order

    def _condition(
        self, node: FragmentDefinitionNode | InlineFragmentNode, parent: GraphQLNamedType
    ) -> GraphQLNamedType:
        if node.type_condition is None:
            return parent
        found = self.schema.get_type(node.type_condition.name.value)
        return found if found is not None else parent

    def _set(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType) -> Size:
        size, names = self._merged(selection_set, parent)
        return size + Size(repeats=max(names.values(), default=0))

    def _merged(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType
    ) -> tuple[Size, Counter[str]]:
        """A selection set's measure and its response names, those of the fragments in it
        included (they are merged with its fields)."""
        total, names = Size(), Counter[str]()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent)
                names[(selection.alias or selection.name).value] += 1
                continue
            if isinstance(selection, InlineFragmentNode):
                size, more = self._merged(
                    selection.selection_set, self._condition(selection, parent)
                )
            elif isinstance(selection, FragmentSpreadNode):
                # Absent: unknown, or a spread closing a cycle (measured later or never).
                size, more = self.sizes.get(selection.name.value, (Size(), Counter()))
            else:
                continue
            total += size
            names.update(more)
        return total, names

    def _field(self, node: FieldNode, parent: GraphQLNamedType) -> Size:
        alias = 1 if node.alias else 0
        fields = (
            parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        )
        definition = fields.get(node.name.value)
        if definition is None:  # __typename, introspection, or unknown
            inner = self._set(node.selection_set, parent) if node.selection_set else Size()
            return Size(0, alias + inner.aliases, 1 + inner.fields, 1, inner.repeats)
        field_type = get_nullable_type(definition.type)
        named = get_named_type(field_type)
        inner = self._set(node.selection_set, named)
        if node.selection_set is None or is_leaf_type(named):
            factor = 1
        elif parent.name.endswith("Connection") and isinstance(field_type, GraphQLList):
            factor = 1  # the edges: the connection field applied its page
        elif named.name.endswith("Connection"):
            factor = self._page(node)
        elif isinstance(field_type, GraphQLList):
            factor = list_size(self.schema, parent, node.name.value) or self._page(
                node, RECORD_LINKS
            )
            paged = f"{node.name.value}Connection"
            if paged in fields:
                self.paged_instead.add(f"{parent.name}.{node.name.value} → {paged}")
        else:
            factor = 1
        if "depth" in definition.args and node.selection_set is not None:
            factor *= self._followed_depth(node, definition.args["depth"].default_value)
        return Size(
            1 + inner.depth if node.selection_set else 0,
            min(CEILING, alias + inner.aliases),
            min(CEILING, 1 + inner.fields),
            min(CEILING, 1 + factor * inner.cost),
            inner.repeats,
        )

    @staticmethod
    def _followed_depth(field: FieldNode, default: object) -> int:
        for argument in field.arguments or ():
            if argument.name.value == "depth":
                if isinstance(argument.value, IntValueNode):
                    return max(1, min(MAX_DEPTH, int(argument.value.value)))
                return MAX_DEPTH
        return default if isinstance(default, int) else MAX_DEPTH

    def _page(self, field: FieldNode, absent: int | None = None) -> int:
        for argument in field.arguments or ():
            if argument.name.value in ("first", "last"):
                if isinstance(argument.value, IntValueNode):
                    return max(0, int(argument.value.value))
                return self.pages.largest
        return self.pages.default if absent is None else absent


def _spreads(selection_set: SelectionSetNode | None) -> Iterator[str]:
    """The fragments a selection set spreads, nested fields and inline fragments included."""
    pending = [selection_set] if selection_set else []
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                yield selection.name.value
            elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                pending.append(selection.selection_set)
