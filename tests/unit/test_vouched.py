"""What a full build vouches for without reading the last build's files back: a file as the last build left
it, holding the bytes the last build wrote there."""

from __future__ import annotations

from kg.core.vouched import Vouched


def test_a_file_is_vouched_for_by_its_stat_and_its_hash_both_kept() -> None:
    kept = Vouched([("a.html", (1, 10, 100)), ("b.html", (2, 20, 200))], [("a.html", "aa"), ("b.html", "bb")])
    assert len(kept) == 4
    assert kept.vouches("a.html", (1, 10, 100), "aa") and kept.vouches("b.html", (2, 20, 200), "bb")
    assert not kept.vouches("a.html", (1, 10, 101), "aa")  # touched since
    assert not kept.vouches("a.html", (1, 10, 100), "ab")  # other bytes now
    assert not kept.vouches("a.html", (2, 20, 200), "bb")  # another file's stat and hash
    assert not kept.vouches("a.html", (1, 10, 100), None)  # no hash: the bytes are compared
    assert not kept.vouches("c.html", (1, 10, 100), "aa")


def test_a_stat_without_a_hash_or_a_hash_without_a_stat_vouches_for_nothing() -> None:
    """The folder's stats list every file, the articles' hashes their own: a file needs both."""
    assert not Vouched([("kg.nq", (3, 30, 300))], []).vouches("kg.nq", (3, 30, 300), "cc")
    assert not Vouched([], [("gone.html", "dd")]).vouches("gone.html", (4, 40, 400), "dd")
    assert not Vouched().vouches("a.html", (1, 10, 100), "aa")


def test_many_files_each_found_among_the_sorted_keys() -> None:
    names = [f"treatment-{i:06d}.jsonld" for i in range(3000)]
    kept = Vouched(((n, (i, i, i)) for i, n in enumerate(names)), ((n, n[::-1]) for n in names))
    assert all(kept.vouches(n, (i, i, i), n[::-1]) for i, n in enumerate(names))
    assert not any(kept.vouches(n, (i + 1, i, i), n[::-1]) for i, n in enumerate(names))
