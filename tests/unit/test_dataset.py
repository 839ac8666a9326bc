"""The graphs a data team receives: the ontology and shapes as written in the repository (blank nodes
kept, isomorphic after the trip through kg.nq and the embedded store), SHACL with the stored shapes
giving what `kg validate` gives, and a VoID/DCAT description whose numbers are those of kg.nq."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO
from pyshacl import validate as pyshacl_validate
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from kg.check import conformance
from kg.check.families import validate_article
from kg.check.shacl_data import SH
from kg.core.fsio import MARKER
from kg.core.options import RunOptions
from kg.core.profiles import Profile
from kg.export.dataset import DCAT, SPDX, VOID
from kg.flow.article import compile_article
from kg.flow.bundled import bundled_files, bundled_graphs
from kg.flow.dataset import dataset
from kg.graph.terms import from_ox, to_graph
from kg.load.facts import load_corpus
from kg.stores.embedded import load, open_store

REPO_FILES = {
    "https://w3id.org/medkg": "ontology/medkg.ttl",
    "https://w3id.org/medkg/shapes": "shapes/medkg.ttl",
    "https://w3id.org/medkg/shapes/schemaorg": "shapes/schemaorg.ttl",
    "https://w3id.org/medkg/shapes/google-2026-11": "shapes/google/2026-11.ttl",
    "https://w3id.org/medkg/shapes/google-2026-12": "shapes/google/2026-12.ttl",
}


def repo_graph(name: str) -> Graph:
    return Graph().parse(REPO / name, format="turtle")


@pytest.fixture(scope="module")
def corpus() -> Dataset:
    ds = Dataset()
    ds.parse(REPO / "exports/kg.nq", format="nquads")
    return ds


def graph_in(ds: Dataset, iri: str) -> Graph:
    return to_graph(ds.graph(URIRef(iri)))


@pytest.mark.parametrize("iri", sorted(REPO_FILES))
def test_kg_nq_holds_the_repository_files_as_written(corpus: Dataset, iri: str) -> None:
    stored = graph_in(corpus, iri)
    assert len(stored) == len(repo_graph(REPO_FILES[iri]))
    assert isomorphic(stored, repo_graph(REPO_FILES[iri]))


def test_the_export_folder_carries_the_files_byte_for_byte() -> None:
    files = bundled_files()
    assert sorted(files) == sorted(
        f"{'ontology' if n.startswith('ontology') else 'shapes'}/{n.split('/', 1)[1]}" for n in REPO_FILES.values()
    )
    for name, content in files.items():
        assert (REPO / "exports" / name).read_bytes() == content
        assert content == (REPO / name).read_bytes()


def test_the_embedded_store_gives_back_isomorphic_graphs(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    summary = load(store, bundled_graphs())
    assert summary.verified == len(bundled_graphs()) == len(REPO_FILES)
    for iri, name in REPO_FILES.items():
        held = to_graph(
            (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
        )
        assert isomorphic(held, repo_graph(name)), iri


def pyshacl_results(data: Graph, shapes: Graph) -> set[tuple[str, str]]:
    """pySHACL's own results, run as `kg validate --engine pyshacl` runs it: (focus node, severity) of each."""
    _, report, _ = pyshacl_validate(
        data, shacl_graph=shapes, inference="none", allow_infos=True, allow_warnings=True, advanced=True
    )
    assert isinstance(report, Graph)
    return {
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1])
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }


@pytest.mark.parametrize(
    ("family", "iri"),
    [
        ("medkg", "https://w3id.org/medkg/shapes"),
        ("schemaorg", "https://w3id.org/medkg/shapes/schemaorg"),
        ("google-2026-11", "https://w3id.org/medkg/shapes/google-2026-11"),
    ],
)
def test_pyshacl_with_the_stored_shapes_finds_what_kg_validate_finds(corpus: Dataset, family: str, iri: str) -> None:
    """The shapes read back from kg.nq (sh:alternativePath lists and all), run by pySHACL itself on
    the sample, give exactly the focus nodes and severities that `kg validate` reports."""
    loaded = load_corpus(REPO / "data")
    c = compile_article(loaded.site, loaded.articles[0])
    data = {
        "medkg": c.medkg.triples,
        "schemaorg": c.schema_triples,
        "google-2026-11": conformance.normalise(c.schema_triples),
    }[family]
    stored = pyshacl_results(to_graph(data), graph_in(corpus, iri))
    assert stored == pyshacl_results(to_graph(data), repo_graph(REPO_FILES[iri]))
    findings = validate_article(c.medkg, c.schema_triples, RunOptions(profile=Profile("google-2026-11")))
    assert stored == {
        (f.node, f.severity.name.capitalize())
        for f in findings
        if f.family == ("google" if family.startswith("google") else family)
    }
    assert stored or family == "schemaorg"  # the sample has warnings to compare


