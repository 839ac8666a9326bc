"""The W3C SHACL test suite (core and SHACL-SPARQL, tests/w3c/suite) on the default engine.

One test per suite test, named by its IRI (urn:x-shacl-test:/core/node/and-001 …). A report must
match the expected one as the suite's document asks (w3c_report.compare, strict: keyed results and
isomorphic reduced report graphs); a test that expects a failure (ill-formed shapes) passes only when
the engine raises IllFormed or ValidationFailure — refusing a feature (Unsupported) is not a pass.
The tests expected to fail are listed, with reasons, in expected-failures.txt (strict xfail).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from _pytest.mark import ParameterSet
from rdflib import RDF, BNode, Graph, Literal
from rdflib.term import Node
from w3c_manifest import SH, Suite, TestCase, copy
from w3c_report import EngineRun, compare

from kg.check import shacl_needs
from kg.check.shacl import Engine, IllFormed, Result, Unsupported, ValidationFailure

HERE = Path(__file__).resolve().parent
EXPECTED_FAILURES = HERE / "expected-failures.txt"
TESTS = 120  # sht:Validate tests reachable from suite/manifest.ttl at the pinned commit (suite/SOURCE.md)


def _quiet() -> Iterator[None]:
    """rdflib warns about every ill-typed literal, which the suite has on purpose."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"rdflib\.")
        logging.disable(logging.CRITICAL)
        try:
            yield
        finally:
            logging.disable(logging.NOTSET)


def _suite() -> Suite:
    for _ in _quiet():
        return Suite(HERE / "suite" / "manifest.ttl")
    raise AssertionError("unreachable")


SUITE = _suite()


def expected_failures() -> dict[str, str]:
    """Test IRI → reason, from expected-failures.txt."""
    found = {}
    for line in EXPECTED_FAILURES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            iri, _, reason = line.strip().partition(" ")
            found[iri] = reason.strip()
    return found


def report(results: list[Result], shapes: Graph) -> Graph:
    """Results as a SHACL validation report graph (paths written out as the engine reads them)."""
    g = Graph(bind_namespaces="none")
    node = BNode()
    g.add((node, RDF.type, SH.ValidationReport))
    g.add((node, SH.conforms, Literal(not results)))
    for r in results:
        result = BNode()
        g.add((node, SH.result, result))
        g.add((result, RDF.type, SH.ValidationResult))
        fields: list[tuple[Node, Node | None]] = [
            (SH.focusNode, r.focus),
            (SH.resultPath, r.path),
            (SH.value, r.value),
            (SH.sourceShape, r.shape),
            (SH.resultSeverity, r.severity),
            (SH.sourceConstraintComponent, r.component),
            (SH.sourceConstraint, r.constraint),
        ]
        g.addN((result, p, o, g) for p, o in fields if o is not None)
        g.addN((result, SH.resultMessage, m, g) for m in r.messages)
        if r.path is not None:
            write_path(g, shapes, r.path)
    return g


_PATHS = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)


def write_path(out: Graph, shapes: Graph, node: Node) -> None:
    """The structure of a property path, copied from the shapes graph as the engine reads it: a list is
    a sequence path, else the first of sh:inversePath … sh:zeroOrOnePath counts (path-strange-001)."""
    if not isinstance(node, BNode) or (node, None, None) in out:
        return
    if (node, RDF.first, None) in shapes:
        for cell, member in _cells(shapes, node):
            out.add((cell, RDF.first, member))
            out.add((cell, RDF.rest, shapes.value(cell, RDF.rest)))  # type: ignore[arg-type]
            write_path(out, shapes, member)
        return
    p, inner = next((p, o) for p in _PATHS if (o := shapes.value(node, p)) is not None)
    out.add((node, p, inner))
    write_path(out, shapes, inner)


def _cells(g: Graph, head: Node) -> Iterator[tuple[Node, Node]]:
    while head != RDF.nil:
        yield head, g.value(head, RDF.first)  # type: ignore[misc]
        head = g.value(head, RDF.rest)  # type: ignore[assignment]


