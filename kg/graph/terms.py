"""Graphs in the hot path are plain sets of rdflib-term triples: building and scanning a set costs a
fraction of an rdflib Graph's indexed store. A Graph is made on demand for code that wants one.

This module is the one home of the term helpers: N-Triples lines and conversions between rdflib's
and Oxigraph's terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeGuard
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
XSD_STRING = str(XSD.string)


# rdflib's terms are ABCs: an isinstance that fails (a literal tested for an IRI) runs ABCMeta's check in
# Python, ~10x an exact type test. The hot loops ask these instead; subclasses still take isinstance.
def is_iri(term: object) -> TypeGuard[URIRef]:
    kind = type(term)
    return kind is URIRef or (kind is not Literal and kind is not BNode and isinstance(term, URIRef))


def is_blank(term: object) -> TypeGuard[BNode]:
    kind = type(term)
    return kind is BNode or (kind is not URIRef and kind is not Literal and isinstance(term, BNode))


def to_graph(triples: Iterable[Triple]) -> Graph:
    g = Graph(bind_namespaces="none")
    g.addN((s, p, o, g) for s, p, o in triples)
    return g


_IRIS: dict[str, URIRef] = {}


def iri(text: str) -> URIRef:
    """`URIRef(text)` for a plain str, one object per IRI in the process (the first 50,000: the vocabulary
    and shared entities come first): the vocabulary, the mapping's nodes and the projection's results are
    then the same objects, so the sets and indexes that meet them compare identities instead of calling
    rdflib's Python __eq__."""
    term = _IRIS.get(text)
    if term is None:
        term = URIRef(text)
        if len(_IRIS) < 50_000:
            _IRIS[text] = term
    return term


_LITERALS: dict[tuple[type, object, URIRef | None, str | None], Literal] = {}
_INTEGER = XSD.integer  # one object: rdflib builds a new URIRef on each XSD.x, and keys compare it


def literal(value: str | int | float | bool, datatype: URIRef | None = None, lang: str | None = None) -> Literal:
    """`Literal(value, lang, datatype)`, made once per process for the same arguments (the first 20,000):
    rdflib builds a literal in ~1.5 µs, checking and casting its value, and the same object for the same
    literal makes later set and dict lookups identity checks."""
    key = (type(value), value, datatype, lang)  # the type: True == 1 == 1.0, but they are different literals
    term = _LITERALS.get(key)
    if term is None:
        term = Literal(value, lang=lang, datatype=datatype)
        if len(_LITERALS) < 20_000:
            _LITERALS[key] = term
    return term


def integer(value: int) -> Literal:
    return literal(value, _INTEGER)


# --- N-Triples terms (the one writer; N-Quads, checks and projection all use it) ------------------

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_ECHAR_RE = re.compile(r'[\\"\n\r]')


def nt_string(text: str) -> str:
    """An N-Triples string literal body with the four characters N-Triples must escape."""
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:
        return '"' + _ECHAR_RE.sub(lambda m: _ECHAR[m.group()], text) + '"'
    return f'"{text}"'


def nt_term(term: Node) -> str:
    if is_iri(term):
        return f"<{term}>"
    if is_blank(term):  # only the bundled ontology and shapes have them (kg.flow.bundled)
        return f"_:{term}"
    assert isinstance(term, Literal), term
    if term._language:  # the slots, not the properties: this runs for every literal of every export
        return f"{nt_string(term)}@{term._language}"
    if term._datatype is not None:  # an explicit xsd:string stays explicit, as the source wrote it
        return f"{nt_string(term)}^^<{term._datatype}>"
    return nt_string(term)


def nt_line(triple: Triple, graph: str | None = None) -> str:
    """One N-Triples line, or an N-Quads line in `graph`."""
    s, p, o = triple
    # IRIs inline: a call per term is a third of the cost of a line, and most terms are IRIs
    o_text = f"<{o}>" if type(o) is URIRef else nt_term(o)
    s_text = f"<{s}>" if type(s) is URIRef else nt_term(s)
    p_text = f"<{p}>" if type(p) is URIRef else nt_term(p)
    return f"{s_text} {p_text} {o_text}{f' <{graph}>' if graph is not None else ''} .\n"


def nt_lines(triples: Iterable[Triple]) -> list[str]:
    """A graph's N-Triples lines, each once, sorted: what its N-Quads, Turtle and Oxigraph copy are made of."""
    return sorted({nt_line(t) for t in triples})


def ntriples(triples: Iterable[Triple]) -> str:
    """Triples as N-Triples text, in the order given."""
    return "".join(nt_line(t) for t in triples)


# --- rdflib ↔ Oxigraph terms ----------------------------------------------------------------------

_IRI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"  # kept as they are when an IRI's other characters are percent-encoded


def to_ox(t: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(t, URIRef):
        try:
            return ox.NamedNode(str(t))
        except ValueError:  # pages in the wild: Rank Math's SearchAction target "…?s={search_term_string}"
            return ox.NamedNode(quote(str(t), safe=_IRI_SAFE))
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    assert isinstance(t, Literal)
    if t.language:
        return ox.Literal(str(t), language=t.language)
    return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)) if t.datatype else None)


_FROM_OX: dict[ox.NamedNode | ox.Literal, Node] = {}  # terms already converted (vocabulary, shared nodes recur)


def from_ox(t: object) -> Node:
    """An Oxigraph term as rdflib's; a plain string literal has no datatype, as rdflib parses it.
    IRIs and literals are converted once per process (bounded): building an rdflib term costs ~1 µs,
    and the same object for the same term makes later comparisons identity checks."""
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    assert isinstance(t, ox.NamedNode | ox.Literal), t
    node = _FROM_OX.get(t)
    if node is None:
        node = _from_ox(t)
        if len(_FROM_OX) < 100_000:
            _FROM_OX[t] = node
    return node


def _from_ox(t: ox.NamedNode | ox.Literal) -> Node:
    if isinstance(t, ox.NamedNode):
        return iri(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    return Literal(t.value, datatype=None if t.datatype.value == XSD_STRING else URIRef(t.datatype.value))


def parse_turtle(text: str) -> Graph:
    """A bundled Turtle file (the ontology, a shapes family) as an rdflib Graph with its prefixes bound, as
    rdflib's parser leaves it. Oxigraph parses: rdflib's own parser took twice as long, which every command
    paid before its first article (0.1 s of a one-change rebuild of 10,000 articles in a slow window)."""
    parser = ox.parse(text, format=ox.RdfFormat.TURTLE)
    g = to_graph((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)) for q in parser)
    for prefix, namespace in parser.prefixes.items():
        g.bind(prefix, namespace)
    return g
