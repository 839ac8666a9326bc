"""The flow, one way: facts → medkg graph → SHACL → schema.org view → SHACL → export bytes.

Corpus builds stream: each article goes through the whole flow on its own (in worker processes
with `jobs` > 1, from the cache when its inputs are unchanged), and its bytes go straight to the
new export folder, so memory stays flat however large the corpus.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property
from pathlib import Path

from rdflib import OWL, BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph

import kg
from kg.check import families as validation
from kg.check import idlint
from kg.check.families import validate_article
from kg.core import profiles, resources
from kg.core.errors import InputError
from kg.core.findings import Finding, Page, Report, Severity
from kg.core.fsio import TreeChecker, TreeDiff, TreeWriter
from kg.export.dataset import PREFIXES, VOID, VOID_FILE, GraphSummary, NamedGraph, describe, void_graph_iri
from kg.export.serialize import Turtle, html_snippet_text, jsonld_text, nquads
from kg.flow.cache import Cache
from kg.graph import ontology
from kg.graph.iris import MEDKG, ONTOLOGY_IRI, SCHEMA, Minter
from kg.graph.mapping import ArticleGraph, build_graph, publisher_iri
from kg.graph.projection import project
from kg.graph.terms import Triple, to_graph
from kg.load.facts import Article, Corpus, Site, Source, duplicate_slug, load_article, load_valid, site_and_files
from kg.load.yamlloc import Position
from kg.reports import picture

CORPUS_FILE = "kg.nq"
VOID_SUBSET = VOID.subset
SHAPES_GRAPHS = {"medkg": f"{ONTOLOGY_IRI}/shapes", "schemaorg": f"{ONTOLOGY_IRI}/shapes/schemaorg"}


@dataclass
class Compiled:
    """One article carried through the flow."""

    article: Article
    medkg: ArticleGraph
    schema_triples: set[Triple]
    graph_iri: str

    @cached_property
    def schema(self) -> Graph:
        """The schema.org view as an rdflib Graph, built on first use."""
        return to_graph(self.schema_triples)

    @property
    def triples(self) -> int:
        """Distinct triples of the article's named graph (the medkg graph and its schema.org view)."""
        return len(self.medkg.triples | self.schema_triples)


@dataclass
class Build:
    report: Report
    compiled: list[Compiled]
    files: dict[str, bytes] = field(default_factory=dict)


def compile_article(site: Site | Corpus, article: Article) -> Compiled:
    site = site.site if isinstance(site, Corpus) else site
    ag = build_graph(site, article)
    return Compiled(article, ag, project(ag.triples), Minter(site.base_iri).graph(article.slug))


def check(corpus: Corpus, engine: str = "native", profile: str | None = None) -> Build:
    """Map and validate every article of a loaded corpus in memory, then lint the @ids across them;
    no bytes yet. `profile` names the Google profile (None: the newest bundled; "none": no profile)."""
    google = profiles.resolve(profile)
    report = Report()
    compiled = []
    for article in corpus.articles:
        c = compile_article(corpus.site, article)
        report.extend(validate_article(c.medkg, c.schema_triples, google, engine))
        report.triples += c.triples
        report.pages.append(Page(article.slug, article.source.file, str(c.medkg.page)))
        compiled.append(c)
    base = corpus.site.base_iri
    report.extend(idlint.lint([idlint.summarise(c.schema_triples, c.medkg, base) for c in compiled], base))
    report.articles = len(compiled)
    return Build(report, compiled)


@cache
def ontology_triples() -> tuple[Triple, ...]:
    """The ontology with its blank nodes (RDF lists) skolemised under stable, content-derived IRIs."""
    return tuple(skolemised(ontology.graph(), ONTOLOGY_IRI))


def skolemised(graph: Graph, iri: str) -> list[Triple]:
    """A bundled graph with its blank nodes replaced by stable IRIs derived from its content."""
    canonical = to_canonical_graph(graph)
    genid = f"{iri}/.well-known/genid/"

    def skolem(n: object) -> object:
        return URIRef(genid + str(n)) if isinstance(n, BNode) else n

    return [(skolem(s), skolem(p), skolem(o)) for s, p, o in canonical]  # type: ignore[misc]


@cache
def bundled_graphs() -> tuple[NamedGraph, ...]:
    """The ontology, the shapes and every bundled Google profile, as a store receives them."""
    graphs = [NamedGraph(ONTOLOGY_IRI, ontology_triples(), "ontology")]
    families = {**SHAPES_GRAPHS, **{p: f"{ONTOLOGY_IRI}/shapes/{p}" for p in profiles.available()}}
    graphs += [NamedGraph(iri, tuple(skolemised(validation.shapes(family), iri)), "shapes")
               for family, iri in sorted(families.items())]
    return tuple(graphs)


