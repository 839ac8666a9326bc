"""SHACL validation of the medkg graph and the published schema.org graph, with pySHACL.

Shapes are parsed once per process. Each SHACL result becomes a Finding located at the facts
file and line that produced its focus node, with nested reasons flattened into the message.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg import ontology, resources
from kg.iris import MEDKG
from kg.mapping import ArticleGraph
from kg.report import Finding, Severity
from kg.yamlloc import dotted

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPE_FILES = {"medkg": "medkg.ttl", "schemaorg": "schemaorg.ttl"}
_SEVERITY = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}

Locator = Callable[[Node, Node | None], tuple[str, int, int, str]]


@cache
def shapes(family: str) -> Graph:
    g = Graph(bind_namespaces="none")
    g.parse(data=resources.text("shapes", SHAPE_FILES[family]), format="turtle")
    return g


def _short(node: Node | None) -> str:
    if node is None:
        return ""
    text = str(node)
    for ns, prefix in ((str(MEDKG), "medkg:"), ("http://schema.org/", "schema:"),
                       ("https://w3id.org/medkg/shapes#", "medkgsh:"),
                       ("https://w3id.org/medkg/shapes/schemaorg#", "sosh:")):
        if text.startswith(ns):
            return prefix + text[len(ns):]
    return text


def _describe(shapes_graph: Graph, shape: Node) -> str:
    """One branch of an sh:or / sh:xone in words: 'a schema:Person', 'a schema:Date value' …"""
    for p, template in ((SH["class"], "a {}"), (SH.datatype, "a {} value"), (SH.hasValue, "{}")):
        value = shapes_graph.value(shape, p)
        if value is not None:
            return template.format(_short(value))
    kind = shapes_graph.value(shape, SH.nodeKind)
    if kind is not None:
        return {SH.Literal: "text", SH.IRI: "a named node"}.get(kind, _short(kind))  # type: ignore[call-overload]
    message = shapes_graph.value(shape, SH.message)
    return str(message) if message is not None else _short(shape)


def _alternatives(results: Graph, shapes_graph: Graph, result: Node) -> list[str]:
    """pySHACL gives sh:or and sh:xone failures no sh:detail, so the branches are read from the shape."""
    component = results.value(result, SH.sourceConstraintComponent)
    parameter = {SH.OrConstraintComponent: SH["or"], SH.XoneConstraintComponent: SH.xone}.get(component)  # type: ignore[call-overload]
    shape = results.value(result, SH.sourceShape)
    head = shapes_graph.value(shape, parameter) if parameter is not None and shape is not None else None
    if head is None:
        return []
    branches = [_describe(shapes_graph, b) for b in Collection(shapes_graph, head)]
    return [("expected one of: " if parameter == SH["or"] else "expected exactly one of: ") + ", ".join(branches)]


def _messages(results: Graph, shapes_graph: Graph, result: Node) -> list[str]:
    """The result's own message, then the reasons nested under it, flattened: sh:detail results
    (pySHACL writes them for sh:node) and the branches of sh:or / sh:xone."""
    own = sorted(str(m) for m in results.objects(result, SH.resultMessage))
    nested = [m for d in sorted(results.objects(result, SH.detail), key=str)
              for m in _messages(results, shapes_graph, d)]
    nested += _alternatives(results, shapes_graph, result)
    return own + [m for m in nested if m not in own]


def _rule(results: Graph, shapes_graph: Graph, result: Node) -> str:
    shape = results.value(result, SH.sourceShape)
    if isinstance(shape, URIRef):
        return _short(shape)
    parent = next((p for p in shapes_graph.subjects(SH.property, shape) if isinstance(p, URIRef)), None)
    path = results.value(result, SH.resultPath)
    return f"{_short(parent)}/{_short(path)}" if parent else _short(results.value(result, SH.sourceConstraintComponent))


def run(data: Graph, family: str, locate: Locator) -> list[Finding]:
    """Validate `data` against one shape family; Findings located by `locate`."""
    return run_shapes(data, shapes(family), family, locate)


def run_shapes(data: Graph, shapes_graph: Graph, family: str, locate: Locator) -> list[Finding]:
    _, results, _ = shacl_validate(data, shacl_graph=shapes_graph, inference="none", allow_infos=True,
                                   allow_warnings=True, inplace=True, advanced=True)
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if results.value(result, SH.focusNode) is None or any(results.subjects(SH.detail, result)):
            continue  # nested results are reported through their parent
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        message = " — ".join(_messages(results, shapes_graph, result)) or "does not conform"
        shown = str(value) if isinstance(value, Literal) else str(data.value(value, RDFS.label) or "")
        if shown:
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            message += f" (found {shown!r})"
        file, line, column, field = locate(focus, path)
        severity = _SEVERITY.get(results.value(result, SH.resultSeverity), Severity.VIOLATION)  # type: ignore[call-overload]
        findings.append(Finding(file, line, column, severity, message, field, str(focus),
                                _rule(results, shapes_graph, result), family))
    return sorted(findings)


def locator(ag: ArticleGraph) -> Locator:
    """Finds the facts position behind a node of the medkg graph or of its schema.org view."""
    reverse: dict[Node, list[Node]] = {}
    for medkg_p, schema_ps in ontology.alignment().properties.items():
        for sp in schema_ps:
            reverse.setdefault(sp, []).append(medkg_p)
    by_length = sorted(ag.origins, key=lambda n: len(str(n)), reverse=True)

    def locate(focus: Node, path: Node | None) -> tuple[str, int, int, str]:
        for p in [path, *reverse.get(path, [])] if path is not None else []:
            if (focus, p) in ag.field_origins:
                source, fpath = ag.field_origins[(focus, p)]
                break
        else:
            if focus in ag.origins:
                source, fpath = ag.origins[focus]
            else:  # a node only the projection made: where its parts were written (#faq → faq), else its owner
                child = next((n for n in sorted(ag.origins, key=str) if str(n).startswith(f"{focus}-")), None)
                if child is not None:
                    source, fpath = ag.origins[child]
                    fpath = fpath[:-1] if fpath and isinstance(fpath[-1], int) else fpath
                else:
                    owner = next((n for n in by_length if str(focus).startswith(str(n))), ag.page)
                    source, fpath = ag.origins[owner]
        pos = source.position(fpath)
        return source.file, pos.line, pos.column, dotted(fpath)

    return locate


def validate_article(ag: ArticleGraph, schema_view: Graph) -> list[Finding]:
    locate = locator(ag)
    return run(ag.graph, "medkg", locate) + run(schema_view, "schemaorg", locate)
