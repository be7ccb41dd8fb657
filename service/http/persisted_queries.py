"""Persisted queries: clients send a hash instead of the document.

Automatic persisted queries (Apollo's protocol): a request may carry
``extensions.persistedQuery = {"version": 1, "sha256Hash": ...}`` without its query; the
server answers ``PERSISTED_QUERY_NOT_FOUND`` until it has seen that document once (sent with
its hash), then runs it by hash. Each process keeps the documents it has seen (bounded);
behind several replicas a client may be asked for the document once per replica.

Allow-list mode (``COOPGRAPH_PERSISTED_QUERIES_ONLY``): only the operations registered with
the service run, the repo's own ``.graphql`` files; any other document, or a hash it does not
know, is refused with ``OPERATION_NOT_ALLOWED``.
"""

import hashlib
from dataclasses import replace
from pathlib import Path

from strawberry.http import GraphQLRequestData

from schema.extensions.bounded_cache import BoundedCache

REGISTERED = Path(__file__).parents[2] / "schema" / "examples"
"""The repo's own operations: what allow-list mode lets run."""


class PersistedQueryError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def registered_operations(folder: Path = REGISTERED) -> dict[str, str]:
    documents = (p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.graphql")))
    return {sha256(d): d for d in documents}


MAX_PERSISTED_BYTES = 16 * 1024 * 1024
"""The documents kept by hash, in bytes of their text (and at most ``capacity`` of them)."""


class PersistedQueries:
    def __init__(self, *, capacity: int = 1000, allowed: dict[str, str] | None = None) -> None:
        self.allowed = allowed
        self.seen: BoundedCache[str] = BoundedCache(
            capacity, max_bytes=MAX_PERSISTED_BYTES, weigh=len
        )

    def resolve(self, data: GraphQLRequestData) -> GraphQLRequestData:
        """The request with its document, from the hash where it sent only that."""
        persisted = (data.extensions or {}).get("persistedQuery")
        given_hash = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        if persisted is not None and (
            not isinstance(given_hash, str) or persisted.get("version") != 1
        ):
            raise PersistedQueryError(
                "PERSISTED_QUERY_NOT_SUPPORTED",
                "persistedQuery must be {version: 1, sha256Hash: <hex>}.",
            )
        if data.query is not None and given_hash is not None and sha256(data.query) != given_hash:
            raise PersistedQueryError("BAD_REQUEST", "The query does not match its sha256Hash.")
        if self.allowed is not None:
            key = given_hash or (sha256(data.query) if data.query is not None else None)
            if key is None or key not in self.allowed:
                raise PersistedQueryError(
                    "OPERATION_NOT_ALLOWED", "Only the operations registered with this server run."
                )
            return replace(data, query=self.allowed[key])
        if given_hash is None:
            return data
        if data.query is not None:
            self._remember(given_hash, data.query)
            return data
        query = self.seen.lookup(given_hash)
        if query is None:
            raise PersistedQueryError("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
        return replace(data, query=query)

    def _remember(self, key: str, query: str) -> None:
        self.seen.put(key, query)
