"""A dictionary that keeps its most recently used entries, for per-process caches keyed
by query text: distinct texts are few for a real front end but unbounded for the public.

Bounded by count and by bytes: a count alone let 450 distinct query texts of 0.9 MB each
take a process from 272 MB to 1.2 GB. An entry's weight is the length of the texts in its
key (the query, its variables) plus what ``weigh`` says of its value, an estimate rather
than a measurement (walking an object graph to measure it costs more than the cache saves).
An entry heavier than an eighth of the budget is computed and not kept, so one huge query
cannot evict every other.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


def _key_bytes(key: Hashable) -> int:
    if isinstance(key, str | bytes):
        return len(key)
    if isinstance(key, tuple):
        return sum(_key_bytes(part) for part in key) + 8 * len(key)
    return 16


class BoundedCache(Generic[V]):
    def __init__(
        self, size: int, *, max_bytes: int, weigh: Callable[[V], int] = lambda _: 0
    ) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.weigh = weigh
        self.bytes = 0
        self._entries: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            return entry[0]
        value = make()
        self.put(key, value)
        return value

    def lookup(self, key: Hashable) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: Hashable, value: V) -> None:
        weight = _key_bytes(key) + self.weigh(value)
        if weight > self.max_bytes // 8:
            return
        previous = self._entries.pop(key, None)
        if previous is not None:
            self.bytes -= previous[1]
        self._entries[key] = (value, weight)
        self.bytes += weight
        while len(self._entries) > self.size or self.bytes > self.max_bytes:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.bytes -= dropped
