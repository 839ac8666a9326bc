"""[seo2] Language-tagged prose in the medkg graph; plain strings (with inLanguage) in the JSON-LD."""

from __future__ import annotations

import json

from conftest import REPO
from rdflib import Dataset, Graph, Literal, URIRef

from kg.graph.iris import MEDKG
from kg.graph.lang import TEXT

EXPORTS = REPO / "exports"


def test_prose_is_tagged_in_turtle_and_nquads_only() -> None:
    ttl = Graph().parse(EXPORTS / "mesotherapy.ttl", format="turtle")
    prose = [o for p in TEXT for o in ttl.objects(None, p)]
    assert prose and all(isinstance(o, Literal) and o.language == "en" for o in prose)
    codes = list(ttl.objects(None, MEDKG.inLanguage))  # a code, not prose
    assert all(isinstance(o, Literal) and o.language is None for o in codes)
    nq = Dataset().parse(EXPORTS / "kg.nq", format="nquads")
    headlines = [o for _, _, o, _ in nq.quads((None, MEDKG.headline, None, None))]
    assert any(isinstance(o, Literal) and o.language == "en" for o in headlines)
    doc = json.loads((EXPORTS / "mesotherapy.jsonld").read_text(encoding="utf-8"))
    assert "@language" not in json.dumps(doc) and any(n.get("inLanguage") == "en" for n in doc["@graph"])


def test_ontology_ranges_of_tagged_properties_are_langstring() -> None:
    onto = Graph().parse(REPO / "ontology" / "medkg.ttl", format="turtle")
    rdfs_range = URIRef("http://www.w3.org/2000/01/rdf-schema#range")
    lang_string = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
    assert {p for p in TEXT if onto.value(p, rdfs_range) == lang_string} == TEXT
