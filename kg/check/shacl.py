"""A compiled SHACL Core engine: shapes are read once into Python objects, then each data graph
is validated over a plain in-memory index.

pySHACL stays the reference (`--engine pyshacl`); this engine exists because pySHACL costs tens of
milliseconds per article, mostly in rdflib graph lookups. It covers SHACL Core's constraint
components and property paths and reports results the way pySHACL does (one result per failing
value node, the source shape, its severity and sh:message); a differential test holds the two to
identical findings. Shapes using anything else (SHACL-SPARQL, qualified value shapes) raise
Unsupported, naming the shape: run those shapes with pySHACL.

kg.check.shacl_data holds the indexed data graph and compiled property paths, kg.check.shacl_components
the constraint components; this module compiles shapes and runs them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Graph, Literal
from rdflib.term import Node

from kg.check.shacl_components import Check, compile_checks
from kg.check.shacl_data import SH, Data, Path, Unsupported, compile_path
from kg.graph.terms import Triple

__all__ = ["Engine", "Result", "Unsupported"]

TargetSpec = tuple[list[Node], list[Node], list[Node], list[Node], list[str]]


@dataclass(frozen=True)
class Result:
    focus: Node
    path: Node | None
    value: Node | None
    shape: Node
    severity: Node
    messages: tuple[str, ...]
    component: Node | None = None  # set for sh:or / sh:xone, whose branches explain the failure


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
            path = compile_path(g, path_node) if path_node is not None else None
        except Unsupported as e:
            raise Unsupported(str(e), node) from None
        shape = Shape(node, path, path_node,
                      g.value(node, SH.severity) or SH.Violation, messages,
                      deactivated=g.value(node, SH.deactivated) == Literal(True))
        self._shapes[node] = shape  # registered before compiling children: shapes may be recursive
        shape.checks = compile_checks(self, node)
        shape.properties = [self.shape(p) for p in sorted(g.objects(node, SH.property), key=str)]
        return shape

    def conforms_to(self, shape: Node, data: Data, node: Node) -> bool:
        """Whether node conforms to the shape at node `shape` (compiled on first use: shapes may be recursive)."""
        return self.conforms(self.shape(shape), data, node)

    def conforms(self, shape: Shape, data: Data, node: Node) -> bool:
        return next(self._validate(shape, data, node), None) is None

    def _validate(self, shape: Shape, data: Data, focus: Node) -> Iterator[Result]:
        if shape.deactivated:
            return
        values = shape.path(data, focus) if shape.path is not None else [focus]
        for check in shape.checks:
            for value, path_override in check.test(data, focus, values):
                if shape.path is None and value is None:
                    value = focus
                yield Result(focus, path_override if path_override is not None else shape.path_node, value,
                             shape.node, shape.severity, shape.messages, check.component)
        for prop in shape.properties:
            for v in values:
                yield from self._validate(prop, data, v)

    def validate(self, triples: Iterable[Triple]) -> list[Result]:
        data = Data(triples)
        return [r for shape, spec in self.targeted for focus in sorted(self.targets(spec, data), key=str)
                for r in self._validate(shape, data, focus)]
