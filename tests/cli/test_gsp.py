"""kg publish / kg query --endpoint against the real Oxigraph server, and the HTTP client's manners:
idempotent PUTs, dry-run numbers, a server killed mid-publish, retries, and credentials never echoed."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from click.testing import Result
from conftest import REPO
from oxserver import OxigraphServer

from kg.core.options import RunOptions
from kg.export.dataset import NamedGraph
from kg.flow.dataset import dataset
from kg.stores.gsp import GraphStore, Target
from kg.stores.sync import PublishError, publish
from kg.stores.verify import canonical_lines, lines_of_ox

pytestmark = pytest.mark.slow

PASSWORD = "pa55-w0rd-never-shown"
TOKEN = "tok-3fa9c1-never-shown"


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path / "oxigraph").start()
    yield server
    server.stop()


@pytest.fixture
def two_articles(data: Path) -> Path:
    """The sample plus a second article (same facts, another slug), so graphs can change independently."""
    text = (data / "articles/mesotherapy.yaml").read_text(encoding="utf-8")
    (data / "articles/mesotherapy-clinic.yaml").write_text(
        text.replace("slug: mesotherapy\n", "slug: mesotherapy-clinic\n"), encoding="utf-8"
    )
    return data


def graphs_of(data: Path) -> list[NamedGraph]:
    return dataset(data, RunOptions()).graphs


def held(server: OxigraphServer, graphs: list[NamedGraph]) -> dict[str, set[str]]:
    """What the server holds, per graph, as canonical lines (blank nodes compared by structure)."""
    store = GraphStore(Target(server.url))
    try:
        return {g.iri: lines_of_ox(store.held(g.iri)) for g in graphs}
    finally:
        store.close()


def triples_of(g: NamedGraph) -> set[str]:
    return canonical_lines(g.triples)


def test_publish_twice_leaves_the_store_identical(
    kg: Callable[..., Result], data: Path, oxigraph: OxigraphServer
) -> None:
    first = kg("publish", "--endpoint", oxigraph.url, "--data", data)
    assert first.exit_code == 0, first.stderr
    graphs = graphs_of(data)
    total = sum(len(g) for g in graphs)
    assert f"{len(graphs)} graphs, {total} triples published to {oxigraph.url}/store" in first.stderr
    after_first = oxigraph.dataset()
    expected = {g.iri: triples_of(g) for g in graphs}
    assert held(oxigraph, graphs) == expected
    assert after_first.count("\n") == sum(len(t) for t in expected.values())

    again = kg("publish", "--endpoint", oxigraph.url, "--data", data)
    assert again.exit_code == 0, again.stderr
    assert held(oxigraph, graphs) == expected  # the same graphs (blank nodes get new names: isomorphic)
    assert oxigraph.dataset().count("\n") == after_first.count("\n")


def test_changing_one_article_changes_only_its_graph_and_the_description(
    kg: Callable[..., Result], two_articles: Path, oxigraph: OxigraphServer
) -> None:
    assert kg("publish", "--endpoint", oxigraph.url, "--data", two_articles).exit_code == 0
    graphs = graphs_of(two_articles)
    before = held(oxigraph, graphs)

    changed = two_articles / "articles/mesotherapy-clinic.yaml"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace(
            "Being treated by a qualified healthcare provider lowers the risks.",
            "A qualified healthcare provider lowers the risks.",
        ),
        encoding="utf-8",
    )
    dry = kg("publish", "--endpoint", oxigraph.url, "--data", two_articles, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert held(oxigraph, graphs) == before  # the dry run wrote nothing

    assert kg("publish", "--endpoint", oxigraph.url, "--data", two_articles).exit_code == 0
    after = held(oxigraph, graphs_of(two_articles))  # the changed build: same graph names
    differs = sorted(iri for iri in after if after[iri] != before[iri])
    assert differs == ["https://getlabtest.com/graph/mesotherapy-clinic", "https://getlabtest.com/graph/void"]
    for iri in differs:  # the dry run's numbers are the real change
        added, removed = len(after[iri] - before[iri]), len(before[iri] - after[iri])
        row = next(line.split() for line in dry.stdout.splitlines() if line.split()[:1] == [iri])
        assert row[1:] == [str(len(before[iri])), str(added), str(removed)]
    assert "dry run: 2 triples to add, 2 to remove, in 2 of 8 graphs; nothing was written" in dry.stdout
    assert all(row.split()[2:] == ["0", "0"] for row in dry.stdout.splitlines() if "w3id.org" in row)


def test_an_article_removed_from_the_facts_is_dropped_from_the_server(
    kg: Callable[..., Result], two_articles: Path, oxigraph: OxigraphServer
) -> None:
    assert kg("publish", "--endpoint", oxigraph.url, "--data", two_articles).exit_code == 0
    (two_articles / "articles/mesotherapy-clinic.yaml").unlink()
    clinic = "https://getlabtest.com/graph/mesotherapy-clinic"
    dry = kg("publish", "--endpoint", oxigraph.url, "--data", two_articles, "--dry-run")
    assert f"  {clinic:<55}    610      0      610" in dry.stdout
    result = kg("publish", "--endpoint", oxigraph.url, "--data", two_articles)
    assert result.exit_code == 0, result.stderr
    assert f"  dropped <{clinic}> (no longer in the build)" in result.stderr
    graphs = graphs_of(two_articles)
    total = sum(len(g) for g in graphs)
    assert f"{len(graphs)} graphs, {total} triples published, 1 stale graphs dropped to " in result.stderr
    assert oxigraph.dataset().count("\n") == sum(len(g) for g in graphs)
    assert held(oxigraph, graphs) == {g.iri: triples_of(g) for g in graphs}


def test_query_back_over_sparql(kg: Callable[..., Result], two_articles: Path, oxigraph: OxigraphServer) -> None:
    assert kg("publish", "--endpoint", oxigraph.url, "--data", two_articles).exit_code == 0
    result = kg(
        "query",
        "--endpoint",
        f"{oxigraph.url}/query",
        "@" + str(REPO / "queries/shared-ingredients.rq"),
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ingredient,articles,treatments",
        "Amino acids,2,Mesotherapy",
        "Hyaluronic acid,2,Mesotherapy",
        "Minerals,2,Mesotherapy",
        "Peptides,2,Mesotherapy",
        "Phosphatidylcholine,2,Mesotherapy",
        "Vitamins,2,Mesotherapy",
    ]


def test_server_killed_mid_publish_exits_3_and_a_rerun_completes(
    kg: Callable[..., Result], two_articles: Path, tmp_path: Path
) -> None:
    server = OxigraphServer(tmp_path / "killed").start()
    graphs = graphs_of(two_articles)
    store = GraphStore(Target(server.url), retries=1, backoff=0.01, timeout=5)
    with pytest.raises(PublishError) as failure:
        publish(store, graphs, progress=lambda iri, n: server.kill())
    store.close()
    assert failure.value.published == [graphs[0].iri]
    assert failure.value.pending == [g.iri for g in graphs[1:]]
    message = str(failure.value)
    assert f"publishing <{graphs[1].iri}>: cannot reach {server.url}: connection refused" in message
    assert f"published (1): https://w3id.org/medkg\nnot published ({len(graphs) - 1}): " in message

    restarted = OxigraphServer(tmp_path / "killed", server.port).start()
    try:
        on_server = held(restarted, graphs)
        for g in graphs:  # every graph is whole or absent, never partial
            assert on_server[g.iri] in (set(), triples_of(g)), g.iri
        assert on_server[graphs[0].iri] == triples_of(graphs[0])
        rerun = kg("publish", "--endpoint", restarted.url, "--data", two_articles)
        assert rerun.exit_code == 0, rerun.stderr
        assert held(restarted, graphs) == {g.iri: triples_of(g) for g in graphs}
    finally:
        restarted.stop()


def test_unreachable_server_exits_3_with_a_clear_message(kg: Callable[..., Result], data: Path) -> None:
    from oxserver import free_port

    result = kg("publish", "--endpoint", f"http://127.0.0.1:{free_port()}", "--data", data, "--retries", "0")
    assert result.exit_code == 3
    assert "cannot reach http://127.0.0.1:" in result.stderr and ": connection refused\n" in result.stderr
    assert "not published (7): https://w3id.org/medkg, " in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bulk_first_load_equals_graph_by_graph(
    kg: Callable[..., Result], data: Path, oxigraph: OxigraphServer, tmp_path: Path
) -> None:
    result = kg("publish", "--endpoint", oxigraph.url, "--data", data, "--bulk")
    assert result.exit_code == 0, result.stderr
    graphs = graphs_of(data)
    total = sum(len(g) for g in graphs)
    assert f"{len(graphs)} graphs, {total} triples published to {oxigraph.url}/store" in result.stderr
    assert held(oxigraph, graphs) == {g.iri: triples_of(g) for g in graphs}


def test_bulk_publish_of_a_built_exports_folder_equals_graph_by_graph(
    kg: Callable[..., Result], data: Path, oxigraph: OxigraphServer, tmp_path: Path
) -> None:
    assert kg("build", "--data", data, "--out", tmp_path / "exports", "--no-cache").exit_code == 0
    result = kg("publish", "--endpoint", oxigraph.url, "--bulk", "--exports", tmp_path / "exports")
    assert result.exit_code == 0, result.stderr
    graphs = graphs_of(data)
    quads = sum(len(g) for g in graphs if g.kind != "description")
    assert f"{quads} quads ({tmp_path / 'exports' / 'kg.nq'}, 1 chunks) and 1 graphs (" in result.stderr
    assert f"; {len(graphs)} graphs read back and verified" in result.stderr
    graphs = graphs[:-1]  # the folder's description also lists its files
    assert held(oxigraph, graphs) == {g.iri: triples_of(g) for g in graphs}


def test_exports_publish_needs_bulk_and_a_build(kg: Callable[..., Result], tmp_path: Path) -> None:
    assert kg("publish", "--endpoint", "http://127.0.0.1:9", "--exports", tmp_path).exit_code == 2
    result = kg("publish", "--endpoint", "http://127.0.0.1:9", "--bulk", "--exports", tmp_path)
    assert result.exit_code == 2
    assert "cannot read the build's" in result.stderr


# --- a recording HTTP server for what Oxigraph cannot show: headers, scripted failures -----------


class Recorder(ThreadingHTTPServer):
    def __init__(self, statuses: list[int]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.statuses = statuses  # answers in order; the last one repeats
        self.requests: list[tuple[str, str, dict[str, str]]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.requests.append((self.command, self.path, dict(self.headers)))
        status = self.server.statuses.pop(0) if len(self.server.statuses) > 1 else self.server.statuses[0]
        body = f"bad request from {self.headers.get('Authorization')}".encode() if status == 400 else b""
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[Callable[[list[int]], Recorder]]:
    servers: list[Recorder] = []

    def start(statuses: list[int]) -> Recorder:
        server = Recorder(statuses)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def test_retries_503_with_backoff_then_succeeds(recorder: Callable[[list[int]], Recorder], data: Path) -> None:
    server = recorder([503, 503, 204])
    store = GraphStore(Target(server.url), retries=3, backoff=0.01)
    graph = next(g for g in graphs_of(data) if g.kind == "article")
    store.replace(graph)
    assert [(m, p) for m, p, _ in server.requests] == [
        (
            "PUT",
            "/store?graph=https%3A%2F%2Fgetlabtest.com%2Fgraph%2Fmesotherapy",
        )
    ] * 3


def test_basic_credentials_are_sent_and_never_echoed(
    kg: Callable[..., Result], data: Path, recorder: Callable[[list[int]], Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = recorder([204])
    monkeypatch.setenv("KG_STORE_USER", "loader")
    monkeypatch.setenv("KG_STORE_PASSWORD", PASSWORD)
    result = kg("publish", "--endpoint", server.url, "--data", data)
    assert result.exit_code == 3, result.stderr  # it answers 204 to everything: it keeps nothing it was sent
    assert (
        f"{server.url}/store does not hold what was sent in 7 graphs:\n  <https://w3id.org/medkg>: holds 0 "
        in result.stderr
    )
    expected = "Basic " + base64.b64encode(f"loader:{PASSWORD}".encode()).decode()
    # the description (stale graphs), each graph, then each graph read back
    assert [m for m, _, _ in server.requests] == ["GET"] + ["PUT"] * 7 + ["GET"] * 7
    assert all(headers["Authorization"] == expected for _, _, headers in server.requests)
    assert PASSWORD not in result.stdout + result.stderr


def test_bearer_token_is_sent_and_a_refusal_does_not_echo_it(
    kg: Callable[..., Result], data: Path, recorder: Callable[[list[int]], Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = recorder([401])
    monkeypatch.setenv("KG_STORE_TOKEN", TOKEN)
    result = kg("publish", "--endpoint", server.url, "--data", data)
    assert result.exit_code == 3
    assert server.requests[0][2]["Authorization"] == f"Bearer {TOKEN}"
    assert (
        f"{server.url} refused the credentials (HTTP 401); check KG_STORE_USER/KG_STORE_PASSWORD or "
        "KG_STORE_TOKEN" in result.stderr
    )
    assert TOKEN not in result.stdout + result.stderr

    store = GraphStore(Target(server.url), auth=requests.auth.HTTPBasicAuth("u", PASSWORD))
    with pytest.raises(Exception) as failure:
        store.replace(graphs_of(data)[0])
    assert PASSWORD not in str(failure.value) + repr(failure.value)


def test_a_server_echoing_the_token_back_does_not_get_it_printed(
    kg: Callable[..., Result], data: Path, recorder: Callable[[list[int]], Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = recorder([400])
    monkeypatch.setenv("KG_STORE_TOKEN", TOKEN)
    result = kg("publish", "--endpoint", server.url, "--data", data)
    assert result.exit_code == 3
    assert f"{server.url} answered HTTP 400: bad request from Bearer ***" in result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_credentials_in_the_url_are_refused_without_echoing_them(kg: Callable[..., Result], data: Path) -> None:
    result = kg("publish", "--endpoint", f"http://loader:{PASSWORD}@127.0.0.1:9/", "--data", data)
    assert result.exit_code == 2
    assert "--endpoint must not contain credentials; set KG_STORE_USER/KG_STORE_PASSWORD" in result.stderr
    assert PASSWORD not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("args", "url"),
    [
        (("--server", "fuseki", "--dataset", "medkg"), "http://h:3030/medkg/data"),
        (("--server", "graphdb", "--dataset", "medkg"), "http://h:3030/repositories/medkg/rdf-graphs/service"),
        (("--server", "virtuoso"), "http://h:3030/sparql-graph-crud-auth"),
        (("--server", "generic", "--gsp-path", "/sparql/gsp/"), "http://h:3030/sparql/gsp/"),
        (("--gsp-path", "/ds/data"), "http://h:3030/ds/data"),
    ],
)
def test_server_path_conventions(args: tuple[str, ...], url: str) -> None:
    options = dict(zip(args[::2], args[1::2], strict=True))
    target = Target(
        "http://h:3030/", options.get("--server", "oxigraph"), options.get("--dataset"), options.get("--gsp-path")
    )
    assert target.gsp_url == url


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--server", "fuseki"), "--server fuseki needs --dataset (the dataset or repository name)"),
        (("--server", "generic"), "--server generic needs --gsp-path"),
        (("--server", "virtuoso", "--bulk"), "--bulk is not available for --server virtuoso"),
    ],
)
def test_bad_publish_options_exit_2(
    kg: Callable[..., Result],
    data: Path,
    args: tuple[str, ...],
    message: str,
    recorder: Callable[[list[int]], Recorder],
) -> None:
    result = kg("publish", "--endpoint", recorder([204]).url, "--data", data, *args)
    assert result.exit_code == 2
    assert message in result.stderr
