"""`kg load`, `kg query` and `kg publish`: the checked build into a store, and queries on it."""

from __future__ import annotations

import shlex
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from kg.cli.exits import EXIT_CODES_HELP, Verdict, command
from kg.cli.options import data_option, run_options, store_option, timestamp_option
from kg.cli.output import emit, err
from kg.cli.remote import remote, show, timeout_option
from kg.core.findings import Severity
from kg.core.options import RunOptions
from kg.export.files import CORPUS_FILE
from kg.flow.dataset import Dataset, dataset
from kg.reports.context import RenderContext
from kg.reports.text import summary
from kg.stores import embedded
from kg.stores import publish as publishing
from kg.stores.chunked import DEFAULT_CHUNK_MB, Limits
from kg.stores.gsp import SERVERS, GraphStore, Target, auth_from_env, check_endpoint, session
from kg.stores.query import FORMATS as QUERY_FORMATS
from kg.stores.query import query_endpoint, query_store, read_query


def _checked(data: Path, options: RunOptions, timestamp: bool) -> Dataset:
    """The build's named graphs through the flow and its gate; a failing report goes to stderr."""
    when = datetime.now(UTC).replace(microsecond=0) if timestamp else None
    ds = dataset(data, options, timestamp=when)
    threshold = options.fail_on
    if ds.result.failed(threshold):
        emit(ds.result, "text", RenderContext(threshold), to_stderr=True)
        failing = (
            f"{ds.result.count(Severity.VIOLATION)} violations"
            if threshold is Severity.VIOLATION
            else f"{ds.result.failing(threshold)} at or above {threshold.label}"
        )
        err(f"{failing}; nothing was loaded or published")
    else:
        err(summary(ds.result))
    return ds


def _graph_line(iri: str, triples: int) -> str:
    return f"  {triples:>7} triples  <{iri}>"


def _progress(iri: str, triples: int | None) -> None:
    """One line per graph stored (its triples) or dropped (None), as load and publish go."""
    err(f"  dropped <{iri}> (no longer in the build)" if triples is None else _graph_line(iri, triples))


@click.command(epilog=EXIT_CODES_HELP)
@command()
@data_option
@store_option
@timestamp_option
@run_options
def load(data: Path, store_dir: Path, timestamp: bool, options: RunOptions) -> Verdict | None:
    """Validate, then load the build into the embedded store: one named graph per article, the
    ontology, the shapes and the dataset description; each graph replaced in one transaction."""
    started = time.perf_counter()
    ds = _checked(data, options, timestamp)
    if not ds.graphs:
        return Verdict(ds.result, options.fail_on)
    loaded = embedded.load(embedded.open_store(store_dir), ds.graphs, owned_prefix=ds.owned_prefix, progress=_progress)
    err(
        f"{len(loaded.published)} graphs, {sum(loaded.published.values())} triples loaded into {store_dir}/ "
        f"in {time.perf_counter() - started:.2f} s; {loaded.verified} graphs read back and verified"
    )
    return None


@click.command(epilog=EXIT_CODES_HELP)
@command()
@click.argument("sparql", metavar="QUERY|@FILE.rq")
@store_option
@click.option("--endpoint", help="SPARQL query endpoint URL (e.g. http://localhost:7878/query) instead of --store.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(QUERY_FORMATS)),
    default="table",
    show_default=True,
    help="table: aligned text (CONSTRUCT: N-Triples); csv and json: SPARQL 1.1 results formats.",
)
@timeout_option(30.0, "Seconds for the whole exchange with the endpoint (retries and the whole answer included).")
def query(sparql: str, store_dir: Path, endpoint: str | None, fmt: str, timeout: float) -> None:
    """Run a SPARQL query (text, or @file.rq) on the embedded store or a SPARQL endpoint.

    On the embedded store a query without GRAPH sees the union of all named graphs, and runs without
    network access: a query with SERVICE (a call to another endpoint) is refused (exit 2)."""
    text = read_query(sparql)
    if endpoint:
        check_endpoint(endpoint)
        http = session(retries=3, auth=auth_from_env())
        remote(http, lambda h: query_endpoint(endpoint, text, h, timeout=timeout), QUERY_FORMATS[fmt])
    else:
        show(QUERY_FORMATS[fmt](query_store(embedded.open_store(store_dir, read_only=True), text)))


def _resume_command(client: GraphStore, folder: Path, limits: Limits, timeout: float) -> str:
    """The command that resumes a chunked publish: same server, folder and chunking (chunks are
    recognised by their bytes, so other chunk limits would send everything again)."""
    target = client.target
    args = ["kg", "publish", "--endpoint", target.endpoint, "--server", target.server]
    args += ["--dataset", target.dataset] if target.dataset else []
    args += ["--gsp-path", target.gsp_path] if target.gsp_path else []
    args += ["--bulk", "--exports", str(folder), "--timeout", f"{timeout:g}", "--chunk-mb", str(limits.max_bytes >> 20)]
    args += ["--chunk-graphs", str(limits.max_graphs)] if limits.max_graphs else []
    return shlex.join(args)


