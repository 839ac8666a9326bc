"""SHACL validation of the medkg graph and the published schema.org graph, with pySHACL.

Shapes are parsed once per process. Each SHACL result becomes a Finding located at the facts
file and line that produced its focus node, with nested reasons flattened into the message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from functools import cache

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection as RDFList
from rdflib.term import Node

from kg.check import conformance
from kg.check.shacl import Engine as CompiledEngine
from kg.check.shacl import Result, Unsupported
from kg.check.shacl_data import SH, Data
from kg.core import resources
from kg.core.errors import UnsupportedShapesError
from kg.core.findings import Finding, Severity
from kg.core.options import Engine, RunOptions
from kg.core.profiles import Profile
from kg.graph.iris import MEDKG
from kg.graph.locate import Locator, ValueLocator, locator, value_locator
from kg.graph.mapping import ArticleGraph
from kg.graph.terms import Triple, parse_turtle, to_graph

SHAPE_FILES = {"medkg": "medkg.ttl", "schemaorg": "schemaorg.ttl"}
_LABEL = frozenset({RDFS.label})  # `p in` a set compares hashes first; `p ==` is rdflib's Python __eq__
_SEVERITY: dict[Node, Severity] = {
    SH.Violation: Severity.VIOLATION,
    SH.Warning: Severity.WARNING,
    SH.Info: Severity.INFO,
}


def _parse(family: str) -> Graph:
    name = SHAPE_FILES[family] if family in SHAPE_FILES else Profile(family).shapes_file
    return parse_turtle(resources.text("shapes", name))


@cache
def shapes(family: str) -> Graph:
    """A shape family, parsed once per process; treat it as read-only."""
    return _parse(family)


@cache
def _pyshacl_shapes(family: str) -> Graph:
    """pySHACL's own copy: it adds triples to the shapes graph it is given."""
    return _parse(family)


def _short(node: Node | None) -> str:
    if node is None:
        return ""
    text = str(node)
    for ns, prefix in (
        (str(MEDKG), "medkg:"),
        ("http://schema.org/", "schema:"),
        ("https://w3id.org/medkg/shapes#", "medkgsh:"),
        ("https://w3id.org/medkg/shapes/schemaorg#", "sosh:"),
    ):
        if text.startswith(ns):
            return prefix + text[len(ns) :]
    google = re.fullmatch(r"https://w3id\.org/medkg/shapes/google/([0-9-]+)#(.+)", text)
    return f"google-{google[1]}:{google[2]}" if google else text


def _describe(shapes_graph: Graph, shape: Node) -> str:
    """One branch of an sh:or / sh:xone in words: 'a schema:Person', 'a schema:Date value' …"""
    for p, template in ((SH["class"], "a {}"), (SH.datatype, "a {} value"), (SH.hasValue, "{}")):
        value = shapes_graph.value(shape, p)
        if value is not None:
            return template.format(_short(value))
    kind = shapes_graph.value(shape, SH.nodeKind)
    if kind is not None:
        kinds: dict[Node, str] = {SH.Literal: "text", SH.IRI: "a named node"}
        return kinds.get(kind, _short(kind))
    message = shapes_graph.value(shape, SH.message)
    return str(message) if message is not None else _short(shape)


def _alternatives(shapes_graph: Graph, shape: Node | None, component: Node | None) -> list[str]:
    """sh:or and sh:xone failures carry no nested results, so their branches are read from the shape."""
    parameters: dict[Node | None, Node] = {SH.OrConstraintComponent: SH["or"], SH.XoneConstraintComponent: SH.xone}
    parameter = parameters.get(component)
    head = shapes_graph.value(shape, parameter) if parameter is not None and shape is not None else None
    if head is None:
        return []
    branches = [_describe(shapes_graph, b) for b in RDFList(shapes_graph, head)]
    return [("expected one of: " if parameter == SH["or"] else "expected exactly one of: ") + ", ".join(branches)]


def _messages(results: Graph, result: Node) -> list[Literal]:
    """The result's own message, then those of the results nested under it (sh:detail, which
    pySHACL writes for sh:node), flattened."""
    own = sorted((m for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal)), key=str)
    nested = [m for d in sorted(results.objects(result, SH.detail), key=str) for m in _messages(results, d)]
    return own + [m for m in nested if m not in own]


def _rule(shapes_graph: Graph, shape: Node, path: Node | None) -> str:
    if isinstance(shape, URIRef):
        return _short(shape)
    parent = next((p for p in shapes_graph.subjects(SH.property, shape) if isinstance(p, URIRef)), None)
    return f"{_short(parent)}/{_short(path)}" if parent else f"{_short(path)}"


def pyshacl_results(data: Graph, shapes_graph: Graph) -> list[Result]:
    """Results of the reference engine, pySHACL, in the shape of the compiled engine's (imported here: a
    run on the native engine never needs it, and it costs ~0.1 s to import)."""
    from pyshacl import validate as shacl_validate

    _, results, _ = shacl_validate(
        data,
        shacl_graph=shapes_graph,
        inference="none",
        allow_infos=True,
        allow_warnings=True,
        inplace=True,
        advanced=True,
    )
    out = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        if results.value(r, SH.focusNode) is None or any(results.subjects(SH.detail, r)):
            continue  # nested results are reported through their parent
        out.append(
            Result(
                results.value(r, SH.focusNode),
                results.value(r, SH.resultPath),
                results.value(r, SH.value),
                results.value(r, SH.sourceShape),
                results.value(r, SH.resultSeverity) or SH.Violation,
                tuple(_messages(results, r)),
                results.value(r, SH.sourceConstraintComponent),
                results.value(r, SH.sourceConstraint),
            )
        )
    return out


