"""One publish test matrix, run against two real Graph Store servers: Oxigraph (PyPI `oxigraph`) and
Virtuoso 7 (Debian `virtuoso-opensource-7-bin`, HTTP Digest dba:dba). Every publish reads each graph
back and verifies it; a re-publish of unchanged facts is no change; the dry run's numbers are the
real change; a server killed mid-publish is exit 3 naming the graphs, and a re-run completes; a
server that keeps something else than what was sent is exit 3 naming the graph."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from oxserver import OxigraphServer
from vtserver import PASSWORD, USER, VirtuosoServer
from vtserver import binary as virtuoso_binary

from kg.core.options import RunOptions
from kg.export.dataset import NamedGraph
from kg.flow.dataset import dataset
from kg.stores.gsp import GraphStore, Target, auth_from_env
from kg.stores.sync import PublishError, publish
from kg.stores.verify import canonical_lines, lines_of_ox

pytestmark = pytest.mark.slow

KINDS = [
    "oxigraph",
    pytest.param(
        "virtuoso",
        marks=pytest.mark.skipif(virtuoso_binary() is None, reason="Virtuoso 7 is not installed (.ci/run installs it)"),
    ),
]


@dataclass
class Server:
    """A running server of either kind, as the tests drive it."""

    kind: str
    process: OxigraphServer | VirtuosoServer

    @property
    def url(self) -> str:
        return self.process.url

    @property
    def args(self) -> list[str]:
        return ["--endpoint", self.url, "--server", self.kind]

    def client(self, **kw: float) -> GraphStore:
        env = {"KG_STORE_USER": USER, "KG_STORE_PASSWORD": PASSWORD} if self.kind == "virtuoso" else {}
        target = Target(self.url, self.kind)
        return GraphStore(target, auth=auth_from_env(env, digest=target.kind.digest), **kw)  # type: ignore[arg-type]

    def held(self, graphs: list[NamedGraph]) -> dict[str, set[str]]:
        store = self.client()
        try:
            return {g.iri: lines_of_ox(store.held(g.iri)) for g in graphs}
        finally:
            store.close()

    def clear(self, iris: list[str]) -> None:
        store = self.client()
        try:
            for iri in iris:
                store.drop(iri)
        finally:
            store.close()


def start(kind: str, location: Path) -> OxigraphServer | VirtuosoServer:
    return OxigraphServer(location).start() if kind == "oxigraph" else VirtuosoServer(location).start()


@pytest.fixture(scope="module", params=KINDS)
def shared_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server per kind for the module (Virtuoso takes seconds to start); tests clear what they wrote."""
    kind = str(request.param)
    process = start(kind, tmp_path_factory.mktemp(kind))
    yield Server(kind, process)
    process.stop()


