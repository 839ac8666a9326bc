"""A large N-Quads file cut into chunks at named-graph boundaries, without reading it whole.

A build's kg.nq writes each named graph's quads together, one quad per line, each line ending in
` <graph> .`. A graph's run of lines is found by galloping and bisecting over byte offsets of the
memory-mapped file (a few dozen probes per graph, not one Python step per line), then checked
exactly: the run holds as many line ends as it holds ` <graph> .` line endings (a C-speed count).
A graph that comes back after another one, a quad in the default graph or a line not in that form
is an InputError: chunks are replaced graph by graph, so a graph split over two chunks would lose
its first part. A chunk keeps no graph IRIs (at 100,000 articles they held 11 MB through the whole
publish): `graphs_in` reads them again from the file when a chunk's graphs are dropped or named.
"""

from __future__ import annotations

import hashlib
import mmap
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pyoxigraph as ox

from kg.core.errors import InputError

Body = bytes | mmap.mmap


@dataclass(frozen=True)
class Chunk:
    """Bytes [start, end) of the file: whole graphs, in file order."""

    index: int  # 0-based
    start: int
    end: int
    graphs: int  # how many (their IRIs: graphs_in)
    quads: int
    digest: str  # SHA-256 of the bytes: a resumed run skips a chunk only if these very bytes were acknowledged

    @property
    def size(self) -> int:
        return self.end - self.start


def _line(body: Body, at: int) -> tuple[int, int]:
    """Start and end (after its newline) of the line holding byte `at`."""
    end = body.find(b"\n", at)
    return body.rfind(b"\n", 0, at) + 1, len(body) if end < 0 else end + 1


def _graph_of(body: Body, start: int, end: int, where: Path) -> tuple[str, bytes]:
    """The graph IRI of the line [start, end) and the ending every line of that graph has."""
    line = bytes(body[start:end])
    try:
        quad = next(iter(ox.parse(line, ox.RdfFormat.N_QUADS)))
    except (SyntaxError, ValueError, StopIteration) as e:
        raise InputError(f"{where}: byte {start}: not an N-Quads line: {e}") from None
    if not isinstance(quad.graph_name, ox.NamedNode):
        raise InputError(
            f"{where}: byte {start}: a quad outside a named graph; chunked publishing replaces named graphs"
        )
    suffix = f" {quad.graph_name} .\n".encode()
    if not line.endswith(suffix):
        raise InputError(f"{where}: byte {start}: the line does not end in ' <graph> .' as a medkg build writes it")
    return quad.graph_name.value, suffix


def _run_end(body: Body, start: int, first_end: int, suffix: bytes) -> int:
    """Where the run of lines ending in `suffix` that begins with the line [start, first_end) ends:
    gallop forward while still inside, then bisect between the last line known inside and the
    first known outside. Assumes the run is contiguous; the caller checks that it was."""
    size = len(body)

    def probe(at: int) -> tuple[bool, int, int]:
        line_start, line_end = _line(body, at)
        return body[line_end - len(suffix) : line_end] == suffix, line_start, line_end

    inside_end, outside, step = first_end, size, max(first_end - start, 64)
    while inside_end + step <= size:
        inside, line_start, line_end = probe(inside_end + step - 1)
        if not inside:
            outside = line_start
            break
        inside_end, step = line_end, step * 2
    if outside == size and inside_end < size:
        inside, line_start, _ = probe(size - 1)
        if inside:
            return size
        outside = line_start
    while inside_end < outside:  # lines in [inside_end, outside) are undecided
        inside, line_start, line_end = probe((inside_end + outside) // 2)
        if inside:
            inside_end = line_end
        else:
            outside = line_start
    return inside_end


def split(body: Body, where: Path, *, max_bytes: int, max_graphs: int = 0) -> Iterator[Chunk]:
    """Chunks of whole graphs, each cut once it holds `max_bytes` bytes or `max_graphs` graphs
    (0: no limit); a graph larger than `max_bytes` is a chunk of its own. A graph that comes back is
    found once the whole file is scanned (by 8-byte hashes, not a set of IRIs), so the last chunk is
    yielded only after every check passed; every other one as soon as it is cut, before the next graph
    is read, so that the caller can let its pages go (held back one chunk, two chunks' pages were
    resident: 198 against 135 MB for the 10k publish)."""
    size = len(body)
    if size and body[size - 1 : size] != b"\n":
        raise InputError(f"{where}: does not end with a newline (cut short?)")
    hashes = array("q")
    index = chunk_start = quads = graphs = 0
    digest = hashlib.sha256()
    final: Chunk | None = None
    for iri, pos, end, suffix in _runs(body, where, 0, size):
        run = body[pos:end]
        lines = run.count(b"\n")
        if run.count(suffix) != lines:
            raise InputError(
                f"{where}: bytes {pos}-{end}: quads of <{iri}> are mixed with other graphs' quads; chunked "
                "publishing needs each graph's quads together (as a medkg build writes them)"
            )
        digest.update(run)
        hashes.append(hash(iri))
        graphs, quads = graphs + 1, quads + lines
        if end == size or end - chunk_start >= max_bytes or (max_graphs and graphs >= max_graphs):
            chunk = Chunk(index, chunk_start, end, graphs, quads, digest.hexdigest())
            index, chunk_start, quads, graphs, digest = index + 1, end, 0, 0, hashlib.sha256()
            if end < size:
                yield chunk
            else:
                final = chunk
    _no_graph_again(body, where, hashes)
    if final is not None:
        yield final


def graphs_in(body: Body, where: Path, chunk: Chunk) -> list[str]:
    """The IRIs of a chunk's graphs, in file order, read from the file (as `split` found them)."""
    return [iri for iri, *_ in _runs(body, where, chunk.start, chunk.end)]


def _runs(body: Body, where: Path, start: int, end: int) -> Iterator[tuple[str, int, int, bytes]]:
    """Each graph's run of lines in bytes [start, end): its IRI, where the run starts and ends, and the
    ending its lines share."""
    pos = start
    while pos < end:
        _, first_end = _line(body, pos)
        iri, suffix = _graph_of(body, pos, first_end, where)
        run_end = _run_end(body, pos, first_end, suffix)
        yield iri, pos, run_end, suffix
        pos = run_end


def _no_graph_again(body: Body, where: Path, hashes: array[int]) -> None:
    """InputError naming the first graph whose run comes after another graph's run of it: the hashes of
    every run's IRI, in file order, say whether one may; only then is the file read again for which."""
    ordered = sorted(hashes)
    shared = {a for a, b in pairwise(ordered) if a == b}
    if not shared:
        return
    seen: set[str] = set()
    for iri, pos, _, _ in _runs(body, where, 0, len(body)):
        if hash(iri) not in shared:
            continue
        if iri in seen:
            raise InputError(
                f"{where}: byte {pos}: graph <{iri}> again after other graphs; chunked publishing needs "
                "each graph's quads together (as a medkg build writes them)"
            )
        seen.add(iri)
