"""The compiled read path: a query answered by one SQL statement that builds its JSON.

``compiler`` walks the query and asks each field for its rule; ``builders`` and
``connections`` are what rules are made of. Nothing here names a type of the schema: the
types declare their fields' rules themselves (``compiled_field`` in ``schema/types/``).
"""
