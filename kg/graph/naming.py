"""Plain names for the nodes of a medkg graph, for pictures and change summaries.

A node is named by its own label, else by the label of what it qualifies (an adverse effect by
its condition, an ingredient use by its ingredient), else by its headline or question; ordered
texts (steps, aftercare) by their class and position.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from kg.graph import ontology
from kg.graph.iris import MEDKG as M

QUALIFIED = (M.condition, M.ingredient, M.comparedWith)
TITLES = (M.headline, M.question)


def medkg_class(g: Graph, node: Node) -> URIRef | None:
    return next(
        (c for c in sorted(g.objects(node, RDF.type), key=str) if isinstance(c, URIRef) and c.startswith(str(M))), None
    )


def kind(g: Graph, node: Node) -> str:
    """The node's class as the ontology labels it, in lower case: 'adverse effect'."""
    cls = medkg_class(g, node)
    return ontology.label(cls).lower() if cls is not None else "node"


def name(g: Graph, node: Node) -> str | None:
    """The name a writer would recognise, or None for nodes that are only text (steps, aftercare)."""
    for p in (RDFS.label, *TITLES):
        value = g.value(node, p)
        if value is not None:
            return str(value)
    for p in QUALIFIED:
        target = g.value(node, p)
        if target is not None and g.value(target, RDFS.label) is not None:
            return str(g.value(target, RDFS.label))
    return None


def title(g: Graph, node: Node) -> str:
    """'adverse effect 'Bruising'', or 'aftercare instruction 2' for ordered texts."""
    label = name(g, node)
    if label is not None:
        return f"{kind(g, node)} {label!r}"
    position = g.value(node, M.position)
    return f"{kind(g, node)} {position}" if position is not None else f"{kind(g, node)} <{node}>"


def value(g: Graph, term: Node) -> str:
    """A property value as text: enum members by their ontology label, nodes by their name."""
    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, URIRef) and term.startswith(str(M)):
        return ontology.label(term)
    named = name(g, term)
    return named if named is not None else str(term)
