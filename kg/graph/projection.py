"""medkg graph → schema.org graph.

Driven by the ontology's alignment (a node whose class is a subclass of a schema.org class is
published as that class, with every property that is a subproperty of a schema.org property),
plus the SPARQL files in ontology/projection/ for mappings that depend on context: CONSTRUCT
queries add triples; `*.join.rq` SELECTs join ordered texts into one value.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.term import Node

from kg.core import resources
from kg.graph import ontology
from kg.graph.iris import SCHEMA
from kg.graph.terms import Triple, from_ox, is_iri, ntriples

# schema.org's JSON-LD context types dates as schema:Date / schema:DateTime, so the published
# graph does too: that is what the JSON-LD export expands to.
_DATATYPES = {XSD.date: SCHEMA.Date, XSD.dateTime: SCHEMA.DateTime}
# one-member sets: `p in` compares hashes first, `p ==` calls rdflib's Python __eq__ for every triple
_TYPE, _LABEL = frozenset({RDF.type}), frozenset({RDFS.label})


_PREFIX = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>]*)>", re.IGNORECASE)
_NAMED = re.compile(r"<([^<>\s]*)>|(?<![\w.-])([A-Za-z][\w.-]*)?:([\w.:%\\-]*)")  # IRIs, prefixed names (and more)
# a pattern that can match any predicate: a variable after a subject or `;`, a blank-node property list, a negated path
_ANY_PREDICATE = re.compile(r"[?$]\w+\s+[?$]\w+|[;\[]\s*[?$]|!")


@dataclass(frozen=True)
class _Queries:
    constructs: tuple[str, ...]
    joins: tuple[str, ...]
    read: frozenset[str] | None  # the predicates the WHERE clauses name (None: any predicate may match)


@cache
def _queries() -> _Queries:
    constructs: list[str] = []
    joins: list[str] = []
    for p in resources.listing("ontology", "projection", ".rq"):
        (joins if p.name.endswith(".join.rq") else constructs).append(p.read_text(encoding="utf-8"))
    return _Queries(tuple(constructs), tuple(joins), _read(constructs + joins))


def _read(queries: list[str]) -> frozenset[str] | None:
    """Every IRI a query's WHERE clause may name as a predicate (a superset: every IRI and prefixed name
    it writes, rdf:type for `a`), or None when one of them has a pattern that matches any predicate.
    The store then holds only triples with those predicates: ~60 % of the graph, and the load is a third
    of the projection."""
    read = {str(RDF.type)}
    for query in queries:
        where = re.split(r"\bWHERE\b", re.sub(r"(?m)^\s*#.*$", "", query), maxsplit=1, flags=re.IGNORECASE)
        if len(where) < 2 or _ANY_PREDICATE.search(where[1]):
            return None
        prefixes = dict(_PREFIX.findall(where[0]))
        for iri, prefix, local in _NAMED.findall(where[1]):
            if iri:
                read.add(iri)
            elif any(c in local for c in ":%\\") or prefix not in prefixes:
                return None  # an escaped local name, or no prefix declared: not worth reading here
            else:
                read.add(prefixes[prefix] + local.rstrip("."))
        if any(":" not in iri for iri in read):
            return None  # a relative IRI
    return frozenset(read)


def _store(medkg: Iterable[Triple], read: frozenset[str] | None) -> ox.Store:
    """The medkg graph in an in-memory Oxigraph store: SPARQL there costs ~0.1 ms a query, rdflib's ~1 ms.
    Only the triples the queries can read, and read leniently: the text is medkg's own N-Triples of IRIs
    the loader checked, and Oxigraph's check of every IRI again is a third of the load."""
    store = ox.Store()
    text = ntriples(medkg if read is None else (t for t in medkg if str(t[1]) in read))
    store.load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return store


def _value(o: Node, individuals: dict[URIRef, URIRef]) -> Node:
    if is_iri(o):
        return individuals.get(o, o)
    if isinstance(o, Literal) and o.datatype in _DATATYPES:
        return Literal(str(o), datatype=_DATATYPES[o.datatype])
    return o


def project(medkg: Collection[Triple]) -> set[Triple]:
    """The schema.org view of one article's medkg graph (namespace http://schema.org/)."""
    return _project(medkg, _queries())


def _project(medkg: Collection[Triple], queries: _Queries) -> set[Triple]:
    align = ontology.alignment()
    out: set[Triple] = set()
    published: set[Node] = set()
    rdf_type, name = RDF.type, SCHEMA.name
    for node, _, cls in (t for t in medkg if t[1] in _TYPE):
        for target in align.classes.get(cls, ()):
            out.add((node, rdf_type, target))
            published.add(node)
    for s, p, o in medkg:
        if s not in published:
            continue
        targets = (name,) if p in _LABEL else align.properties.get(p, ())
        for target in targets:
            out.add((s, target, _value(o, align.individuals)))
    store = _store(medkg, queries.read)
    for q in queries.constructs:
        triples = store.query(q)
        assert isinstance(triples, ox.QueryTriples), "the projection's *.rq queries are CONSTRUCT queries"
        for t in triples:
            out.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    for q in queries.joins:
        parts: dict[tuple[Node, Node], list[tuple[int, str]]] = defaultdict(list)
        rows = store.query(q)
        assert isinstance(rows, ox.QuerySolutions), "the projection's *.join.rq queries are SELECT queries"
        for row in rows:
            subject, prop, order, text = (row[i] for i in range(4))
            parts[(from_ox(subject), from_ox(prop))].append((int(order.value), text.value))
        for (subject, prop), texts in parts.items():
            out.add((subject, prop, Literal(" ".join(t for _, t in sorted(texts)))))
    return out
