"""The compiled read path: a query answered by one SQL statement that builds its JSON."""
