"""The W3C SHACL test suite's manifests: every ``sht:Validate`` test reachable from a root manifest.

Reads ``mf:include`` chains and ``mf:entries`` lists into TestCases, and parses the suite's Turtle
files once each, literals as written (see Suite.graph). The comparison of validation reports is in
w3c_report.py. Only rdflib is needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import rdflib
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

SH = Namespace("http://www.w3.org/ns/shacl#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")

SUITE_IRI = "urn:x-shacl-test:/"
"""Base of the test IRIs used by the implementation reports (EARL) in the data-shapes repository."""

RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def path_of(uri: str) -> Path:
    """The local file behind a file: IRI."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        raise ValueError(f"not a file IRI: {uri}")
    return Path(url2pathname(unquote(parsed.path)))


@dataclass(frozen=True)
class TestCase:
    """One sht:Validate entry."""

    __test__ = False  # not a pytest class

    iri: str  # urn:x-shacl-test:/core/node/and-001
    node: URIRef  # the entry as parsed (a file: IRI)
    label: str
    status: str  # local name of mf:status: approved, proposed, …
    manifest: Path
    data_path: Path
    shapes_path: Path
    expect_failure: bool  # mf:result sht:Failure: the shapes graph is ill-formed
    result: Node | None  # the mf:result node in the manifest graph, None for failures


class Suite:
    """Every test reachable from a root manifest, with the suite's graphs parsed once (read-only)."""

    def __init__(self, root_manifest: Path, *, normalize_literals: bool = False) -> None:
        self.normalize_literals = normalize_literals
        self.root_manifest = root_manifest.resolve()
        self.root = self.root_manifest.parent
        self._graphs: dict[Path, Graph] = {}
        self.skipped: list[tuple[str, str]] = []  # (entry, why) for entries that are not sht:Validate
        self.tests: list[TestCase] = list(self._read(self.root_manifest, set()))

    def graph(self, path: Path) -> Graph:
        """A suite file parsed as Turtle with its file: IRI as base. Shared: copy before handing it
        to an engine that may change it.

        Literals keep their lexical forms unless the suite was made with normalize_literals: rdflib
        would otherwise turn "1"^^xsd:boolean into "true" and the ill-typed "none"^^xsd:boolean into
        "false", so engines would be handed other terms than the suite's (uniqueLang-002,
        or-datatypes-001)."""
        path = path.resolve()
        if path not in self._graphs:
            g = Graph(bind_namespaces="core")
            saved = rdflib.NORMALIZE_LITERALS
            rdflib.NORMALIZE_LITERALS = self.normalize_literals
            try:
                g.parse(path, format="turtle", publicID=path.as_uri())
            finally:
                rdflib.NORMALIZE_LITERALS = saved
            self._graphs[path] = g
        return self._graphs[path]

    def test_iri(self, node: Node) -> str:
        text = str(node)
        root = self.root.as_uri() + "/"
        return SUITE_IRI + text[len(root) :] if text.startswith(root) else text

    def _read(self, manifest: Path, seen: set[Path]) -> Iterator[TestCase]:
        if manifest in seen:
            return
        seen.add(manifest)
        g = self.graph(manifest)
        for m in sorted(g.subjects(RDF.type, MF.Manifest), key=str):
            for include in sorted(g.objects(m, MF.include), key=str):
                yield from self._read(path_of(str(include)).resolve(), seen)
            for entries in g.objects(m, MF.entries):
                for entry in Collection(g, entries):
                    test = self._test(g, manifest, entry)
                    if test is not None:
                        yield test

    def _test(self, g: Graph, manifest: Path, entry: Node) -> TestCase | None:
        iri = self.test_iri(entry)
        if not isinstance(entry, URIRef):
            raise ValueError(f"{manifest}: entry {entry!r} is not an IRI")
        if (entry, RDF.type, SHT.Validate) not in g:
            kinds = ", ".join(sorted(str(t) for t in g.objects(entry, RDF.type))) or "no rdf:type"
            self.skipped.append((iri, f"not sht:Validate ({kinds})"))
            return None
        action = g.value(entry, MF.action)
        data = g.value(action, SHT.dataGraph) if action is not None else None
        shapes = g.value(action, SHT.shapesGraph) if action is not None else None
        result = g.value(entry, MF.result)
        if data is None or shapes is None or result is None:
            raise ValueError(f"{iri}: needs mf:action with sht:dataGraph and sht:shapesGraph, and mf:result")
        status = g.value(entry, MF.status)
        label = g.value(entry, RDFS_LABEL) or g.value(entry, MF.name) or ""
        failure = result == SHT.Failure
        return TestCase(
            iri,
            entry,
            str(label),
            str(status).rsplit("#", 1)[-1] if status else "",
            manifest,
            path_of(str(data)).resolve(),
            path_of(str(shapes)).resolve(),
            failure,
            None if failure else result,
        )

    def context(self, test: TestCase) -> tuple[Graph, ...]:
        """Manifest, data and shapes graphs: where the expected report's blank nodes are described."""
        return self.graph(test.manifest), self.graph(test.data_path), self.graph(test.shapes_path)


def copy(g: Graph) -> Graph:
    """A private copy of `g` that keeps its blank-node labels (so an engine's results name the same nodes)."""
    out = Graph(bind_namespaces="none")
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns, override=False)
    for t in g:
        out.add(t)
    return out
