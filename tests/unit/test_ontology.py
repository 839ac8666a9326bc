"""The ontology declares every term the mapper emits, and its alignment names real schema.org terms."""

from __future__ import annotations

from conftest import REPO
from rdflib import OWL, RDF, URIRef

from kg.flow.article import compile_article
from kg.graph import ontology
from kg.graph.iris import MEDKG, SCHEMA
from kg.load.facts import load_corpus

DECLARED_AS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)


def test_every_emitted_medkg_term_is_declared() -> None:
    onto = ontology.graph()
    declared = {s for kind in DECLARED_AS for s in onto.subjects(RDF.type, kind)}
    corpus = load_corpus(REPO / "data")
    graph = compile_article(corpus.site, corpus.articles[0]).medkg.graph
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(str(MEDKG))}
    assert used, "the sample uses medkg terms"
    assert sorted(used - declared) == []


def test_alignment_targets_are_schemaorg_terms() -> None:
    align = ontology.alignment()
    targets = {t for ts in [*align.classes.values(), *align.properties.values()] for t in ts}
    targets |= set(align.individuals.values())
    assert targets and all(str(t).startswith(str(SCHEMA)) for t in targets)
    assert align.classes[MEDKG.Treatment] == (SCHEMA.MedicalTherapy,)
    assert SCHEMA.contraindication in align.properties[MEDKG.hasContraindication]
