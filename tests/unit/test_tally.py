"""kg.flow.corpus.Tally.claim: slugs given to files in order, a run at a time (a rebuild's unchanged articles)."""

from __future__ import annotations

from kg.flow.corpus import Tally


def test_slugs_are_claimed_in_order_and_one_an_earlier_file_has_is_refused() -> None:
    tally = Tally()
    try:
        assert tally.claim([("a", "a.yaml"), ("b", "b.yaml")]) == [True, True]
        run = [("c", "c.yaml"), ("a", "x.yaml"), ("d", "d.yaml"), ("c", "y.yaml")]  # taken before, and within
        assert tally.claim(run) == [True, False, True, False]
        assert [tally.owner(s) for s in "abcd"] == ["a.yaml", "b.yaml", "c.yaml", "d.yaml"]
        assert tally.claim([]) == []
    finally:
        tally.close()
