"""The exports say the same facts in every format, with schema.org 30.0 terms used in their domains."""

from __future__ import annotations

import json
from functools import cache

import pytest
from conftest import DATA, REPO
from rdflib import RDF, RDFS, BNode, Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from kg.export import jsonld
from kg.flow.article import Compiled, compile_article
from kg.graph.iris import SCHEMA
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
