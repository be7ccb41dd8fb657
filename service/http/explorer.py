"""The partnership explorer: the page built from ``explorer/`` (``npm run build``), served at
``/``. It is a client of ``/graphql`` like any other, so the service only hands out files."""

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

log = logging.getLogger(__name__)


def serve_explorer(app: FastAPI, directory: Path) -> None:
    """Mounted last: ``/`` catches every path no route of the API claimed."""
    if (directory / "index.html").is_file():
        app.mount("/", StaticFiles(directory=directory, html=True), name="explorer")
        return
    log.warning("no explorer build in %s (`make run` builds it): / leads to GraphiQL", directory)

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/graphql")
