"""IATI over HTTP: the export endpoint and the ``importIati`` upload."""

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import httpx
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncConnection

from db import api_keys
from db.enums import KeyScope
from service.app import create_app
from service.settings import Settings
from tests.conftest import FixedConnection
from tests.iati.conftest import FILES
from tests.snapshot import table_digests

IMPORT = """
mutation ($file: Upload!, $skip: Boolean!) {
  importIati(file: $file, skipInvalid: $skip) {
    created updated unchanged skipped problems { file line activity message }
  }
}
"""


async def _upload(
    client: httpx.AsyncClient, token: str | None, path: Path, *, skip: bool = False
) -> httpx.Response:
    operations = {"query": IMPORT, "variables": {"file": None, "skip": skip}}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    content = await asyncio.to_thread(path.read_bytes)
    return await client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (path.name, content, "application/xml")},
        headers=headers,
    )


def _error(response: httpx.Response) -> dict[str, Any]:
    [error] = response.json()["errors"]
    return dict(error)


async def test_export_streams_a_file_and_counts_what_it_left_out(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/iati/activities.xml", params={"status": "ACTIVE"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml"
    document = etree.parse(io.BytesIO(response.content))
    statuses = set(document.xpath("//activity-status/@code"))
    assert statuses == {"2"}
    # Active projects of the dataset the sources give no date for.
    assert int(response.headers["x-iati-left-out"]) > 0


async def test_export_takes_the_projects_filters(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/iati/activities.xml", params={"partner": "KOICA", "role": "FUNDING"}
    )
    assert response.status_code == 200
    document = etree.parse(io.BytesIO(response.content))
    assert document.xpath("//iati-identifier/text()") == [
        "XM-DAC-41302-skills-knowledge-sharing-lics"
    ]
    assert response.headers["x-iati-left-out"] == "3"


async def test_a_bad_export_filter_is_a_clear_error(client: httpx.AsyncClient) -> None:
    response = await client.get("/iati/activities.xml", params={"status": "FINISHED"})
    assert response.status_code == 400
    error = _error(response)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "FINISHED" in error["message"]
    response = await client.get("/iati/activities.xml", params={"colour": "red"})
    assert _error(response)["message"].startswith("unknown filter 'colour'")


async def test_an_export_with_nothing_to_write_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/iati/activities.xml", params={"code": "tunisia-ict-jobs"})
    assert response.status_code == 404
    error = _error(response)
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "1 selected lack" in error["message"]


async def test_an_admin_imports_a_file_by_upload(
    conn: AsyncConnection, client: httpx.AsyncClient
) -> None:
    token = await api_keys.create_key(conn, "uploader", KeyScope.ADMIN)
    response = await _upload(client, token, FILES / "multi_activity.xml")
    assert response.status_code == 200
    assert response.json()["data"]["importIati"] == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "skipped": [],
        "problems": [],
    }
    again = await _upload(client, token, FILES / "multi_activity.xml")
    assert again.json()["data"]["importIati"]["unchanged"] == 3


async def test_an_upload_with_problems_is_refused_whole_and_names_them(
    conn: AsyncConnection, client: httpx.AsyncClient
) -> None:
    token = await api_keys.create_key(conn, "uploader", KeyScope.ADMIN)
    before = await table_digests(conn)
    response = await _upload(client, token, FILES / "schema_invalid.xml")
    error = _error(response)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert [(p["activity"], p["line"]) for p in error["extensions"]["problems"]] == [
        ("XM-DAC-41302-TEST-102", 36),
        ("XM-DAC-41302-TEST-103", 61),
    ]
    assert await table_digests(conn) == before

    skipped = await _upload(client, token, FILES / "schema_invalid.xml", skip=True)
    report = skipped.json()["data"]["importIati"]
    assert (report["created"], len(report["problems"])) == (1, 2)


async def test_an_upload_of_which_nothing_imports_is_an_error_not_a_silent_zero(
    conn: AsyncConnection, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    """With ``skipInvalid``, a file whose every activity is skipped imported nothing: the
    answer says so as an error naming the problems, not ``created: 0``."""
    token = await api_keys.create_key(conn, "uploader", KeyScope.ADMIN)
    document = etree.parse(str(FILES / "schema_invalid.xml"))
    root = document.getroot()
    valid = root.find("iati-activity")  # the one valid activity
    assert valid is not None
    root.remove(valid)
    invalid = tmp_path / "all_invalid.xml"
    document.write(str(invalid))
    before = await table_digests(conn)
    error = _error(await _upload(client, token, invalid, skip=True))
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("No activity of the file could be imported")
    assert len(error["extensions"]["problems"]) == 2
    assert all(p["file"] == "all_invalid.xml" for p in error["extensions"]["problems"])
    assert await table_digests(conn) == before


async def test_a_hostile_upload_is_refused(
    conn: AsyncConnection, client: httpx.AsyncClient
) -> None:
    token = await api_keys.create_key(conn, "uploader", KeyScope.ADMIN)
    response = await _upload(client, token, FILES / "external_entity.xml")
    error = _error(response)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "document type" in error["extensions"]["problems"][0]["message"]


async def test_only_an_admin_may_import(conn: AsyncConnection, client: httpx.AsyncClient) -> None:
    assert (
        _error(await _upload(client, None, FILES / "multi_activity.xml"))["extensions"]["code"]
        == "UNAUTHENTICATED"
    )
    writer = await api_keys.create_key(conn, "writer", KeyScope.WRITE, "KOICA")
    response = await _upload(client, writer, FILES / "multi_activity.xml")
    assert _error(response)["extensions"]["code"] == "FORBIDDEN"


async def test_an_oversized_upload_is_refused_before_reading(
    conn: AsyncConnection, settings: Settings
) -> None:
    token = await api_keys.create_key(conn, "uploader", KeyScope.ADMIN)
    small = settings.model_copy(update={"iati_max_upload_bytes": 1000})
    app = create_app(small, connections=FixedConnection(conn))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        error = _error(await _upload(client, token, FILES / "multi_activity.xml"))
    assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_export_needs_a_key_where_reads_do(conn: AsyncConnection, settings: Settings) -> None:
    private = settings.model_copy(update={"public_reads": False})
    app = create_app(private, connections=FixedConnection(conn))
    token = await api_keys.create_key(conn, "reader", KeyScope.WRITE)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        refused = await client.get("/iati/activities.xml")
        allowed = await client.get(
            "/iati/activities.xml", headers={"Authorization": f"Bearer {token}"}
        )
    assert refused.status_code == 401
    assert _error(refused)["extensions"]["code"] == "UNAUTHENTICATED"
    assert allowed.status_code == 200
