"""The `kg` command: parses options, calls the library, renders results, maps errors to exit codes.

Exit codes: 0 clean; 1 validation failed (findings at or above --fail-on; for build, violations);
2 bad input or usage; 3 I/O or network failure.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.check.families import ENGINES
from kg.core import profiles
from kg.core.errors import InputError, KgError, NetworkError, OutputError
from kg.core.findings import Report, Severity
from kg.core.fsio import write_new
from kg.diff import diff, git
from kg.diff.diff import stale_summary
from kg.export.dataset import VOID_FILE, NamedGraph
from kg.flow.pipeline import CORPUS_FILE, bundled_graphs, compile_article, illustrate, named_graphs, void_from
from kg.flow.pipeline import build as run_build
from kg.flow.pipeline import check as run_check
from kg.flow.pipeline import validate as run_validate
from kg.load import template
from kg.load.facts import load_corpus, load_valid
from kg.reports import picture, render
from kg.stores.embedded import DEFAULT_STORE, open_store
from kg.stores.embedded import load as load_store
from kg.stores.gsp import SERVERS, GraphStore, Target, auth_from_env, check_endpoint, publish_bulk, publish_exports
from kg.stores.gsp import diff as gsp_diff
from kg.stores.gsp import publish as gsp_publish
from kg.stores.gsp import session as gsp_session
from kg.stores.query import FORMATS as QUERY_FORMATS
from kg.stores.query import query_endpoint, query_store, read_query

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_IO = 0, 1, 2, 3
EXIT_CODES_HELP = """Exit codes: 0 clean; 1 findings at or above --fail-on (default: violations;
for build --check also stale exports); 2 bad input or usage (unreadable or schema-invalid facts, unknown
slug or revision, Graphviz missing for svg); 3 I/O or network failure."""


def _err(message: str) -> None:
    click.echo(message, err=True)


def _emit_report(report: Report, fmt: str, *, to_stderr: bool = False) -> None:
    """Reports are data (stdout); a text report that explains a failure is a message (stderr)."""
    stream = sys.stderr if to_stderr and fmt == "text" else sys.stdout
    if fmt == "text":
        click.echo(render.text(report, colour=stream.isatty()), nl=False, file=stream)
    else:
        click.echo(render.RENDERERS[fmt](report), nl=False)


@contextmanager
def _exit_codes(fmt: str = "text") -> Iterator[None]:
    """The one place where library errors become exit codes."""
    try:
        yield
    except InputError as e:
        if e.findings:
            _emit_report(Report(findings=e.findings), fmt, to_stderr=True)
        else:
            _err(f"error: {e}")
        sys.exit(EXIT_INPUT)
    except (OutputError, NetworkError) as e:
        _err(f"error: {e}")
        sys.exit(EXIT_IO)
    except KgError as e:  # pragma: no cover - every KgError subclass is handled above
        _err(f"error: {e}")
        sys.exit(EXIT_IO)


_data_option = click.option("--data", "data", type=click.Path(path_type=Path), default=Path("data"),
                             show_default=True, help="Folder with site.yaml and articles/.")
_profile_option = click.option(
    "--profile", type=click.Choice([*profiles.available(), profiles.NONE]), default=profiles.default(),
    show_default=True, help="Google structured-data profile (dated rules); 'none' turns it off.")
_format_option: Callable[[Any], Any] = click.option(
    "--format", "fmt", type=click.Choice(sorted(render.RENDERERS)), default="text", show_default=True,
    help="Report format: text (people), json (docs/report.schema.json), junit, sarif, github "
         "(workflow annotations), html (one self-contained page).")
_fail_on_option: Callable[[Any], Any] = click.option(
    "--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation", show_default=True,
    help="Lowest severity that makes the command exit 1.")


def _prepare(report: Report, data: Path, fmt: str, fail_on: str, engine: str) -> Report:
    """What a format needs beyond the findings: paths from the repository root (sarif, github),
    pictures and JSON-LD (html)."""
    report.threshold = Severity.parse(fail_on)
    if fmt in ("sarif", "github"):
        report.source_prefix = git.prefix()
    if fmt == "html":
        illustrate(report, data, engine)
    return report


@click.group(epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="medkg")
def main() -> None:
    """medkg: facts of medical articles → validated knowledge graph → JSON-LD, Turtle, N-Quads."""


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter("write K/N with 1 <= K <= N, e.g. 2/8")
    return int(k), int(n)


_jobs_option = click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
                            help="Worker processes (0: one per CPU). Output is the same for any number.")
_engine_option = click.option("--engine", type=click.Choice(ENGINES), default="native", show_default=True,
                              help="SHACL engine: the compiled one, or pySHACL (the reference; slower).")


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing in CI logs."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(unit="article", file=sys.stderr, leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()


@main.command(epilog=EXIT_CODES_HELP)
@_data_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("exports"), show_default=True,
              help="Export folder; replaced as a whole, never left half-written.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if the exports on disk differ from a fresh build, saying how.")
@_format_option
@_fail_on_option
@_jobs_option
@click.option("--shard", callback=_shard, metavar="K/N",
              help="Build only shard K of N (a stable split by file name), e.g. one CI job each.")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path), default=Path(".kg/cache"),
              show_default=True, help="Cache of per-article results for fast rebuilds.")
@click.option("--no-cache", is_flag=True, help="Recompute every article.")
@_engine_option
@_profile_option
def build(data: Path, out: Path, check_only: bool, fmt: str, fail_on: str, jobs: int, shard: tuple[int, int] | None,
          cache_dir: Path, no_cache: bool, engine: str, profile: str | None) -> None:
    """Validate the facts, then write JSON-LD, HTML snippets, Turtle and kg.nq.

    Nothing is written when a finding is at or above --fail-on (violations by default;
    --fail-on warning also refuses to publish pages with warnings)."""
    started = time.perf_counter()
    with _exit_codes(fmt), _progress(fmt == "text") as progress:
        result = run_build(data, out, write=not check_only, jobs=jobs or os.cpu_count() or 1, engine=engine,
                           profile=profile, fail_on=Severity.parse(fail_on), shard=shard,
                           cache_dir=None if no_cache else cache_dir, progress=progress)
        report = _prepare(result.report, data, fmt, fail_on, engine)
    _emit_report(report, fmt, to_stderr=True)
    if report.fails():
        _err(f"build failed: {_failing(report)} at or above {fail_on}; nothing was written")
        sys.exit(EXIT_FINDINGS)
    tree = result.diff
    if tree is not None:
        if not tree.clean:
            for label, names in (("changed", tree.changed), ("missing", tree.missing), ("not built", tree.extra)):
                for name in names:
                    _err(f"  {label}: {out / name}")
                    if label == "changed" and name in tree.fresh:
                        for line in stale_summary(name, (out / name).read_bytes(), tree.fresh[name]):
                            _err(f"      {line}")
            _err(f"{out} is stale: run 'kg build' and commit the result")
            sys.exit(EXIT_FINDINGS)
        _err(f"{out} is up to date ({result.files} files)")
        return
    _err(f"{result.files} files written to {out}/ in {time.perf_counter() - started:.2f} s")


def _failing(report: Report) -> str:
    counts = [f"{report.count(s)} {s.label}{'s' if report.count(s) != 1 else ''}"
              for s in sorted(Severity, reverse=True) if s >= report.threshold and report.count(s)]
    return ", ".join(counts)


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_data_option
@_format_option
@_fail_on_option
@_jobs_option
@_engine_option
@_profile_option
def validate(paths: tuple[Path, ...], data: Path, fmt: str, fail_on: str, jobs: int, engine: str,
             profile: str | None) -> None:
    """Check facts files (default: every article in --data) against the schema and the shapes.

    A facts file that breaks the schema is reported with the others' findings and makes the
    command exit 2 (bad input); otherwise findings at or above --fail-on make it exit 1."""
    with _exit_codes(fmt), _progress(fmt == "text") as progress:
        for p in paths:
            if not p.exists():
                raise InputError(f"{p}: no such file")
        report, bad = run_validate(data, sorted(paths) if paths else None, jobs=jobs or os.cpu_count() or 1,
                                   engine=engine, profile=profile, progress=progress)
        report.extend(bad)
        report = _prepare(report, data, fmt, fail_on, engine)
    _emit_report(report, fmt, to_stderr=bool(bad))
    if bad:
        sys.exit(EXIT_INPUT)
    if report.fails():
        sys.exit(EXIT_FINDINGS)


# --- [seo] commands ---


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("source")
@click.option("--against", type=click.Path(path_type=Path, dir_okay=False),
              help="An export (exports/<slug>.jsonld) to compare the page with: report the drift.")
@_format_option
@_profile_option
@_fail_on_option
@click.option("--timeout", type=click.FloatRange(min=0.01), default=10.0, show_default=True,
              help="Seconds for the whole page: connecting, redirects, retries and every byte.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=5_000_000, show_default=True,
              help="Largest page read; a larger one is abandoned (exit 3).")
@click.option("--max-redirects", type=click.IntRange(min=0), default=5, show_default=True,
              help="Most redirects followed; more is a failure (exit 3).")
@click.option("--allow-private", is_flag=True, help="Also fetch loopback, private and link-local addresses.")
def audit(source: str, against: Path | None, fmt: str, profile: str, fail_on: str, timeout: float, max_bytes: int,
          max_redirects: int, allow_private: bool) -> None:
    """Check the structured data of a live page (URL) or a local .html/.jsonld file: JSON-LD syntax,
    schema.org conformance, the Google profile and, with --against, drift from an export."""
    from kg.audit.audit import audit as run_audit
    from kg.audit.fetch import Limits

    with _exit_codes(fmt):
        report = run_audit(source, against=against, profile=profiles.resolve(profile),
                           limits=Limits(timeout, max_bytes, max_redirects, allow_private=allow_private))
    _emit_report(report, fmt)
    if report.fails(Severity.parse(fail_on)):
        sys.exit(EXIT_FINDINGS)


# --- [stores] commands ---

_store_option = click.option("--store", "store_dir", type=click.Path(path_type=Path), default=DEFAULT_STORE,
                             show_default=True, help="Folder of the embedded (pyoxigraph) store.")
_timestamp_option = click.option("--timestamp", is_flag=True,
                                 help="Record the current time (dcterms:modified) in the dataset description.")


def _validated_graphs(data: Path, timestamp: bool) -> tuple[list[NamedGraph], str]:
    """The build's named graphs; violations print the report and exit 1 before anything is stored."""
    corpus = load_corpus(data)
    result = run_check(corpus)
    if result.report.fails(Severity.VIOLATION):
        _emit_report(result.report, "text", to_stderr=True)
        _err(f"{result.report.count(Severity.VIOLATION)} violations; nothing was loaded or published")
        sys.exit(EXIT_FINDINGS)
    _err(render.summary(result.report))
    when = datetime.now(UTC).replace(microsecond=0) if timestamp else None
    return named_graphs(result.compiled, corpus.site, timestamp=when), corpus.site.base_iri


