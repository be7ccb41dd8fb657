"""Persistence: tables, engine, migrations, the built-in dataset. Knows nothing of GraphQL."""
