"""The exports say the same facts in every format, with schema.org 30.0 terms used in their domains."""

from __future__ import annotations

import json
from functools import cache

import pytest
from conftest import DATA, REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from kg.export import jsonld, serialize
from kg.export.serialize import Turtle, nquads_of_lines
from kg.flow.article import Compiled, compile_article
from kg.graph.iris import SCHEMA
from kg.graph.terms import Triple, nt_lines
from kg.load.facts import load_corpus

SCHEMA_HTTPS = "https://schema.org/"
VOCAB = DATA / "schemaorg" / "schemaorg-current-https.ttl"


@pytest.fixture(scope="module")
def compiled() -> Compiled:
    corpus = load_corpus(REPO / "data")
    return compile_article(corpus.site, corpus.articles[0])


def _schema_part(g: Graph) -> Graph:
    """The schema.org triples of a merged graph: schema.org predicates and schema.org types."""
    out = Graph()
    for s, p, o in g:
        if str(p).startswith(str(SCHEMA)) or (p == RDF.type and str(o).startswith(str(SCHEMA))):
            out.add((s, p, o))
    return out


def test_jsonld_expands_to_the_schema_graph(compiled: Compiled) -> None:
    document = json.loads((REPO / "exports/mesotherapy.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == "https://schema.org"
    assert isomorphic(jsonld.to_graph(document), compiled.schema)


def test_jsonld_equals_the_schema_triples_of_the_turtle(compiled: Compiled) -> None:
    document = json.loads((REPO / "exports/mesotherapy.jsonld").read_text(encoding="utf-8"))
    turtle = Graph().parse(REPO / "exports/mesotherapy.ttl", format="turtle")
    assert isomorphic(jsonld.to_graph(document), _schema_part(turtle))
    assert len(turtle) == compiled.triples - len(set(compiled.medkg.graph) & set(compiled.schema))


def test_html_snippet_holds_the_same_json() -> None:
    html = (REPO / "exports/mesotherapy.html").read_text(encoding="utf-8")
    start, end = '<script type="application/ld+json">\n', "\n</script>\n"
    assert html.startswith(start) and html.endswith(end)
    inner = html[len(start) : -len(end)]
    assert json.loads(inner) == json.loads((REPO / "exports/mesotherapy.jsonld").read_text(encoding="utf-8"))


def test_nquads_hold_one_graph_per_article_and_the_ontology(compiled: Compiled) -> None:
    ds = Dataset()
    ds.parse(REPO / "exports/kg.nq", format="nquads")
    graphs = {str(g.identifier): g for g in ds.graphs() if len(g)}
    slugs = sorted(p.stem for p in (REPO / "data/articles").glob("*.yaml"))
    assert set(graphs) == {
        "https://w3id.org/medkg",
        "https://w3id.org/medkg/shapes",
        "https://w3id.org/medkg/shapes/schemaorg",
        "https://w3id.org/medkg/shapes/google-2026-11",
        "https://w3id.org/medkg/shapes/google-2026-12",
        *(f"https://getlabtest.com/graph/{s}" for s in slugs),
    }
    article = Graph()
    for triple in graphs["https://getlabtest.com/graph/mesotherapy"]:
        article.add(triple)
    merged = Graph()
    for triple in [*compiled.medkg.graph, *compiled.schema]:
        merged.add(triple)
    assert isomorphic(article, merged)


def test_blank_nodes_only_in_the_ontology_and_shapes_graphs() -> None:
    """Article graphs are all named nodes; the bundled graphs keep their lists and class expressions."""
    ds = Dataset()
    ds.parse(REPO / "exports/kg.nq", format="nquads")
    with_blanks = {str(c) for s, p, o, c in ds.quads() if any(isinstance(t, BNode) for t in (s, p, o))}
    assert with_blanks and all(g.startswith("https://w3id.org/medkg") for g in with_blanks)
    for name in ("mesotherapy.jsonld", "mesotherapy.ttl", "void.ttl"):
        assert "_:" not in (REPO / "exports" / name).read_text(encoding="utf-8")


@cache
def _vocab() -> Graph:
    return Graph().parse(VOCAB, format="turtle")


def _https(iri: Node) -> URIRef:
    return URIRef(str(iri).replace(str(SCHEMA), SCHEMA_HTTPS, 1))


def _superclasses(vocab: Graph, cls: URIRef) -> set[URIRef]:
    return {c for c in vocab.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)}


def test_only_current_schemaorg_terms_within_their_domains(compiled: Compiled) -> None:
    vocab = _vocab()
    so = URIRef(SCHEMA_HTTPS)
    domain, rng, superseded = so + "domainIncludes", so + "rangeIncludes", so + "supersededBy"
    g = compiled.schema
    types = {s: {_https(o) for o in g.objects(s, RDF.type)} for s in set(g.subjects())}
    problems = []
    for s, p, o in g:
        if p == RDF.type:
            if (_https(o), RDF.type, RDFS.Class) not in vocab or (_https(o), superseded, None) in vocab:
                problems.append(f"type {o} is not a current schema.org 30.0 class")
            continue
        prop = _https(p)
        if (prop, RDF.type, RDF.Property) not in vocab or (prop, superseded, None) in vocab:
            problems.append(f"{p} is not a current schema.org 30.0 property")
            continue
        allowed = set(vocab.objects(prop, domain))
        reach = set().union(*(_superclasses(vocab, t) for t in types[s]))
        if not reach & allowed:
            problems.append(f"{p} is used on {sorted(types[s])}, outside its domain {sorted(allowed, key=str)}")
        ranges = set(vocab.objects(prop, rng))
        if isinstance(o, URIRef) and o in types and so + "URL" not in ranges:
            reach = set().union(*(_superclasses(vocab, t) for t in types[o]))
            if not reach & ranges:
                problems.append(f"{p} points at {sorted(types[o])}, outside its range {sorted(ranges, key=str)}")
        elif isinstance(o, URIRef) and str(o).startswith(str(SCHEMA)):
            member_of = set(vocab.objects(_https(o), RDF.type))
            if not member_of & ranges:
                problems.append(f"{p} value {o} is not a member of its range")
    assert problems == []


XSD_NS = "http://www.w3.org/2001/XMLSchema#"
_IRIS = st.sampled_from(
    [URIRef(f"https://example.org/{name}") for name in ("a", "b", "a-1", "a#x", "ü")] + [SCHEMA.name]
)
_VALUES = st.one_of(
    _IRIS,
    st.builds(Literal, st.text(max_size=20)),
    st.builds(Literal, st.text(max_size=8), lang=st.sampled_from(["en", "de-CH"])),
    st.builds(Literal, st.integers(-5, 5)),
    st.builds(
        Literal,
        st.sampled_from(["2024-01-01", 'a "quoted"\nline']),
        datatype=st.sampled_from([URIRef(XSD_NS + "date"), SCHEMA.Date]),
    ),
)
_TRIPLES = st.sets(st.tuples(_IRIS, st.one_of(st.just(RDF.type), _IRIS), _VALUES), max_size=12)


@settings(max_examples=150)
@given(_TRIPLES, _TRIPLES)
def test_turtle_says_the_graph_deterministically_types_first(medkg: set[Triple], view: set[Triple]) -> None:
    """Oxigraph's Turtle of two sections: read back, each is its graph; the same graph in any order gives
    the same bytes; a subject's `a` comes first; the N-Quads from the same lines say the union."""
    writer = Turtle({"schema": str(SCHEMA), "xsd": XSD_NS})
    text = writer.document([("one", medkg), ("two", list(reversed(list(view))))])
    assert text == writer.document([("one", sorted(medkg, key=str)), ("two", view)])
    sections = text.decode("utf-8").split("\n# ")
    assert sections[0] == "@prefix schema: <http://schema.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    for section, graph in zip(sections[1:], (medkg, view), strict=True):
        body = section.split("\n", 1)[1]
        assert set(Graph().parse(data=sections[0] + body, format="turtle")) == graph
        for block in body.strip("\n").split("\n\n"):
            lines = block.split("\n")
            types = [i for i, line in enumerate(lines) if line.startswith("\ta ") or " a " in line.split(" ;")[0]]
            assert not types or types[0] == 0, block
    quads = Dataset().parse(data=nquads_of_lines("urn:g", nt_lines(medkg) + nt_lines(view)), format="nquads")
    assert {(s, p, o) for s, p, o, _ in quads.quads((None, None, None, None))} == medkg | view


_JSON = st.recursive(
    st.text() | st.integers() | st.booleans(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@given(_JSON)
def test_jsonld_text_is_what_json_dumps_writes(value: object) -> None:
    assert serialize._indented(value, "") == json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def test_jsonld_text_refuses_what_jsonld_never_holds() -> None:
    with pytest.raises(TypeError, match=r"not a JSON-LD value: 1\.5"):
        serialize._indented({"a": [1.5]}, "")
