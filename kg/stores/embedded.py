"""The embedded store: a build in an on-disk pyoxigraph (RocksDB) store, no server needed.

Each named graph is replaced by one SPARQL UPDATE (`DROP SILENT GRAPH …; INSERT DATA …`), which
Oxigraph applies as one transaction: a query sees either the old article or the new one, never half.
Graphs this site published earlier under `<base>graph/` that the build no longer has are dropped.
Each graph is then read back and compared with what was loaded (kg.stores.verify).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.core.errors import InputError, OutputError
from kg.export.dataset import NamedGraph
from kg.stores import verify

DEFAULT_STORE = Path(".kg/store")

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


@dataclass
class LoadSummary:
    """What a load changed: graph IRI → triples now held, and the stale graphs it dropped."""

    loaded: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    verified: int = 0  # graphs read back and found as loaded


def open_store(path: Path, *, read_only: bool = False) -> ox.Store:
    """Open (or, for writing, create) the store; a locked or unreadable folder is an OutputError."""
    if read_only and not path.is_dir():
        raise InputError.about("{path}: no store here; {load} first or pass {store}", path=path)
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as e:
        raise OutputError(f"{path}: cannot open the store: {e}") from None


def replace_graph_update(graph: NamedGraph) -> str:
    """The SPARQL UPDATE that makes the store's copy of `graph` exactly `graph`, atomically."""
    body = graph.ntriples().decode("utf-8")
    return f"DROP SILENT GRAPH <{graph.iri}> ;\nINSERT DATA {{ GRAPH <{graph.iri}> {{\n{body}}} }}"


def load(store: ox.Store, graphs: Iterable[NamedGraph], *, owned_prefix: str | None = None,
         progress: Callable[[NamedGraph], None] | None = None) -> LoadSummary:
    """Replace every graph of the build, one transaction each; drop stale graphs under `owned_prefix`."""
    summary = LoadSummary()
    graphs = list(graphs)
    try:
        for g in graphs:
            try:
                store.update(replace_graph_update(g))
            except SyntaxError as e:
                raise OutputError(f"<{g.iri}> could not be stored; the store keeps its previous copy: {e}") from None
            summary.loaded[g.iri] = len(g)
            if progress is not None:
                progress(g)
        if owned_prefix is not None:
            wanted = {g.iri for g in graphs}
            for name in sorted(store.named_graphs(), key=str):
                if isinstance(name, ox.NamedNode) and name.value.startswith(owned_prefix) \
                        and name.value not in wanted:
                    store.remove_graph(name)
                    summary.dropped.append(name.value)
        store.flush()
        summary.verified = verify.verify(graphs, verify.embedded_reader(store), "the store")
    except OSError as e:
        raise OutputError(f"writing to the store failed: {e}") from None
    return summary


def query(store: ox.Store, sparql: str) -> QueryResult:
    """Run a SPARQL query over the store; with no GRAPH clause it sees the union of all graphs."""
    try:
        return store.query(sparql, use_default_graph_as_union=True)
    except SyntaxError as e:
        raise InputError(f"the query is not valid SPARQL: {e}") from None
    except OSError as e:
        raise OutputError(f"reading the store failed: {e}") from None