@pytest.fixture
def server(shared_server: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    if shared_server.kind == "virtuoso":
        monkeypatch.setenv("KG_STORE_USER", USER)
        monkeypatch.setenv("KG_STORE_PASSWORD", PASSWORD)
    written: list[str] = []
    yield shared_server
    written += [g.iri for g in _ALL]
    shared_server.clear(sorted(set(written)))
    _ALL.clear()


_ALL: list[NamedGraph] = []


def graphs_of(data: Path) -> list[NamedGraph]:
    graphs = dataset(data, RunOptions()).graphs
    _ALL.extend(graphs)
    return graphs


def sent(graphs: list[NamedGraph]) -> dict[str, set[str]]:
    return {g.iri: canonical_lines(g.triples) for g in graphs}


@pytest.fixture
def two_articles(data: Path) -> Path:
    text = (data / "articles/mesotherapy.yaml").read_text(encoding="utf-8")
    (data / "articles/mesotherapy-clinic.yaml").write_text(
        text.replace("slug: mesotherapy\n", "slug: mesotherapy-clinic\n"), encoding="utf-8"
    )
    return data


def test_a_publish_verifies_itself_and_a_republish_changes_nothing(
    kg: Callable[..., Result], data: Path, server: Server
) -> None:
    graphs = graphs_of(data)
    first = kg("publish", *server.args, "--data", data)
    assert first.exit_code == 0, first.stderr
    assert f"; {len(graphs)} graphs read back and verified" in first.stderr
    assert server.held(graphs) == sent(graphs)  # values and blank-node structure survive the trip

    dry = kg("publish", *server.args, "--data", data, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert f"dry run: 0 triples to add, 0 to remove, in 0 of {len(graphs)} graphs; nothing was written" in dry.stdout
    again = kg("publish", *server.args, "--data", data)
    assert again.exit_code == 0, again.stderr
    assert server.held(graphs) == sent(graphs)


def test_dry_run_numbers_are_the_real_change(kg: Callable[..., Result], two_articles: Path, server: Server) -> None:
    assert kg("publish", *server.args, "--data", two_articles).exit_code == 0
    before = server.held(graphs_of(two_articles))
    changed = two_articles / "articles/mesotherapy-clinic.yaml"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace(
            "Being treated by a qualified healthcare provider lowers the risks.",
            "A qualified healthcare provider lowers the risks.",
        ),
        encoding="utf-8",
    )
    dry = kg("publish", *server.args, "--data", two_articles, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert server.held(graphs_of(two_articles)) == before  # the dry run wrote nothing

    assert kg("publish", *server.args, "--data", two_articles).exit_code == 0
    after = server.held(graphs_of(two_articles))
    differs = sorted(iri for iri in after if after[iri] != before[iri])
    assert differs == ["https://getlabtest.com/graph/mesotherapy-clinic", "https://getlabtest.com/graph/void"]
    for iri in differs:
        row = next(line.split() for line in dry.stdout.splitlines() if line.split()[:1] == [iri])
        assert row[1:] == [
            str(len(before[iri])),
            str(len(after[iri] - before[iri])),
            str(len(before[iri] - after[iri])),
        ]


def test_killed_mid_publish_exits_3_naming_the_graphs_and_a_rerun_completes(
    kg: Callable[..., Result], data: Path, shared_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server of its own, killed (SIGKILL) right after the first graph is stored."""
    kind = shared_server.kind
    process = start(kind, tmp_path / "killed")
    victim = Server(kind, process)
    graphs = graphs_of(data)
    store = victim.client(retries=1, backoff=0.01, timeout=5)
    with pytest.raises(PublishError) as failure:
        publish(store, graphs, progress=lambda iri, n: process.kill())
    store.close()
    assert failure.value.published == [graphs[0].iri]
    assert failure.value.pending == [g.iri for g in graphs[1:]]
    assert f"publishing <{graphs[1].iri}>: cannot reach {victim.url}" in str(failure.value)

    if kind == "virtuoso":
        monkeypatch.setenv("KG_STORE_USER", USER)
        monkeypatch.setenv("KG_STORE_PASSWORD", PASSWORD)
    result = kg("publish", *victim.args, "--data", data, "--retries", "0")
    assert result.exit_code == 3  # still dead: the CLI names what was not published
    assert f"not published ({len(graphs)}): {graphs[0].iri}, " in result.stderr

    restarted = OxigraphServer(tmp_path / "killed", process.port).start() if kind == "oxigraph" else process.start()
    try:
        rerun = kg("publish", *victim.args, "--data", data)
        assert rerun.exit_code == 0, rerun.stderr
        assert victim.held(graphs) == sent(graphs)
    finally:
        restarted.stop()


def test_the_graph_store_url_works_as_the_endpoint(kg: Callable[..., Result], data: Path, server: Server) -> None:
    """Oxigraph's docs show `…/store`; Virtuoso's `…/sparql-graph-crud-auth`: both mean the server."""
    gsp_url = Target(server.url, server.kind).gsp_url
    result = kg("publish", "--endpoint", gsp_url, "--server", server.kind, "--data", data)
    assert result.exit_code == 0, result.stderr
    graphs = graphs_of(data)
    assert f"published to {gsp_url} in " in result.stderr
    assert server.held(graphs) == sent(graphs)


def test_a_server_keeping_something_else_exits_3_naming_the_graph(
    kg: Callable[..., Result], data: Path, server: Server
) -> None:
    """The `/store` case of before: a Graph Store path under the endpoint, where every PUT lands in one
    graph named after the path (Oxigraph) or is refused (Virtuoso's read-only endpoint)."""
    path = "/store/store" if server.kind == "oxigraph" else "/sparql-graph-crud-auth/x"
    result = kg(
        "publish", "--endpoint", server.url, "--server", "generic", "--gsp-path", path, "--data", data, "--retries", "0"
    )
    assert result.exit_code == 3, result.stderr
    if server.kind == "oxigraph":
        assert "/store/store does not hold what was sent in 6 graphs:" in result.stderr  # the last PUT stays
        assert "  <https://getlabtest.com/graph/mesotherapy>: holds " in result.stderr
    assert "https://getlabtest.com/graph/mesotherapy" in result.stderr


def test_wrong_credentials_exit_3(
    kg: Callable[..., Result], data: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    if server.kind == "oxigraph":
        pytest.skip("the Oxigraph server has no authentication (Basic and Bearer: tests/cli/test_gsp.py)")
    monkeypatch.setenv("KG_STORE_PASSWORD", "not-the-password")
    result = kg("publish", *server.args, "--data", data, "--retries", "0")
    assert result.exit_code == 3
    assert "refused the credentials (HTTP 401)" in result.stderr
    assert "not-the-password" not in result.stderr + result.stdout
    assert shutil.which("virtuoso-t") is not None
