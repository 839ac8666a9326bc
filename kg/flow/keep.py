"""Per-article isolation: an article that fails keeps its last good exports, and the others are written.

A build reads the failing article's files (`<slug>.jsonld`, `.html`, `.ttl`) and its named graph in
kg.nq from the export folder on disk, and carries them into the new folder unchanged, so kg.nq and
void.ttl describe exactly the files that are there. An article with no earlier exports gets none.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.core.findings import Finding, Severity
from kg.export.files import CORPUS_FILE
from kg.flow.manifest import KEPT_RULE
from kg.graph.terms import Triple, from_ox

ARTICLE_FILES = (".jsonld", ".html", ".ttl")


@dataclass(frozen=True)
class Kept:
    """An article's last good exports: its files and its named graph's block of kg.nq."""

    graph_iri: str
    files: dict[str, bytes]
    quads: bytes

    @property
    def triples(self) -> int:
        return self.quads.count(b"\n")

    def graph(self) -> list[Triple]:
        """The kept named graph's triples (for the build's description: its class and property partitions)."""
        return parse_quads(self.quads)


def parse_quads(quads: bytes) -> list[Triple]:
    """The triples of N-Quads lines (their graphs dropped)."""
    return [
        (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)) for q in ox.parse(quads, ox.RdfFormat.N_QUADS)
    ]


class Earlier:
    """The exports an earlier build wrote in `out`, read on demand before the folder is replaced. kg.nq is
    scanned once, on the first failing article, into an index of where each named graph's lines lie (a few
    numbers per graph), so a build with many failing articles reads it once rather than once each."""

    def __init__(self, out: Path, index: Callable[[], dict[bytes, list[tuple[int, int]]]] | None = None) -> None:
        self.out = out
        self._find = index  # a rebuild finds it from the last build's records, if an article fails
        self._index: dict[bytes, list[tuple[int, int]]] | None = None

    def _ranges(self, graph_iri: str) -> list[tuple[int, int]]:
        if self._index is None:
            self._index = self._find() if self._find is not None else _graph_ranges(self.out / CORPUS_FILE)
        return self._index.get(graph_iri.encode(), [])

    def kept(self, slug: str, graph_iri: str) -> Kept | None:
        """`slug`'s last good files and its named graph's lines of kg.nq, if the earlier build wrote any."""
        files = {
            f"{slug}{suffix}": (self.out / f"{slug}{suffix}").read_bytes()
            for suffix in ARTICLE_FILES
            if (self.out / f"{slug}{suffix}").is_file()
        }
        if not files:
            return None
        block = bytearray()
        ranges = self._ranges(graph_iri)
        if ranges:
            with open(self.out / CORPUS_FILE, "rb") as fh:
                for start, end in ranges:
                    fh.seek(start)
                    block += fh.read(end - start)
        return Kept(graph_iri, files, bytes(block))


def _graph_ranges(corpus: Path) -> dict[bytes, list[tuple[int, int]]]:
    """Byte ranges of each named graph's runs of lines in an N-Quads file (the graph is the line's last
    term: `… <graph> .`); empty when there is no such file."""
    index: dict[bytes, list[tuple[int, int]]] = {}
    if not corpus.is_file():
        return index
    position, current, start = 0, b"", 0
    with open(corpus, "rb") as fh:
        for line in fh:
            graph = (
                line[line.rfind(b" <", 0, len(line) - 3) + 2 : line.rfind(b"> .")] if line.endswith(b"> .\n") else b""
            )
            if graph != current:
                if current:
                    index.setdefault(current, []).append((start, position))
                current, start = graph, position
            position += len(line)
    if current:
        index.setdefault(current, []).append((start, position))
    return index


def notice(file: str, line: int, column: int, slug: str, kept: Collection[str], threshold: Severity) -> Finding:
    """The report's word on a failing article: what was kept of it (`kept`: its files)."""
    if not kept:
        what = "it has no earlier exports, so none are written for it"
    else:
        what = f"its last good exports are kept unchanged ({', '.join(sorted(kept))} and its graph in kg.nq)"
    return Finding(
        file,
        line,
        column,
        Severity.INFO,
        f"article {slug!r} is not published: it has findings at or above {threshold.label}; {what}. "
        "The other articles are written.",
        "slug",
        "",
        KEPT_RULE,
        "build",
    )
