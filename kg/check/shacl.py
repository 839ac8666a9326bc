"""A compiled SHACL Core engine: shapes are read once into Python objects, then each data graph
is validated over a plain in-memory index.

pySHACL stays the reference (`--engine pyshacl`); this engine exists because pySHACL costs tens of
milliseconds per article, mostly in rdflib graph lookups. It covers SHACL Core's constraint
components and property paths and reports results the way pySHACL does (one result per failing
value node, the source shape, its severity and sh:message); a differential test holds the two to
identical findings. Shapes using anything else (SHACL-SPARQL, qualified value shapes) raise
Unsupported, naming the shape: run those shapes with pySHACL.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cached_property

import pyoxigraph as ox
from pyshacl.rdfutil.compare import compare_literal
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.graph.terms import Triple, from_ox, ntriples, to_ox

SH = Namespace("http://www.w3.org/ns/shacl#")
_TYPE, _SUBCLASS = RDF.type, RDFS.subClassOf  # rdflib's RDF.x builds a term on every access


class Unsupported(ValueError):
    """The shapes use a SHACL feature this engine does not implement; `shape` names the first such shape."""

    def __init__(self, message: str, shape: Node | None = None) -> None:
        super().__init__(message)
        self.shape = shape


@dataclass(frozen=True)
class Result:
    focus: Node
    path: Node | None
    value: Node | None
    shape: Node
    severity: Node
    messages: tuple[str, ...]
    component: Node | None = None  # set for sh:or / sh:xone, whose branches explain the failure


class Data:
    """A data graph indexed for SHACL: forward and backward adjacency, types with subclasses."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.out: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        self.into: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        self.by_predicate: dict[Node, dict[Node, None]] = defaultdict(dict)
        for s, p, o in set(triples):
            self.out[s][p].append(o)
            self.into[o][p].append(s)
            self.by_predicate[p][s] = None

    def pred_subjects(self, p: Node) -> Iterable[Node]:
        return self.by_predicate.get(p, {}).keys()

    @cached_property
    def store(self) -> ox.Store:
        """The graph in an in-memory Oxigraph store, for SHACL-SPARQL (built on first use)."""
        store = ox.Store()
        if any(isinstance(s, BNode) or isinstance(o, BNode) for s, by_p in self.out.items()
               for objs in by_p.values() for o in objs):
            # term by term: a parser would relabel blank nodes, and results must name the same nodes
            store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, by_p in self.out.items()  # type: ignore[arg-type]
                         for p, objs in by_p.items() for o in objs)
        else:
            text = ntriples((s, p, o) for s, by_p in self.out.items() for p, objs in by_p.items() for o in objs)
            store.load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return store

    def select(self, query: str, this: Node | None = None) -> list[dict[str, Node]]:
        """Rows of a SPARQL SELECT, $this pre-bound when given (SEP-0007 substitution, as SHACL asks)."""
        subs = {ox.Variable("this"): to_ox(this)} if this is not None else None
        rows = self.store.query(query, substitutions=subs)
        names = [v.value for v in rows.variables]  # type: ignore[union-attr]
        return [{n: from_ox(row[n]) for n in names if row[n] is not None} for row in rows]  # type: ignore[union-attr]

    def objects(self, s: Node, p: Node) -> list[Node]:
        by_p = self.out.get(s)
        return by_p.get(p, []) if by_p else []

    def subjects(self, p: Node, o: Node) -> list[Node]:
        by_p = self.into.get(o)
        return by_p.get(p, []) if by_p else []

    def superclasses(self, cls: Node) -> set[Node]:
        seen, todo = {cls}, [cls]
        while todo:
            for sup in self.objects(todo.pop(), _SUBCLASS):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

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


# --- paths ----------------------------------------------------------------------------------------

Path = Callable[[Data, Node], list[Node]]


def _closure(step: Path, data: Data, start: list[Node], include_start: bool) -> list[Node]:
    seen: dict[Node, None] = dict.fromkeys(start) if include_start else {}
    todo = list(start)
    while todo:
        for n in step(data, todo.pop()):
            if n not in seen:
                seen[n] = None
                todo.append(n)
    return list(seen)


