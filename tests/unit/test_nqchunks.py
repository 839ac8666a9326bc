"""kg.stores.nqchunks: N-Quads cut at graph boundaries by galloping over byte offsets, checked exactly."""

from __future__ import annotations

import itertools
from array import array
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.core.errors import InputError
from kg.stores.nqchunks import Chunk, _no_graph_again, graphs_in, split

WHERE = Path("kg.nq")

# literals that look like line endings of other graphs, escapes, long and short lines
objects = st.sampled_from(
    ['"plain"', '"a \\" <urn:g:1> .\\n tricky"@en', '"x"^^<http://www.w3.org/2001/XMLSchema#string>', "<urn:o>"]
) | st.text(alphabet="abc <>.", max_size=300).map(lambda t: '"' + t.replace("\\", "") + '"')


@st.composite
def grouped(draw: st.DrawFn) -> list[tuple[str, list[str]]]:
    """Graphs in file order, each with its lines."""
    graphs = []
    for g in range(draw(st.integers(1, 12))):
        iri = f"urn:g:{g}"
        n = draw(st.integers(1, 60))
        graphs.append((iri, [f"<urn:s:{i}> <urn:p> {draw(objects)} <{iri}> .\n" for i in range(n)]))
    return graphs


@settings(max_examples=150)
@given(grouped(), st.integers(1, 4000), st.integers(0, 4))
def test_chunks_cover_the_file_in_order_cut_at_graph_boundaries(
    graphs: list[tuple[str, list[str]]], max_bytes: int, max_graphs: int
) -> None:
    body = "".join(line for _, lines in graphs for line in lines).encode()
    chunks = list(split(body, WHERE, max_bytes=max_bytes, max_graphs=max_graphs))
    assert [g for c in chunks for g in graphs_in(body, WHERE, c)] == [iri for iri, _ in graphs]
    assert chunks[0].start == 0 and chunks[-1].end == len(body)
    assert all(a.end == b.start for a, b in itertools.pairwise(chunks))
    for c in chunks:  # each chunk parses to exactly its graphs, with all their quads
        quads = list(ox.parse(body[c.start : c.end], ox.RdfFormat.N_QUADS))
        assert {q.graph_name.value for q in quads} == set(graphs_in(body, WHERE, c))
        assert len(quads) == c.quads and c.graphs == len(graphs_in(body, WHERE, c))
        assert max_graphs == 0 or c.graphs <= max_graphs
    for c in chunks[:-1]:  # a chunk is cut as soon as it reaches a limit, never earlier
        assert c.size >= max_bytes or c.graphs == max_graphs


def test_equal_bytes_give_equal_digests_and_a_changed_byte_another() -> None:
    body = b"<urn:s> <urn:p> <urn:o> <urn:g:a> .\n<urn:s> <urn:p> <urn:o> <urn:g:b> .\n"
    a, b = split(body, WHERE, max_bytes=1)
    assert (graphs_in(body, WHERE, a), graphs_in(body, WHERE, b)) == (["urn:g:a"], ["urn:g:b"])
    again = list(split(body.replace(b"<urn:o> <urn:g:b>", b"<urn:x> <urn:g:b>"), WHERE, max_bytes=1))
    assert again[0].digest == a.digest and again[1].digest != b.digest


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"<urn:s> <urn:p> <urn:o> <urn:g:a> .\n"
            + b"<urn:s> <urn:p> <urn:o> <urn:g:b> .\n" * 100
            + b"<urn:s> <urn:p> <urn:x> <urn:g:a> .\n",
            "kg.nq: byte 3636: graph <urn:g:a> again after other graphs",
        ),
        (
            b"<urn:s> <urn:p> <urn:o> <urn:g:a> .\n" * 40
            + b"<urn:s> <urn:p> <urn:o> <urn:g:b> .\n"
            + b"<urn:s> <urn:p> <urn:o> <urn:g:a> .\n",
            "quads of <urn:g:a> are mixed with other graphs' quads",
        ),
        (b"<urn:s> <urn:p> <urn:o> .\n", "kg.nq: byte 0: a quad outside a named graph"),
        (b"<urn:s> <urn:p> <urn:o>  <urn:g:a>   .\n", "does not end in ' <graph> .' as a medkg build writes it"),
        (b"<urn:s> <urn:p> <urn:o> <urn:g:a> .", "kg.nq: does not end with a newline (cut short?)"),
        (b'<urn:s> <urn:p> "open <urn:g:a> .\n', "kg.nq: byte 0: not an N-Quads line"),
    ],
)
def test_what_chunks_cannot_carry_is_refused_before_anything_is_sent(body: bytes, message: str) -> None:
    with pytest.raises(InputError) as e:
        list(split(body, WHERE, max_bytes=1 << 20))
    assert message in str(e.value)


def test_an_empty_file_has_no_chunks() -> None:
    assert list(split(b"", WHERE, max_bytes=1)) == []


def test_a_graph_again_is_refused_before_the_chunk_holding_it_is_given() -> None:
    """Graphs that come back are found by their hashes once the file is scanned: the chunks before go out
    (a publish lists every chunk before it sends one), the one holding the graph again never does."""
    body = b"".join(f"<urn:s> <urn:p> <urn:o> <urn:g:{g}> .\n".encode() for g in "abca")
    sent: list[Chunk] = []
    with pytest.raises(InputError, match="byte 108: graph <urn:g:a> again after other graphs"):
        sent.extend(split(body, WHERE, max_bytes=1))
    assert [graphs_in(body, WHERE, c) for c in sent] == [["urn:g:a"], ["urn:g:b"], ["urn:g:c"]]


def test_equal_hashes_of_different_graphs_are_not_taken_for_a_graph_again() -> None:
    body = b"<urn:s> <urn:p> <urn:o> <urn:g:a> .\n<urn:s> <urn:p> <urn:o> <urn:g:b> .\n"
    _no_graph_again(body, WHERE, array("q", [hash("urn:g:a"), hash("urn:g:a")]))  # as if b's hash were a's


def test_a_chunk_is_given_before_the_next_graph_is_read() -> None:
    """The publisher lets a chunk's pages go as it is given: a chunk held back while the next one is read
    kept two chunks' pages resident (the 10k publish peaked at 198 MB instead of 135)."""
    body = b"<urn:s> <urn:p> <urn:o> <urn:g:a> .\n<urn:s> <urn:p> <urn:o> <urn:g:b> .\nnot a quad\n"
    chunks = split(body, WHERE, max_bytes=1)
    assert [graphs_in(body, WHERE, next(chunks)) for _ in range(2)] == [["urn:g:a"], ["urn:g:b"]]
    with pytest.raises(InputError):
        next(chunks)