def description(site: Site, graphs: list[GraphSummary], sources: dict[str, Source], *,
                timestamp: datetime | None = None) -> NamedGraph:
    """The VoID/DCAT description of a build's graphs, itself a named graph."""
    version = ontology.graph().value(URIRef(ONTOLOGY_IRI), OWL.versionInfo)
    triples = describe(site.base_iri, graphs, {**sources, "": site.source}, ontology_version=str(version),
                       publisher=publisher_iri(site), timestamp=timestamp)
    return NamedGraph(void_graph_iri(site.base_iri), tuple(triples), "description")


def named_graphs(compiled: Iterable[Compiled], site: Site, *, timestamp: datetime | None = None) -> list[NamedGraph]:
    """What a store receives: the ontology, the shapes, one graph per article, then their description."""
    compiled = list(compiled)
    graphs = [*bundled_graphs()]
    graphs += [NamedGraph(c.graph_iri, tuple(c.medkg.triples | c.schema_triples), "article") for c in compiled]
    sources = {c.graph_iri: c.article.source for c in compiled}
    summaries = [GraphSummary(g.iri, len(g), g.kind) for g in graphs]
    return [*graphs, description(site, summaries, sources, timestamp=timestamp)]


def void_from(path: Path) -> NamedGraph:
    """The description graph of a build, read back from its void.ttl (the dataset is `<base>dataset`)."""
    try:
        g = Graph(bind_namespaces="none").parse(path, format="turtle")
    except (OSError, SyntaxError) as e:
        raise InputError(f"{path}: cannot read the build's description: {e}") from None
    dataset = next((s for s in g.subjects(VOID_SUBSET, None) if str(s).endswith("dataset")), None)
    if dataset is None:
        raise InputError(f"{path}: not a medkg build description (no <…dataset> with void:subset)")
    return NamedGraph(void_graph_iri(str(dataset)[: -len("dataset")]), tuple(g), "description")


def void_file(void: NamedGraph) -> bytes:
    return Turtle(PREFIXES).document([(f"VoID/DCAT description of the build, graph <{void.iri}>", void.triples)])