def _graph_line(iri: str, triples: int) -> str:
    return f"  {triples:>7} triples  <{iri}>"


@main.command(epilog=EXIT_CODES_HELP)
@_data_option
@_store_option
@_timestamp_option
def load(data: Path, store_dir: Path, timestamp: bool) -> None:
    """Validate, then load the build into the embedded store: one named graph per article, the
    ontology, the shapes and the dataset description; each graph replaced in one transaction."""
    started = time.perf_counter()
    with _exit_codes():
        graphs, base = _validated_graphs(data, timestamp)
        store = open_store(store_dir)
        summary = load_store(store, graphs, owned_prefix=f"{base}graph/",
                             progress=lambda g: _err(_graph_line(g.iri, len(g))))
    for iri in summary.dropped:
        _err(f"  dropped <{iri}> (no longer in the build)")
    _err(f"{len(summary.loaded)} graphs, {sum(summary.loaded.values())} triples loaded into {store_dir}/ "
         f"in {time.perf_counter() - started:.2f} s")


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("sparql", metavar="QUERY|@FILE.rq")
@_store_option
@click.option("--endpoint", help="SPARQL query endpoint URL (e.g. http://localhost:7878/query) instead of --store.")
@click.option("--format", "fmt", type=click.Choice(sorted(QUERY_FORMATS)), default="table", show_default=True,
              help="table: aligned text (CONSTRUCT: N-Triples); csv and json: SPARQL 1.1 results formats.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for the endpoint.")
