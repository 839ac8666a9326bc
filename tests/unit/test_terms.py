"""The term helpers of the hot path: the same answers as rdflib's own, at less cost."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node, RDFLibGenid

from kg.graph.terms import iri, is_blank, is_iri, literal, nt_line, nt_term

XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")  # not rdflib's XSD: pytest's collection warns on it
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


def test_a_literal_is_made_once_and_true_one_and_one_point_zero_stay_apart() -> None:
    assert literal("plain words") is literal("plain words")
    assert literal("words", lang="en") == Literal("words", lang="en") != literal("words")
    assert [literal(True), literal(1), literal(1.0)] == [Literal(True), Literal(1), Literal(1.0)]
    assert len({literal(True), literal(1), literal(1.0)}) == 3
    assert literal(7, XSD_INTEGER) == Literal(7, datatype=XSD_INTEGER)


def test_an_iri_is_one_object_per_text() -> None:
    assert iri("https://a.example/x") is iri("https://a.example/x")
    assert iri("https://a.example/x") == URIRef("https://a.example/x")


@pytest.mark.parametrize(
    "term",
    [
        URIRef("https://a.example/x"),
        Literal("x"),
        Literal("1", datatype=XSD_INTEGER),
        BNode("b1"),
        RDFLibGenid("https://a.example/.well-known/genid/rdflib/x"),
    ],
)
def test_the_type_tests_answer_as_isinstance(term: Node) -> None:
    assert is_iri(term) == isinstance(term, URIRef)
    assert is_blank(term) == isinstance(term, BNode)


@pytest.mark.parametrize(
    ("term", "text"),
    [
        (URIRef("https://a.example/x"), "<https://a.example/x>"),
        (BNode("b1"), "_:b1"),
        (Literal('say "hi"\n\\'), '"say \\"hi\\"\\n\\\\"'),
        (Literal("mot", lang="fr"), '"mot"@fr'),
        (Literal("5", datatype=XSD_INTEGER), '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        (Literal("s", datatype=XSD_STRING), '"s"^^<http://www.w3.org/2001/XMLSchema#string>'),
    ],
)
def test_n_triples_terms(term: Node, text: str) -> None:
    assert nt_term(term) == text
    assert nt_line((URIRef("https://a.example/s"), URIRef("https://a.example/p"), term)) == (
        f"<https://a.example/s> <https://a.example/p> {text} .\n"
    )
