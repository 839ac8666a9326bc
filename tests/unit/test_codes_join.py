"""Codes as IRIs that join: each terminology's canonical IRI form, published as skos:exactMatch in the
medkg graph and schema:sameAs (beside the schema:MedicalCode node) in the JSON-LD; two articles of
tests/cases/join that name a condition differently but carry the same MeSH code are joined by
queries/shared-codes.rq through the code IRI."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import CASES, REPO
from rdflib import SKOS, URIRef

from kg.core.options import RunOptions
from kg.flow.article import compile_article
from kg.flow.dataset import dataset
from kg.graph import ontology
from kg.graph.iris import SCHEMA
from kg.load.facts import load_corpus
from kg.stores.embedded import load, open_store, query

MESH = URIRef("http://id.nlm.nih.gov/mesh/D057109")


@pytest.mark.parametrize(
    ("system", "code", "iri"),
    [
        ("mesh", "D057109", "http://id.nlm.nih.gov/mesh/D057109"),
        ("snomed-ct", "22298006", "http://snomed.info/id/22298006"),
        ("icd-10", "L90.5", "http://id.who.int/icd/release/10/2019/L90.5"),
        ("icd-10-cm", "L90.5", "http://purl.bioontology.org/ontology/ICD10CM/L90.5"),
        ("umls", "C0007642", "http://linkedlifedata.com/resource/umls/id/C0007642"),
        ("rxnorm", "161", "http://purl.bioontology.org/ontology/RXNORM/161"),
        ("chebi", "CHEBI:15377", "http://purl.obolibrary.org/obo/CHEBI_15377"),
        ("wikidata", "Q12345", "http://www.wikidata.org/entity/Q12345"),
    ],
)
def test_each_terminology_has_its_iri_form(system: str, code: str, iri: str) -> None:
    assert ontology.coding_systems()[system].iri(code) == URIRef(iri)


def test_every_terminology_documents_its_iri_form_and_source() -> None:
    g = ontology.graph()
    for system in ontology.coding_systems().values():
        assert system.template, system.key
        assert g.value(system.cls, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")) is not None, system.key


def test_a_code_is_exact_match_in_medkg_and_same_as_in_the_jsonld() -> None:
    corpus = load_corpus(CASES / "join")
    c = compile_article(corpus.site, corpus.articles[0])
    condition = URIRef("https://getlabtest.com/id/condition/cellulite")
    assert (condition, SKOS.exactMatch, MESH) in c.medkg.triples
    assert (condition, SCHEMA.sameAs, MESH) in c.schema_triples
    code = URIRef(f"{condition}#code-mesh-D057109")
    assert (condition, SCHEMA.code, code) in c.schema_triples
    assert (code, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), SCHEMA.MedicalCode) in c.schema_triples


def test_two_articles_are_joined_through_a_shared_code_iri(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    load(store, dataset(CASES / "join", RunOptions()).graphs)
    rows = query(store, (REPO / "queries/shared-codes.rq").read_text(encoding="utf-8"))
    assert isinstance(rows, ox.QuerySolutions)
    found = [
        tuple(str(row[v].value) for v in ("code", "article", "name", "other_article", "other_name")) for row in rows
    ]
    assert found == [
        (
            str(MESH),
            "https://getlabtest.com/articles/cellulite-fixture",
            "Cellulite",
            "https://getlabtest.com/articles/orange-peel-fixture",
            "Orange peel skin",
        )
    ]
