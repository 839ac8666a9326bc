"""The ontology declares every term the mapper emits, and its alignment names real schema.org terms."""

from __future__ import annotations

from conftest import REPO
from rdflib import OWL, RDF, URIRef

from kg.flow.article import compile_article
from kg.graph import ontology
from kg.graph.iris import MEDKG, SCHEMA
from kg.load.facts import load_article, load_corpus, load_site
from kg.load.model import Article
from scripts import gen_fact_table

DECLARED_AS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)


def test_every_emitted_medkg_term_is_declared() -> None:
    """Over the bundled articles and the real articles of tests/cases/articles."""
    onto = ontology.graph()
    declared = {s for kind in DECLARED_AS for s in onto.subjects(RDF.type, kind)}
    corpus = load_corpus(REPO / "data")
    graphs = [compile_article(corpus.site, a).medkg.graph for a in corpus.articles]
    for case in sorted((REPO / "tests/cases/articles").glob("*/facts.yaml")):
        article = load_article(case)
        assert isinstance(article, Article)
        graphs.append(compile_article(load_site(case.parent / "site.yaml"), article).medkg.graph)
    used = {t for g in graphs for triple in g for t in triple if isinstance(t, URIRef) and t.startswith(str(MEDKG))}
    assert used, "the sample uses medkg terms"
    assert sorted(used - declared) == []


def test_fact_table_in_docs_is_current() -> None:
    """docs/ontology.md's table of where each fact goes is generated: re-run python -m scripts.gen_fact_table."""
    assert gen_fact_table.main(["--check"]) == 0


def test_alignment_targets_are_schemaorg_terms() -> None:
    align = ontology.alignment()
    targets = {t for ts in [*align.classes.values(), *align.properties.values()] for t in ts}
    targets |= set(align.individuals.values())
    assert targets and all(str(t).startswith(str(SCHEMA)) for t in targets)
    assert align.classes[MEDKG.Treatment] == (SCHEMA.MedicalTherapy,)
    assert SCHEMA.contraindication in align.properties[MEDKG.hasContraindication]
