"""The ``coopgraph`` commands, run against a database of their own that really commits."""

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from db import api_keys
from db.engine import create_engine
from db.enums import KeyScope
from schema.build import schema
from schema.sdl import client_sdl
from service.cli import main as cli
from service.settings import get_settings
from tests.postgres import DatabaseServer


async def _scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.scalar(sa.text(sql))
    finally:
        await engine.dispose()


@pytest.fixture
async def empty_database_url(server: DatabaseServer) -> object:
    name = "coopgraph_cli_empty"
    await server.admin(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
    )
    yield server.url(name)
    await server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _run_cli(monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        await asyncio.to_thread(cli.main, list(args))
    finally:
        get_settings.cache_clear()


async def test_migrate_then_seed_an_empty_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], empty_database_url: str
) -> None:
    await _run_cli(monkeypatch, empty_database_url, "migrate")
    assert await _scalar(empty_database_url, "SELECT count(*) FROM project") == 0
    # Before anything is seeded or imported, every code of the codelists is known.
    assert await _scalar(empty_database_url, "SELECT count(*) FROM codelist") == 70
    known = "SELECT count(*) FROM codelist_code WHERE codelist = 'Sector' AND code = '15170'"
    assert await _scalar(empty_database_url, known) == 1
    assert await _scalar(empty_database_url, "SELECT name FROM country WHERE code = 'TR'") == (
        "Türkiye"
    )
    await _run_cli(monkeypatch, empty_database_url, "seed")
    projects = await _scalar(empty_database_url, "SELECT count(*) FROM project")
    assert isinstance(projects, int)
    assert projects >= 16
    assert "seeded" in capsys.readouterr().out

    turkey = "SELECT 'Turkey' = ANY(alternative_names) FROM country WHERE code = 'TR'"
    assert await _scalar(empty_database_url, turkey) is True
    await _run_cli(monkeypatch, empty_database_url, "seed")
    assert "nothing was missing" in capsys.readouterr().out
    assert await _scalar(empty_database_url, "SELECT count(*) FROM project") == projects


async def test_migrate_is_a_no_op_on_a_current_database(
    monkeypatch: pytest.MonkeyPatch, fresh_database_url: str
) -> None:
    await _run_cli(monkeypatch, fresh_database_url, "migrate")
    assert await _scalar(fresh_database_url, "SELECT count(*) FROM project") is not None


def test_export_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["export-schema"])
    assert capsys.readouterr().out == client_sdl()
    target = tmp_path / "schema.graphql"
    cli.main(["export-schema", "--output", str(target)])
    assert target.read_text() == client_sdl()
    cli.main(["export-schema", "--subgraph"])
    assert capsys.readouterr().out == schema.as_str() + "\n"


async def test_keys_are_created_listed_and_revoked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], empty_database_url: str
) -> None:
    await _run_cli(monkeypatch, empty_database_url, "migrate")
    await _run_cli(monkeypatch, empty_database_url, "seed")
    capsys.readouterr()
    await _run_cli(
        monkeypatch,
        empty_database_url,
        "keys",
        "create",
        "--name",
        "koica",
        "--scope",
        "write",
        "--partner",
        "KOICA",
    )
    token = capsys.readouterr().out.splitlines()[-1]
    assert token.startswith("cg_")
    stored = await _scalar(empty_database_url, "SELECT secret_hash FROM api_key")
    assert token.split("_", 2)[2] not in str(stored)

    await _run_cli(monkeypatch, empty_database_url, "keys", "list")
    assert capsys.readouterr().out.split() == ["koica", "write", "KOICA", "active"]
    await _run_cli(monkeypatch, empty_database_url, "keys", "revoke", "koica")
    await _run_cli(monkeypatch, empty_database_url, "keys", "list")
    assert capsys.readouterr().out.split()[-1] == "revoked"

    with pytest.raises(SystemExit) as failed:
        await _run_cli(
            monkeypatch,
            empty_database_url,
            "keys",
            "create",
            "--name",
            "x",
            "--scope",
            "write",
            "--partner",
            "NOPE",
        )
    assert failed.value.code == 1


async def test_a_write_key_needs_a_partner_and_unbound_ones_are_flagged(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], empty_database_url: str
) -> None:
    await _run_cli(monkeypatch, empty_database_url, "migrate")
    with pytest.raises(SystemExit) as refused:
        await _run_cli(
            monkeypatch, empty_database_url, "keys", "create", "--name", "w", "--scope", "write"
        )
    assert refused.value.code == 2
    assert "--partner" in capsys.readouterr().out
    assert await _scalar(empty_database_url, "SELECT count(*) FROM api_key") == 0
    # One made before the refusal existed:
    engine = create_engine(empty_database_url)
    try:
        async with engine.begin() as conn:
            await api_keys.create_key(conn, "old-writer", KeyScope.WRITE)
    finally:
        await engine.dispose()
    await _run_cli(monkeypatch, empty_database_url, "keys", "list")
    listed = capsys.readouterr().out
    assert "old-writer\twrite\t-\tactive\tUNBOUND: writes every project" in listed
    assert "1 active write key(s) bound to no partner" in listed


async def test_replicas_starting_together_migrate_and_seed_once(server: DatabaseServer) -> None:
    """What `serve` does first, run by three replicas at once on an empty database."""
    name = "coopgraph_test_empty_for_replicas"
    await server.admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    try:
        url = server.url(name)
        migrating = asyncio.gather(*(cli.migrate(url) for _ in range(3)))
        await asyncio.wait_for(migrating, 60)
        seeding = asyncio.gather(*(cli.seed(url, only_if_empty=True) for _ in range(3)))
        seeded = await asyncio.wait_for(seeding, 60)
        assert sum(result is not None for result in seeded) == 1
        engine = create_engine(url)
        async with engine.connect() as conn:
            assert await conn.scalar(sa.text("SELECT count(*) FROM project")) == 17
        await engine.dispose()
    finally:
        await server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
