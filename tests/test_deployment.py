"""docker compose cannot run here: check its file agrees with what the service reads."""

import ipaddress
import tomllib
from pathlib import Path

import pytest
import yaml

from service.settings import Settings

ROOT = Path(__file__).parents[1]


def test_compose_waits_for_a_healthy_postgres_16() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    db, api = compose["services"]["db"], compose["services"]["api"]
    assert db["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert api["depends_on"]["db"]["condition"] == "service_healthy"
    assert "8000:8000" in api["ports"]
    assert api["command"][:2] == ["coopgraph", "serve"]


def test_compose_environment_is_read_by_the_settings() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = compose["services"]["api"]["environment"]
    known = {"DATABASE_URL"} | {f"COOPGRAPH_{name.upper()}" for name in Settings.model_fields}
    assert set(env) <= known
    url = env["DATABASE_URL"].replace("${POSTGRES_PASSWORD:-coopgraph}", "pw")
    assert Settings(_env_file=None, DATABASE_URL=url).database_url == (
        "postgresql+asyncpg://coopgraph:pw@db:5432/coopgraph"
    )


def test_image_runs_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "\nUSER coopgraph\n" in dockerfile
    assert dockerfile.index("pip install .") < dockerfile.index("COPY service")


def test_image_holds_every_package_the_project_ships() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for name in (
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    ):
        assert f"COPY {name} ./{name}\n" in dockerfile, name
        assert f"{name}/__init__.py" in dockerfile, name


def test_the_scaled_profile_runs_two_replicas_behind_the_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    replica, proxy = services["api-replica"], services["proxy"]
    assert replica["profiles"] == proxy["profiles"] == ["scaled"]
    assert "profiles" not in services["api"]
    assert replica["deploy"]["replicas"] == 2
    assert replica["command"] == services["api"]["command"]
    assert proxy["depends_on"]["api-replica"]["condition"] == "service_healthy"
    known = {"DATABASE_URL"} | {f"COOPGRAPH_{name.upper()}" for name in Settings.model_fields}
    assert set(replica["environment"]) <= known

    [mount] = proxy["volumes"]
    conf = (ROOT / mount.split(":")[0]).read_text()
    assert "server api-replica:8000;" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf  # subscriptions
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in conf

    # The replicas believe X-Forwarded-For from the proxy's network, and from nowhere else.
    monkeypatch.setenv(
        "COOPGRAPH_TRUSTED_PROXIES", replica["environment"]["COOPGRAPH_TRUSTED_PROXIES"]
    )
    settings = Settings(_env_file=None)
    [subnet] = [c["subnet"] for c in compose["networks"]["default"]["ipam"]["config"]]
    assert [ipaddress.ip_network(p) for p in settings.trusted_proxies] == [
        ipaddress.ip_network(subnet)
    ]


def test_stopping_leaves_the_service_time_to_drain() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    grace = Settings(_env_file=None).shutdown_grace_seconds
    for name in ("api", "api-replica"):
        assert int(compose["services"][name]["stop_grace_period"].removesuffix("s")) > grace


def test_image_builds_the_explorer_and_serves_it_from_where_the_settings_look() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM node:20" in dockerfile
    assert "RUN npm ci" in dockerfile
    copied = f"COPY --from=explorer /explorer/dist ./{Settings(_env_file=None).explorer_dir}\n"
    assert copied in dockerfile
    assert "WORKDIR /app\n" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"explorer/node_modules", "explorer/dist"} <= set(ignored)
