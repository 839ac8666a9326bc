"""The ontology is OWL 2 DL for an OWL library (py-horned-owl): every term an axiom uses is declared,
with exactly one kind (no punning), as written in ontology/medkg.ttl and as stored in kg.nq; it has a
licence, a version and its creator; its HTML documentation (pyLODE) is current."""

from __future__ import annotations

from collections import Counter

import pyhornedowl
import pytest
from conftest import REPO
from rdflib import OWL, RDF, RDFS, Dataset, Graph, URIRef
from rdflib.term import Node

from scripts import gen_ontology_docs

KINDS = ("classes", "object properties", "data properties", "annotation properties", "individuals")
COUNTS = {"classes": 68, "object properties": 97, "data properties": 69, "annotation properties": 10, "individuals": 48}
BUILTIN = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2001/XMLSchema#",
)


def signature(o: pyhornedowl.PyIndexedOntology) -> dict[str, set[str]]:
    return dict(
        zip(
            KINDS,
            (
                set(o.get_classes()),
                set(o.get_object_properties()),
                set(o.get_data_properties()),
                set(o.get_annotation_properties()),
                set(o.get_named_individuals()),
            ),
            strict=True,
        )
    )


def stored_ontology() -> str:
    ds = Dataset()
    ds.parse(REPO / "exports/kg.nq", format="nquads")
    g = Graph()
    for t in ds.graph(URIRef("https://w3id.org/medkg")):
        g.add(t)
    return g.serialize(format="xml")


@pytest.fixture(scope="module", params=["file", "kg.nq"])
def ontology(request: pytest.FixtureRequest) -> pyhornedowl.PyIndexedOntology:
    if request.param == "file":
        return pyhornedowl.open_ontology_from_file(str(REPO / "ontology/medkg.ttl"))
    return pyhornedowl.open_ontology_from_string(stored_ontology(), "rdf")


def axioms(o: pyhornedowl.PyIndexedOntology) -> Counter[str]:
    return Counter(type(a.component).__name__ for a in o.get_axioms())


def test_counts_and_zero_punning(ontology: pyhornedowl.PyIndexedOntology) -> None:
    kinds = signature(ontology)
    assert {k: len(v) for k, v in kinds.items()} == COUNTS
    seen = Counter(iri for iris in kinds.values() for iri in iris)
    assert [iri for iri, n in seen.items() if n > 1] == []  # punned IRIs


def test_axioms_survive_the_trip_through_kg_nq(ontology: pyhornedowl.PyIndexedOntology) -> None:
    found = axioms(ontology)
    assert found["SubObjectPropertyOf"] + found["SubDataPropertyOf"] == 46  # 3 of them property chains
    assert found["SubDataPropertyOf"] == 15  # headline, datePublished, lastReviewed, codeValue …
    assert found["DifferentIndividuals"] == 6
    assert found["SubClassOf"] == 21


def test_every_term_an_axiom_uses_is_declared_with_the_kind_it_is_used_as() -> None:
    o = pyhornedowl.open_ontology_from_file(str(REPO / "ontology/medkg.ttl"))
    kinds = signature(o)
    declared = set().union(*kinds.values())
    g = Graph().parse(REPO / "ontology/medkg.ttl")
    used: set[Node] = {
        t
        for s, p, o_ in g.triples((None, None, None))
        if p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentClass)
        for t in (s, o_)
        if isinstance(t, URIRef) and not str(t).startswith(BUILTIN)
    }
    used |= {p for _, p, _ in g if not str(p).startswith(BUILTIN)}
    assert sorted(str(t) for t in used if str(t) not in declared) == []
    for a in o.get_axioms():  # a sub-property axiom relates properties of one kind
        name = type(a.component).__name__
        if name in ("SubObjectPropertyOf", "SubDataPropertyOf"):
            kind = kinds["object properties" if name == "SubObjectPropertyOf" else "data properties"]
            sup = str(a.component.sup)
            assert sup in kind, (name, sup)


def test_licence_version_and_creator() -> None:
    g = Graph().parse(REPO / "ontology/medkg.ttl")
    onto = URIRef("https://w3id.org/medkg")
    assert (onto, RDF.type, OWL.Ontology) in g
    assert g.value(onto, URIRef("http://purl.org/dc/terms/license")) == URIRef(
        "https://www.apache.org/licenses/LICENSE-2.0"
    )  # the project's licence (pyproject.toml)
    assert g.value(onto, OWL.versionInfo) is not None
    assert str(g.value(onto, URIRef("http://purl.org/dc/terms/creator"))) == "The medkg project"


def test_the_html_documentation_is_current() -> None:
    page = gen_ontology_docs.PAGE.read_bytes()
    assert gen_ontology_docs.same_content(page, gen_ontology_docs.render()), (
        "docs/ontology/index.html is stale: run python -m scripts.gen_ontology_docs"
    )
    assert b"The medkg project" in page and b"IRI template" in page