def _compile_path(g: Graph, node: Node) -> Path:
    if isinstance(node, URIRef):
        return lambda data, focus: data.objects(focus, node)
    if (node, RDF.first, None) in g:
        steps = [_compile_path(g, n) for n in Collection(g, node)]

        def sequence(data: Data, focus: Node) -> list[Node]:
            current = [focus]
            for step in steps:
                current = list(dict.fromkeys(v for n in current for v in step(data, n)))
            return current
        return sequence
    if (inverse := g.value(node, SH.inversePath)) is not None:
        if not isinstance(inverse, URIRef):
            raise Unsupported("only predicates can be inverted in sh:inversePath")
        return lambda data, focus: data.subjects(inverse, focus)
    if (alternatives := g.value(node, SH.alternativePath)) is not None:
        options = [_compile_path(g, n) for n in Collection(g, alternatives)]
        return lambda data, focus: list(dict.fromkeys(v for step in options for v in step(data, focus)))
    for kind, include_start, once in ((SH.zeroOrMorePath, True, False), (SH.oneOrMorePath, False, False),
                                      (SH.zeroOrOnePath, True, True)):
        if (inner := g.value(node, kind)) is not None:
            step = _compile_path(g, inner)
            if once:
                return lambda data, focus, step=step: list(dict.fromkeys([focus, *step(data, focus)]))
            return lambda data, focus, step=step, i=include_start: _closure(step, data, [focus], i)
    raise Unsupported(f"unsupported property path {node!r}")


# --- constraint components ------------------------------------------------------------------------

TargetSpec = tuple[list[Node], list[Node], list[Node], list[Node], list[str]]
Failure = tuple[Node | None, Node | None]
Check = Callable[["Shape", Data, Node, list[Node]], Iterator[tuple[Node | None, Node | None]]]
"""Yields (value, path override) for each failure; value None for count-style failures."""

_NATIVE = {XSD.string: (str,), RDF.langString: (str,), XSD.integer: (int,), XSD.float: (float,),
           XSD.decimal: (Decimal,), XSD.boolean: (bool,), XSD.date: (date,), XSD.time: (time,),
           XSD.dateTime: (datetime,)}


def _datatype_ok(v: Node, dt: Node) -> bool:
    """The same test pySHACL applies: matching datatype, well-formed, and a native value where known."""
    if not isinstance(v, Literal):
        return False
    if v.datatype == dt:
        if getattr(v, "ill_typed", None) is True:
            return False
    elif dt == RDFS.Literal or (dt == RDFS.Datatype and v.datatype):
        return True
    elif not ((v.datatype is None and v.language is None and dt == XSD.string) or (dt == RDF.langString
                                                                                   and v.language)):
        return False
    native = _NATIVE.get(dt)  # type: ignore[call-overload]
    if native is None:
        return True
    if dt in (XSD.string, RDF.langString):
        return isinstance(v.value, (str, bytes))
    if dt == XSD.date:  # datetime is a subclass of date in Python; pySHACL accepts either
        return isinstance(v.value, date)
    return isinstance(v.value, native)


_KINDS = {
    SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,), SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal), SH.IRIOrLiteral: (URIRef, Literal),
}


def _compare(v: Node, bound: Node, ok: Callable[[int], bool]) -> bool:
    if not isinstance(v, Literal) or not isinstance(bound, Literal):
        return False
    try:
        return ok(compare_literal(v, bound))
    except (TypeError, ValueError):
        return False


@dataclass
class Shape:
    node: Node
    path: Path | None
    path_node: Node | None
    severity: Node
    messages: tuple[str, ...]
    checks: list[Check] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    deactivated: bool = False


