"""Graphs in the hot path are plain sets of rdflib-term triples: building and scanning a set costs a
fraction of an rdflib Graph's indexed store. A Graph is made on demand for code that wants one."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import XSD, Graph, Literal, URIRef
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
_XSD_STRING = str(XSD.string)


def to_graph(triples: Iterable[Triple]) -> Graph:
    g = Graph(bind_namespaces="none")
    g.addN((s, p, o, g) for s, p, o in triples)
    return g


# --- N-Triples terms (the one writer; N-Quads, checks and projection all use it) ------------------

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_ECHAR_RE = re.compile(r'[\\"\n\r]')


def nt_string(text: str) -> str:
    """An N-Triples string literal body with the four characters N-Triples must escape."""
    return '"' + _ECHAR_RE.sub(lambda m: _ECHAR[m.group()], text) + '"'


def nt_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    assert isinstance(term, Literal), f"blank nodes are not exported: {term!r}"
    if term.language:
        return f"{nt_string(str(term))}@{term.language}"
    if term.datatype and term.datatype != _XSD_STRING:
        return f"{nt_string(str(term))}^^<{term.datatype}>"
    return nt_string(str(term))
