"""``coopgraph rates update``: a newer file adds and revises rates, a wrong one is refused."""

from pathlib import Path

import pytest

from tests.service.cli.test_main import _run_cli, _scalar


async def test_a_newer_ecb_file_adds_its_days(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fresh_database_url: str,
    tmp_path: Path,
) -> None:
    newer = tmp_path / "eurofxref-hist.csv"
    newer.write_text("Date,USD,KRW,\n2026-11-02,1.1000,1500.5,\n2026-10-30,1.1172,1491.76,\n")
    with pytest.raises(SystemExit) as exit_status:
        await _run_cli(monkeypatch, fresh_database_url, "rates", "update", str(newer))
    assert exit_status.value.code == 0
    assert "read 6 rates (ECB_DAILY)" in capsys.readouterr().out
    rate = await _scalar(
        fresh_database_url,
        "SELECT rate FROM exchange_rate WHERE source = 'ECB_DAILY' AND currency = 'KRW' "
        "AND rate_date = '2026-11-02'",
    )
    assert str(rate) == "1500.5"


async def test_a_file_of_another_shape_is_refused(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fresh_database_url: str,
    tmp_path: Path,
) -> None:
    wrong = tmp_path / "rates.csv"
    wrong.write_text("currency;rate\nKRW;1300\n")
    before = await _scalar(fresh_database_url, "SELECT count(*) FROM exchange_rate")
    with pytest.raises(SystemExit) as exit_status:
        await _run_cli(monkeypatch, fresh_database_url, "rates", "update", str(wrong))
    assert exit_status.value.code == 2
    assert "neither the ECB's" in capsys.readouterr().out
    assert await _scalar(fresh_database_url, "SELECT count(*) FROM exchange_rate") == before
