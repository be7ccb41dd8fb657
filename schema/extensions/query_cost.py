"""A cost limit checked before execution: how many fields a query could resolve at most.

Depth, token and alias limits miss the expensive query that is short: three nested
connections of a hundred each ask for a million rows. The cost counts every field once per
parent it can be resolved for: a connection multiplies what is under it by its page size
(``first`` or ``last``; a variable counts as the largest page, the absent argument as the
default one), a plain list by ``LIST_FACTOR`` (their sizes are not asked for), an object by
one. A query over the limit is refused whole, before any SQL runs.
"""

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    get_named_type,
    get_nullable_type,
)

LIST_FACTOR = 5
"""What a list field without a page size is assumed to hold."""


def query_cost_rule(max_cost: int, default_page: int, max_page: int) -> type[ValidationRule]:
    class QueryCost(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
            schema = self.context.schema
            root = schema.get_root_type(node.operation)
            if root is None:
                return
            fragments = {
                d.name.value: d
                for d in self.context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            cost = _Costing(schema, fragments, default_page, max_page).of(
                node.selection_set, root, 1, frozenset()
            )
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"This query could resolve {cost} fields; the limit is {max_cost}. "
                        "Ask for smaller pages or fewer nested lists.",
                        node,
                        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": max_cost},
                    )
                )

    return QueryCost


class _Costing:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        default_page: int,
        max_page: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.default_page = default_page
        self.max_page = max_page

    def _type(self, name: str, fallback: GraphQLNamedType) -> GraphQLNamedType:
        found = self.schema.get_type(name)
        return found if isinstance(found, GraphQLNamedType) else fallback

    def _page(self, field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value in ("first", "last"):
                if isinstance(argument.value, IntValueNode):
                    return max(0, int(argument.value.value))
                return self.max_page
        return self.default_page

    def of(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType,
        multiplier: int,
        seen: frozenset[str],
    ) -> int:
        if selection_set is None:
            return 0
        return sum(self._selection(s, parent, multiplier, seen) for s in selection_set.selections)

    def _selection(
        self, selection: object, parent: GraphQLNamedType, multiplier: int, seen: frozenset[str]
    ) -> int:
        if isinstance(selection, InlineFragmentNode):
            inner = (
                self._type(selection.type_condition.name.value, parent)
                if selection.type_condition
                else parent
            )
            return self.of(selection.selection_set, inner, multiplier, seen)
        if isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = self.fragments.get(name)
            if fragment is None or name in seen:  # unknown or cyclic: other rules report it
                return 0
            inner = self._type(fragment.type_condition.name.value, parent)
            return self.of(fragment.selection_set, inner, multiplier, seen | {name})
        assert isinstance(selection, FieldNode)
        fields = (
            parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        )
        definition = fields.get(selection.name.value)
        if definition is None:  # __typename, introspection
            return multiplier
        field_type = get_nullable_type(definition.type)
        named = get_named_type(field_type)
        if named.name.endswith("Connection"):
            size = self._page(selection)
        elif isinstance(field_type, GraphQLList):
            size = LIST_FACTOR
        else:
            size = 1
        return multiplier + self.of(selection.selection_set, named, multiplier * size, seen)
