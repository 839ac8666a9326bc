"""kg.core.streamed.write_pieces: bytes and ranges of open files written in order, and whether they made
exactly the bytes of the file they are compared with (a rebuild's void.ttl is linked when they did)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.core.streamed import Range, write_pieces

OLD = b"@prefix void: <http://rdfs.org/ns/void#> .\n\n# article one\n\n# article two\n"


@pytest.fixture
def old(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    path = tmp_path / "void.ttl"
    path.write_bytes(OLD)
    fd = os.open(path, os.O_RDONLY)
    yield path, fd
    os.close(fd)


def _write(tmp_path: Path, old: Path, pieces: list[bytes | Range]) -> tuple[bytes, bool]:
    with open(tmp_path / "new", "wb") as fh, open(old, "rb") as last:
        same = write_pieces(fh, pieces, last)
    return (tmp_path / "new").read_bytes(), same


def test_ranges_of_the_compared_file_where_they_lie_there_are_the_same_unread(
    tmp_path: Path, old: tuple[Path, int]
) -> None:
    path, fd = old
    pieces: list[bytes | Range] = [OLD[:10], (fd, 10, 30), OLD[40:45], (fd, 45, len(OLD) - 45)]
    assert _write(tmp_path, path, pieces) == (OLD, True)


@pytest.mark.parametrize(
    ("pieces", "written"),
    [
        ([OLD[:10], b"X", (0, 11, len(OLD) - 11)], OLD[:10] + b"X" + OLD[11:]),  # a byte changed
        ([(0, 0, len(OLD) - 1)], OLD[:-1]),  # shorter
        ([(0, 0, len(OLD)), b"\n"], OLD + b"\n"),  # longer
        ([(0, 0, 10), (0, 0, 10)], OLD[:10] * 2),  # a range from elsewhere in it
    ],
)
def test_anything_else_is_written_and_not_the_same(
    tmp_path: Path, old: tuple[Path, int], pieces: list[bytes | Range], written: bytes
) -> None:
    path, fd = old
    given_pieces = [p if isinstance(p, bytes) else (fd, p[1], p[2]) for p in pieces]
    assert _write(tmp_path, path, given_pieces) == (written, False)


def test_a_range_of_another_file_with_the_same_bytes_is_written_and_not_compared(
    tmp_path: Path, old: tuple[Path, int]
) -> None:
    path, _ = old
    (tmp_path / "copy").write_bytes(OLD)
    other = os.open(tmp_path / "copy", os.O_RDONLY)
    try:
        assert _write(tmp_path, path, [(other, 0, len(OLD))]) == (OLD, False)
    finally:
        os.close(other)


@given(st.lists(st.integers(min_value=0, max_value=len(OLD)), max_size=6), st.lists(st.booleans(), min_size=7))
def test_any_split_of_the_file_into_bytes_and_ranges_gives_its_bytes(cuts: list[int], ranged: list[bool]) -> None:
    """Property: the file cut anywhere, each piece given as bytes or as a range of it, is written whole and
    found the same."""
    bounds = [0, *sorted(cuts), len(OLD)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "void.ttl"
        path.write_bytes(OLD)
        fd = os.open(path, os.O_RDONLY)
        try:
            pieces: list[bytes | Range] = [
                (fd, a, b - a) if use else OLD[a:b] for a, b, use in zip(bounds, bounds[1:], ranged, strict=False)
            ]
            assert _write(Path(folder), path, pieces) == (OLD, True)
        finally:
            os.close(fd)
