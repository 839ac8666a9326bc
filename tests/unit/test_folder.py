"""The folders' digests, what a rebuild with no change compares instead of every file's stat, and how
their files are listed."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

from hypothesis import given
from hypothesis import strategies as st

from kg.core.listing import Listing, suffixed
from kg.flow.folder import RACY_NS, Digest, Facts, Stats, digest_of, facts_digest, scan, sha256_of, stat_of
from kg.flow.manifest import Article


def test_the_digest_is_the_same_in_any_order_and_sees_any_change(tmp_path: Path) -> None:
    for name in ("a.jsonld", "b.html", "sub/c.ttl"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(name, encoding="utf-8")
    entries = list(scan(tmp_path))
    assert len(entries) == 3 and digest_of(tmp_path) == Digest().of(entries)
    assert digest_of(tmp_path / "gone") is None
    first = Digest().of(entries)
    assert Digest().of(reversed(entries)) == first and first.startswith("3:")
    assert Digest().of(entries[:2]) != first  # a file gone
    st = (tmp_path / "b.html").stat()
    os.utime(tmp_path / "b.html", ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert Digest().of(scan(tmp_path)) != first  # a file touched
    passed = Digest()
    assert list(passed.taking(entries)) == entries and passed.value() == first


_LAST, _NOW = 10 * RACY_NS, 10 * RACY_NS + 3 * RACY_NS // 2  # two builds' starts, closer than RACY_NS
# mtimes about them: before the last build's racy window, in both windows, in its window only, in the new one's
_MTIMES = st.sampled_from([_LAST - 3 * RACY_NS, _LAST - RACY_NS // 2, _LAST - RACY_NS, _NOW - RACY_NS - 1, _NOW - 1])
_ENTRY = st.builds(
    lambda mtime, size, sha: Article((1, size, mtime), sha, "s", (), (0, 0, 0)),
    _MTIMES,
    st.integers(0, 3),
    st.sampled_from(["", "h1", "h2"]),
)


def _noted(started_ns: int, entries: dict[str, Article]) -> Facts:
    facts = Facts(started_ns)
    for name, a in entries.items():
        facts.note(name, a.stat, a.sha256)
    return facts


@given(
    st.dictionaries(st.sampled_from("abcdefgh"), _ENTRY, max_size=8),
    st.dictionaries(st.sampled_from("abcdefghij"), st.one_of(st.none(), _ENTRY), max_size=6),
)
def test_a_rebuilds_facts_value_is_the_last_ones_changed_by_what_it_computed_and_left(
    last: dict[str, Article], changes: dict[str, Article | None]
) -> None:
    """A rebuild notes the articles it computes, takes out the last build's entries of the changed and removed
    ones, and notes again the unchanged ones as recent as the last build's start (their hash noted then, not
    always now): the value a build noting every article of the new list gets, whatever the mtimes."""
    replaced = {name: a for name, a in last.items() if name in changes}
    now = {name: a for name, a in last.items() if name not in changes}
    now.update({name: a for name, a in changes.items() if a is not None})
    recent = {name: a for name, a in last.items() if name not in changes and a.stat[2] >= _LAST - RACY_NS}
    rebuilt = _noted(_NOW, {name: a for name, a in changes.items() if a is not None})
    rebuilt.over(Facts(_LAST, _noted(_LAST, last).value()), replaced.items(), recent.items())
    assert rebuilt.value() == _noted(_NOW, now).value()


@given(st.text(alphabet="ab.yml", max_size=12))
def test_a_listing_reads_a_suffix_as_pathlib_does(name: str) -> None:
    suffixes = (".yaml", ".yml", ".json")
    assert suffixed(name, suffixes) == (PurePath(name).suffix in suffixes)


def test_a_listing_is_statted_by_its_folder_as_each_path_would_be(tmp_path: Path) -> None:
    """Stats of a Listing (by the folder's descriptor and the names) and of the same files as paths agree: links
    followed, a file gone meanwhile has none and makes the stats incomplete."""
    for name in ("a.yaml", "b.yaml", "c.json"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    (tmp_path / "l.yml").symlink_to(tmp_path / "a.yaml")
    listing = Listing(tmp_path, (".yaml", ".yml", ".json"))
    (tmp_path / "b.yaml").unlink()
    by_names, by_paths = Stats(listing), Stats(list(listing))
    assert [by_names[i] for i in range(4)] == [by_paths[i] for i in range(4)]
    assert by_names[3] == stat_of(tmp_path / "a.yaml") and by_names[1] == (0, 0, 0)  # l.yml: the link followed
    assert not by_names.complete and not by_paths.complete
    assert Stats(Listing(tmp_path, (".json",))).complete


def test_the_facts_digest_stats_by_the_folder_and_follows_links_as_the_listing_does(tmp_path: Path) -> None:
    """The no-change check's sum of the facts folder (each file stat'ed by the folder's descriptor): a link to a
    file is that file (its stat, its hash when recent), a link to a folder and other suffixes are not listed."""
    (tmp_path / "a.yaml").write_text("a", encoding="utf-8")
    (tmp_path / "b.json").write_text("b", encoding="utf-8")
    (tmp_path / "l.yml").symlink_to(tmp_path / "a.yaml")
    (tmp_path / "sub.yaml").mkdir()
    (tmp_path / "d.yaml").symlink_to(tmp_path / "sub.yaml")
    (tmp_path / "notes.txt").write_text("n", encoding="utf-8")
    a, b = stat_of(tmp_path / "a.yaml"), stat_of(tmp_path / "b.json")
    assert a is not None and b is not None
    for started, recent in ((a[2], True), (a[2] + 10 * RACY_NS, False)):  # hashed when as recent as the build
        expected = Facts(started)
        for name, stat in (("a.yaml", a), ("b.json", b), ("l.yml", a)):
            expected.note(name, stat, sha256_of(tmp_path / name) or "")
        got = facts_digest(tmp_path, started, (".yaml", ".yml", ".json"), lambda _: True)
        assert got == expected.value() and got.startswith("3:")
        assert got != facts_digest(tmp_path, started, (".yaml",), lambda _: True)  # b.json not summed
        assert recent == (Facts(started).racy <= a[2])  # both ways: with and without the hashes
    assert facts_digest(tmp_path, a[2], (".yaml", ".json"), lambda name: name != "b.json").startswith("1:")
