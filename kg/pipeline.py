"""The flow, one way: facts → medkg graph → SHACL → schema.org view → SHACL → export bytes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph

from kg import ontology, picture
from kg.facts import Article, Corpus, load_corpus
from kg.fsio import TreeDiff, compare_tree, replace_tree
from kg.iris import MEDKG, ONTOLOGY_IRI, SCHEMA, Minter
from kg.mapping import ArticleGraph, build_graph
from kg.projection import project
from kg.report import Page, Report, Severity
from kg.serialize import Triple, Turtle, html_snippet, jsonld_bytes, nquads
from kg.validation import validate_article

CORPUS_FILE = "kg.nq"


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
        report.pages.append(Page(article.slug, article.source.file, str(c.medkg.page)))
        compiled.append(c)
    report.articles = len(compiled)
    return Build(report, compiled)


def ontology_triples() -> list[Triple]:
    """The ontology with its blank nodes (RDF lists) skolemised under stable, content-derived IRIs."""
    canonical = to_canonical_graph(ontology.graph())
    genid = f"{ONTOLOGY_IRI}/.well-known/genid/"

    def skolem(n: object) -> object:
        return URIRef(genid + str(n)) if isinstance(n, BNode) else n

    return [(skolem(s), skolem(p), skolem(o)) for s, p, o in canonical]  # type: ignore[misc]


def turtle_writer() -> Turtle:
    return Turtle({"medkg": str(MEDKG), "schema": str(SCHEMA), "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                   "xsd": "http://www.w3.org/2001/XMLSchema#"})


def render(compiled: Iterable[Compiled]) -> dict[str, bytes]:
    """Every export file, by name relative to the export folder."""
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
    return files


def build(data: Path, out: Path, *, write: bool = True,
          fail_on: Severity = Severity.VIOLATION) -> tuple[Build, TreeDiff | None]:
    """Validate then export. With findings at or above `fail_on` nothing is written; with
    write=False the exports on disk are compared with a fresh build instead (the staleness check)."""
    corpus = load_corpus(data)
    result = check(corpus)
    result.report.threshold = fail_on
    if result.report.fails():
        return result, None
    result.files = render(result.compiled)
    if not write:
        return result, compare_tree(out, result.files)
    replace_tree(out, result.files)
    return result, None


def illustrate(result: Build) -> None:
    """Give each page of the report its picture and JSON-LD (for the html report): SVG where
    Graphviz is installed, else the Mermaid source."""
    svg = picture.has_graphviz()
    pages = []
    for c in result.compiled:
        pic = picture.build(c.medkg.graph, c.medkg.page)
        drawing = picture.svg(picture.dot(pic)) if svg else picture.mermaid(pic)
        pages.append(Page(c.article.slug, c.article.source.file, str(c.medkg.page), drawing,
                          "svg" if svg else "mermaid", jsonld_bytes(c.schema).decode("utf-8")))
    result.report.pages = pages
