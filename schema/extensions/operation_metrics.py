"""Tell the service which operation a request ran, how long it took, and its error codes.

The schema knows the operation's name and its errors; the service owns the metrics and the
request log. The service puts an ``Observer`` on the context; without one (tests, scripts)
nothing is recorded.
"""

import time
from collections.abc import Iterator
from typing import Protocol

from strawberry.extensions import SchemaExtension


class Observer(Protocol):
    def operation(self, name: str, seconds: float, error_codes: list[str]) -> None: ...


class OperationMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        observer: Observer | None = getattr(self.execution_context.context, "observer", None)
        if observer is None:
            return
        result = self.execution_context.result
        errors = getattr(result, "errors", None) or []
        codes = [str((e.extensions or {}).get("code", "UNKNOWN")) for e in errors]
        name = self.execution_context.operation_name or "anonymous"
        observer.operation(name, time.perf_counter() - started, codes)
