"""``coopgraph codelists update DIR`` on a database that really commits."""

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.codelist_files import BUNDLED
from db.engine import create_engine
from service.cli import main as cli
from service.settings import get_settings


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


async def _scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.scalar(sa.text(sql))
    finally:
        await engine.dispose()


async def test_update_loads_a_newer_codelist(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fresh_database_url: str,
    tmp_path: Path,
) -> None:
    text = (BUNDLED / "embedded" / "ActivityStatus.xml").read_text(encoding="utf-8")
    newer = text.replace(
        "    </codelist-items>",
        "        <codelist-item>\n            <code>7</code>\n"
        "            <name><narrative>Dormant</narrative>"
        '<narrative xml:lang="fr">En sommeil</narrative></name>\n'
        "        </codelist-item>\n    </codelist-items>",
    )
    (tmp_path / "ActivityStatus.xml").write_text(newer, encoding="utf-8")
    assert await _run(monkeypatch, fresh_database_url, "codelists", "update", str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "ActivityStatus: 1 added, 0 changed, 6 unchanged" in out
    assert "loaded 1 codelists: 1 codes added, 0 changed" in out
    names = await _scalar(
        fresh_database_url,
        "SELECT names->>'fr' FROM codelist_code WHERE codelist = 'ActivityStatus' AND code = '7'",
    )
    assert names == "En sommeil"


async def test_a_bad_file_loads_nothing(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fresh_database_url: str,
    tmp_path: Path,
) -> None:
    (tmp_path / "A.xml").write_bytes((BUNDLED / "embedded" / "BudgetType.xml").read_bytes())
    (tmp_path / "B.xml").write_text("<codelist name='B'><codelist-items>", encoding="utf-8")
    status = await _run(monkeypatch, fresh_database_url, "codelists", "update", str(tmp_path))
    assert status == 2
    assert "refused: B.xml: not well-formed XML" in capsys.readouterr().err
    query = "SELECT source FROM codelist WHERE name = 'BudgetType'"
    source = await _scalar(fresh_database_url, query)
    assert source == "bundled"
