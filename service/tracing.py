"""OpenTelemetry tracing, switched on by ``COOPGRAPH_TRACING``: a span per HTTP request
(FastAPI's instrumentation) with the GraphQL operation, parsing, validation and resolvers
under it (Strawberry's extension). Spans go to an OTLP/HTTP collector configured by
OpenTelemetry's own variables (``OTEL_EXPORTER_OTLP_ENDPOINT``, ``OTEL_SERVICE_NAME``...)."""

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter


def enable_tracing(app: FastAPI, exporter: SpanExporter | None = None) -> None:
    """``exporter``: where spans go instead of OTLP (tests hand an in-memory one)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider(resource=Resource.create({"service.name": "coopgraph"}))
        trace.set_tracer_provider(provider)
    provider.add_span_processor(
        BatchSpanProcessor(OTLPSpanExporter())
        if exporter is None
        else SimpleSpanProcessor(exporter)
    )
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider)
