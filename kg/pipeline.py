"""The flow, one way: facts → medkg graph → SHACL → schema.org view → SHACL → export bytes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rdflib import OWL, BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph

from kg import ontology, validation
from kg.dataset import PREFIXES, VOID_FILE, NamedGraph, describe, void_graph_iri
from kg.facts import Article, Corpus, Site, Source, load_corpus
from kg.fsio import TreeDiff, compare_tree, replace_tree
from kg.iris import MEDKG, ONTOLOGY_IRI, SCHEMA, Minter
from kg.mapping import ArticleGraph, build_graph
from kg.projection import project
from kg.report import Report, Severity
from kg.serialize import Triple, Turtle, html_snippet, jsonld_bytes, nquads
from kg.validation import validate_article

CORPUS_FILE = "kg.nq"
SHAPES_GRAPHS = {"medkg": f"{ONTOLOGY_IRI}/shapes", "schemaorg": f"{ONTOLOGY_IRI}/shapes/schemaorg"}


@dataclass
class Compiled:
    """One article carried through the flow."""

    article: Article
    medkg: ArticleGraph
    schema: Graph
    graph_iri: str

    @property
    def triples(self) -> int:
        return len(self.medkg.graph) + len(self.schema)


@dataclass
class Build:
    report: Report
    compiled: list[Compiled]
    files: dict[str, bytes] = field(default_factory=dict)


def compile_article(corpus: Corpus, article: Article) -> Compiled:
    ag = build_graph(corpus.site, article)
    return Compiled(article, ag, project(ag.graph), Minter(corpus.site.base_iri).graph(article.slug))


def check(corpus: Corpus) -> Build:
    """Map and validate every article; no bytes yet."""
    report = Report()
    compiled = []
    for article in corpus.articles:
        c = compile_article(corpus, article)
        report.extend(validate_article(c.medkg, c.schema))
        report.triples += c.triples
        compiled.append(c)
    report.articles = len(compiled)
    return Build(report, compiled)


def ontology_triples() -> list[Triple]:
    """The ontology with its blank nodes (RDF lists) skolemised under stable, content-derived IRIs."""
    return skolemised(ontology.graph(), ONTOLOGY_IRI)


def skolemised(graph: Graph, iri: str) -> list[Triple]:
    """A bundled graph with its blank nodes replaced by stable IRIs derived from its content."""
    canonical = to_canonical_graph(graph)
    genid = f"{iri}/.well-known/genid/"

    def skolem(n: object) -> object:
        return URIRef(genid + str(n)) if isinstance(n, BNode) else n

    return [(skolem(s), skolem(p), skolem(o)) for s, p, o in canonical]  # type: ignore[misc]


def turtle_writer() -> Turtle:
    return Turtle({"medkg": str(MEDKG), "schema": str(SCHEMA), "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                   "xsd": "http://www.w3.org/2001/XMLSchema#"})


def named_graphs(compiled: Iterable[Compiled], site: Site, *, timestamp: datetime | None = None) -> list[NamedGraph]:
    """What a store receives: the ontology, the shapes, one graph per article, then their description."""
    compiled = list(compiled)
    graphs = [NamedGraph(ONTOLOGY_IRI, tuple(ontology_triples()), "ontology")]
    graphs += [NamedGraph(iri, tuple(skolemised(validation.shapes(family), iri)), "shapes")
               for family, iri in sorted(SHAPES_GRAPHS.items())]
    graphs += [NamedGraph(c.graph_iri, (*c.medkg.graph, *c.schema), "article") for c in compiled]
    sources: dict[str, Source] = {c.graph_iri: c.article.source for c in compiled}
    sources[""] = site.source
    version = ontology.graph().value(URIRef(ONTOLOGY_IRI), OWL.versionInfo)
    publisher = compiled[0].medkg.graph.value(compiled[0].medkg.page, MEDKG.publisher) if compiled else None
    description = describe(site.base_iri, graphs, sources, ontology_version=str(version), publisher=publisher,
                           timestamp=timestamp)
    return [*graphs, NamedGraph(void_graph_iri(site.base_iri), tuple(description), "description")]


def render(compiled: Iterable[Compiled], site: Site) -> dict[str, bytes]:
    """Every export file, by name relative to the export folder."""
    compiled = list(compiled)
    turtle = turtle_writer()
    files: dict[str, bytes] = {}
    graphs: list[tuple[str, list[Triple]]] = [(ONTOLOGY_IRI, ontology_triples())]
    for c in compiled:
        slug = c.article.slug
        files[f"{slug}.jsonld"] = jsonld_bytes(c.schema)
        files[f"{slug}.html"] = html_snippet(c.schema)
        files[f"{slug}.ttl"] = turtle.document([
            (f"medkg graph of the article {slug!r}", c.medkg.graph),
            ("schema.org view (the same facts as the JSON-LD export)", c.schema),
        ])
        graphs.append((c.graph_iri, [*c.medkg.graph, *c.schema]))
    files[CORPUS_FILE] = nquads(graphs)
    void = named_graphs(compiled, site)[-1]
    files[VOID_FILE] = Turtle(PREFIXES).document([(f"VoID/DCAT description of the build, graph <{void.iri}>",
                                                   void.triples)])
    return files


def build(data: Path, out: Path, *, write: bool = True) -> tuple[Build, TreeDiff | None]:
    """Validate then export. With violations nothing is written; with write=False the exports on
    disk are compared with a fresh build instead (the staleness check)."""
    corpus = load_corpus(data)
    result = check(corpus)
    if result.report.fails(Severity.VIOLATION):
        return result, None
    result.files = render(result.compiled, corpus.site)
    if not write:
        return result, compare_tree(out, result.files)
    replace_tree(out, result.files)
    return result, None
