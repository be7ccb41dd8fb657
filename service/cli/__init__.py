"""The ``coopgraph`` command line (``main``) and its groups of commands: API keys, IATI files."""
