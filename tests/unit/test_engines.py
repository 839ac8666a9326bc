"""The compiled SHACL engine gives exactly pySHACL's results: on every shape fixture, the sample,
and a generated corpus with deliberate violations."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO
from rdflib import BNode, Literal, Namespace
from rdflib.term import Node
from shape_cases import CASES, union

from benchmarks.corpus import write as write_corpus
from kg.check import families
from kg.check.families import _pyshacl_shapes, compiled, results, shapes, validate_article
from kg.check.shacl import Engine, Result, Unsupported
from kg.cli.exits import EXIT_INPUT, exit_code
from kg.core.errors import UnsupportedShapesError
from kg.core.options import Engine as EngineName
from kg.core.options import RunOptions
from kg.flow.article import compile_article
from kg.flow.build import validate
from kg.load.facts import load_corpus

SH = Namespace("http://www.w3.org/ns/shacl#")


def _comparable(found: list[Result], family: str) -> set[Result]:
    """Results with blank nodes of the shapes graph made comparable: each engine parses the shapes on its
    own, so the blank nodes of a complex path (sh:alternativePath …) and of a SPARQL-based constraint
    (sh:sparql [ … ]) have different labels. A constraint is named by its query instead."""
    graphs = (shapes(family), _pyshacl_shapes(family))

    def constraint(node: Node | None) -> Node | None:
        if not isinstance(node, BNode):
            return node
        return next(Literal(str(q)) for g in graphs if (q := g.value(node, SH.select)) is not None)

    return {
        replace(r, path=BNode("path") if isinstance(r.path, BNode) else r.path, constraint=constraint(r.constraint))
        for r in found
    }


@pytest.mark.parametrize("family", sorted(CASES))
def test_same_results_on_every_shape_fixture(family: str) -> None:
    graph, _ = union(family)
    assert isinstance(compiled(family), Engine), "the bundled shapes compile"
    native = _comparable(results(graph, family, EngineName.NATIVE), family)
    reference = _comparable(results(graph, family, EngineName.PYSHACL), family)
    assert native == reference
    assert len(native) >= len(CASES[family])  # the fixtures really fail


@pytest.mark.parametrize("data", ["sample", "generated"])
def test_same_findings_on_articles(data: str, tmp_path: Path) -> None:
    folder = REPO / "data" if data == "sample" else write_corpus(tmp_path, 40, seed=11, violation_rate=0.25)
    corpus = load_corpus(folder)
    violations = 0
    native_run, reference_run = RunOptions(profile=None), RunOptions(engine=EngineName.PYSHACL, profile=None)
    for article in corpus.articles:
        c = compile_article(corpus.site, article)
        native = validate_article(c.medkg, c.schema_triples, native_run)
        assert native == validate_article(c.medkg, c.schema_triples, reference_run), article.slug
        violations += sum(f.severity.label == "violation" for f in native)
    assert data == "sample" or violations > 0


def test_unsupported_features_are_refused() -> None:
    """SHACL-AF rules are not implemented: the engine refuses the shapes graph, naming the feature."""
    g = shapes("medkg")
    extended = g + g  # a copy
    extended.update("PREFIX sh: <http://www.w3.org/ns/shacl#> INSERT DATA { <urn:s> sh:rule <urn:r> }")
    with pytest.raises(Unsupported, match=r"urn:s uses http://www.w3.org/ns/shacl#rule"):
        Engine(extended)


def test_a_shape_the_native_engine_cannot_run_is_an_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never a silent fallback to pySHACL (ten times slower): the run stops and names the shape."""
    extended = shapes("medkg") + shapes("medkg")
    extended.update(
        "PREFIX sh: <http://www.w3.org/ns/shacl#> INSERT DATA { "
        "<https://w3id.org/medkg/shapes#Odd> a sh:NodeShape ; sh:js <urn:q> }"
    )
    monkeypatch.setattr(families, "shapes", lambda family: extended if family == "medkg" else shapes(family))
    families._compile.cache_clear()
    try:
        with pytest.raises(UnsupportedShapesError) as e:
            validate(REPO / "data", RunOptions())
        assert "the medkg shape medkgsh:Odd cannot run on the native engine" in str(e.value)
        assert str(e.value).endswith("choose the engine pyshacl")
        assert e.value.worded({"engine": "--engine"}).endswith("choose --engine pyshacl")
        assert exit_code(e.value) == EXIT_INPUT
        articles = len(list((REPO / "data/articles").glob("*.yaml")))
        assert validate(REPO / "data", RunOptions(engine=EngineName.PYSHACL)).result.articles == articles
    finally:
        families._compile.cache_clear()
