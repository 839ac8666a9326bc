"""The count-back of `kg publish --bulk --exports`: the store is asked a batch of graphs at a time (what
it answers is never held for the whole corpus), and every graph that differs is named, whatever batch
it was in."""

from __future__ import annotations

import pytest

from kg.stores.verify import Mismatch, VerificationError, verify_counts


def test_every_graph_is_counted_a_batch_at_a_time_and_every_difference_named() -> None:
    stated = {f"https://example.org/graph/{i:04d}": i % 7 + 1 for i in range(2500)}
    asked: list[list[str]] = []

    def count(iris: list[str]) -> dict[str, int]:
        asked.append(iris)
        held = {g: stated[g] for g in iris}
        held.pop("https://example.org/graph/0003", None)  # the store lost a graph
        if "https://example.org/graph/2499" in held:
            held["https://example.org/graph/2499"] += 1  # and holds one more triple in another
        return held

    with pytest.raises(VerificationError) as caught:
        verify_counts(stated, count, "http://127.0.0.1:7878/store")
    assert [len(batch) for batch in asked] == [1000, 1000, 500]
    assert [g for batch in asked for g in batch] == list(stated)
    assert caught.value.mismatches == [
        Mismatch("https://example.org/graph/0003", 4, 0, -1, -1),
        Mismatch("https://example.org/graph/2499", 1, 2, -1, -1),
    ]
    assert str(caught.value).startswith("http://127.0.0.1:7878/store does not hold what was sent in 2 graphs:")


def test_a_store_holding_every_graph_as_stated_verifies_them_all() -> None:
    stated = {f"https://example.org/graph/{i}": 3 for i in range(1001)}
    assert verify_counts(stated, lambda iris: {g: 3 for g in iris}, "store", batch=100) == 1001
