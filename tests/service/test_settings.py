"""Settings accept what operators type and say clearly what they refuse."""

import pytest
from pydantic import ValidationError

from service.settings import Settings


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:p@db:5432/app",
        "postgres://u:p@db:5432/app",
        "postgresql+asyncpg://u:p@db:5432/app",
    ],
)
def test_plain_postgresql_urls_are_driven_by_asyncpg(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    assert Settings(_env_file=None).database_url == "postgresql+asyncpg://u:p@db:5432/app"


def test_other_databases_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://u:p@db/app")
    with pytest.raises(ValidationError, match="postgresql://"):
        Settings(_env_file=None)


def test_no_url_means_the_embedded_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert Settings(_env_file=None).database_url is None