def query(sparql: str, store_dir: Path, endpoint: str | None, fmt: str, timeout: float) -> None:
    """Run a SPARQL query (text, or @file.rq) on the embedded store or a SPARQL endpoint.

    On the embedded store a query without GRAPH sees the union of all named graphs."""
    with _exit_codes():
        text = read_query(sparql)
        if endpoint:
            check_endpoint(endpoint)
            http = gsp_session(retries=3, auth=auth_from_env())
            results = query_endpoint(endpoint, text, http, timeout=timeout)
        else:
            results = query_store(open_store(store_dir, read_only=True), text)
    click.echo(QUERY_FORMATS[fmt](results), nl=False)


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--endpoint", required=True, help="Root URL of the server, e.g. http://localhost:7878.")
@click.option("--server", type=click.Choice(list(SERVERS)), default="oxigraph", show_default=True,
              help="Graph Store path convention: oxigraph /store, fuseki /{dataset}/data, graphdb "
                   "/repositories/{dataset}/rdf-graphs/service, virtuoso /sparql-graph-crud-auth.")
@click.option("--dataset", help="Fuseki dataset or GraphDB repository name ({dataset} in the path).")
@click.option("--gsp-path", help="Graph Store endpoint path, overriding --server's convention.")
@click.option("--dry-run", is_flag=True, help="Write nothing: per graph, the triples a publish would add and remove.")
@click.option("--bulk", is_flag=True, help="One N-Quads POST with every graph (first loads: it adds, never removes).")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for each answer.")
@click.option("--retries", type=click.IntRange(0, 20), default=5, show_default=True,
              help="Retries (with backoff) on connection errors and 5xx answers.")
