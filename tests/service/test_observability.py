"""What operators see: a log line per request, Prometheus metrics."""

import json
import logging

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.ext.asyncio import AsyncConnection

from service import observability
from service.app import create_app
from service.observability import json_formatter
from service.settings import Settings
from tests.conftest import FixedConnection


async def test_metrics_count_requests_by_operation_and_errors_by_code(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/graphql", json={"query": "query Countries { countries { code } }"})
    await client.post(
        "/graphql", json={"query": "query Bad { projects(first: -1) { totalCount } }"}
    )
    response = await client.get("/metrics")
    assert response.status_code == 200
    text = response.text
    assert 'coopgraph_requests_total{operation="Countries",status="200"} 1.0' in text
    assert 'coopgraph_graphql_errors_total{code="BAD_USER_INPUT"} 1.0' in text
    assert 'coopgraph_request_seconds_count{operation="Countries"} 1.0' in text


async def test_operation_names_past_the_bound_count_as_other(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client choosing a new operation name for every request cannot grow the registry."""
    monkeypatch.setattr(observability, "MAX_OPERATION_NAMES", 3)
    for number in range(6):
        await client.post("/graphql", json={"query": f"query Name{number} {{ __typename }}"})
    text = (await client.get("/metrics")).text
    named = [f'operation="Name{number}"' in text for number in range(6)]
    assert named == [True, True, True, False, False, False]
    assert 'coopgraph_requests_total{operation="other",status="200"} 3.0' in text
    assert 'coopgraph_request_seconds_count{operation="other"} 3.0' in text


async def test_each_request_logs_one_line_with_its_id_operation_and_status(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="coopgraph.requests"):
        response = await client.post(
            "/graphql",
            json={"query": "query Themes { themes { slug } }"},
            headers={"X-Request-ID": "trace-0000001"},
        )
    [record] = [r for r in caplog.records if r.name == "coopgraph.requests"]
    line = json.loads(json_formatter().format(record))
    assert response.status_code == 200
    assert line["message"] == "request"
    assert line["request_id"] == "trace-0000001"
    assert line["operation"] == "Themes"
    assert line["status"] == 200
    assert line["method"] == "POST"
    assert line["duration_ms"] > 0


async def test_tracing_by_setting_spans_the_request_and_the_operation(
    conn: AsyncConnection, settings: Settings
) -> None:
    exporter = InMemorySpanExporter()
    traced = settings.model_copy(update={"tracing": True})
    app = create_app(traced, connections=FixedConnection(conn), span_exporter=exporter)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/graphql", json={"query": "query Named { themes { slug } }"})
    assert response.status_code == 200
    names = {span.name for span in exporter.get_finished_spans()}
    assert "POST /graphql" in names
    assert "GraphQL Query: Named" in names
