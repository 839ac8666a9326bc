"""A build as a store receives it: named graphs (ontology, shapes, one per article) and their VoID/DCAT
description, through the same per-article flow and gate as `build`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from rdflib import OWL, URIRef

from kg.core.options import RunOptions
from kg.core.result import Result
from kg.export.dataset import (
    PREFIXES,
    Counts,
    Extras,
    FileInfo,
    GraphSummary,
    NamedGraph,
    Partitions,
    describe,
    describe_corpus,
    describe_graph,
    void_graph_iri,
)
from kg.export.serialize import Turtle
from kg.flow.article import Outcome, Wants
from kg.flow.bundled import bundled_graphs
from kg.flow.corpus import Progress, Tally, outcomes
from kg.graph import ontology
from kg.graph.iris import ONTOLOGY_IRI
from kg.graph.mapping import publisher_iri
from kg.graph.terms import nt_lines
from kg.load.facts import Site, Source, site_and_files


def description(
    site: Site,
    graphs: list[GraphSummary],
    sources: dict[str, Source],
    *,
    timestamp: datetime | None = None,
    partitions: Partitions | None = None,
) -> NamedGraph:
    """The VoID/DCAT description of a build's graphs, itself a named graph."""
    extras = Extras((), partitions.counts() if partitions else None, site.license, site.exports_url)
    triples = describe(
        site.base_iri,
        graphs,
        {**sources, "": site.source},
        ontology_version=_version(),
        publisher=publisher_iri(site),
        timestamp=timestamp,
        extras=extras,
    )
    return NamedGraph(void_graph_iri(site.base_iri), tuple(triples), "description")


def _version() -> str:
    return str(ontology.graph().value(URIRef(ONTOLOGY_IRI), OWL.versionInfo))


def source_of(o: Outcome) -> Source:
    """What the description states of an article's facts file: its name and content hash."""
    return Source(o.file, None, {}, o.sha256)


def void_head(
    site: Site, graphs: list[GraphSummary], total: int, files: tuple[FileInfo, ...], partitions: Counts
) -> bytes:
    """void.ttl's corpus-wide part (dataset, `graphs` that are not articles', `files`, partitions); each
    article's part (`graph_part`) follows it in build order, so a rebuild renders only the changed articles'."""
    extras = Extras(files, partitions, site.license, site.exports_url)
    triples = describe_corpus(site.base_iri, graphs, total, site.source, _version(), publisher_iri(site), None, extras)
    title = f"VoID/DCAT description of the build, graph <{void_graph_iri(site.base_iri)}>"
    return _turtle().document_of_lines([(title, nt_lines(triples))])


def graph_part(site: Site, g: GraphSummary, source: Source | None, files: tuple[FileInfo, ...]) -> str:
    """One article's part of void.ttl: its subset, facts file and export files, under a comment."""
    extras = Extras((), None, site.license, site.exports_url)
    triples = describe_graph(site.base_iri, g, source, site.source, files, extras)
    return f"\n# article graph <{g.iri}>\n\n{_turtle().block(nt_lines(triples))}"


@cache
def _turtle() -> Turtle:
    return Turtle(PREFIXES)


@dataclass
class Dataset:
    """A checked build for a store: the Result and, when it passed the gate, its named graphs."""

    result: Result
    graphs: list[NamedGraph]  # empty when the result failed the gate: nothing may be stored
    base_iri: str

    @property
    def owned_prefix(self) -> str:
        """Graphs under it are this site's article graphs: the only ones a load may drop."""
        return f"{self.base_iri}graph/"


def dataset(
    data: Path, options: RunOptions, *, timestamp: datetime | None = None, progress: Progress | None = None
) -> Dataset:
    """Check a corpus (InputError on bad input) and, when nothing fails at `options.fail_on`, its named
    graphs: the ontology, the shapes, one graph per article in file order, then their description."""
    site, files = site_and_files(data)
    tally = Tally(threshold=options.fail_on)
    articles: list[NamedGraph] = []
    sources: dict[str, Source] = {}
    for o in outcomes(site, files, options, Wants(graph=True), progress=progress):
        if tally.accept(o):
            articles.append(NamedGraph(o.graph_iri, o.graph, "article"))
            sources[o.graph_iri] = source_of(o)
    tally.raise_problems()
    result = tally.finish()
    if tally.failed:
        return Dataset(result, [], site.base_iri)
    graphs = [*bundled_graphs(), *articles]
    summaries = [GraphSummary(g.iri, len(g), g.kind) for g in graphs]
    partitions = Partitions()
    for g in graphs:
        partitions.add(g.triples, g.iri)
    void = description(site, summaries, sources, timestamp=timestamp, partitions=partitions)
    return Dataset(result, [*graphs, void], site.base_iri)
