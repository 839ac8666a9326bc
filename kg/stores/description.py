"""A build folder's void.ttl, read for a bulk publish without holding it as Python objects.

The description grows with the corpus (28 MB of Turtle at 10,000 articles): it is parsed by
pyoxigraph as a stream for what a publish needs (the graph it is stored as, its triple count, the
triple count it states per graph) and PUT as the Turtle bytes the build wrote, read from the file in
blocks (kg.stores.chunked.put_file). The per-graph counts (~230 bytes a graph) are read again for the
count-back instead of being held while kg.nq's chunks are sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.core.errors import InputError
from kg.export.dataset import void_graph_iri

VOID = "http://rdfs.org/ns/void#"
SUBSET, TRIPLES = ox.NamedNode(VOID + "subset"), ox.NamedNode(VOID + "triples")


@dataclass(frozen=True)
class Description:
    """What a publish needs of void.ttl."""

    path: Path
    iri: str  # the graph it is stored as, <base>graph/void
    triples: int

    def counts(self) -> dict[str, int]:
        """Every graph it lists (void:subset) → the triples it states for it, the file read again."""
        return _scan(self.path)[2]


def read(path: Path) -> Description:
    """Stream void.ttl; InputError if it cannot be read or is not a medkg build description."""
    iri, triples, _ = _scan(path)
    return Description(path, iri, triples)


def _scan(path: Path) -> tuple[str, int, dict[str, int]]:
    """The graph void.ttl is stored as, its triple count and the counts it states per graph."""
    listed: set[str] = set()
    stated: dict[str, int] = {}
    dataset, triples = None, 0
    try:
        for quad in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
            triples += 1
            subject = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else None
            if quad.predicate == SUBSET and isinstance(quad.object, ox.NamedNode):
                listed.add(quad.object.value)
                if subject is not None and subject.endswith("dataset"):
                    dataset = subject
            elif quad.predicate == TRIPLES and subject is not None and isinstance(quad.object, ox.Literal):
                stated[subject] = int(quad.object.value)
    except (OSError, SyntaxError, ValueError) as e:
        raise InputError(f"{path}: cannot read the build's description: {e}") from None
    if dataset is None:
        raise InputError(f"{path}: not a medkg build description (no <…dataset> with void:subset)")
    iri = void_graph_iri(dataset[: -len("dataset")])
    return iri, triples, {g: stated[g] for g in sorted(listed) if g in stated and g != iri}
