"""The compiled SHACL engine gives exactly pySHACL's results: on every shape fixture, the sample,
and a generated corpus with deliberate violations."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO
from test_shapes import CASES, union

from benchmarks.corpus import write as write_corpus
from kg.facts import load_corpus
from kg.pipeline import compile_article
from kg.shacl import Engine, Unsupported
from kg.validation import compiled, results, shapes, validate_article


@pytest.mark.parametrize("family", sorted(CASES))
def test_same_results_on_every_shape_fixture(family: str) -> None:
    graph, _ = union(family)
    assert compiled(family) is not None, "the bundled shapes compile"
    native, reference = set(results(graph, family, "native")), set(results(graph, family, "pyshacl"))
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
    g = shapes("medkg")
    extended = g + g  # a copy
    extended.update("PREFIX sh: <http://www.w3.org/ns/shacl#> INSERT DATA { <urn:s> sh:sparql <urn:q> }")
    with pytest.raises(Unsupported, match="sparql"):
        Engine(extended)
