"""Validation reports of the W3C SHACL test suite compared the way its document specifies
(data-shapes-test-suite/index.html, "Validate RDF data"):

* ``sh:conforms`` must match (this alone is the suite's "partial compliance");
* the top-level results (nested ``sh:detail`` results are dropped) must match as a multiset keyed
  by focusNode, resultPath, value, sourceShape, sourceConstraintComponent, resultSeverity,
  sourceConstraint, and those sh:resultMessage values that the expected report mentions;
* blank nodes compare by structure: each is replaced by a hash of its canonicalised concise
  bounded description (rdflib.compare.to_canonical_graph), read in the graphs the report refers
  to (data graph, shapes graph, the report itself), so labels never matter;
* with ``strict``, the reduced report graphs must also be isomorphic (the suite's literal check);
* a test whose ``mf:result`` is ``sht:Failure`` (ill-formed shapes graph) passes when the engine
  reports a failure instead of a report.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal as Choice

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic, to_canonical_graph
from rdflib.term import Node
from w3c_manifest import SH, Suite, TestCase

FIELDS: tuple[str, ...] = (
    "focusNode",
    "resultPath",
    "value",
    "sourceShape",
    "sourceConstraintComponent",
    "resultSeverity",
    "sourceConstraint",
    "resultMessage",
)
"""The result properties compared, in key order (the suite's list less rdf:type)."""

ResultKey = tuple[tuple[str, ...], ...]
Outcome = Choice["passed", "wrong", "error", "refused"]
_ROOT = URIRef("urn:x-shacl-test:cbd-root")


def describing(layers: Sequence[Graph], node: Node) -> Graph:
    """The first of `layers` with triples about `node`. Graphs are not merged: an engine may copy a
    path into its report under partly the same blank-node labels, and a merge would fuse two lists."""
    return next((g for g in layers if (node, None, None) in g), layers[0])


class Describer:
    """Stable, label-free names for terms: IRIs and literals as N-Triples terms, blank nodes as a
    hash of their canonicalised concise bounded description (read in the first of the context
    graphs that describes them), and well-formed property paths in SPARQL syntax."""

    def __init__(self, layers: Sequence[Graph]) -> None:
        self.layers = layers
        self._cache: dict[Node, str] = {}

    def term(self, node: Node) -> str:
        if not isinstance(node, BNode):
            return node.n3()
        if node not in self._cache:
            self._cache[node] = "_:" + self._hash(node)
        return self._cache[node]

    def path(self, node: Node) -> str:
        try:
            return "path:" + self._path(describing(self.layers, node), node, set())
        except ValueError:
            return self.term(node)

    def _path(self, g: Graph, node: Node, seen: set[Node]) -> str:
        if isinstance(node, URIRef):
            return node.n3()
        if node in seen:
            raise ValueError("cyclic path")
        seen = seen | {node}
        if len(set(g.predicates(node, None))) != len(list(g.predicate_objects(node))):
            raise ValueError("a path node with a repeated predicate")
        if (node, RDF.first, None) in g:
            members = [self._path(g, m, seen) for m in Collection(g, node)]
            if len(members) < 2:
                raise ValueError("sequence path of fewer than two members")
            return "(" + " / ".join(members) + ")"
        unary = {SH.inversePath: "^{}", SH.zeroOrMorePath: "{}*", SH.oneOrMorePath: "{}+", SH.zeroOrOnePath: "{}?"}
        for p, template in unary.items():
            inner = g.value(node, p)
            if inner is not None:
                return "(" + template.format(self._path(g, inner, seen)) + ")"
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + " | ".join(self._path(g, m, seen) for m in Collection(g, alternatives)) + ")"
        raise ValueError(f"not a property path: {node!r}")

    def _hash(self, root: BNode) -> str:
        g = describing(self.layers, root)
        cbd = Graph(bind_namespaces="none")
        todo, seen = [root], {root}
        while todo:
            s = todo.pop()
            for _, p, o in g.triples((s, None, None)):
                cbd.add((_ROOT if s == root else s, p, _ROOT if o == root else o))
                if isinstance(o, BNode) and o not in seen:
                    seen.add(o)
                    todo.append(o)
        lines = sorted(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in to_canonical_graph(cbd))
        return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Report:
    conforms: bool | None
    results: Counter[ResultKey]
    problems: tuple[str, ...] = ()  # malformed report (no or several sh:ValidationReport …)


def read_report(
    report: Graph,
    context: Sequence[Graph],
    node: Node | None = None,
    *,
    messages: frozenset[str] | None = None,
    ignore: frozenset[str] = frozenset(),
) -> Report:
    """The conformance and keyed top-level results of a validation report.

    `node` picks the sh:ValidationReport (else the graph's only one); `context` holds the triples
    describing blank nodes, the first graph describing a node winning. sh:resultMessage values are
    kept only where they are in `messages` (None keeps all, as for the expected report); fields in
    `ignore` are left out of every key."""
    problems: list[str] = []
    if node is None:
        reports = sorted(set(report.subjects(RDF.type, SH.ValidationReport)), key=str)
        if len(reports) != 1:
            problems.append(f"{len(reports)} sh:ValidationReport nodes in the report graph")
        node = reports[0] if reports else None
    if node is None:
        return Report(None, Counter(), tuple(problems))
    conforms_values = list(report.objects(node, SH.conforms))
    conforms: bool | None = None
    if len(conforms_values) == 1 and isinstance(conforms_values[0], Literal):
        value = conforms_values[0].toPython()
        conforms = value if isinstance(value, bool) else str(value).strip().lower() in ("true", "1")
    else:
        problems.append(f"{len(conforms_values)} sh:conforms values")
    names = Describer(context)
    nested = set(report.objects(None, SH.detail))
    results: Counter[ResultKey] = Counter()
    for r in report.objects(node, SH.result):
        if r in nested:
            continue
        key: list[tuple[str, ...]] = []
        for f in FIELDS:
            if f in ignore:
                key.append(())
                continue
            values = list(report.objects(r, SH[f]))
            name = names.path if f == "resultPath" else names.term
            shown = [name(v) for v in values]
            if f == "resultMessage" and messages is not None:
                shown = [m for m in shown if m in messages]
            key.append(tuple(sorted(shown)))
        results[tuple(key)] += 1
    return Report(conforms, results, tuple(problems))


def expected_report(suite: Suite, test: TestCase, ignore: frozenset[str] = frozenset()) -> Report:
    if test.result is None:
        raise ValueError(f"{test.iri} expects a failure, not a report")
    g = suite.graph(test.manifest)
    return read_report(g, suite.context(test), test.result, ignore=ignore)


def expected_messages(suite: Suite, test: TestCase) -> frozenset[str]:
    """sh:resultMessage objects mentioned in the expected report (the only ones compared)."""
    g = suite.graph(test.manifest)
    if test.result is None:
        return frozenset()
    return frozenset(m.n3() for r in g.objects(test.result, SH.result) for m in g.objects(r, SH.resultMessage))


# --- the suite's own check: isomorphism of the filtered report graphs ----------------------------

_KEPT = frozenset(
    {
        SH.focusNode,
        SH.resultPath,
        SH.resultSeverity,
        SH.sourceConstraint,
        SH.sourceConstraintComponent,
        SH.sourceShape,
        SH.value,
    }
)


def _clone(source: Graph, node: Node, out: Graph, seen: frozenset[Node] = frozenset()) -> Node:
    """`node` with its blank-node structure copied into `out` under fresh blank nodes."""
    if not isinstance(node, BNode) or node in seen:
        return node
    fresh = BNode()
    for _, p, o in source.triples((node, None, None)):
        out.add((fresh, p, _clone(source, o, out, seen | {node})))
    return fresh


def spec_graph(report: Graph, node: Node, context: Sequence[Graph], messages: frozenset[str] | None = None) -> Graph:
    """A report reduced as the suite's document asks before comparing: no nested results, one rdf:type
    each, blank report and result nodes, only the listed predicates, sh:resultPath structures cloned
    per result, sh:resultMessage only where the expected report has the same object."""
    out = Graph(bind_namespaces="none")
    root = BNode()
    out.add((root, RDF.type, SH.ValidationReport))
    for c in report.objects(node, SH.conforms):
        out.add((root, SH.conforms, c))
    nested = set(report.objects(None, SH.detail))
    for r in report.objects(node, SH.result):
        if r in nested:
            continue
        result = BNode()
        out.add((root, SH.result, result))
        out.add((result, RDF.type, SH.ValidationResult))
        for p, o in report.predicate_objects(r):
            if p == SH.resultPath:
                out.add((result, p, _clone(describing(context, o), o, out)))
            elif p in _KEPT or (p == SH.resultMessage and (messages is None or o.n3() in messages)):
                out.add((result, p, o))
    return out


def isomorphic_reports(suite: Suite, test: TestCase, report: Graph, context: Sequence[Graph]) -> bool:
    """The suite's full-compliance check, taken literally: the reduced actual report is isomorphic
    to the expected one."""
    if test.result is None:
        raise ValueError(f"{test.iri} expects a failure, not a report")
    nodes = sorted(set(report.subjects(RDF.type, SH.ValidationReport)), key=str)
    if len(nodes) != 1:
        return False
    expected = spec_graph(suite.graph(test.manifest), test.result, suite.context(test))
    actual = spec_graph(report, nodes[0], context, expected_messages(suite, test))
    return isomorphic(expected, actual)


# --- verdicts -----------------------------------------------------------------------------------


@dataclass
class EngineRun:
    """What an engine did with one test: a report graph, or a failure it reported, or a refusal."""

    report: Graph | None = None
    conforms: bool | None = None  # the engine's own answer next to the report, when it gives one
    failure: str | None = None  # the engine raised, or returned a failure instead of a report
    refused: str | None = None  # the engine declined the shapes graph (a feature it does not implement)
    context: Sequence[Graph] = field(default_factory=tuple)  # data and shapes graphs the report refers to
    seconds: float = 0.0  # time spent in the engine


@dataclass(frozen=True)
class Verdict:
    test: str
    outcome: Outcome
    conforms_ok: bool  # sh:conforms right (the suite's partial compliance); False for errors
    reason: str = ""
    seconds: float = 0.0


_PREFIXES = (
    ("http://www.w3.org/ns/shacl#", "sh:"),
    ("http://www.w3.org/2001/XMLSchema#", "xsd:"),
    ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf:"),
    ("http://www.w3.org/2000/01/rdf-schema#", "rdfs:"),
    ("http://example.org/shacl/tests/", "ex:"),
    ("http://datashapes.org/sh/tests/", "dst:"),
    ("http://example.org/", "ex0:"),
)


def shorten(text: str) -> str:
    """Prefixed names for display."""

    def sub(m: re.Match[str]) -> str:
        iri = m.group(1)
        for ns, prefix in _PREFIXES:
            if iri.startswith(ns):
                return prefix + iri[len(ns) :]
        return m.group(0)

    return re.sub(r"<([^<>\s]+)>", sub, text)


def _show(key: ResultKey) -> str:
    parts = [f"{f}={','.join(v)}" for f, v in zip(FIELDS, key, strict=True) if v]
    return shorten("{" + " ".join(parts) + "}")


def _diff_fields(a: ResultKey, b: ResultKey) -> list[str]:
    return [f for f, x, y in zip(FIELDS, a, b, strict=True) if x != y]


def explain(expected: Counter[ResultKey], actual: Counter[ResultKey], limit: int = 3) -> str:
    """The difference of two result multisets in a line: near misses field by field, then the rest."""
    missing = list((expected - actual).elements())
    extra = list((actual - expected).elements())
    parts: list[str] = []
    unmatched_missing = []
    for m in missing:
        best = min(extra, key=lambda e: len(_diff_fields(m, e)), default=None)
        if best is not None and len(_diff_fields(m, best)) <= 2:
            extra.remove(best)
            diffs = [
                f"{f} expected {','.join(x) or '-'} got {','.join(y) or '-'}"
                for f, x, y in zip(FIELDS, m, best, strict=True)
                if x != y
            ]
            parts.append(shorten(f"focus {','.join(m[0])}: " + "; ".join(diffs)))
        else:
            unmatched_missing.append(m)
    if unmatched_missing:
        shown = ", ".join(_show(k) for k in unmatched_missing[:limit])
        more = f" (+{len(unmatched_missing) - limit} more)" if len(unmatched_missing) > limit else ""
        parts.append(f"missing {len(unmatched_missing)}: {shown}{more}")
    if extra:
        shown = ", ".join(_show(k) for k in extra[:limit])
        more = f" (+{len(extra) - limit} more)" if len(extra) > limit else ""
        parts.append(f"unexpected {len(extra)}: {shown}{more}")
    return "; ".join(parts[: limit + 2])


def compare(
    suite: Suite, test: TestCase, run: EngineRun, ignore: frozenset[str] = frozenset(), *, strict: bool = False
) -> Verdict:
    """Judge one engine run against the test's expectation. With `strict`, a report must also pass the
    suite's literal check (isomorphic_reports), which also holds blank nodes to one-to-one matching;
    it cannot leave fields out, so `ignore` must then be empty."""
    t = run.seconds
    if test.expect_failure:
        if run.refused is not None:
            return Verdict(test.iri, "passed", True, f"failure expected; engine refused: {run.refused}", t)
        if run.failure is not None:
            return Verdict(test.iri, "passed", True, f"failure expected and reported: {run.failure}", t)
        got = run.conforms
        if run.report is not None:
            got = read_report(run.report, [run.report]).conforms
        return Verdict(
            test.iri, "wrong", False, f"expected a failure (ill-formed shapes), got a report conforms={got}", t
        )
    if run.refused is not None:
        return Verdict(test.iri, "refused", False, run.refused, t)
    if run.failure is not None or run.report is None:
        return Verdict(test.iri, "error", False, run.failure or "no report", t)
    expected = expected_report(suite, test, ignore)
    context = [run.report, *run.context]
    actual = read_report(run.report, context, messages=expected_messages(suite, test), ignore=ignore)
    reasons = list(actual.problems)
    conforms = actual.conforms if actual.conforms is not None else run.conforms
    if run.conforms is not None and actual.conforms is not None and run.conforms != actual.conforms:
        reasons.append(f"engine said conforms={run.conforms} but its report says {actual.conforms}")
    conforms_ok = conforms == expected.conforms
    if not conforms_ok:
        reasons.append(f"sh:conforms expected {expected.conforms} got {conforms}")
    if expected.results != actual.results:
        reasons.append(
            f"results {sum(expected.results.values())} expected, {sum(actual.results.values())} got: "
            + explain(expected.results, actual.results)
        )
    if strict and not reasons and not isomorphic_reports(suite, test, run.report, context):
        reasons.append("keyed results agree but the reduced report graphs are not isomorphic")
    return Verdict(test.iri, "passed" if not reasons else "wrong", conforms_ok, " | ".join(reasons), t)