@click.option("--exports", "exports_dir", type=click.Path(path_type=Path, file_okay=False),
              help="With --bulk: publish this build folder's kg.nq and void.ttl as written, without rebuilding.")
@_data_option
@_timestamp_option
def publish(endpoint: str, server: str, dataset: str | None, gsp_path: str | None, dry_run: bool, bulk: bool,
            timeout: float, retries: int, exports_dir: Path | None, data: Path, timestamp: bool) -> None:
    """Validate, then PUT each named graph to a SPARQL 1.1 Graph Store Protocol endpoint.

    Credentials come only from the environment: KG_STORE_TOKEN (Bearer) or KG_STORE_USER and
    KG_STORE_PASSWORD (Basic; Digest for virtuoso). A failure part-way exits 3 naming the graphs
    published and not published; re-running completes the job (PUT replaces each graph)."""
    started = time.perf_counter()
    with _exit_codes():
        target = Target(endpoint, server, dataset, gsp_path)
        if dry_run and bulk:
            raise InputError("--dry-run and --bulk cannot be combined")
        client = GraphStore(target, auth=auth_from_env(digest=target.kind.digest), timeout=timeout, retries=retries)
        if exports_dir is not None:
            if not bulk or timestamp or dry_run:
                raise InputError("--exports publishes a build as written: use it with --bulk, without --dry-run "
                                 "or --timestamp")
            quads, summary = publish_exports(client, exports_dir / CORPUS_FILE, [
                *[g for g in bundled_graphs() if g.kind == "shapes"], void_from(exports_dir / VOID_FILE)])
            _err(f"{quads} quads ({exports_dir / CORPUS_FILE}) and {len(summary.published)} graphs "
                 f"({sum(summary.published.values())} triples) published to {target.bulk_url} "
                 f"in {time.perf_counter() - started:.2f} s")
            return
        graphs, base = _validated_graphs(data, timestamp)
        if dry_run:
            changes = gsp_diff(client, graphs, owned_prefix=f"{base}graph/")
            click.echo("  graph" + " " * 50 + "  held   +add  -remove")
            for c in changes:
                click.echo(f"  {c.iri:<55} {c.held:>6} {c.add:>6} {c.remove:>8}")
            click.echo(f"dry run: {sum(c.add for c in changes)} triples to add, "
                       f"{sum(c.remove for c in changes)} to remove, in "
                       f"{sum(1 for c in changes if c.add or c.remove)} of {len(changes)} graphs"
                       "; nothing was written")
            return
        if bulk:
            summary = publish_bulk(client, graphs)
        else:
            summary = gsp_publish(client, graphs, owned_prefix=f"{base}graph/", progress=lambda iri, n: _err(
                f"  dropped <{iri}> (no longer in the build)" if n is None else _graph_line(iri, n)))
    dropped = f", {len(summary.dropped)} stale graphs dropped" if summary.dropped else ""
    _err(f"{len(summary.published)} graphs, {sum(summary.published.values())} triples published{dropped} to "
         f"{target.bulk_url if bulk else target.gsp_url} in {time.perf_counter() - started:.2f} s")


