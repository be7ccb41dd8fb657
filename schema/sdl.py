"""The schema as files: ``schema.graphql`` for clients, ``schema.subgraph.graphql`` for a
federation gateway.

The subgraph SDL applies ``@link``, ``@key`` and ``@shareable`` without declaring them, as
a gateway expects (it knows them from the ``@link``d spec). Every other tool (graphql-js
``buildSchema``, codegen, relay-compiler, linters) needs each directive declared, so the
client file declares the ones the SDL applies, in front of the same SDL.
"""

from graphql import GraphQLSchema, print_directive, print_type

from schema.build import schema

_DECLARED_TYPES = ("_FieldSet", "link__Import", "link__Purpose")
"""The argument types of the federation directives, which the subgraph SDL leaves out."""


def subgraph_sdl() -> str:
    """What ``_service { sdl }`` answers."""
    return schema.as_str() + "\n"


def client_sdl() -> str:
    core: GraphQLSchema = schema._schema
    sdl = schema.as_str()
    declarations = [
        print_directive(directive)
        for directive in core.directives
        if f"@{directive.name}" in sdl
        and f"directive @{directive.name}" not in sdl
        and directive.name not in ("include", "skip", "deprecated", "specifiedBy", "oneOf")
    ]
    declarations += [print_type(t) for name in _DECLARED_TYPES if (t := core.get_type(name))]
    header = "# Federation directives, declared so that this file is a schema on its own.\n"
    return header + "\n\n".join([*declarations, sdl]) + "\n"