def count(g: Graph, s: Node, p: URIRef) -> int:
    value = g.value(s, p)
    assert isinstance(value, Literal)
    return int(value)


def test_void_counts_are_those_of_kg_nq(corpus: Dataset) -> None:
    void = Graph().parse(REPO / "exports/void.ttl", format="turtle")
    dataset_node = URIRef("https://getlabtest.com/dataset")
    quads = (REPO / "exports/kg.nq").read_text(encoding="utf-8").count("\n")
    assert void.value(dataset_node, VOID.triples) == Literal(quads)
    per_graph = {str(g.identifier): len(g) for g in corpus.graphs() if len(g)}
    stated = {str(s): count(void, s, VOID.triples) for s in void.objects(dataset_node, VOID.subset)}
    assert stated == per_graph
    properties = Counter(str(p) for _, p, _, _ in corpus.quads())
    for part in void.objects(dataset_node, VOID.propertyPartition):
        assert count(void, part, VOID.triples) == properties[str(void.value(part, VOID.property))]
    assert len(list(void.objects(dataset_node, VOID.propertyPartition))) == len(properties)
    assert void.value(dataset_node, VOID.uriSpace) == Literal("https://getlabtest.com/")


def test_every_export_file_is_a_distribution_with_its_size_and_hash() -> None:
    void = Graph().parse(REPO / "exports/void.ttl", format="turtle")
    files = {p.relative_to(REPO / "exports").as_posix() for p in (REPO / "exports").rglob("*") if p.is_file()}
    described = {}
    for d in void.subjects(RDF.type, DCAT.Distribution):
        checksum = void.value(void.value(d, SPDX.checksum), SPDX.checksumValue)
        described[str(void.value(d, URIRef("http://purl.org/dc/terms/title")))] = (
            count(void, d, DCAT.byteSize),
            str(checksum),
        )
    assert set(described) == files - {"void.ttl", MARKER}  # the marker is medkg's mark, not an export
    for name, (size, sha) in described.items():
        data = (REPO / "exports" / name).read_bytes()
        expected = "None" if name == "kg.nq" else hashlib.sha256(data).hexdigest()  # kg.nq: per graph, below
        assert (size, sha) == (len(data), expected)


def test_each_graph_states_the_sha256_of_its_lines_in_kg_nq() -> None:
    void = Graph().parse(REPO / "exports/void.ttl", format="turtle")
    blocks: dict[str, bytes] = {}
    for line in (REPO / "exports/kg.nq").read_bytes().splitlines(keepends=True):
        graph = line[line.rindex(b" <", 0, len(line) - 3) + 2 : line.rindex(b"> .")].decode()
        blocks[graph] = blocks.get(graph, b"") + line
    stated = {
        str(g): str(void.value(void.value(g, SPDX.checksum), SPDX.checksumValue))
        for g in void.objects(None, VOID.subset)
    }
    assert stated == {g: hashlib.sha256(b).hexdigest() for g, b in blocks.items()}
    assert len(stated) == 8  # the ontology, four shape sets and three articles


def test_licence_and_download_urls_only_when_the_site_states_them(data: Path) -> None:
    void = dataset(data, RunOptions()).graphs[-1].triples
    assert not any(p == URIRef("http://purl.org/dc/terms/license") or p == VOID.dataDump for _, p, _ in void)
    site = data / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8") + "license: https://creativecommons.org/licenses/by/4.0/\n", encoding="utf-8"
    )
    void = dataset(data, RunOptions()).graphs[-1].triples
    assert (
        URIRef("https://getlabtest.com/dataset"),
        URIRef("http://purl.org/dc/terms/license"),
        URIRef("https://creativecommons.org/licenses/by/4.0/"),
    ) in void
