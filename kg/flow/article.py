"""One article through the whole flow: facts → medkg graph → SHACL → schema.org view → SHACL → bytes.

Every command runs this step, with the same options: what differs is what it keeps of the
article (`Wants`): export files for a build, the named graph for a store, a picture for people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from rdflib import Graph

from kg.check import idsummary, leftout
from kg.check.families import validate_article
from kg.core.findings import Finding, Severity
from kg.core.options import RunOptions
from kg.export import picture
from kg.export.dataset import Partitions
from kg.export.serialize import Turtle, html_snippet_text, jsonld_text, nquads_of_lines
from kg.graph import lang
from kg.graph.ids import PageIds, organization_iri, page_ids
from kg.graph.iris import MEDKG, SCHEMA, Minter
from kg.graph.locate import locator
from kg.graph.mapping import ArticleGraph, build_graph
from kg.graph.pieces import LeftOut, alias, assemble, renamed, renamed_triples
from kg.graph.projection import project
from kg.graph.stated import PROV
from kg.graph.terms import Triple, nt_lines, to_graph
from kg.load.facts import Article, Site, load_article
from kg.load.yamlloc import Position


@dataclass(frozen=True)
class Wants:
    """What a command keeps of each article besides its findings."""

    exports: bool = False  # export files and the N-Quads block (only for an article without violations)
    graph: bool = False  # the named graph's triples, for a store (only for an article without violations)
    illustration: bool = False  # its picture and JSON-LD, for people (html report, kg show)


@dataclass
class Compiled:
    """One article mapped and projected: its medkg graph and its schema.org view."""

    article: Article
    medkg: ArticleGraph
    schema_triples: set[Triple]
    graph_iri: str
    ids: PageIds
    left_out: list[LeftOut] = field(default_factory=list)
    publish_jsonld: bool = True  # False for an article without URL on a site that skips those
    published: set[Triple] | None = None  # what the exports say: the checked view less the pieces the CMS publishes

    @cached_property
    def schema(self) -> Graph:
        """The schema.org view as an rdflib Graph, built on first use."""
        return to_graph(self.schema_triples)

    @cached_property
    def view_lines(self) -> list[str]:
        """The checked view's N-Triples lines: its Oxigraph copy for the Google profile, and its exports."""
        return nt_lines(self.schema_triples)

    @property
    def exported(self) -> set[Triple]:
        """The schema.org view as the exports publish it."""
        return self.schema_triples if self.published is None else self.published

    @cached_property
    def named_graph(self) -> set[Triple]:
        """The article's named graph: the medkg graph and its published schema.org view (made once: the
        triple count, N-Quads, the dataset description and a store's graph all read it)."""
        return self.medkg.triples | self.exported

    @property
    def triples(self) -> int:
        """Distinct triples of the article's named graph."""
        return len(self.named_graph)


def compile_article(site: Site, article: Article) -> Compiled:
    ids = page_ids(site, article)
    built = build_graph(site, article)
    renames = ids.renames(str(built.page), organization_iri(site))
    view = assemble(renamed_triples(project(built.triples), renames), ids, site)
    ag = lang.tagged(renamed(built, renames), article.page.language or site.language)
    alias(ag, ids.article, ids.webpage)
    return Compiled(
        article,
        ag,
        view.checked,
        Minter(site.base_iri).graph(article.slug),
        ids,
        view.left_out,
        ids.url_known or site.without_url != "skip",
        view.published,
    )


def findings(c: Compiled, options: RunOptions) -> list[Finding]:
    """Every check of one compiled article, and what its JSON-LD leaves out."""
    locate = locator(c.medkg)
    return (
        validate_article(c.medkg, c.schema_triples, options, lambda: c.view_lines)
        + leftout.left_out(c.left_out, locate)
        + leftout.page_url(c.ids, locate, skipped=not c.publish_jsonld)
    )


@dataclass(frozen=True)
class Illustration:
    """An article for people: the picture of its graph and its JSON-LD."""

    picture: picture.Picture
    jsonld: str


@dataclass
class Outcome:
    """What one facts file contributes to a run; picklable, so it crosses processes and the cache."""

    file: str
    slug: str | None
    findings: list[Finding]
    problems: list[Finding]  # input errors (exit 2): unreadable, malformed, schema-invalid
    slug_at: Position = field(default_factory=lambda: Position(1, 1))
    sha256: str = ""
    graph_iri: str = ""
    triples: int = 0  # distinct triples of the article's named graph
    ids: idsummary.Summary | None = None
    page: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    quads: bytes = b""
    graph: tuple[Triple, ...] = ()
    partitions: Partitions | None = None  # exports: what the named graph holds, for the build's description
    illustration: Illustration | None = None

    @property
    def violates(self) -> bool:
        return any(f.severity >= Severity.VIOLATION for f in self.findings)


def process(site: Site, path: Path, options: RunOptions, wants: Wants) -> Outcome:
    """One facts file through the whole flow."""
    loaded = load_article(path)
    if isinstance(loaded, list):
        return Outcome(loaded[0].file, None, [], loaded)
    c = compile_article(site, loaded)
    outcome = Outcome(
        loaded.source.file,
        loaded.slug,
        findings(c, options),
        [],
        loaded.source.position(("slug",)),
        loaded.source.sha256,
        c.graph_iri,
        c.triples,
        idsummary.summarise(c.schema_triples, c.medkg, site.base_iri),
        str(c.medkg.page),
    )
    if wants.exports and not outcome.violates:
        outcome.files, outcome.quads = render_article(c)
        outcome.partitions = Partitions().add(c.named_graph, c.graph_iri)
    if wants.graph and not outcome.violates:
        outcome.graph = tuple(c.named_graph)
    if wants.illustration:
        outcome.illustration = Illustration(picture.build(c.medkg.graph, c.medkg.page), jsonld_text(c.exported) + "\n")
    return outcome


@cache
def turtle_writer() -> Turtle:
    return Turtle(
        {
            "medkg": str(MEDKG),
            "schema": str(SCHEMA),
            "prov": str(PROV),
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        }
    )


def render_article(c: Compiled) -> tuple[dict[str, bytes], bytes]:
    """An article's export files, and its named graph as an N-Quads block for kg.nq."""
    slug = c.article.slug
    text = jsonld_text(c.exported)
    files = (
        {}
        if not c.publish_jsonld
        else {
            f"{slug}.jsonld": (text + "\n").encode("utf-8"),
            f"{slug}.html": html_snippet_text(text),
        }
    )
    medkg = nt_lines(c.medkg.triples)  # each triple rendered once, for both files
    view = c.view_lines if c.exported is c.schema_triples else nt_lines(c.exported)
    files |= {
        f"{slug}.ttl": turtle_writer().document_of_lines(
            [
                (f"medkg graph of the article {slug!r}", medkg),
                ("schema.org view (the same facts as the JSON-LD export)", view),
            ]
        ),
    }
    return files, nquads_of_lines(c.graph_iri, medkg + view)  # the named graph: the union of the two
