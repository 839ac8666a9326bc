"""The medkg ontology, parsed once per process, and the schema.org alignment it declares."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import OWL, RDFS, SKOS, Graph, URIRef
from rdflib.term import Node

from kg.core import resources
from kg.graph.iris import MEDKG, SCHEMA
from kg.graph.terms import iri, parse_turtle

ONTOLOGY_FILE = "medkg.ttl"


@cache
def graph() -> Graph:
    return parse_turtle(resources.text("ontology", ONTOLOGY_FILE))


@dataclass(frozen=True)
class Alignment:
    """medkg term → schema.org terms, read from rdfs:subClassOf / rdfs:subPropertyOf / skos:exactMatch."""

    # keyed by Node (the keys are IRIs) so that any term of a graph can be looked up
    classes: dict[Node, tuple[URIRef, ...]]
    properties: dict[Node, tuple[URIRef, ...]]
    individuals: dict[URIRef, URIRef]


def _to_schema(g: Graph, predicate: URIRef) -> dict[Node, tuple[URIRef, ...]]:
    out: dict[Node, list[URIRef]] = {}
    for s, o in g.subject_objects(predicate):  # the process's objects for these IRIs: lookups compare identities
        if isinstance(s, URIRef) and isinstance(o, URIRef) and o.startswith(str(SCHEMA)):
            out.setdefault(iri(str(s)), []).append(iri(str(o)))
    return {k: tuple(sorted(v)) for k, v in out.items()}


@cache
def alignment() -> Alignment:
    g = graph()
    individuals = {k: v[0] for k, v in _to_schema(g, SKOS.exactMatch).items() if isinstance(k, URIRef)}
    return Alignment(_to_schema(g, RDFS.subClassOf), _to_schema(g, RDFS.subPropertyOf), individuals)


@cache
def label(term: URIRef) -> str:
    """The ontology's rdfs:label of a term ("has adverse effect", "common"), else its local name."""
    value = graph().value(term, RDFS.label)
    if value is not None:
        return str(value)
    text = str(term)
    return text[max(text.rfind("#"), text.rfind("/")) + 1 :]


@cache
def shortcuts() -> frozenset[URIRef]:
    """Properties the ontology declares as property chains (indicatedFor = hasIndication/condition):
    they repeat facts the qualified nodes already state, so pictures and diffs skip them."""
    return frozenset(p for p in graph().subjects(OWL.propertyChainAxiom, None) if isinstance(p, URIRef))


@dataclass(frozen=True)
class CodingSystem:
    """A terminology as the ontology declares it: the class of its codes and its published name."""

    key: str
    cls: URIRef
    name: str
    template: str = ""  # medkg:iriTemplate: {code} or {number} → the terminology's IRI for a code

    def iri(self, code: str) -> URIRef | None:
        """The terminology's canonical IRI for a code (CHEBI:15377 → …/obo/CHEBI_15377), if it has a form."""
        if not self.template:
            return None
        return URIRef(self.template.format(code=code, number=code.rsplit(":", 1)[-1]))


@cache
def coding_systems() -> dict[str, CodingSystem]:
    """Facts-file `system` key → terminology, read from the subclasses of medkg:MedicalCode."""
    g = graph()
    out = {}
    for cls in g.subjects(RDFS.subClassOf, MEDKG.MedicalCode):
        key, name = g.value(cls, SKOS.notation), g.value(cls, MEDKG.codingSystemName)
        template = g.value(cls, MEDKG.iriTemplate)
        if isinstance(cls, URIRef) and key is not None and name is not None:
            out[str(key)] = CodingSystem(str(key), cls, str(name), str(template or ""))
    return dict(sorted(out.items()))
