"""The GraphQL schema: Strawberry types, resolvers and per-request DataLoaders."""
