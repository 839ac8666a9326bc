"""The medkg graph of one article as it is being written: nodes, literals and links, each remembered
with the place in the facts file it came from (an `At`), so findings point at the line to fix."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from kg.graph import ontology
from kg.graph.iris import MEDKG as M
from kg.graph.iris import Minter, slugify
from kg.graph.terms import Triple, integer, iri, literal, to_graph
from kg.load.codes import WIKIDATA_ENTITY
from kg.load.located import At
from kg.load.model import Article, Code, Duration, Site, Unit

E = TypeVar("E", bound=str)
_DATE, _DATE_TIME, _DECIMAL = XSD.date, XSD.dateTime, XSD.decimal
# UN/CEFACT common codes, the units schema.org's unitCode expects
_UNIT: dict[Unit, str] = {"minute": "MIN", "hour": "HUR", "day": "DAY", "week": "WEE", "month": "MON", "year": "ANN"}


def duration(value: int, unit: Unit) -> tuple[Literal, Literal]:
    """A duration as an amount and a UN/CEFACT unit code: values every store gives back as sent
    (Virtuoso returns an xsd:duration as a number of seconds, and months have none)."""
    return integer(value), literal(_UNIT[unit])


def duration_words(d: Duration) -> str:
    """A stated duration in plain words: its own words if given, else '48 hours', '12 to 24 hours',
    'up to 2 weeks', 'at least 3 months' (with 'about' when approximate)."""
    if d.as_written:
        return d.as_written
    unit = d.unit or ""
    low, high = d.min, d.max
    plural = "s" if (high if high is not None else low) != 1 else ""
    if low is not None and high is not None:
        amount = f"{low}" if low == high else f"{low} to {high}"
    elif high is not None:
        amount = f"up to {high}"
    else:
        amount = f"at least {low}"
    about = "about " if d.approximate else ""
    return f"{about}{amount} {unit}{plural}".strip()


def date(value: str) -> Literal:
    return literal(value, _DATE_TIME if "T" in value else _DATE)


@dataclass
class ArticleGraph:
    """One article's medkg graph and the facts position behind each node and property."""

    article: Article
    page: URIRef
    triples: set[Triple]
    origins: dict[Node, At] = field(default_factory=dict)
    field_origins: dict[tuple[Node, Node], At] = field(default_factory=dict)
    value_origins: dict[tuple[Node, Node, Node], At] = field(default_factory=dict)

    @cached_property
    def graph(self) -> Graph:
        """The triples as an rdflib Graph, built on first use."""
        return to_graph(self.triples)


class GraphWriter:
    """Adds nodes, literals and links to one article's graph, remembering where each came from."""

    def __init__(self, site: Site, article: Article) -> None:
        self.site, self.article = site, article
        self.mint = Minter(site.base_iri)
        self.g: set[Triple] = set()
        self.out = ArticleGraph(article, iri(self.mint.page(article.slug, article.url)), self.g)
        self.shared_nodes: set[URIRef] = set()

    def node(self, text: str, cls: URIRef, at: At) -> URIRef:
        n = iri(text)
        self.g.add((n, RDF.type, cls))
        self.out.origins.setdefault(n, at)
        return n

    def mark(self, s: URIRef, p: URIRef, at: At) -> None:
        self.out.field_origins.setdefault((s, p), at)

    def lit(self, s: URIRef, p: URIRef, value: str | int | float | bool | None, at: At) -> None:
        """A literal for a fact, if the fact is stated."""
        if value is None:
            return
        if type(value) is int:
            self.g.add((s, p, integer(value)))
        elif type(value) is float:
            self.g.add((s, p, literal(str(value), _DECIMAL)))
        else:
            self.g.add((s, p, literal(value)))
        self.mark(s, p, at)

    def enum(self, s: URIRef, p: URIRef, value: E | None, at: At, terms: Mapping[E, URIRef]) -> None:
        """The ontology individual for a controlled value, if the fact is stated."""
        if value is not None:
            self.g.add((s, p, terms[value]))
            self.mark(s, p, at)

    def link(self, s: URIRef, p: URIRef, o: URIRef, at: At) -> None:
        self.g.add((s, p, o))
        self.mark(s, p, at)
        self.out.value_origins.setdefault((s, p, o), at)

    def position(self, n: URIRef, index: int) -> None:
        self.g.add((n, M.position, integer(index + 1)))

    def durations(self, s: URIRef, d: Duration | None, low: URIRef, high: URIRef, note: URIRef) -> None:
        """A duration as flat properties of `s` (the form of the first facts format)."""
        if d is None:
            return
        self.bounds(s, d, low, high)
        self.lit(s, note, d.note, d.of("note"))
        self.lit(s, M.approximate, d.approximate, d.of("approximate"))
        self.lit(s, M.asWritten, d.as_written, d.of("as_written"))
        self.lit(s, M.durationText, duration_words(d), d.at)

    def bounds(self, s: URIRef, d: Duration, low: URIRef, high: URIRef) -> None:
        """The stated minimum and maximum of a duration, each a medkg:Quantity (value and unit code)."""
        if d.unit is None:
            return
        for prop, value in ((low, d.min), (high, d.max)):
            if value is None:
                continue
            n = iri(f"{s}/{prop.removeprefix(str(M))}")
            amount, unit = duration(value, d.unit)
            self.g.update(((s, prop, n), (n, RDF.type, M.Quantity), (n, M.value, amount), (n, M.unitCode, unit)))
            self.out.origins.setdefault(n, d.at)
            self.mark(s, prop, d.at)

    def shared(self, kind: str, cls: URIRef, name: str, slug: str | None, at: At) -> URIRef:
        """A site-wide entity (condition, ingredient …), one node across all articles."""
        n = self.node(self.mint.entity(kind, slug or slugify(name)), cls, at)
        self.g.add((n, RDFS.label, literal(name)))
        self.shared_nodes.add(n)
        return n

    def codes(self, entity: URIRef, codes: tuple[Code, ...]) -> None:
        """Code nodes named after their entity (`<entity>#code-mesh-D000001`); the entity is skos:exactMatch
        the terminology's IRI for each code (MeSH `http://id.nlm.nih.gov/mesh/D…` …); Wikidata also sameAs."""
        systems = ontology.coding_systems()
        for c in codes:
            system = systems[c.system]
            value = c.code.removeprefix(WIKIDATA_ENTITY) if c.system == "wikidata" else c.code
            fragment = re.sub(r"[^A-Za-z0-9._-]", "-", value)
            n = self.node(f"{entity}#code-{c.system}-{fragment}", M.MedicalCode, c.at)
            self.g.add((n, RDF.type, system.cls))
            self.link(entity, M.code, n, c.at)
            self.lit(n, M.codeValue, value, c.of("code"))
            self.lit(n, M.codingSystem, system.name, c.of("system"))
            if c.system == "wikidata":
                self.link(entity, M.sameAs, URIRef(c.code), c.of("code"))
            if (iri := system.iri(value)) is not None:  # the terminology's own IRI: the join key
                self.link(entity, SKOS.exactMatch, iri, c.of("code"))
