"""`kg publish --bulk --exports` in chunks (issue [scale2] 4), against the real Oxigraph server: a
chunked publish holds exactly what one POST of kg.nq holds, each chunk replaces its graphs, and a run
stopped by a server killed mid-publish names what is published and resumes where it stopped."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from click.testing import Result
from oxserver import OxigraphServer, free_port

from benchmarks.corpus import write as write_corpus
from kg.export.files import CORPUS_FILE
from kg.stores import chunked
from kg.stores.chunked import ChunkedPublishError, Limits
from kg.stores.gsp import GraphStore, Target
from kg.stores.nqchunks import split
from kg.stores.publish import publish_folder
from kg.stores.verify import lines_of_ox

pytestmark = pytest.mark.slow

ARTICLES = 12


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of a small generated corpus: the ontology and 12 article graphs in kg.nq."""
    from click.testing import CliRunner

    from kg.cli.main import main

    root = tmp_path_factory.mktemp("chunked")
    data = write_corpus(root, ARTICLES, seed=7, violation_rate=0.0)
    result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(root / "exports"), "--no-cache"])
    assert result.exit_code == 0, result.output
    return root / "exports"


@pytest.fixture(scope="module")
def one_post(exports: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """The reference: what a server holds after one raw POST of the whole kg.nq, per graph."""
    server = OxigraphServer(tmp_path_factory.mktemp("reference") / "db").start()
    try:
        body = (exports / CORPUS_FILE).read_bytes()
        requests.post(
            f"{server.url}/store", data=body, headers={"Content-Type": "application/n-quads"}, timeout=60
        ).raise_for_status()
        return held(server.url)
    finally:
        server.stop()


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path / "oxigraph").start()
    yield server
    server.stop()


def held(url: str) -> dict[str, set[str]]:
    """Every named graph the server holds, as canonical N-Triples lines (blank nodes by structure)."""
    answer = requests.post(
        f"{url}/query",
        data="SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        timeout=30,
    )
    answer.raise_for_status()
    store = GraphStore(Target(url))
    try:
        iris = [b["g"]["value"] for b in answer.json()["results"]["bindings"]]
        return {iri: lines_of_ox(store.held(iri)) for iri in iris}
    finally:
        store.close()


def without_description(graphs: dict[str, set[str]]) -> dict[str, set[str]]:
    return {iri: lines for iri, lines in graphs.items() if not iri.endswith("/graph/void")}


def chunks_of(exports: Path, limits: Limits) -> int:
    corpus = exports / CORPUS_FILE
    return len(list(split(corpus.read_bytes(), corpus, max_bytes=limits.max_bytes, max_graphs=limits.max_graphs)))


@pytest.mark.parametrize(
    ("args", "limits"),
    [((), Limits()), (("--chunk-graphs", "1"), Limits(64 << 20, 1)), (("--chunk-mb", "1"), Limits(1 << 20))],
)
def test_a_chunked_publish_holds_exactly_what_one_post_holds(
    kg: Callable[..., Result],
    exports: Path,
    one_post: dict[str, set[str]],
    oxigraph: OxigraphServer,
    args: tuple[str, ...],
    limits: Limits,
) -> None:
    result = kg("publish", "--endpoint", oxigraph.url, "--bulk", "--exports", exports, *args)
    assert result.exit_code == 0, result.stderr
    chunks = chunks_of(exports, limits)
    assert chunks == {(): 1, ("--chunk-graphs", "1"): len(one_post)}.get(args, 2)  # kg.nq: 2 MB
    assert f"({exports / CORPUS_FILE}, {chunks} chunks) and 1 graphs" in result.stderr
    assert f"  chunk {chunks}/{chunks}: " in result.stderr
    assert without_description(held(oxigraph.url)) == one_post
    assert not (Path(".kg/publish").exists() and any(Path(".kg/publish").iterdir()))  # nothing left to resume


def test_each_chunk_replaces_its_graphs_where_a_post_would_add(
    kg: Callable[..., Result], exports: Path, one_post: dict[str, set[str]], oxigraph: OxigraphServer
) -> None:
    article = next(iri for iri in one_post if "/graph/" in iri)
    stale = f"<urn:stale> <urn:was> <urn:there> <{article}> .\n<urn:other> <urn:tool> <urn:data> <urn:graph:other> .\n"
    requests.post(
        f"{oxigraph.url}/store", data=stale, headers={"Content-Type": "application/n-quads"}, timeout=10
    ).raise_for_status()
    result = kg("publish", "--endpoint", oxigraph.url, "--bulk", "--exports", exports, "--chunk-graphs", "4")
    assert result.exit_code == 0, result.stderr
    now = without_description(held(oxigraph.url))
    assert now.pop("urn:graph:other") == {"<urn:other> <urn:tool> <urn:data> .\n"}  # not medkg's: untouched
    assert now == one_post  # the stale triple in the article's graph is gone