def _publish_folder(
    client: GraphStore, folder: Path, limits: Limits, resume: bool, timeout: float, started: float
) -> None:
    done = publishing.publish_folder(
        client,
        folder,
        limits=limits,
        resume=resume,
        resume_command=_resume_command(client, folder, limits, timeout),
        progress=err,
    )
    err(
        f"{done.quads} quads ({folder / CORPUS_FILE}, {done.chunks} chunks"
        + (f", {done.skipped} of them sent by an earlier run" if done.skipped else "")
        + f") and {len(done.summary.published)} graphs ({sum(done.summary.published.values())} triples) "
        f"published to {done.url} in {time.perf_counter() - started:.2f} s; {done.verified} graphs read back "
        "and verified"
    )


@click.command(epilog=EXIT_CODES_HELP)
@command()
@click.option("--endpoint", required=True, help="Root URL of the server, e.g. http://localhost:7878.")
@click.option(
    "--server",
    type=click.Choice(list(SERVERS)),
    default="oxigraph",
    show_default=True,
    help="Graph Store path convention: oxigraph /store, fuseki /{dataset}/data, graphdb "
    "/repositories/{dataset}/rdf-graphs/service, virtuoso /sparql-graph-crud-auth.",
)
@click.option("--dataset", "dataset_name", help="Fuseki dataset or GraphDB repository name ({dataset} in the path).")
@click.option("--gsp-path", help="Graph Store endpoint path, overriding --server's convention.")
@click.option("--dry-run", is_flag=True, help="Write nothing: per graph, the triples a publish would add and remove.")
@click.option(
    "--bulk",
    is_flag=True,
    help="One N-Quads POST with every graph (first loads: it adds, never removes); with --exports, "
    "chunks of kg.nq that replace their graphs.",
)
@timeout_option(
    30.0, "Seconds for each request, whole: retries, redirects and the full answer (a chunk's upload) included."
)
@click.option(
    "--retries",
    type=click.IntRange(0, 20),
    default=5,
    show_default=True,
    help="Retries (with backoff) on connection errors and 5xx answers.",
)
@click.option(
    "--exports",
    "exports_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="With --bulk: publish this build folder's kg.nq and void.ttl as written, without rebuilding.",
)
@click.option(
    "--chunk-mb",
    type=click.IntRange(min=1),
    default=DEFAULT_CHUNK_MB,
    show_default=True,
    help="With --exports: kg.nq goes in chunks of whole graphs of about this size, each replacing its graphs.",
)
@click.option(
    "--chunk-graphs",
    type=click.IntRange(min=0),
    default=0,
    help="With --exports: at most this many graphs a chunk (0: no limit).",
)
@click.option(
    "--no-resume",
    is_flag=True,
    help="With --exports: send every chunk, also those an earlier failed run had sent (its journal: .kg/publish/).",
)
@data_option
@timestamp_option
@run_options
def publish(
    endpoint: str,
    server: str,
    dataset_name: str | None,
    gsp_path: str | None,
    dry_run: bool,
    bulk: bool,
    timeout: float,
    retries: int,
    exports_dir: Path | None,
    chunk_mb: int,
    chunk_graphs: int,
    no_resume: bool,
    data: Path,
    timestamp: bool,
    options: RunOptions,
) -> Verdict | None:
    """Validate, then PUT each named graph to a SPARQL 1.1 Graph Store Protocol endpoint.

    Credentials come only from the environment: KG_STORE_TOKEN (Bearer) or KG_STORE_USER and
    KG_STORE_PASSWORD (Basic; Digest for virtuoso). A failure part-way exits 3 naming the graphs
    published and not published; re-running completes the job (PUT replaces each graph)."""
    started = time.perf_counter()
    target = Target(endpoint, server, dataset_name, gsp_path)
    mode = publishing.mode_of(dry_run=dry_run, bulk=bulk, exports=exports_dir, timestamp=timestamp)
    client = GraphStore(target, auth=auth_from_env(digest=target.kind.digest), timeout=timeout, retries=retries)
    if exports_dir is not None:
        limits = Limits(chunk_mb << 20, chunk_graphs)
        remote(client, lambda c: _publish_folder(c, exports_dir, limits, not no_resume, timeout, started))
        return None
    ds = _checked(data, options, timestamp)
    if not ds.graphs:
        return Verdict(ds.result, options.fail_on)
    done = remote(client, lambda c: publishing.publish(c, mode, ds, progress=_progress))
    if mode is publishing.Mode.DRY_RUN:
        show("\n".join(publishing.dry_run_table(done.changes)) + "\n")
        return None
    dropped = f", {len(done.summary.dropped)} stale graphs dropped" if done.summary.dropped else ""
    err(
        f"{len(done.summary.published)} graphs, {sum(done.summary.published.values())} triples published{dropped} "
        f"to {done.url} in {time.perf_counter() - started:.2f} s; {done.verified} graphs read back and verified"
    )
    return None
