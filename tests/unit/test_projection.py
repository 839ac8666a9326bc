"""The projection's store holds only the triples its queries can read, and projects the same view."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import CASES, REPO

from kg.graph.mapping import build_graph
from kg.graph.projection import _project, _queries, _read
from kg.load.facts import load_corpus

MEDKG = "https://w3id.org/medkg#"
HEAD = "PREFIX medkg: <https://w3id.org/medkg#>\nPREFIX : <https://example.org/>\n"


def test_the_bundled_queries_read_the_predicates_of_their_where_clauses() -> None:
    read = _queries().read
    assert read is not None
    assert {MEDKG + "hasIndication", MEDKG + "position", "http://www.w3.org/2000/01/rdf-schema#label"} <= read
    assert "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" in read  # `a`
    assert "http://schema.org/possibleTreatment" not in read  # only in a CONSTRUCT template


@pytest.mark.parametrize(
    ("where", "read"),
    [
        ("?s medkg:a.b ?o ; :c ?x .", {MEDKG + "a.b", "https://example.org/c"}),
        ("?s <https://example.org/d>/medkg:e ?o .", {"https://example.org/d", MEDKG + "e"}),
        ("?s ?p ?o .", None),
        ("?s medkg:a ?o ; ?p ?x .", None),
        ("?s !medkg:a ?o .", None),
        ("?s other:a ?o .", None),
        ("?s medkg:a\\.b ?o .", None),
        ("?s <relative> ?o .", None),
    ],
)
def test_a_where_clause_that_may_read_any_predicate_keeps_the_whole_graph(where: str, read: set[str] | None) -> None:
    found = _read([f"{HEAD}SELECT * WHERE {{ {where} }}"])
    assert found == (None if read is None else {*read, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"})


@pytest.mark.parametrize("folder", [REPO / "data", CASES / "site"])
def test_the_view_is_the_same_from_the_whole_graph(folder: Path) -> None:
    corpus = load_corpus(folder)
    whole = replace(_queries(), read=None)
    for article in corpus.articles:
        medkg = build_graph(corpus.site, article).triples
        assert _project(medkg, _queries()) == _project(medkg, whole)
