"""The explorer in a real browser: Debian's Chromium driven by Playwright (no browser is
downloaded), against a real service on a database of the test's own, serving the real build.

Every page load records the requests it made and the console errors it printed; a test ends
by checking that none went to another host and none was printed.
"""

import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, Request, async_playwright

from service.settings import Settings
from tests.service.test_live import serving

BUILD = Path(__file__).parents[2] / "explorer" / "dist"
CHROMIUM = shutil.which("chromium")
SCREENSHOTS = os.environ.get("COOPGRAPH_SCREENSHOTS")
"""Where ``make screenshots`` has the tests put the README's pictures."""
if SCREENSHOTS:
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if CHROMIUM is None:
    pytest.skip(
        "no chromium on PATH: `make test` installs Debian's package", allow_module_level=True
    )
if not (BUILD / "index.html").is_file():
    pytest.skip(
        "the explorer is not built: `make test` runs `npm ci && npm run build` in explorer/",
        allow_module_level=True,
    )


@dataclass
class Site:
    """The running service, and an API client to check what a page shows."""

    base: str
    api: httpx.AsyncClient

    async def graphql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await self.api.post("/graphql", json={"query": query, "variables": variables})
        body = response.json()
        assert "errors" not in body, body
        return body["data"]


@dataclass
class Watched:
    page: Page
    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
async def site(fresh_database_url: str) -> AsyncIterator[Site]:
    settings = Settings(_env_file=None, explorer_dir=BUILD, log_format="text")
    async with (
        serving(fresh_database_url, settings) as address,
        httpx.AsyncClient(base_url=f"http://{address}") as api,
    ):
        yield Site(f"http://{address}", api)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        await browser.close()


async def _open(browser: Browser, site: Site, width: int) -> AsyncIterator[Watched]:
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    watched = Watched(page)
    own = urlsplit(site.base).netloc

    def on_request(request: Request) -> None:
        if urlsplit(request.url).scheme in ("http", "https", "ws", "wss") and (
            urlsplit(request.url).netloc != own
        ):
            watched.foreign.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.console_errors.append(message.text)

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.console_errors.append(str(error)))
    yield watched
    await context.close()
    assert watched.foreign == [], "the page asked another host"
    assert watched.console_errors == []


@pytest.fixture
async def page(browser: Browser, site: Site) -> AsyncIterator[Watched]:
    async for watched in _open(browser, site, 1280):
        yield watched


@pytest.fixture
async def phone(browser: Browser, site: Site) -> AsyncIterator[Watched]:
    async for watched in _open(browser, site, 375):
        yield watched


async def screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        await page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
