"""The running service: FastAPI app, settings, embedded database and CLI."""
