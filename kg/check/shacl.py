"""A compiled SHACL engine: shapes are read once into Python objects, then each data graph is
validated over a plain in-memory index (SHACL-SPARQL over an Oxigraph copy of it).

pySHACL stays the reference (`--engine pyshacl`); this engine exists because pySHACL costs tens of
milliseconds per article, mostly in rdflib graph lookups. It implements SHACL Core (every constraint
component, qualified value shapes included, and every property path) and SHACL-SPARQL (SPARQL-based
constraints, SPARQL-based constraint components with ASK and SELECT validators, sh:prefixes, SPARQL
targets, $shapesGraph and $currentShape), and passes the W3C SHACL test suite (tests/w3c, docs/shacl.md).
Every result carries its sh:sourceConstraintComponent, and sh:sourceConstraint for SPARQL-based
constraints. A differential test holds it to pySHACL's findings on medkg's shapes.

What it does not implement raises Unsupported naming the shape and the feature (SHACL-AF rules and
node expressions, sh:entailment, non-SPARQL validators and targets); an ill-formed shapes graph raises
IllFormed, a failure during validation ValidationFailure.

kg.check.shacl_data holds the indexed data graph and compiled property paths, kg.check.shacl_components
SHACL Core's constraint components, kg.check.shacl_sparql, shacl_query and shacl_custom SHACL-SPARQL;
this module compiles shapes and runs them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from kg.check.shacl_components import PARAMETERS, Check, compile_checks
from kg.check.shacl_custom import Components
from kg.check.shacl_data import (
    SH,
    Data,
    IllFormed,
    Path,
    ShaclError,
    Unsupported,
    ValidationFailure,
    compile_path,
)
from kg.check.shacl_query import Query, is_true, prefixes, prepare
from kg.check.shacl_sparql import sparql_checks
from kg.graph.terms import Triple

__all__ = ["Engine", "IllFormed", "Result", "ShaclError", "Unsupported", "ValidationFailure"]

TargetSpec = tuple[list[Node], list[Node], list[Node], list[Node], list[Query]]


@dataclass(frozen=True)
class Result:
    focus: Node
    path: Node | None
    value: Node | None
    shape: Node
    severity: Node
    messages: tuple[Literal, ...]  # sh:resultMessage, language tags kept, in string order
    component: Node | None = None  # sh:sourceConstraintComponent
    constraint: Node | None = None  # sh:sourceConstraint: the sh:sparql value of a SPARQL-based constraint


@dataclass
class Shape:
    node: Node
    path: Path | None
    path_node: Node | None
    severity: Node
    messages: tuple[Literal, ...]
    checks: list[Check] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    deactivated: bool = False


class Engine:
    """Validates data graphs against one shapes graph."""

    SUPPORTED_PARAMETERS = PARAMETERS | {
        SH.property,
        SH.path,
        SH.targetClass,
        SH.targetNode,
        SH.targetObjectsOf,
        SH.targetSubjectsOf,
        SH.target,
        SH.severity,
        SH.message,
        SH.deactivated,
        SH.name,
        SH.description,
        SH.order,
        SH.group,
        SH.defaultValue,
        SH.sparql,
        SH.declare,
    }
    UNSUPPORTED = frozenset({SH.rule, SH.expression, SH.entailment, SH.js, SH.jsLibrary})
    """SHACL-AF rules and node expressions, entailment regimes, SHACL-JS: refused wherever they appear."""

    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self._shapes: dict[Node, Shape] = {}
        bad = {p for p in self.UNSUPPORTED if any(shapes.triples((None, p, None)))}
        if bad:
            users = sorted({str(s) for p in bad for s in shapes.subjects(p, None)})
            raise Unsupported(
                f"{', '.join(users)} use{'s' if len(users) == 1 else ''} "
                f"{', '.join(sorted(map(str, bad)))}, which this engine does not implement",
                URIRef(users[0]) if users else None,
            )
        self.components = Components(shapes)
        self.targeted = [(self.shape(n), self._target_spec(n)) for n in self._targeted_nodes()]
        queries = (str(q) for p in (SH.select, SH.ask) for q in shapes.objects(None, p))
        self.needs_shapes_graph = any("shapesGraph" in q for q in queries)
        """Some query may read $shapesGraph (shapes reached through sh:node … compile on first use)."""

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
            query = prepare(prefixes(g, target) + str(select), frozenset(), f"SPARQL target of shape {n}")
            queries.append(query)
        return (
            list(g.objects(n, SH.targetNode)),
            classes,
            list(g.objects(n, SH.targetSubjectsOf)),
            list(g.objects(n, SH.targetObjectsOf)),
            queries,
        )

    def _targeted_nodes(self) -> list[Node]:
        nodes = {
            s
            for p in (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.target)
            for s in self.g.subjects(p, None)
        }
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
            if query.may_match(data):
                focus |= {row["this"] for row in data.select(query.text({})) if "this" in row}
        return focus

    def shape(self, node: Node) -> Shape:
        if node in self._shapes:
            return self._shapes[node]
        g = self.g
        known = self.SUPPORTED_PARAMETERS | self.components.parameters
        if (None, SH.sparql, node) in g:  # the shape is its own SPARQL-based constraint
            known |= {SH.select, SH.prefixes}
        for p in g.predicates(node, None):
            if str(p).startswith(str(SH)) and p not in known:
                raise Unsupported(f"shape {node} uses {p}, which this engine does not implement", node)
        path_node = g.value(node, SH.path)
        messages = tuple(sorted((m for m in g.objects(node, SH.message) if isinstance(m, Literal)), key=str))
        shape = Shape(
            node,
            compile_path(g, path_node) if path_node is not None else None,
            path_node,
            g.value(node, SH.severity) or SH.Violation,
            messages,
            deactivated=is_true(g.value(node, SH.deactivated)),
        )
        self._shapes[node] = shape  # registered before compiling children: shapes may be recursive
        shape.checks = [
            *compile_checks(self, node),
            *sparql_checks(g, node, messages),
            *self.components.checks(node, messages),
        ]
        shape.properties = [self.shape(p) for p in sorted(g.objects(node, SH.property), key=str)]
        return shape

    def conforms_to(self, shape: Node, data: Data, node: Node) -> bool:
        """Whether node conforms to the shape at node `shape` (compiled on first use: shapes may be recursive)."""
        return self.conforms(self.shape(shape), data, node)

    def conforms(self, shape: Shape, data: Data, node: Node) -> bool:
        return not self._results(shape, data, node, [], first=True)

    def _results(self, shape: Shape, data: Data, focus: Node, out: list[Result], *, first: bool) -> bool:
        """Append the results of `focus` against `shape` to `out`; with `first` (what `conforms` asks), stop
        at the first one, and say so. Appending, not nested generators: a walk visits every (shape, value
        node) pair of an article, ~400, and most give nothing."""
        if shape.deactivated:
            return False
        values = shape.path(data, focus) if shape.path is not None else [focus]
        for check in shape.checks:
            for value, path, messages in check.test(data, focus, values):
                out.append(
                    Result(
                        focus,
                        path if path is not None else shape.path_node,
                        value,
                        shape.node,
                        shape.severity,
                        messages if messages is not None else shape.messages,
                        check.component,
                        check.constraint,
                    )
                )
                if first:
                    return True
        for prop in shape.properties:
            for v in values:
                if self._results(prop, data, v, out, first=first):
                    return True
        return False

    def validate(self, triples: Iterable[Triple] | Data) -> list[Result]:
        """The validation results of a data graph (none: it conforms), or of its index (shared between
        shape families; re-indexed where this engine's queries read another shapes graph than it holds)."""
        shapes = self.g if self.needs_shapes_graph else None
        if isinstance(triples, Data) and triples.shapes is shapes:
            data = triples
        else:
            data = Data(triples.triples() if isinstance(triples, Data) else triples, shapes)
        results: list[Result] = []
        for shape, spec in self.targeted:
            for focus in sorted(self.targets(spec, data), key=str):
                self._results(shape, data, focus, results, first=False)
        return results
