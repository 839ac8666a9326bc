"""The data side of the compiled SHACL engine (kg.check.shacl): a data graph indexed for SHACL, with
an Oxigraph copy for SHACL-SPARQL, and property paths compiled into functions over that index (and
written as SPARQL, for $PATH)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.graph.terms import Triple, from_ox, ntriples, to_ox

SH = Namespace("http://www.w3.org/ns/shacl#")
_TYPE, _SUBCLASS = RDF.type, RDFS.subClassOf  # rdflib's RDF.x builds a term on every access


SHAPES_GRAPH = URIRef("urn:x-medkg:shapes-graph")
"""The name of the shapes graph in the SPARQL dataset, the value of $shapesGraph."""

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal

BNODE_OF = "urn:x-medkg:shacl:bnode"
"""A SPARQL function: the blank node of the dataset with the given label (pre-bound blank nodes are
written as calls of it, kg.check.shacl_query)."""
FUNCTIONS: dict[ox.NamedNode, Callable[..., ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]] = {
    ox.NamedNode(BNODE_OF): lambda label: ox.BlankNode(label.value)
}


class ShaclError(ValueError):
    """The compiled engine cannot validate against a shapes graph."""


class Unsupported(ShaclError):
    """The shapes use a SHACL feature this engine does not implement (the message names the shape and
    the feature; `shape` is that shape where one is known)."""

    def __init__(self, message: str, shape: Node | None = None) -> None:
        super().__init__(message)
        self.shape = shape


class IllFormed(ShaclError):
    """The shapes graph is ill-formed: SHACL asks for a failure, not a validation report."""


class ValidationFailure(ShaclError):
    """Validation itself failed (a SPARQL-based constraint reported ?failure, or its query broke)."""


class Data:
    """A data graph indexed for SHACL: forward and backward adjacency, types with subclasses."""

    def __init__(
        self, triples: Iterable[Triple], shapes: Graph | None = None, lines: Callable[[], list[str]] | None = None
    ) -> None:
        self.shapes = shapes  # copied into the SPARQL dataset as the named graph SHAPES_GRAPH, for $shapesGraph
        self.lines = lines  # the triples' N-Triples lines, where the caller has (or will need) them anyway
        self.out: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        self.by_predicate: dict[Node, dict[Node, None]] = defaultdict(dict)
        self._inverse: dict[Node, dict[Node, list[Node]]] = {}  # per predicate, made when a path or target asks
        self._superclasses: dict[Node, frozenset[Node]] = {}
        # a set is taken as it is: copying it hashes every triple again (rdflib hashes a Literal in Python)
        for s, p, o in triples if isinstance(triples, set | frozenset) else set(triples):
            self.out[s][p].append(o)
            self.by_predicate[p][s] = None

    def holds(self, p: Node) -> bool:
        """Whether the graph has a triple with predicate `p`."""
        return p in self.by_predicate

    def pred_subjects(self, p: Node) -> Iterable[Node]:
        return self.by_predicate.get(p, {}).keys()

    def triples(self) -> Iterable[Triple]:
        return ((s, p, o) for s, by_p in self.out.items() for p, objs in by_p.items() for o in objs)

    @cached_property
    def store(self) -> ox.Store:
        """The graph in an in-memory Oxigraph store, for SHACL-SPARQL (built on first use)."""
        store = ox.Store()
        if self.shapes is not None or self._has_blank():
            # term by term: a parser would relabel blank nodes, and results must name the same nodes
            store.extend(_ox_quad(s, p, o) for s, p, o in self.triples())
            if self.shapes is not None:
                store.extend(_ox_quad(s, p, o, SHAPES_GRAPH) for s, p, o in self.shapes)
        else:  # leniently: what read the graph (medkg's loader, JSON-LD) took its IRIs; checking again is 1/3 of a load
            text = "".join(self.lines()) if self.lines is not None else ntriples(self.triples())
            store.load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, lenient=True)
        return store

    def _has_blank(self) -> bool:
        """Whether a blank node is in the graph (`type(t) is` first: rdflib's isinstance goes through an ABC)."""
        for s, by_p in self.out.items():
            if type(s) is not URIRef and isinstance(s, BNode):
                return True
            for objects in by_p.values():
                if any(type(o) is not URIRef and type(o) is not Literal and isinstance(o, BNode) for o in objects):
                    return True
        return False

    def solutions(self, query: str) -> Iterator[dict[str, Node]]:
        """The solutions of a SPARQL SELECT, lazily (an ASK gives one empty solution when true)."""
        try:
            rows = self.store.query(query, custom_functions=FUNCTIONS if BNODE_OF in query else None)
        except (SyntaxError, RuntimeError, OSError) as e:
            raise ValidationFailure(f"SPARQL query failed: {e}") from e
        if isinstance(rows, ox.QueryBoolean):
            if rows:
                yield {}
            return
        if not isinstance(rows, ox.QuerySolutions):
            raise IllFormed("a SHACL-SPARQL query must be a SELECT or an ASK")
        names = [v.value for v in rows.variables]
        for row in rows:
            yield {n: from_ox(row[n]) for n in names if row[n] is not None}

    def select(self, query: str) -> list[dict[str, Node]]:
        """Rows of a SPARQL SELECT (SPARQL-based targets)."""
        return list(self.solutions(query))

    def objects(self, s: Node, p: Node) -> list[Node]:
        by_p = self.out.get(s)
        return by_p.get(p, []) if by_p else []

    def subjects(self, p: Node, o: Node) -> list[Node]:
        """The subjects of `p` with value `o` (the backward index of `p` is made on first use: most
        shapes graphs ask it for rdf:type and rdfs:subClassOf only, and objects are mostly literals)."""
        inverse = self._inverse.get(p)
        if inverse is None:
            inverse = self._inverse[p] = defaultdict(list)
            for s in self.by_predicate.get(p, ()):
                for value in self.out[s][p]:
                    inverse[value].append(s)
        return inverse.get(o, [])

    def superclasses(self, cls: Node) -> frozenset[Node]:
        """The class and its superclasses in the data, found once per class (a check asks for each focus node)."""
        found = self._superclasses.get(cls)
        if found is None:
            seen, todo = {cls}, [cls]
            while todo:
                for sup in self.objects(todo.pop(), _SUBCLASS):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            found = self._superclasses[cls] = frozenset(seen)
        return found

    def is_instance(self, node: Node, cls: Node) -> bool:
        return any(cls in self.superclasses(t) for t in self.objects(node, _TYPE))

    def instances(self, cls: Node) -> set[Node]:
        classes, todo = {cls}, [cls]
        while todo:
            for sub in self.subjects(_SUBCLASS, todo.pop()):
                if sub not in classes:
                    classes.add(sub)
                    todo.append(sub)
        return {s for c in classes for s in self.subjects(_TYPE, c)}


# --- rdflib ↔ Oxigraph terms ----------------------------------------------------------------------


def _ox_quad(s: Node, p: Node, o: Node, graph: URIRef | None = None) -> ox.Quad:
    subject, predicate = to_ox(s), to_ox(p)
    assert not isinstance(subject, ox.Literal) and isinstance(predicate, ox.NamedNode), (s, p)
    return ox.Quad(subject, predicate, to_ox(o), ox.NamedNode(graph) if graph is not None else None)


# --- property paths -------------------------------------------------------------------------------

Path = Callable[[Data, Node], list[Node]]
"""The value nodes a path reaches from a focus node, in first-reached order, without repeats."""


def compile_path(g: Graph, node: Node) -> Path:
    """A SHACL property path (predicate, sequence, inverse, alternative, zero/one-or-more, zero-or-one)."""
    if isinstance(node, URIRef):
        return _predicate_path(node)
    if (node, RDF.first, None) in g:
        return _sequence_path([compile_path(g, n) for n in Collection(g, node)])
    if (inverse := g.value(node, SH.inversePath)) is not None:
        if not isinstance(inverse, URIRef):
            raise Unsupported("only predicates can be inverted in sh:inversePath")
        return _inverse_path(inverse)
    if (alternatives := g.value(node, SH.alternativePath)) is not None:
        return _alternative_path([compile_path(g, n) for n in Collection(g, alternatives)])
    if (inner := g.value(node, SH.zeroOrMorePath)) is not None:
        return _closure_path(compile_path(g, inner), include_start=True)
    if (inner := g.value(node, SH.oneOrMorePath)) is not None:
        return _closure_path(compile_path(g, inner), include_start=False)
    if (inner := g.value(node, SH.zeroOrOnePath)) is not None:
        return _optional_path(compile_path(g, inner))
    raise Unsupported(f"unsupported property path {node!r}")


def sparql_path(g: Graph, node: Node) -> str:
    """A SHACL property path in SPARQL syntax (for $PATH in SHACL-SPARQL queries)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if (node, RDF.first, None) in g:
        return "(" + " / ".join(sparql_path(g, n) for n in Collection(g, node)) + ")"
    if (inverse := g.value(node, SH.inversePath)) is not None:
        return f"(^{sparql_path(g, inverse)})"
    if (alternatives := g.value(node, SH.alternativePath)) is not None:
        return "(" + " | ".join(sparql_path(g, n) for n in Collection(g, alternatives)) + ")"
    for p, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        if (inner := g.value(node, p)) is not None:
            return f"({sparql_path(g, inner)}{suffix})"
    raise Unsupported(f"unsupported property path {node!r}")


def _predicate_path(p: URIRef) -> Path:
    def path(data: Data, focus: Node) -> list[Node]:
        return data.objects(focus, p)

    return path


def _inverse_path(p: URIRef) -> Path:
    def path(data: Data, focus: Node) -> list[Node]:
        return data.subjects(p, focus)

    return path


def _sequence_path(steps: list[Path]) -> Path:
    def path(data: Data, focus: Node) -> list[Node]:
        current = [focus]
        for step in steps:
            current = list(dict.fromkeys(v for n in current for v in step(data, n)))
        return current

    return path


def _alternative_path(options: list[Path]) -> Path:
    def path(data: Data, focus: Node) -> list[Node]:
        return list(dict.fromkeys(v for step in options for v in step(data, focus)))

    return path


def _optional_path(step: Path) -> Path:
    def path(data: Data, focus: Node) -> list[Node]:
        return list(dict.fromkeys([focus, *step(data, focus)]))

    return path


def _closure_path(step: Path, include_start: bool) -> Path:
    def path(data: Data, focus: Node) -> list[Node]:
        seen: dict[Node, None] = dict.fromkeys([focus]) if include_start else {}
        todo = [focus]
        while todo:
            for n in step(data, todo.pop()):
                if n not in seen:
                    seen[n] = None
                    todo.append(n)
        return list(seen)

    return path