# --- [ci] commands ---

@main.command(epilog=EXIT_CODES_HELP)
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(sorted(diff.FORMATS)), default="text", show_default=True,
              help="text for people, markdown for a pull-request comment (with a Mermaid picture), json.")
@click.option("--exports", default="exports", show_default=True,
              help="Export folder inside a git revision (when OLD or NEW is a revision).")
def diff_command(old: str, new: str, fmt: str, exports: str) -> None:
    """What changed in the published facts between OLD and NEW, per article, in plain language.

    OLD and NEW are export folders, .nq or .ttl files, or git revisions (e.g. HEAD~1 HEAD).
    Built on comparing the medkg graphs, not the text. Exits 0 whether or not facts changed."""
    with _exit_codes():
        changes = diff.compare(diff.load_side(old, exports), diff.load_side(new, exports))
    click.echo(diff.FORMATS[fmt](changes), nl=False)


main.add_command(diff_command, name="diff")


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("slug")
@_data_option
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="File to write (default: <data>/articles/<slug>.yaml; '-' for stdout). Never overwritten.")
def init(slug: str, data: Path, out: Path | None) -> None:
    """Write a commented facts file for a new article, with every section, marked `draft: true`.

    The file is valid against the schema; `kg build` refuses it until a person has filled it in
    and deleted the draft line."""
    with _exit_codes():
        text = template.article(slug)
        if out is not None and str(out) == "-":
            click.echo(text, nl=False)
            return
        target = out or data / "articles" / f"{slug}.yaml"
        write_new(target, text.encode("utf-8"))
    _err(f"wrote {target}: fill it in from the source article, then delete the line 'draft: true'")


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("slug")
@_data_option
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "svg"]), default="mermaid",
              show_default=True, help="mermaid (no install needed), dot (Graphviz source), svg (needs Graphviz).")
def show(slug: str, data: Path, fmt: str) -> None:
    """A picture of one article's graph: the treatment at the centre, edges named by the ontology,
    adverse effects coloured by seriousness."""
    with _exit_codes():
        corpus, bad = load_valid(data)
        found = next((a for a in corpus.articles if a.slug == slug), None)
        if found is None:
            broken = [f for f in bad if f.file.endswith((f"/{slug}.yaml", f"/{slug}.yml", f"/{slug}.json"))]
            if broken:
                raise InputError(f"article '{slug}' cannot be drawn until its facts file is fixed", broken)
            known = ", ".join(sorted(a.slug for a in corpus.articles)) or "none"
            raise InputError(f"no article with slug '{slug}' in {data} (articles: {known})")
        ag = compile_article(corpus, found).medkg
        pic = picture.build(ag.graph, ag.page)
        out = picture.mermaid(pic) if fmt == "mermaid" else picture.dot(pic)
        if fmt == "svg":
            out = picture.svg(out)
    click.echo(out, nl=False)


# --- [extract] commands ---


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("article", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Write the draft to this file (never overwritten) instead of stdout.")
@click.option("--slug", default=None, help="The article's slug (default: derived from the treatment name).")
def extract(article: Path, out: Path | None, slug: str | None) -> None:
    """Draft a facts file from an article (HTML, Markdown or plain text), every fact with its quote.

    The draft is marked `draft: true`; kg build refuses it until a person has reviewed it and
    deleted that line."""
    from kg.extract import extract as run_extract
    from kg.extract import render_yaml

    with _exit_codes():
        if slug is not None and not template.SLUG.fullmatch(slug):
            raise InputError(f"--slug {slug!r}: use lowercase letters and digits joined by single hyphens")
        draft = run_extract(article, slug)
        text = render_yaml(draft)
        if out is None:
            click.echo(text, nl=False)
        else:
            write_new(out, text.encode("utf-8"))
            _err(f"draft written to {out}: {len(draft.quotes())} facts to review, then delete 'draft: true'")
