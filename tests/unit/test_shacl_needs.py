"""A SHACL-SPARQL query the data cannot satisfy is not run (kg.check.shacl_needs): what each form of query needs,
that a query whose need is unmet has no solution on any data (Hypothesis, against Oxigraph), and that the engine
skips such a query only once it has run often enough, with the same results as running it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from benchmarks.corpus import write as write_corpus
from kg.check import shacl_needs, shacl_query
from kg.check.families import compiled, validate_article
from kg.check.shacl import Engine
from kg.check.shacl_data import SH, Data
from kg.check.shacl_needs import Needs, clauses
from kg.check.shacl_query import prefixes
from kg.core import profiles
from kg.core.options import RunOptions
from kg.flow.article import compile_article
from kg.load.facts import load_corpus

E = "https://example.org/"
P, Q, R = (URIRef(E + n) for n in "pqr")


def _need(*clause: set[URIRef]) -> set[frozenset[URIRef]]:
    return {frozenset(c) for c in clause}


PATTERNS = [
    ("?s <p> ?o . ?o <q> ?x", _need({P}, {Q})),
    ("?s <p> ?o OPTIONAL { ?o <q> ?x }", _need({P})),
    ("{ ?s <p> ?o } UNION { ?s <q> ?o }", _need({P, Q})),
    ("{ ?s <p> ?o . ?o <r> ?x } UNION { ?s <q> ?o }", _need({P, Q}, {R, Q})),
    ("{ ?s <p> ?o } UNION { BIND (1 AS ?x) }", _need()),
    ("?s <p> ?o MINUS { ?s <q> ?o }", _need({P})),
    ("?s <p> ?o FILTER NOT EXISTS { ?s <r> ?o }", _need({P})),
    ("?s <p> ?o FILTER EXISTS { ?s <r> ?o }", _need({P})),
    ("?s <p> ?o BIND (1 AS ?x) FILTER (?x > 0)", _need({P})),
    ("VALUES ?s { <a> } ?s <p> ?o", _need({P})),
    ("?s a <C>", _need({RDF.type})),
    ("GRAPH ?g { ?s <p> ?o }", _need()),
    ("?s <p>/<q> ?o", _need()),
    ("?s <p>* ?o", _need()),
    ("?s <p>? ?o", _need()),
    ("?s ^<p> ?o", _need()),
    ("?s <p>|<q> ?o", _need()),
    ("?s ?v ?o", _need()),
    ("{ SELECT ?s WHERE { ?s <p> ?o } }", _need()),
    ("OPTIONAL { ?s <p> ?o }", _need()),
]
QUERIES = [
    *((f"BASE <{E}> SELECT * WHERE {{ {body} }}", need) for body, need in PATTERNS),
    (f"BASE <{E}> SELECT (COUNT(*) AS ?n) WHERE {{ ?s <p> ?o }}", _need()),  # a row over no match
    (f"BASE <{E}> SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?s <p> ?o }} GROUP BY ?s HAVING (COUNT(*) < 5)", _need()),
    (f"BASE <{E}> SELECT * WHERE {{ ?s <p> ?o }} LIMIT 1", _need({P})),
    (f"BASE <{E}> ASK {{ ?s <p> ?o }}", _need()),  # false, not empty
    (f"BASE <{E}> SELECT * FROM <g> WHERE {{ ?s <p> ?o }}", _need()),  # the patterns read another graph
    (f"BASE <{E}> SELECT * WHERE {{ ?s <p> ", _need()),  # rdflib cannot parse it: always run
]


@pytest.mark.parametrize(("query", "need"), QUERIES, ids=[q.split("{", 1)[-1] for q, _ in QUERIES])
def test_what_each_form_of_query_needs(query: str, need: set[frozenset[URIRef]]) -> None:
    assert set(clauses(query)) == need


def _google_queries() -> list[str]:
    g = compiled(profiles.available()[-1].name).g
    return sorted(prefixes(g, s) + str(o) for s, o in g.subject_objects(SH.select))


GOOGLE = _google_queries()
SCHEMA = "http://schema.org/"
PREDICATES = [
    P,
    Q,
    R,
    RDF.type,
    *(URIRef(SCHEMA + n) for n in ["author", "itemListElement", "position", "width", "height", "value"]),
]
NODES = [URIRef(E + n) for n in ("a", "b", "c", "C")] + [URIRef(SCHEMA + "BreadcrumbList")]
VALUES = [*NODES, Literal("1"), Literal(60000), Literal("E37"), Literal(5)]


NEEDS = [(q, clauses(q)) for q in [q for q, _ in QUERIES[:-1]] + [q.replace("$this", "?this") for q in GOOGLE]]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(PREDICATES), st.sampled_from(VALUES)), max_size=8))
def test_a_query_whose_need_is_unmet_has_no_solution(triples: list[tuple[URIRef, URIRef, Node]]) -> None:
    store = ox.Store()
    store.load("".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples).encode(), ox.RdfFormat.N_TRIPLES)
    present = {p for _, p, _ in triples}
    for query, need in NEEDS:
        if not all(clause & present for clause in need):
            rows = store.query(query)
            assert isinstance(rows, ox.QuerySolutions)
            assert not list(rows), query


def test_the_bundled_google_queries_need_what_they_read() -> None:
    """The need is not empty for the profile's queries, else nothing would be skipped on any article."""
    assert all(clauses(q) for q in GOOGLE)
    assert len(GOOGLE) == 5


