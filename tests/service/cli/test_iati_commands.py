"""``coopgraph import-iati`` and ``export-iati`` on a database that really commits."""

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree

from db.engine import create_engine
from service.cli import main as cli
from service.settings import get_settings
from tests.iati.conftest import FILES


async def _run(monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        await asyncio.to_thread(cli.main, list(args))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    finally:
        get_settings.cache_clear()
    return 0


async def _count(url: str, sql: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(sa.text(sql)) or 0)
    finally:
        await engine.dispose()


async def test_import_then_export(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fresh_database_url: str,
    tmp_path: Path,
) -> None:
    url = fresh_database_url
    assert await _run(monkeypatch, url, "import-iati", str(FILES / "multi_activity.xml")) == 0
    assert "imported: 3 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert await _count(url, "SELECT count(*) FROM project WHERE code LIKE 'XM-DAC-%'") == 3

    out = tmp_path / "export.xml"
    status = await _run(
        monkeypatch, url, "export-iati", "--filter", "country=CM", "--output", str(out)
    )
    assert status == 0
    identifiers = etree.parse(str(out)).xpath("//iati-identifier/text()")
    assert "XM-DAC-41302-TEST-002" in identifiers
    err = capsys.readouterr().err
    assert "left out cameroon-women-empowerment: lacks an activity date" in err


async def test_a_refused_import_commits_nothing_and_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fresh_database_url: str
) -> None:
    url = fresh_database_url
    before = await _count(url, "SELECT count(*) FROM project")
    status = await _run(
        monkeypatch, url, "import-iati", str(FILES / "multi_activity.xml"), str(FILES)
    )
    assert status == 1
    err = capsys.readouterr().err
    assert "not_well_formed.xml, line 35" in err
    assert "refused:" in err
    assert await _count(url, "SELECT count(*) FROM project") == before

    status = await _run(
        monkeypatch, url, "import-iati", "--skip-invalid", str(FILES / "schema_invalid.xml")
    )
    assert status == 3  # something was skipped: the exit status says so
    assert "imported: 1 created, 0 updated, 0 unchanged, 2 skipped" in capsys.readouterr().out
    assert await _count(url, "SELECT count(*) FROM project") == before + 1


async def test_a_bad_export_filter_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fresh_database_url: str
) -> None:
    status = await _run(monkeypatch, fresh_database_url, "export-iati", "--filter", "status=x")
    assert status == 2
    assert "filter status: 'x' is not one of" in capsys.readouterr().err


async def test_export_to_stdout_is_the_file_alone(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], fresh_database_url: str
) -> None:
    assert await _run(monkeypatch, fresh_database_url, "export-iati") == 0
    out = capfd.readouterr().out
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities')
    assert out.endswith("</iati-activities>\n")
