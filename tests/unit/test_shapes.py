"""Every SHACL shape of shapes/medkg.ttl, shapes/schemaorg.ttl and the Google profile, tested on its own.

Each family has one small base graph (tests/cases/shapes/<family>.ttl) that conforms fully: no
result at all. Each row of CASES names one shape, its severity, and a mutation of the base graph
that makes exactly that shape fail (plus, where unavoidable, the shapes listed in `also`). The
passing fixture is the base graph, or the row's own `passing` mutation when it exercises an edge
case. A shape added to a shapes file without a row here fails test_every_shape_has_cases.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.term import Node
from shape_cases import CASES, EX, SH, SHAPES_NS, fixtures, union

from kg.check.families import shapes

CORE_ONLY = {"medkg", "schemaorg"}  # the Google profile also uses SHACL-SPARQL (pixel products, "all but the last")
PARAMS = [
    pytest.param(family, i, id=f"{family}:{case.shape}:{i}")
    for family, cases in CASES.items()
    for i, case in enumerate(cases)
]


@cache
def results(family: str) -> dict[str, dict[str, set[URIRef]]]:
    """Fixture key → shape local name → severities of its results (one pySHACL call per family)."""
    graph, owner = union(family)
    _, report, _ = pyshacl.validate(
        graph,
        shacl_graph=shapes(family),
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        inplace=True,
    )
    found: dict[str, dict[str, set[URIRef]]] = {key: {} for key in fixtures(family)}
    ns = SHAPES_NS[family]
    for r in report.subjects(RDF.type, SH.ValidationResult):
        shape, severity, focus = (report.value(r, p) for p in (SH.sourceShape, SH.resultSeverity, SH.focusNode))
        assert isinstance(shape, URIRef) and shape.startswith(ns), f"unnamed source shape {shape}"
        key = owner[focus] if isinstance(focus, BNode) else str(focus)[len(EX) :].split("/", 1)[0]
        assert isinstance(severity, URIRef), severity
        found[key].setdefault(shape[len(ns) :], set()).add(severity)
    return found


def declared(family: str) -> set[Node]:
    """Every shape of a family: node shapes, property shapes, and anything with a target or a path."""
    g = shapes(family)
    found = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    found |= set(g.objects(None, SH.property)) | set(g.subjects(SH.path, None))
    for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        found |= set(g.subjects(target, None))
    return found


@pytest.mark.parametrize("family", CASES)
def test_base_graph_conforms_fully(family: str) -> None:
    assert results(family)["base"] == {}


@pytest.mark.parametrize(("family", "i"), PARAMS)
def test_shape_fails_on_its_fixture(family: str, i: int) -> None:
    case, found = CASES[family][i], results(family)[f"fail-{i}"]
    assert found.get(case.shape) == {case.severity}, found
    assert set(found) - {case.shape} <= case.also, found


@pytest.mark.parametrize(("family", "i"), PARAMS)
def test_shape_passes_on_its_fixture(family: str, i: int) -> None:
    case = CASES[family][i]
    found = results(family)["base" if case.passing is None else f"pass-{i}"]
    assert case.shape not in found, found


@pytest.mark.parametrize("family", CASES)
def test_every_shape_has_cases(family: str) -> None:
    ns = SHAPES_NS[family]
    assert {str(s)[len(ns) :] for s in declared(family)} == {c.shape for c in CASES[family]}


@pytest.mark.parametrize("family", CASES)
def test_every_shape_is_named_and_explained(family: str) -> None:
    g = shapes(family)
    for shape in declared(family):
        assert isinstance(shape, URIRef) and shape.startswith(SHAPES_NS[family]), f"blank or foreign shape {shape}"
        assert len(list(g.objects(shape, SH.severity))) == 1, f"{shape}: one sh:severity"
        messages = list(g.objects(shape, SH.message))
        assert len(messages) == 1 and "`" in str(messages[0]), f"{shape}: one sh:message naming a facts field"
        assert (shape, SH.closed, None) not in g, f"{shape}: shapes stay open"
    if family in CORE_ONLY:
        assert not list(g.subject_objects(SH.sparql)), "core SHACL only: no sh:sparql"


@pytest.mark.parametrize("family", CASES)
def test_shapes_conform_to_shacl_shacl(family: str) -> None:
    shacl_shacl = Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(shapes(family), shacl_graph=shacl_shacl, inference="none")
    assert conforms, text
