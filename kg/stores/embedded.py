"""The embedded store: a build in an on-disk pyoxigraph (RocksDB) store, no server needed.

Each named graph is replaced by one SPARQL UPDATE (`DROP SILENT GRAPH …; INSERT DATA …`), which
Oxigraph applies as one transaction: a query sees either the old article or the new one, never half.
Graphs this site loaded earlier under `<base>graph/` that the build no longer has are dropped, by the
same rules as a Graph Store publish (kg.stores.sync). Each graph is then read back and compared with
what was loaded (kg.stores.verify).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.core.errors import InputError, OutputError
from kg.export.dataset import NamedGraph
from kg.stores import verify
from kg.stores.sync import PublishSummary, publish

DEFAULT_STORE = Path(".kg/store")

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


def open_store(path: Path, *, read_only: bool = False) -> ox.Store:
    """Open (or, for writing, create, parent folders included) the store; a locked or unreadable
    folder is an OutputError."""
    if read_only and not path.is_dir():
        raise InputError.about("{path}: no store here; {load} first or pass {store}", path=path)
    try:
        if not read_only:
            path.mkdir(parents=True, exist_ok=True)
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as e:
        raise OutputError(f"{path}: cannot open the store: {e.strerror or e}") from None


def replace_graph_update(graph: NamedGraph) -> str:
    """The SPARQL UPDATE that makes the store's copy of `graph` exactly `graph`, atomically."""
    body = graph.ntriples().decode("utf-8")
    return f"DROP SILENT GRAPH <{graph.iri}> ;\nINSERT DATA {{ GRAPH <{graph.iri}> {{\n{body}}} }}"


class EmbeddedStore:
    """The on-disk pyoxigraph store as a kg.stores.sync.Store: each graph replaced in one transaction."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def held(self, iri: str) -> set[ox.Triple]:
        return {q.triple for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(iri))}

    def replace(self, graph: NamedGraph) -> None:
        try:
            self.store.update(replace_graph_update(graph))
        except SyntaxError as e:
            raise OutputError(f"<{graph.iri}> could not be stored; the store keeps its previous copy: {e}") from None
        except OSError as e:
            raise OutputError(f"writing <{graph.iri}> to the store failed: {e}") from None

    def drop(self, iri: str) -> None:
        try:
            self.store.remove_graph(ox.NamedNode(iri))
        except OSError as e:
            raise OutputError(f"dropping <{iri}> from the store failed: {e}") from None


def load(
    store: ox.Store,
    graphs: Iterable[NamedGraph],
    *,
    owned_prefix: str | None = None,
    progress: Callable[[str, int | None], None] | None = None,
) -> PublishSummary:
    """Replace every graph of the build and drop stale graphs under `owned_prefix`, by the same rules
    as a Graph Store publish (kg.stores.sync.publish), flush the store to disk, then read every graph
    back and verify it (VerificationError, exit 3, naming each graph that differs)."""
    graphs = list(graphs)
    embedded = EmbeddedStore(store)
    summary = publish(embedded, graphs, owned_prefix=owned_prefix, progress=progress)
    try:
        store.flush()
        summary.verified = verify.verify(graphs, embedded.held, "the store")
    except OSError as e:
        raise OutputError(f"writing to the store failed: {e}") from None
    return summary


# What may hide the word SERVICE without being the keyword: IRIs, strings, comments, prefixed names, variables.
_TOKENS = re.compile(
    "|".join(
        [
            r'<[^<>"{}|^`\\\x00-\x20]*>',  # IRI
            r"'''(?:[^'\\]|\\.|'(?!''))*'''",
            r'"""(?:[^"\\]|\\.|"(?!""))*"""',  # long strings
            r"'(?:[^'\\\n\r]|\\.)*'",
            r'"(?:[^"\\\n\r]|\\.)*"',  # strings
            r"#[^\n\r]*",  # comment
            r"[?$]?[\w:.\-]+",  # word, prefixed name or variable
            r"\S",
        ]
    ),
    re.DOTALL,
)


def service_calls(sparql: str) -> list[str]:
    """The SERVICE clauses of a query (each with the endpoint after it, for the message), found by its
    tokens, so the word in an IRI, a string, a comment, a prefixed name or a variable does not count."""
    tokens = [m.group() for m in _TOKENS.finditer(sparql)]
    found = []
    for i, token in enumerate(tokens):
        if token.upper() == "SERVICE":
            rest = [t for t in tokens[i + 1 : i + 3] if t.upper() != "SILENT"][:1]
            found.append(" ".join([token, *rest]))
    return found


def query(store: ox.Store, sparql: str) -> QueryResult:
    """Run a SPARQL query over the store; with no GRAPH clause it sees the union of all graphs.
    The query runs without network access: a SERVICE clause (a call to another endpoint) is refused
    before anything runs, so a shared .rq file cannot make medkg call out."""
    if calls := service_calls(sparql):
        raise InputError.about(
            "the query calls another endpoint ({call}); queries on the local store run without "
            "network access, so SERVICE is refused: remove it, or run the query where it belongs "
            "with {endpoint}",
            call=calls[0][:120],
        )
    try:
        return store.query(sparql, use_default_graph_as_union=True)
    except SyntaxError as e:
        raise InputError(f"the query is not valid SPARQL: {e}") from None
    except OSError as e:
        raise OutputError(f"reading the store failed: {e}") from None
