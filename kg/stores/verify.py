"""After a publish or a load: does the store hold what was sent? Checked per graph, read back.

A graph is compared as a set of canonical N-Triples lines: blank nodes get their canonical labels
(rdflib's graph canonicalisation, so the ontology's lists compare by structure, not by the labels a
store gives them) and literals of the XSD value types are compared by value (a store may write
`"1.50"^^xsd:decimal` back as `"1.5"`, a hexBinary checksum in upper case). Graphs larger than
`FULL_LIMIT` triples are compared by their triple count only, which costs no canonicalisation. Any
difference is a `VerificationError` (exit 3) naming each graph that differs, what was sent and what
the store holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal
from rdflib.compare import to_canonical_graph

from kg.core.errors import NetworkError
from kg.export.dataset import NamedGraph
from kg.graph.terms import Triple, from_ox, nt_line, to_graph

FULL_LIMIT = 50_000  # triples: up to this size a graph is compared triple for triple, above by count
_BY_VALUE = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.nonNegativeInteger}


def _normal(term: object) -> object:
    if isinstance(term, Literal) and term.datatype == XSD.hexBinary:
        return Literal(str(term).lower(), datatype=XSD.hexBinary)
    if isinstance(term, Literal) and term.datatype in _BY_VALUE and term.value is not None:
        return Literal(term.value, datatype=term.datatype)
    return term


def canonical_lines(triples: Iterable[Triple]) -> set[str]:
    """A graph as canonical N-Triples lines: equal sets for isomorphic graphs (values compared by value)."""
    ground: list[Triple] = []
    blank: list[Triple] = []
    for t in triples:
        (blank if isinstance(t[0], BNode) or isinstance(t[2], BNode) else ground).append(t)
    if blank:  # only triples with blank nodes decide their canonical labels: canonicalise just those
        ground += to_canonical_graph(to_graph(blank))
    return {nt_line((_normal(s), _normal(p), _normal(o))) for s, p, o in ground}  # type: ignore[arg-type]


def lines_of_ox(triples: Iterable[ox.Triple]) -> set[str]:
    """What a store holds (pyoxigraph triples) as canonical lines."""
    return canonical_lines((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in triples)


@dataclass(frozen=True)
class Mismatch:
    """A graph the store does not hold as sent."""

    iri: str
    sent: int
    held: int
    missing: int  # triples sent that the store does not hold (-1: compared by count only)
    extra: int  # triples the store holds that were not sent

    def __str__(self) -> str:
        what = (
            f"holds {self.held} triples, {self.sent} were sent"
            if self.missing < 0
            else f"holds {self.held} triples, {self.sent} were sent: {self.missing} sent are missing, "
            f"{self.extra} held were not sent"
        )
        return f"<{self.iri}>: {what}"


class VerificationError(NetworkError):
    """The store answered every request but does not hold what was sent (exit 3, graphs named)."""

    def __init__(self, where: str, mismatches: list[Mismatch]) -> None:
        self.mismatches = mismatches
        lines = [
            f"{where} does not hold what was sent in {len(mismatches)} graphs:",
            *(f"  {m}" for m in mismatches),
            "check the endpoint (the server's root URL, or its Graph Store URL) and --server",
        ]
        super().__init__("\n".join(lines))


def compare(graph: NamedGraph, held: set[ox.Triple] | int) -> Mismatch | None:
    """How the store's copy of `graph` differs from it; `held` may be just a count (large graphs)."""
    sent = len(graph)
    if isinstance(held, int) or sent > FULL_LIMIT:
        count = held if isinstance(held, int) else len(held)
        return None if count == sent else Mismatch(graph.iri, sent, count, -1, -1)
    want, have = canonical_lines(graph.triples), lines_of_ox(held)
    if want == have:
        return None
    return Mismatch(graph.iri, sent, len(held), len(want - have), len(have - want))


def verify(graphs: Iterable[NamedGraph], read: Callable[[str], set[ox.Triple] | int], where: str) -> int:
    """Read every graph back and compare; VerificationError naming each graph that differs. Returns
    the number of graphs verified."""
    graphs = list(graphs)
    mismatches = [m for g in graphs if (m := compare(g, read(g.iri))) is not None]
    if mismatches:
        raise VerificationError(where, mismatches)
    return len(graphs)


def verify_counts(
    counts: dict[str, int], count: Callable[[list[str]], dict[str, int]], where: str, batch: int = 1000
) -> int:
    """Like verify, for graphs known only by their stated triple counts (a build folder's kg.nq):
    `count` asked for `batch` graphs at a time, so what the store answers is never held for all."""
    mismatches = []
    names = iter(counts)
    while part := list(islice(names, batch)):
        held = count(part)
        mismatches += [Mismatch(g, counts[g], held.get(g, 0), -1, -1) for g in part if held.get(g, 0) != counts[g]]
    if mismatches:
        raise VerificationError(where, mismatches)
    return len(counts)