def _pyshacl(triples: Iterable[Triple], family: str) -> list[Result]:
    data = triples if isinstance(triples, Graph) and triples.store.context_aware else to_graph(triples)
    return pyshacl_results(data, _pyshacl_shapes(family))


@cache
def _compile(family: str) -> CompiledEngine:
    return CompiledEngine(shapes(family))


def compiled(family: str) -> CompiledEngine:
    """The compiled engine for a shape family; UnsupportedShapesError, naming the shape, where one of
    its shapes needs what only pySHACL runs (never a silent fallback: pySHACL is ten times slower)."""
    try:
        return _compile(family)
    except Unsupported as e:
        shape = _short(e.shape) if e.shape is not None else "(a property path)"
        raise UnsupportedShapesError.about(
            "the {family} shape {shape} cannot run on the native engine ({reason}); choose {engine} pyshacl",
            family=family,
            shape=shape,
            reason=str(e),
        ) from None


def families(options: RunOptions) -> list[str]:
    """The shape families a run validates against: medkg, schemaorg and its Google profile, if any."""
    return ["medkg", "schemaorg", *([options.profile.name] if options.profile else [])]


def prepare(options: RunOptions) -> None:
    """Compile what the run needs before any article (so a shape the engine cannot run fails at once)."""
    if options.engine is Engine.NATIVE:
        for family in families(options):
            compiled(family)


def results(
    data: Iterable[Triple], family: str, engine: Engine = Engine.NATIVE, index: Data | None = None
) -> list[Result]:
    """SHACL results of `data`; `index`, the compiled engine's index of the same triples, is shared
    between the families that validate one graph (built once, not once per family)."""
    if engine is Engine.NATIVE:
        return compiled(family).validate(data if index is None else index)
    return _pyshacl(data, family)


def run(
    data: Collection[Triple],
    family: str,
    locate: Locator,
    engine: Engine = Engine.NATIVE,
    *,
    label: str | None = None,
    values: ValueLocator | None = None,
    index: Data | None = None,
) -> list[Finding]:
    """Validate `data` against one shape family or profile ("medkg", "schemaorg", "google-2026-11");
    Findings located by `values` (a statement) or `locate` (a node and property), of family `label`."""
    found = results(data, family, engine, index)
    return findings(data, found, shapes(family), label or family, locate, values)


def _readable(messages: tuple[Literal, ...]) -> list[str]:
    """The messages a finding shows: where a shape has them in several languages, the English and
    untagged ones."""
    chosen = [m for m in messages if not m.language or m.language.lower().split("-")[0] == "en"]
    return [str(m) for m in chosen or messages]


def findings(
    data: Iterable[Triple],
    found: list[Result],
    shapes_graph: Graph,
    family: str,
    locate: Locator,
    values: ValueLocator | None = None,
) -> list[Finding]:
    """SHACL results as Findings: nested reasons and sh:or / sh:xone branches in words, located by `locate`."""
    out = set()
    labels = {s: str(o) for s, p, o in data if p in _LABEL} if found else {}
    for r in found:
        reasons = _readable(r.messages)
        reasons += [m for m in _alternatives(shapes_graph, r.shape, r.component) if m not in reasons]
        message = " — ".join(reasons) or "does not conform"
        value = r.value
        shown = str(value) if isinstance(value, Literal) else labels.get(value, "")  # type: ignore[arg-type]
        if shown:
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            message += f" (found {shown!r})"
        at = values(r.focus, r.path, r.value) if values is not None else None
        file, line, column, field = at or locate(r.focus, r.path)
        out.add(
            Finding(
                file,
                line,
                column,
                _SEVERITY.get(r.severity, Severity.VIOLATION),
                message,
                field,
                str(r.focus),
                _rule(shapes_graph, r.shape, r.path),
                family,
            )
        )
    return sorted(out)


def published(
    schema_view: Iterable[Triple], locate: Locator, options: RunOptions, index: Data | None = None
) -> list[Finding]:
    """Checks of a published schema.org graph: schema.org vocabulary conformance and the Google profile.
    `index`: the compiled engine's index of `schema_view`, used where normalising changed nothing."""
    view = conformance.normalise(schema_view)
    found = conformance.check(view, locate, normalised=True)
    if options.profile is not None:
        shared = index if view is schema_view else None
        found += run(view, options.profile.name, locate, options.engine, label="google", index=shared)
    return found


def validate_article(
    ag: ArticleGraph,
    schema_view: Collection[Triple],
    options: RunOptions,
    view_lines: Callable[[], list[str]] | None = None,
) -> list[Finding]:
    """Every per-article check: medical shapes, schema.org shapes, vocabulary conformance, Google profile;
    one index of each graph for the compiled engine (`view_lines`: the view's N-Triples lines, which the
    exports are written from too, for its Oxigraph copy)."""
    locate = locator(ag)
    index = Data(schema_view, lines=view_lines) if options.engine is Engine.NATIVE else None
    return (
        run(ag.triples, "medkg", locate, options.engine, values=value_locator(ag))
        + run(schema_view, "schemaorg", locate, options.engine, index=index)
        + published(schema_view, locate, options, index)
    )