SHAPES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <{E}> .
ex:S a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE {{ ?this <{E}p> ?o }} # {{tag}}" ] ;
    sh:sparql [ sh:select "SELECT $this WHERE {{ $this <{E}q> ?v . FILTER (?v > 1) }} # {{tag}}" ] .
"""


def _engine(tag: str) -> Engine:
    """An engine whose queries no other test prepared (prepared queries are shared by text)."""
    return Engine(Graph().parse(data=SHAPES.replace("{tag}", tag), format="turtle"))


class Recorded(Needs):
    """Needs that the test can find again: those of the queries an engine prepares."""

    made: ClassVar[list[Recorded]] = []

    def __init__(self, text: str) -> None:
        super().__init__(text)
        Recorded.made.append(self)


def _clauses(needs: Needs) -> shacl_needs.Clauses | None:
    return needs.clauses


def test_queries_run_until_analysed_then_only_where_the_data_may_match(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shacl_needs, "ANALYSE_AFTER", 2)
    monkeypatch.setattr(shacl_query, "Needs", Recorded)
    engine = _engine("analysed after two runs")
    (target,) = [n for n in Recorded.made if "?this WHERE" in n.text]
    (constraint,) = [n for n in Recorded.made if "$this WHERE" in n.text]
    a = URIRef(E + "a")
    matching, other = [(a, P, Literal(1)), (a, Q, Literal(5))], [(a, R, Literal(1))]
    for run in (1, 2):
        data = Data(other)
        assert engine.validate(data) == []
        assert (target.runs, _clauses(target)) == (run, None)
        assert "store" in data.__dict__  # the target query ran on an Oxigraph copy
    data = Data(other)
    assert engine.validate(data) == []
    assert _clauses(target) == (frozenset({P}),)
    assert "store" not in data.__dict__  # analysed: not run, and no copy made
    assert (constraint.runs, _clauses(constraint)) == (0, None)  # no focus node yet: it never ran
    for _ in range(3):
        assert [r.focus for r in engine.validate(Data(matching))] == [a]
    assert _clauses(constraint) == (frozenset({Q}),)
    assert engine.validate(Data([(a, P, Literal(1)), (a, R, Literal(5))])) == []


def test_the_google_profile_finds_the_same_with_its_queries_skipped(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = load_corpus(write_corpus(tmp_path_factory.mktemp("needs"), 30, seed=7, violation_rate=0.3))
    options = RunOptions()
    ran: list[str] = []
    solutions = Data.solutions

    def counted(self: Data, query: str) -> Iterator[dict[str, Node]]:
        ran.append(query)
        return solutions(self, query)

    monkeypatch.setattr(Data, "solutions", counted)

    def every_finding() -> list[object]:
        out: list[object] = []
        for article in corpus.articles:
            c = compile_article(corpus.site, article)
            out += validate_article(c.medkg, c.schema_triples, options)
        return out

    with monkeypatch.context() as m:
        m.setattr(Needs, "met", lambda self, holds: True)
        everything = every_finding()
    assert len(ran) >= 3 * len(corpus.articles)  # the target queries ran for every article
    ran.clear()
    monkeypatch.setattr(shacl_needs, "ANALYSE_AFTER", 0)
    assert every_finding() == everything
    assert ran == []  # no article of this corpus can match any of them