def test_a_server_killed_mid_publish_names_the_graphs_and_a_rerun_resumes(
    kg: Callable[..., Result], exports: Path, one_post: dict[str, set[str]], tmp_path: Path
) -> None:
    port = free_port()
    server = OxigraphServer(tmp_path / "db", port).start()
    killed_after = 3

    def kill_after_three(line: str) -> None:
        if line.startswith(f"  chunk {killed_after}/"):
            server.kill()

    store = GraphStore(Target(server.url), retries=0, timeout=5)
    with pytest.raises(ChunkedPublishError) as failure:
        publish_folder(
            store, exports, limits=Limits(1 << 20, 2), resume_command="kg publish …", progress=kill_after_three
        )
    store.close()
    error = failure.value
    assert len(error.published) == 2 * killed_after
    assert len(error.partial) == 2
    assert len(error.published) + len(error.partial) + len(error.pending) == len(one_post)
    text = str(error)
    assert f"published ({2 * killed_after} graphs): https://w3id.org/medkg, " in text
    assert "in the failed chunk, absent or partial on the server (2): " in text
    assert "resume with: kg publish …" in text
    assert set(one_post) == {*error.published, *error.partial, *error.pending}

    server = OxigraphServer(tmp_path / "db", port).start()  # the same store, back up
    try:
        result = kg(
            "publish", "--endpoint", server.url, "--bulk", "--exports", exports, "--chunk-mb", "1",
            "--chunk-graphs", "2",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        chunks = chunks_of(exports, Limits(1 << 20, 2))
        assert f"resuming: {killed_after} of {chunks} chunks ({2 * killed_after} graphs) were acknowledged" in (
            result.stderr
        )
        assert f"  chunk {killed_after}/" not in result.stderr  # not sent again
        assert f"  chunk {killed_after + 1}/{chunks}: " in result.stderr
        assert f", {killed_after} of them sent by an earlier run)" in result.stderr
        assert without_description(held(server.url)) == one_post
    finally:
        server.stop()


def test_a_failed_chunk_exits_3_with_the_command_that_resumes(kg: Callable[..., Result], exports: Path) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    result = kg("publish", "--endpoint", endpoint, "--bulk", "--exports", exports, "--retries", "0", "--timeout", "2")
    assert result.exit_code == 3
    graphs = next(split((exports / CORPUS_FILE).read_bytes(), exports, max_bytes=1 << 30)).graphs
    assert f"chunk 1/1: dropping its {graphs} graphs: cannot reach" in result.stderr
    assert "published (0 graphs): none\n" in result.stderr
    assert f"in the failed chunk, absent or partial on the server ({graphs}): https://w3id.org/medkg, " in result.stderr
    assert (
        f"resume with: kg publish --endpoint {endpoint} --server oxigraph --bulk --exports {exports} "
        "--timeout 2 --chunk-mb 64  (the chunks" in result.stderr
    )
    assert "Traceback" not in result.output


def test_a_journal_counts_only_the_very_bytes_it_acknowledged(exports: Path, tmp_path: Path) -> None:
    """A rebuilt kg.nq whose chunk changed is sent again: the journal knows chunks by their SHA-256."""
    corpus = exports / CORPUS_FILE
    journal = chunked.Journal.open(tmp_path, "http://x/store", corpus, resume=True)
    body = corpus.read_bytes()
    first = next(split(body, corpus, max_bytes=1))
    journal.acknowledge(first)
    again = chunked.Journal.open(tmp_path, "http://x/store", corpus, resume=True)
    assert again.done == {first.digest}
    assert chunked.Journal.open(tmp_path, "http://x/store", corpus, resume=False).done == set()
    assert chunked.Journal.open(tmp_path, "http://y/store", corpus, resume=True).done == set()
    changed = body.replace(b"<https://w3id.org/medkg#", b"<https://w3id.org/medkg#X", 1)
    assert next(split(changed, corpus, max_bytes=1)).digest not in again.done


@pytest.mark.parametrize("server", ["virtuoso", "generic"])
def test_servers_without_an_n_quads_endpoint_are_refused_before_anything_is_sent(
    kg: Callable[..., Result], exports: Path, server: str
) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"  # nothing listens: a request would be exit 3, not 2
    result = kg(
        "publish", "--endpoint", endpoint, "--server", server, "--gsp-path", "/gsp", "--bulk", "--exports", exports
    )
    assert result.exit_code == 2, result.output
    assert f"--bulk is not available for --server {server}; publish without --bulk" in result.stderr


def test_graphs_are_counted_in_batches_as_they_are_held(
    exports: Path, oxigraph: OxigraphServer, tmp_path: Path
) -> None:
    store = GraphStore(Target(oxigraph.url))
    try:
        publish_folder(store, exports, journals=tmp_path / "journals")
        iris = [*sorted(held(oxigraph.url)), "urn:graph:absent"]
        assert store.counts(iris, batch=3) == {iri: len(store.held(iri)) for iri in iris[:-1]}
    finally:
        store.close()


def test_a_resume_into_a_wiped_store_is_caught_by_the_count_back(
    kg: Callable[..., Result], exports: Path, tmp_path: Path
) -> None:
    """The journal says 2 chunks are in; the store lost them: the verification names those graphs."""
    port = free_port()
    server = OxigraphServer(tmp_path / "db", port).start()

    def kill_after_two(line: str) -> None:
        if line.startswith("  chunk 2/"):
            server.kill()

    store = GraphStore(Target(server.url), retries=0, timeout=5)
    with pytest.raises(ChunkedPublishError) as failure:
        publish_folder(store, exports, limits=Limits(1 << 20, 2), progress=kill_after_two)
    store.close()
    wiped = OxigraphServer(tmp_path / "another-db", port).start()
    try:
        result = kg(
            "publish", "--endpoint", wiped.url, "--bulk", "--exports", exports, "--chunk-mb", "1", "--chunk-graphs", "2"
        )  # fmt: skip
    finally:
        wiped.stop()
    assert result.exit_code == 3, result.output
    assert f"does not hold what was sent in {len(failure.value.published)} graphs:" in result.stderr
    assert f"<{failure.value.published[0]}>: holds 0 triples, " in result.stderr