@cache
def turtle_writer() -> Turtle:
    return Turtle({"medkg": str(MEDKG), "schema": str(SCHEMA), "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                   "xsd": "http://www.w3.org/2001/XMLSchema#"})


def render_article(c: Compiled) -> tuple[dict[str, bytes], bytes]:
    """An article's export files, and its named graph as an N-Quads block for kg.nq."""
    slug = c.article.slug
    text = jsonld_text(c.schema_triples)
    files = {
        f"{slug}.jsonld": (text + "\n").encode("utf-8"),
        f"{slug}.html": html_snippet_text(text),
        f"{slug}.ttl": turtle_writer().document([
            (f"medkg graph of the article {slug!r}", c.medkg.triples),
            ("schema.org view (the same facts as the JSON-LD export)", c.schema_triples),
        ]),
    }
    return files, nquads(c.graph_iri, c.medkg.triples | c.schema_triples)


def render(compiled: Iterable[Compiled], site: Site) -> dict[str, bytes]:
    """Every export file, by name relative to the export folder (kg.nq: the ontology, then one
    named graph per article in file order; void.ttl: the description of the build)."""
    compiled = list(compiled)
    files: dict[str, bytes] = {}
    blocks = [nquads(ONTOLOGY_IRI, ontology_triples())]
    for c in compiled:
        article_files, block = render_article(c)
        files.update(article_files)
        blocks.append(block)
    files[CORPUS_FILE] = b"".join(blocks)
    files[VOID_FILE] = void_file(named_graphs(compiled, site)[-1])
    return files


# --- streaming corpus builds -------------------------------------------------------------------------

@dataclass
class Outcome:
    """What one facts file contributes to a build; picklable, so it crosses processes and the cache."""

    file: str
    slug: str | None
    findings: list[Finding]
    problems: list[Finding]  # input errors (exit 2): unreadable, malformed, schema-invalid
    slug_at: Position = field(default_factory=lambda: Position(1, 1))
    sha256: str = ""
    graph_iri: str = ""
    triples: int = 0  # distinct triples of the article's named graph
    ids: idlint.Summary | None = None
    page: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    quads: bytes = b""


def process(site: Site, path: Path, engine: str, profile: str | None, exports: bool) -> Outcome:
    """One article through the whole flow (profile: a resolved Google profile name, or None)."""
    loaded = load_article(path)
    if isinstance(loaded, list):
        return Outcome(loaded[0].file, None, [], loaded)
    c = compile_article(site, loaded)
    findings = validate_article(c.medkg, c.schema_triples, profile, engine)
    outcome = Outcome(loaded.source.file, loaded.slug, findings, [], loaded.source.position(("slug",)),
                      loaded.source.sha256, c.graph_iri, c.triples,
                      idlint.summarise(c.schema_triples, c.medkg, site.base_iri), str(c.medkg.page))
    if exports and not any(f.severity >= Severity.VIOLATION for f in outcome.findings):
        outcome.files, outcome.quads = render_article(c)
    return outcome


@cache
def fingerprint(engine: str, profile: str | None, exports: bool) -> str:
    """Everything besides the facts that decides an outcome: the tool's code and version, ontology,
    shapes, engine, profile. Hashing the code too means a development checkout never reuses stale results."""
    h = hashlib.sha256(f"{kg.__version__}\0{engine}\0{profile}\0{exports}".encode())
    package = Path(kg.__file__).parent
    sources = [(package, sorted(p for p in package.rglob("*.py") if "_bundled" not in p.parts))]
    sources += [(resources.root(f), resources.tree(f)) for f in ("ontology", "shapes")]
    for root, paths in sources:
        for p in paths:
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


_worker: dict[str, object] = {}


def _init_worker(site: Site, engine: str, profile: str | None, exports: bool) -> None:
    _worker.update(site=site, engine=engine, profile=profile, exports=exports)


def _work(path: Path) -> Outcome:
    w = _worker
    return process(w["site"], path, w["engine"], w["profile"], w["exports"])  # type: ignore[arg-type]


def outcomes(site: Site, files: list[Path], *, engine: str = "native", profile: str | None = None,
             exports: bool = True, jobs: int = 1, cache_dir: Path | None = None) -> Iterator[Outcome]:
    """Outcomes in file order: from the cache where inputs are unchanged, else computed (in `jobs`
    worker processes when > 1). Parallel and serial runs give the same outcomes."""
    store = Cache(cache_dir, fingerprint(engine, profile, exports) + site.source.sha256) if cache_dir else None
    keys = [store.key(p) for p in files] if store else [None] * len(files)
    cached = [store.get(k) if store and k else None for k in keys]
    todo = [p for p, hit in zip(files, cached, strict=True) if hit is None]
    if jobs > 1 and len(todo) > 1:
        pool = multiprocessing.get_context("fork").Pool(jobs, _init_worker, (site, engine, profile, exports))
        computed: Iterator[Outcome] = pool.imap(_work, todo, chunksize=max(1, min(64, len(todo) // (jobs * 8))))
    else:
        pool = None
        _init_worker(site, engine, profile, exports)
        computed = map(_work, todo)
    try:
        for key, hit in zip(keys, cached, strict=True):
            outcome = hit if hit is not None else next(computed)
            if store and key and hit is None:
                store.put(key, outcome)
            yield outcome
    finally:
        if pool is not None:
            pool.terminate()


def shard_of(path: Path, shards: int) -> int:
    """Stable shard (0-based) of a facts file: by its name, so adding files never moves others."""
    return int.from_bytes(hashlib.sha256(path.name.encode()).digest()[:8], "big") % shards


@dataclass
class BuildResult:
    report: Report
    files: int = 0  # written, or compared with --check
    diff: TreeDiff | None = None


@dataclass
class _Tally:
    """Outcomes gathered in file order: the report, input problems, and whether to keep writing."""

    threshold: Severity = Severity.VIOLATION  # findings at or above it stop the writing
    report: Report = field(default_factory=Report)
    problems: list[Finding] = field(default_factory=list)
    failed: bool = False
    seen: dict[str, str] = field(default_factory=dict)
    ids: list[idlint.Summary] = field(default_factory=list)

    def accept(self, o: Outcome) -> bool:
        """Count one outcome; True while its files may still be written (no problem, no violation)."""
        if o.slug is not None and o.slug in self.seen:
            self.problems.append(duplicate_slug(o.file, o.slug_at, o.slug, self.seen[o.slug]))
            return False
        if o.slug is not None:
            self.seen[o.slug] = o.file
            self.report.articles += 1
            self.report.pages.append(Page(o.slug, o.file, o.page))
        self.problems += o.problems
        self.report.extend(o.findings)
        self.report.triples += o.triples
        if o.ids is not None:
            self.ids.append(o.ids)
        self.failed = self.failed or any(f.severity >= self.threshold for f in o.findings)
        return not (self.problems or self.failed)

    def finish(self, base_iri: str) -> None:
        """The site-wide @id lint joins the report."""
        found = idlint.lint(self.ids, base_iri)
        self.report.extend(found)
        self.report.threshold = self.threshold
        self.failed = self.failed or any(f.severity >= self.threshold for f in found)

    def raise_problems(self) -> None:
        if self.problems:
            raise InputError(f"{len(self.problems)} problem(s) in the facts files", self.problems)


def validate(data: Path, only: list[Path] | None = None, *, jobs: int = 1, engine: str = "native",
             profile: str | None = None, cache_dir: Path | None = None,
             progress: Callable[[int, int], None] | None = None) -> tuple[Report, list[Finding]]:
    """Check a corpus (or just `only`) against the schema, every shape family and the @id lint,
    streaming. Returns the report and the input problems (files that could not be checked): a
    broken file does not hide what the shapes say about the others."""
    site, files = site_and_files(data, only)
    tally = _Tally()
    stream = outcomes(site, files, engine=engine, profile=profiles.resolve(profile), exports=False, jobs=jobs,
                      cache_dir=cache_dir)
    for done, o in enumerate(stream, 1):
        if progress:
            progress(done, len(files))
        tally.accept(o)
    tally.finish(site.base_iri)
    return tally.report, tally.problems


def build(data: Path, out: Path, *, write: bool = True, jobs: int = 1, engine: str = "native",
          profile: str | None = None, fail_on: Severity = Severity.VIOLATION, shard: tuple[int, int] | None = None,
          cache_dir: Path | None = None, progress: Callable[[int, int], None] | None = None) -> BuildResult:
    """Validate then export a corpus, streaming. With input errors or findings at or above `fail_on`
    nothing is written; with write=False the exports on disk are compared with a fresh build instead.

    shard=(k, n) builds only the files in shard k of n (1-based), for splitting a site across CI jobs.
    """
    site, files = site_and_files(data)
    if shard is not None:
        k, n = shard
        files = [p for p in files if shard_of(p, n) == k - 1]
    tally = _Tally(threshold=fail_on)
    summaries = [GraphSummary(g.iri, len(g), g.kind) for g in bundled_graphs()]
    sources: dict[str, Source] = {}
    target: TreeWriter | TreeChecker = TreeWriter(out) if write else TreeChecker(out)
    try:
        nq = target.open(CORPUS_FILE)
        nq.write(nquads(ONTOLOGY_IRI, ontology_triples()))
        stream = outcomes(site, files, engine=engine, profile=profiles.resolve(profile), jobs=jobs,
                          cache_dir=cache_dir)
        for done, o in enumerate(stream, 1):
            if progress:
                progress(done, len(files))
            if not tally.accept(o):
                continue  # keep checking the rest; nothing will be written
            for name, content in o.files.items():
                target.add(name, content)
            nq.write(o.quads)
            summaries.append(GraphSummary(o.graph_iri, o.triples, "article"))
            sources[o.graph_iri] = Source(o.file, None, {}, o.sha256)
        tally.raise_problems()
        tally.finish(site.base_iri)
        report, failed = tally.report, tally.failed
        if not failed:
            target.add(VOID_FILE, void_file(description(site, summaries, sources)))
        if isinstance(target, TreeChecker):
            return BuildResult(report, files=target.count, diff=None if failed else target.diff())
        if failed:
            target.abort()
            return BuildResult(report)
        target.commit()
        return BuildResult(report, files=target.count)
    except BaseException:
        if isinstance(target, TreeWriter):
            target.abort()
        raise


def illustrate(report: Report, data: Path, engine: str = "native") -> None:
    """Give each page of a report its picture and JSON-LD (for the html report): SVG where Graphviz
    is installed, else the Mermaid source. Compiles the articles again, so only reports for people pay."""
    corpus, _ = load_valid(data)
    svg = picture.has_graphviz()
    pages = []
    for article in corpus.articles:
        c = compile_article(corpus.site, article)
        pic = picture.build(c.medkg.graph, c.medkg.page)
        drawing = picture.svg(picture.dot(pic)) if svg else picture.mermaid(pic)
        pages.append(Page(article.slug, article.source.file, str(c.medkg.page), drawing,
                          "svg" if svg else "mermaid", jsonld_text(c.schema_triples) + "\n"))
    report.pages = pages
