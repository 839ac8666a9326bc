"""The graphs medkg ships, as a store receives them: the ontology, the shapes, every Google profile.

They keep their blank nodes (RDF lists, anonymous class expressions, property paths): a graph in
`kg.nq` or a store is isomorphic to its file in the repository, so OWL tools and SHACL engines read
it as written. Blank node labels are derived from the graph's canonical form (rdflib's RDFC-style
hashing) and prefixed per graph, so the same files always give the same bytes and no two graphs of
one N-Quads document share a blank node.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from kg.check import families
from kg.core import profiles, resources
from kg.export.dataset import NamedGraph
from kg.flow.cache import Cache
from kg.flow.manifest import code_digest
from kg.graph import ontology
from kg.graph.iris import ONTOLOGY_IRI
from kg.graph.terms import Triple

SHAPES_GRAPHS = {"medkg": f"{ONTOLOGY_IRI}/shapes", "schemaorg": f"{ONTOLOGY_IRI}/shapes/schemaorg"}


def labelled(graph: Graph, prefix: str) -> list[Triple]:
    """A graph's triples with deterministic blank node labels: `prefix` + a short canonical hash
    (the whole hash when the short ones would collide). Isomorphic to `graph`."""
    canonical = to_canonical_graph(graph)
    full = {n for t in canonical for n in t if isinstance(n, BNode)}
    short = {n: BNode(f"{prefix}{str(n)[2:18]}") for n in full}
    if len(set(short.values())) < len(full):
        short = {n: BNode(f"{prefix}{str(n)[2:]}") for n in full}

    def label(n: Node) -> Node:
        return short[n] if isinstance(n, BNode) else n

    return sorted(((label(s), label(p), label(o)) for s, p, o in canonical), key=lambda t: tuple(map(str, t)))


@cache
def ontology_triples() -> tuple[Triple, ...]:
    """The ontology, blank nodes kept: the first graph of kg.nq."""
    return tuple(labelled(ontology.graph(), "ontology_"))


@cache
def bundled_graphs(cache_dir: Path | None = None) -> tuple[NamedGraph, ...]:
    """The ontology, the shapes and every bundled Google profile, as a store receives them; kept in
    `cache_dir` when given (labelling their blank nodes canonically costs a second per build)."""
    store = Cache(cache_dir, code_digest()) if cache_dir is not None else None
    kept = store.get(store.named("bundled-graphs")) if store is not None else None
    if isinstance(kept, tuple) and all(isinstance(g, NamedGraph) for g in kept):
        return kept
    graphs = _graphs()
    if store is not None:
        store.put(store.named("bundled-graphs"), graphs)
    return graphs


def _graphs() -> tuple[NamedGraph, ...]:
    graphs = [NamedGraph(ONTOLOGY_IRI, ontology_triples(), "ontology")]
    shape_sets = {**SHAPES_GRAPHS, **{p: f"{ONTOLOGY_IRI}/shapes/{p}" for p in profiles.names()}}
    graphs += [
        NamedGraph(iri, tuple(labelled(families.shapes(family), re.sub(r"[^A-Za-z0-9]", "", family) + "_")), "shapes")
        for family, iri in sorted(shape_sets.items())
    ]
    return tuple(graphs)


def shape_graphs() -> list[NamedGraph]:
    return [g for g in bundled_graphs() if g.kind == "shapes"]


def bundled_files() -> dict[str, bytes]:
    """The ontology and shape files as written in the repository, exported as they are for data teams
    (each is isomorphic to its graph in kg.nq)."""
    names = {"ontology/medkg.ttl": ("ontology", ontology.ONTOLOGY_FILE)}
    names |= {f"shapes/{name}": ("shapes", name) for name in families.SHAPE_FILES.values()}
    names |= {
        f"shapes/{profiles.Profile(p).shapes_file}": ("shapes", profiles.Profile(p).shapes_file)
        for p in profiles.names()
    }
    return {export: resources.path(folder, name).read_bytes() for export, (folder, name) in sorted(names.items())}
