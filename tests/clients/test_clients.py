"""The JavaScript clients front-end teams use, against a real service: graphql-ws over `ws`,
graphql-sse, Apollo Client, Relay (compiler and runtime), graphql-http's audit and
@apollo/composition. They run with Node's own test runner (`node --test`, see
tests/clients/*.test.js); this test starts the service on a free port for them.

A Python client accepts what a browser refuses (binary WebSocket frames, for one): these
are the clients whose verdict counts.
"""

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from db.enums import KeyScope
from service.settings import Settings
from tests.service.test_live import _key, serving

SUITE = Path(__file__).parent
CLIENTS = sorted(path.name for path in SUITE.glob("*.test.js"))


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("client", CLIENTS)
async def test_a_javascript_client(fresh_database_url: str, client: str) -> None:
    """Each file on a service and database of its own: they write the same project."""
    if not (SUITE / "node_modules").is_dir():
        pytest.skip("tests/clients/node_modules is missing: run `make test` (npm ci there)")
    admin = await _key(fresh_database_url, "clients-admin", KeyScope.ADMIN)
    settings = Settings(_env_file=None, key_recheck_seconds=0.5)
    async with serving(fresh_database_url, settings) as address:
        process = await asyncio.create_subprocess_exec(
            "node",
            # Apollo Client prints its warnings (cache data loss among them) only in its
            # development build, the one an app's developer runs under Vite or webpack.
            "--conditions=development",
            "--test",
            "--test-reporter=tap",
            client,
            cwd=SUITE,
            env={**os.environ, "COOPGRAPH_ADDRESS": address, "COOPGRAPH_ADMIN_KEY": admin},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(), 300)
    report = output.decode()
    assert process.returncode == 0, report
    assert "# fail 0" in report, report
