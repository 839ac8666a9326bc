"""kg load / kg query on the embedded pyoxigraph store, and the VoID/DCAT description of a build."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import Result
from conftest import REPO
from rdflib import Graph, Literal, URIRef

from kg import __version__
from kg.core.errors import OutputError
from kg.core.options import RunOptions
from kg.export.dataset import DCTERMS, SPDX, VOID, NamedGraph
from kg.flow.dataset import dataset
from kg.stores.embedded import load, open_store

QUERIES = REPO / "queries"
ARTICLE = "https://getlabtest.com/graph/mesotherapy"


def graphs_of(data: Path, timestamp: datetime | None = None) -> list[NamedGraph]:
    return dataset(data, RunOptions(), timestamp=timestamp).graphs


def graph_size(store: ox.Store, iri: str) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))


def test_load_puts_every_graph_in_the_store(kg: Callable[..., Result], data: Path, tmp_path: Path) -> None:
    result = kg("load", "--data", data, "--store", tmp_path / "store")
    assert result.exit_code == 0, result.stderr
    store = open_store(tmp_path / "store", read_only=True)
    expected = {g.iri: len(g) for g in graphs_of(data)}
    total = sum(expected.values())
    assert f"{len(expected)} graphs, {total} triples loaded into {tmp_path / 'store'}/" in result.stderr
    assert f"; {len(expected)} graphs read back and verified" in result.stderr
    files = {
        "https://w3id.org/medkg": "ontology/medkg.ttl",
        "https://w3id.org/medkg/shapes": "shapes/medkg.ttl",
        "https://w3id.org/medkg/shapes/schemaorg": "shapes/schemaorg.ttl",
        "https://w3id.org/medkg/shapes/google-2026-11": "shapes/google/2026-11.ttl",
        "https://w3id.org/medkg/shapes/google-2026-12": "shapes/google/2026-12.ttl",
    }
    assert {iri: expected[iri] for iri in files} == {iri: len(Graph().parse(REPO / f)) for iri, f in files.items()}
    assert set(expected) == {*files, ARTICLE, "https://getlabtest.com/graph/void"}
    assert {str(n.value): graph_size(store, n.value) for n in store.named_graphs()} == expected
    assert len(store) == sum(expected.values())


def test_reload_replaces_an_article_and_drops_one_that_is_gone(data: Path, tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    load(store, graphs_of(data), owned_prefix="https://getlabtest.com/graph/")
    article = data / "articles/mesotherapy.yaml"
    article.write_text(article.read_text(encoding="utf-8").replace("name: Swelling", "name: Oedema"), encoding="utf-8")
    (data / "articles/extra.yaml").write_text(
        article.read_text(encoding="utf-8").replace("slug: mesotherapy\n", "slug: extra\n"), encoding="utf-8"
    )
    load(store, graphs_of(data), owned_prefix="https://getlabtest.com/graph/")
    (data / "articles/extra.yaml").unlink()
    summary = load(store, graphs_of(data), owned_prefix="https://getlabtest.com/graph/")
    assert summary.dropped == ["https://getlabtest.com/graph/extra"]

    rows = store.query(
        f"SELECT ?l WHERE {{ GRAPH <{ARTICLE}> {{ ?c a <https://w3id.org/medkg#Condition> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l } }"
    )
    assert isinstance(rows, ox.QuerySolutions)
    labels = {s.value for (s,) in rows}
    assert "Oedema" in labels and "Swelling" not in labels
    graphs = graphs_of(data)
    assert {n.value for n in store.named_graphs()} == {g.iri for g in graphs}
    assert len(store) == sum(len(g) for g in graphs)


def test_a_failed_replacement_leaves_the_old_graph(data: Path, tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    graphs = graphs_of(data)
    load(store, graphs)
    broken = NamedGraph(
        ARTICLE, (*graphs[3].triples, (URIRef("http://x/ bad iri"), URIRef("http://x/p"), Literal("x"))), "article"
    )
    with pytest.raises(OutputError, match=f"<{ARTICLE}> could not be stored; the store keeps its previous copy"):
        load(store, [broken])
    assert graph_size(store, ARTICLE) == len(graphs[-2])


def test_violations_exit_1_and_load_nothing(kg: Callable[..., Result], data: Path, tmp_path: Path) -> None:
    article = data / "articles/mesotherapy.yaml"
    text = article.read_text(encoding="utf-8")
    clash = text.replace("    - condition: Pregnancy\n", "    - condition: Pregnancy\n    - condition: Cellulite\n", 1)
    article.write_text(clash, encoding="utf-8")
    result = kg("load", "--data", data, "--store", tmp_path / "store")
    assert result.exit_code == 1
    assert "violations; nothing was loaded or published" in result.stderr
    assert not (tmp_path / "store").exists()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample in a store, shared by the read-only query tests."""
    path = tmp_path_factory.mktemp("loaded") / "store"
    store = open_store(path)
    load(store, graphs_of(REPO / "tests/cases/site"))  # the sample alone
    del store  # closes the store and releases its lock
    return path


