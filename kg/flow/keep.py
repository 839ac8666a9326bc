"""Per-article isolation: an article that fails keeps its last good exports, and the others are written.

A build reads the failing article's files (`<slug>.jsonld`, `.html`, `.ttl`) and its named graph in
kg.nq from the export folder on disk, and carries them into the new folder unchanged, so kg.nq and
void.ttl describe exactly the files that are there. An article with no earlier exports gets none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.core.findings import Finding, Severity
from kg.export.dataset import CORPUS_FILE
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
        return [
            (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
            for q in ox.parse(self.quads, ox.RdfFormat.N_QUADS)
        ]


def previous(out: Path, slug: str, graph_iri: str) -> Kept | None:
    """The exports an earlier build wrote for `slug` in `out`, if any (read before the folder is replaced)."""
    files = {
        f"{slug}{suffix}": (out / f"{slug}{suffix}").read_bytes()
        for suffix in ARTICLE_FILES
        if (out / f"{slug}{suffix}").is_file()
    }
    if not files:
        return None
    tail = f" <{graph_iri}> .\n".encode()
    block = bytearray()
    corpus = out / CORPUS_FILE
    if corpus.is_file():
        with open(corpus, "rb") as fh:
            block += b"".join(line for line in fh if line.endswith(tail))
    return Kept(graph_iri, files, bytes(block))


def notice(file: str, line: int, column: int, slug: str, kept: Kept | None, threshold: Severity) -> Finding:
    """The report's word on a failing article: what was kept of it."""
    if kept is None:
        what = "it has no earlier exports, so none are written for it"
    else:
        what = f"its last good exports are kept unchanged ({', '.join(sorted(kept.files))} and its graph in kg.nq)"
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
