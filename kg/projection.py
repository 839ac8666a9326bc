"""medkg graph → schema.org graph.

Driven by the ontology's alignment (a node whose class is a subclass of a schema.org class is
published as that class, with every property that is a subproperty of a schema.org property),
plus the SPARQL files in ontology/projection/ for mappings that depend on context: CONSTRUCT
queries add triples; `*.join.rq` SELECTs join ordered texts into one value.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from kg import ontology, resources
from kg.iris import SCHEMA

# schema.org's JSON-LD context types dates as schema:Date / schema:DateTime, so the published
# graph does too: that is what the JSON-LD export expands to.
_DATATYPES = {XSD.date: SCHEMA.Date, XSD.dateTime: SCHEMA.DateTime}


@cache
def _queries() -> tuple[tuple[Query, ...], tuple[Query, ...]]:
    constructs, joins = [], []
    for p in resources.listing("ontology", "projection", ".rq"):
        q = prepareQuery(p.read_text(encoding="utf-8"))
        (joins if p.name.endswith(".join.rq") else constructs).append(q)
    return tuple(constructs), tuple(joins)


def _value(o: Node, individuals: dict[URIRef, URIRef]) -> Node:
    if isinstance(o, URIRef):
        return individuals.get(o, o)
    if isinstance(o, Literal) and o.datatype in _DATATYPES:
        return Literal(str(o), datatype=_DATATYPES[o.datatype])
    return o


def project(medkg: Graph) -> Graph:
    """The schema.org view of one article's medkg graph (namespace http://schema.org/)."""
    align = ontology.alignment()
    out = Graph(bind_namespaces="none")
    published: set[Node] = set()
    for node, cls in medkg.subject_objects(RDF.type):
        for target in align.classes.get(cls, ()):  # type: ignore[call-overload]
            out.add((node, RDF.type, target))
            published.add(node)
    for s, p, o in medkg:
        if s not in published:
            continue
        targets = (SCHEMA.name,) if p == RDFS.label else align.properties.get(p, ())  # type: ignore[call-overload]
        for target in targets:
            out.add((s, target, _value(o, align.individuals)))
    constructs, joins = _queries()
    for q in constructs:
        for triple in medkg.query(q):
            out.add(triple)  # type: ignore[arg-type]
    for q in joins:
        parts: dict[tuple[Node, Node], list[tuple[int, str]]] = defaultdict(list)
        for row in medkg.query(q):
            subject, prop, order, text = row  # type: ignore[misc]
            parts[(subject, prop)].append((int(order), str(text)))
        for (subject, prop), texts in parts.items():
            out.add((subject, prop, Literal(" ".join(t for _, t in sorted(texts)))))
    return out