class Engine:
    """Validates data graphs against one shapes graph."""

    SUPPORTED_PARAMETERS = frozenset({
        SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minExclusive, SH.minInclusive,
        SH.maxExclusive, SH.maxInclusive, SH.minLength, SH.maxLength, SH.pattern, SH.flags, SH.languageIn,
        SH.uniqueLang, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals, SH["not"], SH["and"], SH["or"],
        SH.xone, SH.node, SH.property, SH["in"], SH.hasValue, SH.closed, SH.ignoredProperties, SH.path,
        SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.severity, SH.message,
        SH.deactivated, SH.name, SH.description, SH.order, SH.group, SH.defaultValue, SH.sparql, SH.target,
    })
    UNSUPPORTED = frozenset({SH.qualifiedValueShape, SH.rule, SH.expression, SH.prefixes, SH.declare})

    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self._shapes: dict[Node, Shape] = {}
        bad = {p for p in self.UNSUPPORTED if any(shapes.triples((None, p, None)))}
        if bad:
            users = sorted((s for p in bad for s in shapes.subjects(p, None)), key=str)
            raise Unsupported(f"shapes use {', '.join(sorted(map(str, bad)))}", users[0] if users else None)
        self.targeted = [(self.shape(n), self._target_spec(n)) for n in self._targeted_nodes()]

    def _target_spec(self, n: Node) -> TargetSpec:
        """Nodes, classes (with implicit class targets), subjectsOf and objectsOf predicates, and
        SPARQL-based target queries of a shape."""
        g = self.g
        classes = list(g.objects(n, SH.targetClass)) + ([n] if (n, RDF.type, RDFS.Class) in g else [])
        queries = []
        for target in g.objects(n, SH.target):
            select = g.value(target, SH.select)
            if (target, RDF.type, SH.SPARQLTarget) not in g or select is None:
                raise Unsupported(f"shape {n} has a target that is not a SPARQL-based target", n)
            queries.append(str(select))
        return (list(g.objects(n, SH.targetNode)), classes, list(g.objects(n, SH.targetSubjectsOf)),
                list(g.objects(n, SH.targetObjectsOf)), queries)

    def _targeted_nodes(self) -> list[Node]:
        nodes = {s for p in (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.target)
                 for s in self.g.subjects(p, None)}
        shapes = set(self.g.subjects(RDF.type, SH.NodeShape)) | set(self.g.subjects(RDF.type, SH.PropertyShape))
        nodes |= {s for s in shapes if (s, RDF.type, RDFS.Class) in self.g}  # implicit class targets
        return sorted(nodes, key=str)

    @staticmethod
    def targets(spec: TargetSpec, data: Data) -> set[Node]:
        nodes, classes, subjects_of, objects_of, queries = spec
        focus: set[Node] = set(nodes)
        for cls in classes:
            focus |= data.instances(cls)
        for p in subjects_of:
            focus |= {s for s in data.pred_subjects(p)}
        for p in objects_of:
            focus |= {o for s in data.pred_subjects(p) for o in data.objects(s, p)}
        for query in queries:
            focus |= {row["this"] for row in data.select(query) if "this" in row}
        return focus

    def shape(self, node: Node) -> Shape:
        if node in self._shapes:
            return self._shapes[node]
        g = self.g
        for p in g.predicates(node, None):
            if str(p).startswith(str(SH)) and p not in self.SUPPORTED_PARAMETERS and p != RDF.type:
                raise Unsupported(f"shape {node} uses {p}", node)
        path_node = g.value(node, SH.path)
        messages = tuple(sorted(str(m) for m in g.objects(node, SH.message)))
        try:
            path = _compile_path(g, path_node) if path_node is not None else None
        except Unsupported as e:
            raise Unsupported(str(e), node) from None
        shape = Shape(node, path, path_node,
                      g.value(node, SH.severity) or SH.Violation, messages,
                      deactivated=g.value(node, SH.deactivated) == Literal(True))
        self._shapes[node] = shape  # registered before compiling children: shapes may be recursive
        shape.checks = self._checks(node)
        shape.properties = [self.shape(p) for p in sorted(g.objects(node, SH.property), key=str)]
        return shape

    def _list(self, node: Node) -> list[Node]:
        return list(Collection(self.g, node))

    def _checks(self, n: Node) -> list[Check]:
        g, checks = self.g, []

        def each(test: Callable[[Data, Node], bool]) -> Check:
            def check(shape: Shape, data: Data, focus: Node, values: list[Node]) -> Iterator[tuple[Node, None]]:
                return ((v, None) for v in values if not test(data, v))
            return check

        for cls in g.objects(n, SH["class"]):
            checks.append(lambda s, d, f, vs, cls=cls: ((v, None) for v in vs if not d.is_instance(v, cls)))
        for dt in g.objects(n, SH.datatype):
            checks.append(each(lambda d, v, dt=dt: _datatype_ok(v, dt)))
        for kind in g.objects(n, SH.nodeKind):
            checks.append(each(lambda d, v, k=_KINDS[kind]: isinstance(v, k)))  # type: ignore[index]
        for lo in g.objects(n, SH.minCount):
            checks.append(lambda s, d, f, vs, lo=int(lo): iter([(None, None)] if len(vs) < lo else []))
        for hi in g.objects(n, SH.maxCount):
            checks.append(lambda s, d, f, vs, hi=int(hi): iter([(None, None)] if len(vs) > hi else []))
        for param, ok in ((SH.minExclusive, lambda c: c > 0), (SH.minInclusive, lambda c: c >= 0),
                          (SH.maxExclusive, lambda c: c < 0), (SH.maxInclusive, lambda c: c <= 0)):
            for bound in g.objects(n, param):
                checks.append(each(lambda d, v, b=bound, ok=ok: _compare(v, b, ok)))
        for lo in g.objects(n, SH.minLength):
            checks.append(each(lambda d, v, lo=int(lo): not isinstance(v, BNode) and len(str(v)) >= lo))
        for hi in g.objects(n, SH.maxLength):
            checks.append(each(lambda d, v, hi=int(hi): not isinstance(v, BNode) and len(str(v)) <= hi))
        for pattern in g.objects(n, SH.pattern):
            flags = str(g.value(n, SH.flags) or "")
            regex = re.compile(str(pattern), sum(getattr(re, f.upper()) for f in flags if f in "imsx"))
            checks.append(each(lambda d, v, r=regex: not isinstance(v, BNode) and r.search(str(v)) is not None))
        for langs in g.objects(n, SH.languageIn):
            allowed = [str(x).lower() for x in self._list(langs)]
            checks.append(each(lambda d, v, a=allowed: isinstance(v, Literal) and bool(v.language) and any(
                v.language.lower() == x or v.language.lower().startswith(x + "-") for x in a)))
        if g.value(n, SH.uniqueLang) == Literal(True):
            def unique_lang(s: Shape, d: Data, f: Node, vs: list[Node]) -> Iterator[tuple[None, None]]:
                langs = [v.language.lower() for v in vs if isinstance(v, Literal) and v.language]
                return iter([(None, None)] if len(langs) != len(set(langs)) else [])
            checks.append(unique_lang)
        for values in g.objects(n, SH["in"]):
            members = set(self._list(values))
            checks.append(each(lambda d, v, m=members: v in m))  # type: ignore[misc]
        for value in g.objects(n, SH.hasValue):
            checks.append(lambda s, d, f, vs, value=value: iter([] if value in vs else [(None, None)]))
        for other in g.objects(n, SH.equals):
            def equals(s: Shape, d: Data, f: Node, vs: list[Node], p: Node = other) -> Iterator[tuple[Node, None]]:
                theirs = d.objects(f, p)
                return ((v, None) for v in [*[v for v in vs if v not in theirs], *[v for v in theirs if v not in vs]])
            checks.append(equals)
        for other in g.objects(n, SH.disjoint):
            checks.append(lambda s, d, f, vs, p=other: ((v, None) for v in vs if v in d.objects(f, p)))
        for param, ok in ((SH.lessThan, lambda c: c < 0), (SH.lessThanOrEquals, lambda c: c <= 0)):
            for other in g.objects(n, param):
                def less(s: Shape, d: Data, f: Node, vs: list[Node], p: Node = other,
                         ok: Callable[[int], bool] = ok) -> Iterator[tuple[Node, None]]:
                    return ((v, None) for v in vs for w in d.objects(f, p) if not _compare(v, w, ok))
                checks.append(less)
        for inner in g.objects(n, SH["not"]):
            checks.append(each(lambda d, v, i=inner: not self.conforms(self.shape(i), d, v)))
        for inner in g.objects(n, SH.node):
            checks.append(each(lambda d, v, i=inner: self.conforms(self.shape(i), d, v)))
        for param, rule in ((SH["and"], all), (SH["or"], any)):
            for members in g.objects(n, param):
                listed = self._list(members)
                check = each(lambda d, v, m=listed, rule=rule: rule(self.conforms(self.shape(x), d, v) for x in m))
                if param == SH["or"]:
                    check.component = SH.OrConstraintComponent  # type: ignore[attr-defined]
                checks.append(check)
        for members in g.objects(n, SH.xone):
            listed = self._list(members)
            check = each(lambda d, v, m=listed: sum(self.conforms(self.shape(x), d, v) for x in m) == 1)
            check.component = SH.XoneConstraintComponent  # type: ignore[attr-defined]
            checks.append(check)
        for constraint in g.objects(n, SH.sparql):
            checks.append(self._sparql(n, constraint))
        if g.value(n, SH.closed) == Literal(True):
            allowed = {self.g.value(p, SH.path) for p in g.objects(n, SH.property)}
            for ignored in g.objects(n, SH.ignoredProperties):
                allowed |= set(self._list(ignored))

            def closed(s: Shape, d: Data, f: Node, vs: list[Node], a: set[Node | None] = allowed
                       ) -> Iterator[tuple[Node, Node]]:
                return ((o, p) for v in vs for p, objs in d.out.get(v, {}).items() if p not in a for o in objs)
            checks.append(closed)
        return checks

    def _sparql(self, n: Node, constraint: Node) -> Check:
        """A SPARQL-based constraint: one result per solution, as pySHACL reports them (focus $this,
        path ?path or the shape's, value ?value or, on node shapes, the focus node)."""
        g = self.g
        select = g.value(constraint, SH.select)
        if select is None or any(g.objects(constraint, SH.message)) or g.value(constraint, SH.deactivated):
            raise Unsupported(f"SPARQL constraint of {n}: only sh:select without its own messages is supported", n)
        if any("{?" in str(m) or "{$" in str(m) for m in g.objects(n, SH.message)):
            raise Unsupported(f"shape {n}: message templates are not supported", n)
        query = str(select)
        if "$PATH" in query:
            path = g.value(n, SH.path)
            if not isinstance(path, URIRef):
                raise Unsupported(f"shape {n}: $PATH needs a predicate path", n)
            query = query.replace("$PATH", f"<{path}>")

        def check(shape: Shape, data: Data, focus: Node, values: list[Node]) -> Iterator[Failure]:
            seen: set[Failure] = set()
            for row in data.select(query, focus):
                found = (None, None) if "failure" in row else (row.get("value"), row.get("path"))
                if found not in seen:
                    seen.add(found)
                    yield found
        return check

    def conforms(self, shape: Shape, data: Data, node: Node) -> bool:
        return next(self._validate(shape, data, node), None) is None

    def _validate(self, shape: Shape, data: Data, focus: Node) -> Iterator[Result]:
        if shape.deactivated:
            return
        values = shape.path(data, focus) if shape.path is not None else [focus]
        for check in shape.checks:
            component = getattr(check, "component", None)
            for value, path_override in check(shape, data, focus, values):
                if shape.path is None and value is None:
                    value = focus
                yield Result(focus, path_override if path_override is not None else shape.path_node, value,
                             shape.node, shape.severity, shape.messages, component)
        for prop in shape.properties:
            for v in values:
                yield from self._validate(prop, data, v)

    def validate(self, triples: Iterable[Triple]) -> list[Result]:
        data = Data(triples)
        return [r for shape, spec in self.targeted for focus in sorted(self.targets(spec, data), key=str)
                for r in self._validate(shape, data, focus)]
