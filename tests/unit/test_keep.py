"""A failing article's last good block of kg.nq, read through the one-pass index (kg.flow.keep.Earlier), is
exactly the lines a scan of the whole file for that graph finds, however the graphs' lines interleave."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.export.files import CORPUS_FILE
from kg.flow.keep import Earlier

GRAPHS = [f"https://example.org/graph/{i}" for i in range(4)]
_line = st.tuples(
    st.integers(0, len(GRAPHS) - 1),
    st.text(alphabet=st.characters(codec="ascii", exclude_characters='"\\\n\r'), max_size=12),
    st.booleans(),
)


def _quad(graph: int, text: str, iri_object: bool) -> bytes:
    value = f"<https://example.org/o/{len(text)}>" if iri_object else f'"{text} <x> ."'
    return f"<https://example.org/s> <https://example.org/p> {value} <{GRAPHS[graph]}> .\n".encode()


@settings(max_examples=60)
@given(st.lists(_line, max_size=40), st.integers(0, len(GRAPHS) - 1))
def test_kept_block_is_every_line_of_the_graph(lines: list[tuple[int, str, bool]], wanted: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        quads = [_quad(*line) for line in lines]
        (out / CORPUS_FILE).write_bytes(b"".join(quads))
        (out / "a.jsonld").write_bytes(b"{}")
        kept = Earlier(out).kept("a", GRAPHS[wanted])
        assert kept is not None
        tail = f" <{GRAPHS[wanted]}> .\n".encode()
        assert kept.quads == b"".join(q for q in quads if q.endswith(tail))
        assert kept.files == {"a.jsonld": b"{}"}


def test_no_earlier_files_means_nothing_kept(tmp_path: Path) -> None:
    (tmp_path / CORPUS_FILE).write_bytes(_quad(0, "x", False))
    assert Earlier(tmp_path).kept("a", GRAPHS[0]) is None


def test_files_without_kg_nq_keep_no_quads(tmp_path: Path) -> None:
    (tmp_path / "a.ttl").write_bytes(b"")
    kept = Earlier(tmp_path).kept("a", GRAPHS[0])
    assert kept is not None and kept.quads == b""
