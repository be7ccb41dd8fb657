"""The built-in dataset: its file, the shape it must have, and the loader that seeds it."""
