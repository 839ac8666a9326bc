"""The graphs medkg ships, as a store receives them: the ontology, the shapes, every Google profile.

Their blank nodes (RDF lists) are skolemised under stable IRIs derived from their content, so a
store holds no blank nodes and a re-publish changes nothing.
"""

from __future__ import annotations

from functools import cache

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from kg.check import families
from kg.core import profiles
from kg.export.dataset import NamedGraph
from kg.graph import ontology
from kg.graph.iris import ONTOLOGY_IRI
from kg.graph.terms import Triple

SHAPES_GRAPHS = {"medkg": f"{ONTOLOGY_IRI}/shapes", "schemaorg": f"{ONTOLOGY_IRI}/shapes/schemaorg"}


def skolemised(graph: Graph, iri: str) -> list[Triple]:
    """A bundled graph with its blank nodes replaced by stable IRIs derived from its content."""
    canonical = to_canonical_graph(graph)
    genid = f"{iri}/.well-known/genid/"

    def skolem(n: Node) -> Node:
        return URIRef(genid + str(n)) if isinstance(n, BNode) else n

    return [(skolem(s), skolem(p), skolem(o)) for s, p, o in canonical]


@cache
def ontology_triples() -> tuple[Triple, ...]:
    """The ontology, skolemised: the first graph of kg.nq."""
    return tuple(skolemised(ontology.graph(), ONTOLOGY_IRI))


@cache
def bundled_graphs() -> tuple[NamedGraph, ...]:
    """The ontology, the shapes and every bundled Google profile, as a store receives them."""
    graphs = [NamedGraph(ONTOLOGY_IRI, ontology_triples(), "ontology")]
    shape_sets = {**SHAPES_GRAPHS, **{p: f"{ONTOLOGY_IRI}/shapes/{p}" for p in profiles.names()}}
    graphs += [NamedGraph(iri, tuple(skolemised(families.shapes(family), iri)), "shapes")
               for family, iri in sorted(shape_sets.items())]
    return tuple(graphs)


def shape_graphs() -> list[NamedGraph]:
    return [g for g in bundled_graphs() if g.kind == "shapes"]
