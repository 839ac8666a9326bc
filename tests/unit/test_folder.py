"""The folders' digests, what a rebuild with no change compares instead of every file's stat, and how
their files are listed."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

from hypothesis import given
from hypothesis import strategies as st

from kg.core.listing import suffixed
from kg.flow.folder import Digest, digest_of, scan


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


@given(st.text(alphabet="ab.yml", max_size=12))
def test_a_listing_reads_a_suffix_as_pathlib_does(name: str) -> None:
    suffixes = (".yaml", ".yml", ".json")
    assert suffixed(name, suffixes) == (PurePath(name).suffix in suffixes)
