"""Where a build's named graphs go, and the one way they get there.

`Store` is what medkg needs of a graph store: the triples it holds in a graph, replacing one graph
whole, dropping one. The embedded pyoxigraph store (kg.stores.embedded) and any SPARQL 1.1 Graph
Store Protocol server (kg.stores.gsp) implement it; `publish` and `diff` work on either, so `kg
load` and `kg publish` replace, drop and compare graphs by the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox

from kg.core.errors import NetworkError
from kg.export.dataset import NamedGraph
from kg.stores.verify import canonical_lines, lines_of_ox


class Store(Protocol):
    def held(self, iri: str) -> set[ox.Triple]:
        """The triples the store holds in a graph (none when it does not know the graph)."""
        ...

    def replace(self, graph: NamedGraph) -> None:
        """Make the store's copy of `graph` exactly `graph`, all at once (idempotent)."""
        ...

    def drop(self, iri: str) -> None:
        """Drop a graph the build no longer has (already gone is fine)."""
        ...


def triples_of(graph: NamedGraph) -> set[ox.Triple]:
    """A graph as pyoxigraph triples: compared by value with what a store returns."""
    return {q.triple for q in ox.parse(graph.ntriples(), ox.RdfFormat.N_TRIPLES)}


@dataclass(frozen=True)
class GraphChange:
    """How one graph in a store differs from the build."""

    iri: str
    held: int
    add: int
    remove: int


class PublishError(NetworkError):
    """Publishing stopped part-way; says which graphs made it and which did not."""

    def __init__(self, reason: str, published: list[str], pending: list[str]) -> None:
        self.published, self.pending = published, pending
        lines = [
            reason,
            f"published ({len(published)}): " + (", ".join(published) or "none"),
            f"not published ({len(pending)}): " + ", ".join(pending),
            "re-run the same command to complete: each graph is replaced whole, so nothing is duplicated",
        ]
        super().__init__("\n".join(lines))


@dataclass
class PublishSummary:
    """Graph IRI → triples published, and the stale graphs dropped."""

    published: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    verified: int = 0  # graphs read back and found as sent (kg.stores.verify)


VOID_SUBSET = ox.NamedNode("http://rdfs.org/ns/void#subset")


def stale_graphs(store: Store, graphs: list[NamedGraph], owned_prefix: str) -> list[str]:
    """Article graphs this site published before (listed in the store's copy of the description)
    that the build no longer has. Only graphs under `owned_prefix` that medkg itself described are
    candidates, so nothing another tool wrote is ever touched."""
    description = next((g for g in graphs if g.kind == "description"), None)
    if description is None:
        return []
    listed = {
        t.object.value
        for t in store.held(description.iri)
        if t.predicate == VOID_SUBSET and isinstance(t.object, ox.NamedNode)
    }
    wanted = {g.iri for g in graphs}
    return sorted(iri for iri in listed if iri.startswith(owned_prefix) and iri not in wanted)


def diff(store: Store, graphs: Iterable[NamedGraph], *, owned_prefix: str | None = None) -> list[GraphChange]:
    """Per graph, the triples a publish would add and remove (GET each graph first; nothing is written),
    stale graphs under `owned_prefix` included."""
    graphs = list(graphs)
    drop = stale_graphs(store, graphs, owned_prefix) if owned_prefix else []
    changes = []
    for g in graphs:  # compared as canonical lines: blank nodes by structure, numbers by value
        held, wanted = lines_of_ox(store.held(g.iri)), canonical_lines(g.triples)
        changes.append(GraphChange(g.iri, len(held), len(wanted - held), len(held - wanted)))
    for iri in drop:
        stale = len(store.held(iri))
        changes.append(GraphChange(iri, stale, 0, stale))
    return changes


def publish(
    store: Store,
    graphs: Iterable[NamedGraph],
    *,
    owned_prefix: str | None = None,
    progress: Callable[[str, int | None], None] | None = None,
) -> PublishSummary:
    """Replace every graph and drop stale graphs under `owned_prefix`, the description last (it records
    a complete publish); on a network failure raise PublishError naming what was and was not done."""
    graphs = list(graphs)
    try:
        drop = stale_graphs(store, graphs, owned_prefix) if owned_prefix else []
    except NetworkError as e:
        raise PublishError(str(e), [], [g.iri for g in graphs]) from None
    steps: list[tuple[str, NamedGraph | None]] = [(g.iri, g) for g in graphs if g.kind != "description"]
    steps += [(iri, None) for iri in drop]
    steps += [(g.iri, g) for g in graphs if g.kind == "description"]
    summary = PublishSummary()
    for i, (iri, g) in enumerate(steps):
        try:
            if g is None:
                store.drop(iri)
            else:
                store.replace(g)
        except NetworkError as e:
            done = [*summary.published, *summary.dropped]
            raise PublishError(str(e), done, [x for x, _ in steps[i:]]) from None
        if g is None:
            summary.dropped.append(iri)
        else:
            summary.published[iri] = len(g)
        if progress is not None:
            progress(iri, None if g is None else len(g))
    return summary