def run(test: TestCase) -> EngineRun:
    """The default engine on one test: a report, a failure (IllFormed, ValidationFailure) or a refusal."""
    data, shapes = SUITE.graph(test.data_path), SUITE.graph(test.shapes_path)
    for _ in _quiet():
        try:
            results = Engine(copy(shapes)).validate(iter(data))
        except Unsupported as e:
            return EngineRun(refused=f"Unsupported: {e}")
        except (IllFormed, ValidationFailure) as e:
            return EngineRun(failure=f"{type(e).__name__}: {e}")
        return EngineRun(report=report(results, shapes), conforms=not results, context=(data, shapes))
    raise AssertionError("unreachable")


def params(xfail: dict[str, str]) -> list[ParameterSet]:
    """One parameter per suite test, those listed in `xfail` (IRI → reason) marked strict xfail."""
    return [
        pytest.param(t, id=t.iri, marks=[pytest.mark.xfail(strict=True, reason=xfail[t.iri])] if t.iri in xfail else [])
        for t in SUITE.tests
    ]


@pytest.mark.parametrize("test", params(expected_failures()))
def test_w3c(test: TestCase) -> None:
    outcome = run(test)
    if test.expect_failure:
        assert outcome.failure is not None, f"expected a failure (ill-formed shapes), got {outcome}"
        return
    verdict = compare(SUITE, test, outcome, strict=True)
    assert verdict.outcome == "passed", verdict.reason


@pytest.mark.parametrize("test", [p for p in params(expected_failures()) if "/sparql/" in str(p.id)])
def test_w3c_sparql_with_every_query_analysed_first(test: TestCase, monkeypatch: pytest.MonkeyPatch) -> None:
    """The SHACL-SPARQL tests with each query analysed before its first run (kg.check.shacl_needs): a query is
    skipped only where the data cannot match it, so every outcome is the same."""
    monkeypatch.setattr(shacl_needs, "ANALYSE_AFTER", 0)
    test_w3c(test)


def test_the_suite_is_complete() -> None:
    """Every test of the pinned suite is collected, each approved, and no test is skipped."""
    assert len(SUITE.tests) == TESTS
    assert {t.status for t in SUITE.tests} == {"approved"}
    assert SUITE.skipped == []


def test_expected_failures_name_tests_of_the_suite_with_a_reason() -> None:
    listed = expected_failures()
    assert set(listed) <= {t.iri for t in SUITE.tests}
    assert all(listed.values()), "every expected failure needs a reason"


def test_an_expected_failure_that_passes_fails_the_run() -> None:
    """Listed tests are strict xfail: pytest turns an unexpected pass into a failure."""
    iri = "urn:x-shacl-test:/core/node/and-001"
    (marked,) = [p for p in params({iri: "a reason"}) if p.id == iri]
    (mark,) = marked.marks
    assert mark.name == "xfail" and mark.kwargs == {"strict": True, "reason": "a reason"}
    assert all(not p.marks for p in params({}))


def _mutants(g: Graph) -> Iterator[tuple[str, Graph]]:
    """A report graph with one thing wrong: sh:conforms flipped, a result dropped, duplicated, or with
    another severity."""
    node = next(g.subjects(RDF.type, SH.ValidationReport))
    flipped = copy(g)
    flipped.set((node, SH.conforms, Literal(not next(g.objects(node, SH.conforms)).toPython())))  # type: ignore[attr-defined]
    yield "flip conforms", flipped
    results = sorted(g.objects(node, SH.result), key=str)
    if not results:
        return
    dropped = copy(g)
    dropped.remove((node, SH.result, results[0]))
    yield "drop a result", dropped
    twin, duplicated = BNode(), copy(g)
    duplicated.add((node, SH.result, twin))
    duplicated.addN((twin, p, o, duplicated) for p, o in g.predicate_objects(results[0]))
    yield "duplicate a result", duplicated
    severity = copy(g)
    severity.set(
        (results[0], SH.resultSeverity, SH.Info if g.value(results[0], SH.resultSeverity) != SH.Info else SH.Warning)
    )
    yield "change a severity", severity


def test_the_comparator_catches_wrong_reports() -> None:
    """Every report that passes fails after one mutation (the comparator is not lenient)."""
    checked = 0
    for test in SUITE.tests:
        outcome = run(test)
        if outcome.report is None:
            continue
        for name, mutant in _mutants(outcome.report):
            wrong = EngineRun(report=mutant, context=outcome.context)
            assert compare(SUITE, test, wrong).outcome == "wrong", f"{name} not caught: {test.iri}"
            checked += 1
    assert checked > 300
