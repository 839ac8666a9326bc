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
from kg.check.families import _pyshacl_shapes, compiled, results, shapes, validate_article
from kg.check.shacl import Engine, Result, Unsupported
from kg.flow.pipeline import compile_article
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
    assert compiled(family) is not None, "the bundled shapes compile"
    native = _comparable(results(graph, family, "native"), family)
    reference = _comparable(results(graph, family, "pyshacl"), family)
    assert native == reference
    assert len(native) >= len(CASES[family])  # the fixtures really fail


@pytest.mark.parametrize("data", ["sample", "generated"])
def test_same_findings_on_articles(data: str, tmp_path: Path) -> None:
    folder = REPO / "data" if data == "sample" else write_corpus(tmp_path, 40, seed=11, violation_rate=0.25)
    corpus = load_corpus(folder)
    violations = 0
    for article in corpus.articles:
        c = compile_article(corpus, article)
        native = validate_article(c.medkg, c.schema_triples, engine="native")
        assert native == validate_article(c.medkg, c.schema_triples, engine="pyshacl"), article.slug
        violations += sum(f.severity.label == "violation" for f in native)
    assert data == "sample" or violations > 0


def test_unsupported_features_are_refused() -> None:
    """SHACL-AF rules are not implemented: the engine refuses the shapes graph, naming the feature."""
    g = shapes("medkg")
    extended = g + g  # a copy
    extended.update("PREFIX sh: <http://www.w3.org/ns/shacl#> INSERT DATA { <urn:s> sh:rule <urn:r> }")
    with pytest.raises(Unsupported, match=r"urn:s uses http://www.w3.org/ns/shacl#rule"):
        Engine(extended)