def test_example_queries_print_aligned_tables(kg: Callable[..., Result], loaded: Path) -> None:
    result = kg("query", f"@{QUERIES / 'adverse-effects.rq'}", "--store", loaded)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "treatment    effect              frequency  seriousness\n"
        "-----------  ------------------  ---------  -----------\n"
        "Mesotherapy  Bruising            common     minor\n"
        "Mesotherapy  Mild discomfort     common     minor\n"
        "Mesotherapy  Swelling            common     minor\n"
        "Mesotherapy  Allergic reaction   rare       serious\n"
        "Mesotherapy  Infection           rare       serious\n"
        "Mesotherapy  Irregular contours  rare       serious\n"
        "(6 rows)\n"
    )
    pregnancy = kg("query", f"@{QUERIES / 'contraindicated-in-pregnancy.rq'}", "--store", loaded, "--format", "csv")
    assert pregnancy.stdout_bytes.decode() == (
        "treatment,condition,note,article\r\nMesotherapy,Pregnancy,,https://getlabtest.com/articles/mesotherapy\r\n"
    )
    review = kg("query", f"@{QUERIES / 'missing-review-dates.rq'}", "--store", loaded, "--format", "json")
    assert json.loads(review.stdout) == {
        "head": {"vars": ["article", "headline"]},
        "results": {
            "bindings": [
                {
                    "article": {"type": "uri", "value": "https://getlabtest.com/articles/mesotherapy"},
                    "headline": {
                        "type": "literal",
                        "xml:lang": "en",  # [seo2] prose is language-tagged in the medkg graph
                        "value": "Mesotherapy Treatment: A Comprehensive Guide to Benefits, Risks, and Recovery",
                    },
                }
            ]
        },
    }
    shared = kg("query", f"@{QUERIES / 'shared-ingredients.rq'}", "--store", loaded)
    assert shared.stdout.endswith("(0 rows)\n")  # one article: nothing shared yet


def test_ask_and_construct(kg: Callable[..., Result], loaded: Path) -> None:
    ask = kg(
        "query", "ASK { GRAPH ?g { ?s a <https://w3id.org/medkg#Treatment> } }", "--store", loaded, "--format", "json"
    )
    assert json.loads(ask.stdout) == {"head": {}, "boolean": True}
    construct = kg(
        "query",
        "CONSTRUCT { ?s a <https://w3id.org/medkg#Treatment> } WHERE { ?s a <https://w3id.org/medkg#Treatment> }",
        "--store",
        loaded,
    )
    assert construct.stdout == (
        "<https://getlabtest.com/id/treatment/liposuction> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/medkg#Treatment> .\n"
        "<https://getlabtest.com/id/treatment/mesotherapy> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/medkg#Treatment> .\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("SELEC ?x",), "error: the query is not valid SPARQL: "),
        (("@missing.rq",), "error: missing.rq: cannot read the query: No such file or directory"),
    ],
)
def test_bad_queries_exit_2(kg: Callable[..., Result], loaded: Path, args: tuple[str, ...], message: str) -> None:
    result = kg("query", *args, "--store", loaded)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)


def test_query_without_a_store_exits_2(kg: Callable[..., Result], tmp_path: Path) -> None:
    result = kg("query", "ASK {}", "--store", tmp_path / "none")
    assert result.exit_code == 2
    assert f"{tmp_path / 'none'}: no store here; run 'kg load' first or pass --store" in result.stderr


# --- the dataset description ---------------------------------------------------------------------


def _void(graphs: list[NamedGraph]) -> Graph:
    g = Graph()
    for t in graphs[-1].triples:
        g.add(t)
    return g


def test_description_counts_every_graph_and_hashes_every_source(data: Path) -> None:
    graphs = graphs_of(data)
    void = _void(graphs)
    assert graphs[-1].iri == "https://getlabtest.com/graph/void"
    for g in graphs[:-1]:
        assert void.value(URIRef(g.iri), VOID.triples) == Literal(len(g))
    in_kg_nq = sum(len(g) for g in graphs[:-1])  # every graph but the description itself
    assert void.value(URIRef("https://getlabtest.com/dataset"), VOID.triples) == Literal(in_kg_nq)
    assert (
        str(void.value(URIRef("https://w3id.org/medkg"), URIRef("http://www.w3.org/2002/07/owl#versionInfo")))
        == __version__
    )
    for name, file in (
        ("articles/mesotherapy.yaml", data / "articles/mesotherapy.yaml"),
        ("site.yaml", data / "site.yaml"),
    ):
        checksum = void.value(URIRef(f"https://getlabtest.com/dataset/source/{name}"), SPDX.checksum)
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(file.read_bytes()).hexdigest()
    assert not list(void.triples((None, DCTERMS.modified, None)))


def test_description_is_deterministic_and_dates_itself_only_when_asked(data: Path) -> None:
    assert graphs_of(data) == graphs_of(data)
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    dated = _void(graphs_of(data, timestamp=when))
    assert dated.value(URIRef("https://getlabtest.com/dataset"), DCTERMS.modified) == Literal(
        "2026-01-02T03:04:05+00:00", datatype=URIRef("http://www.w3.org/2001/XMLSchema#dateTime")
    )
