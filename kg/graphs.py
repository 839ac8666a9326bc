"""Graphs in the hot path are plain sets of rdflib-term triples: building and scanning a set costs a
fraction of an rdflib Graph's indexed store. A Graph is made on demand for code that wants one."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


def to_graph(triples: Iterable[Triple]) -> Graph:
    g = Graph(bind_namespaces="none")
    g.addN((s, p, o, g) for s, p, o in triples)
    return g
