"""The explorer's files at ``/``, beside the API; GraphiQL at ``/`` until it is built."""

from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncConnection

from service.app import create_app
from service.settings import Settings
from tests.conftest import FixedConnection


def _client(conn: AsyncConnection, explorer_dir: Path) -> httpx.AsyncClient:
    settings = Settings(_env_file=None, explorer_dir=explorer_dir)
    app = create_app(settings, connections=FixedConnection(conn))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_the_built_page_is_served_at_the_root_beside_the_api(
    conn: AsyncConnection, tmp_path: Path
) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Explorer</title>")
    (tmp_path / "assets" / "app.js").write_text("console.log('explorer')")
    async with _client(conn, tmp_path) as client:
        page = await client.get("/")
        script = await client.get("/assets/app.js")
        api = await client.post("/graphql", json={"query": "{ projects { totalCount } }"})
        ready = await client.get("/readyz")
        missing = await client.get("/nothing-here")
    assert page.status_code == 200
    assert "<title>Explorer</title>" in page.text
    assert script.headers["content-type"].startswith("text/javascript")
    assert api.json() == {"data": {"projects": {"totalCount": 17}}}
    assert ready.status_code == 200
    assert missing.status_code == 404


async def test_without_a_build_the_root_leads_to_graphiql(
    conn: AsyncConnection, tmp_path: Path
) -> None:
    async with _client(conn, tmp_path / "not-built") as client:
        response = await client.get("/")
    assert response.status_code == 307
    assert response.headers["location"] == "/graphql"
