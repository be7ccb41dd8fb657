"""The per-process caches keyed by query text are bounded in bytes, not only in count."""

from schema.extensions.bounded_cache import BoundedCache


def test_distinct_large_texts_stay_within_the_byte_budget() -> None:
    cache: BoundedCache[str] = BoundedCache(1000, max_bytes=1_000_000, weigh=len)
    for n in range(450):
        text = f"{n:06d}" + "x" * 100_000
        cache.get(text, lambda text=text: text)  # type: ignore[misc]
    assert cache.bytes <= 1_000_000
    assert len(cache) < 10


def test_an_entry_over_an_eighth_of_the_budget_is_not_kept() -> None:
    cache: BoundedCache[str] = BoundedCache(10, max_bytes=800, weigh=len)
    cache.get("small", lambda: "s")
    assert cache.get("y" * 200, lambda: "big") == "big"
    assert len(cache) == 1
    assert cache.lookup("small") == "s"
