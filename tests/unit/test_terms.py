"""The term helpers of the hot path: the same answers as rdflib's own, at less cost."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node, RDFLibGenid

from kg.core import profiles, resources
from kg.flow.bundled import labelled
from kg.graph.terms import Triple, iri, is_blank, is_iri, literal, nt_line, nt_lines, nt_term, parse_turtle

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


def _rdflib_parse(text: str) -> Graph:
    g = Graph(bind_namespaces="none")
    g.parse(data=text, format="turtle")
    return g


@pytest.mark.parametrize(
    ("folder", "name"),
    [("ontology", "medkg.ttl"), ("shapes", "medkg.ttl"), ("shapes", "schemaorg.ttl")]
    + [("shapes", p.shapes_file) for p in profiles.available()],
)
def test_a_bundled_turtle_file_parses_as_rdflib_parses_it(folder: str, name: str) -> None:
    """The same triples, term for term (blank nodes labelled canonically), and the same prefixes bound."""
    text = resources.text(folder, name)
    ours, theirs = parse_turtle(text), _rdflib_parse(text)
    assert len(ours) > 100
    assert nt_lines(labelled(ours, "b")) == nt_lines(labelled(theirs, "b"))
    assert sorted(ours.namespaces()) == sorted(theirs.namespaces())


_IRIS = st.sampled_from([URIRef(f"https://a.example/{x}") for x in ("s", "p", "q", "o", "a/b#c", "caf%C3%A9")])
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from('"\\\n\t'))
_LITERALS = (
    _TEXT.map(Literal)
    | st.tuples(_TEXT, st.sampled_from(["en", "fr", "en-gb"])).map(lambda v: Literal(v[0], lang=v[1]))
    | st.integers().map(Literal)
    | st.booleans().map(Literal)
    | st.decimals(allow_nan=False, allow_infinity=False, places=3).map(Literal)
)
_BLANKS = st.sampled_from([BNode(f"n{i}") for i in range(3)])
_TRIPLES = st.lists(st.tuples(_IRIS | _BLANKS, _IRIS, _IRIS | _BLANKS | _LITERALS), max_size=8)


@settings(max_examples=150, deadline=None)
@given(_TRIPLES)
def test_any_graph_rdflib_writes_parses_as_rdflib_parses_it(triples: list[Triple]) -> None:
    """Over IRIs, blank nodes and literals of every kind but an explicit xsd:string (RDF 1.1 makes it the
    plain literal, which Oxigraph gives and rdflib keeps apart: the bundled files write none)."""
    g = Graph(bind_namespaces="none")
    g.bind("ex", "https://a.example/")
    for triple in triples:
        g.add(triple)
    text = g.serialize(format="turtle")
    # compared as N-Triples lines: `labelled` orders by the terms' text, where "x" and "x"@en tie
    assert nt_lines(labelled(parse_turtle(text), "b")) == nt_lines(labelled(_rdflib_parse(text), "b"))
