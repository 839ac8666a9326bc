"""Facts files with hostile names build a void.ttl every RDF tool reads, with nothing injected into it,
and load into the store (issue [hardening] 3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import Result
from rdflib import Graph, Literal, URIRef

from kg.graph.iris import iri_problem

DCTERMS_IDENTIFIER = "http://purl.org/dc/terms/identifier"


@pytest.mark.parametrize(
    "name",
    [
        "x> a <urn:evil:Injected> . <urn:z.yaml",
        "my article \u00e9 \u6587.yaml",
        "100%zz #1?.yaml",
        "tab\tand\nnewline.yaml",
        "bidi\u202eelif.yaml",
        'quote" and \\ backslash.yaml',
    ],
)
def test_a_hostile_file_name_stays_one_escaped_iri(
    kg: Callable[..., Result], data: Path, tmp_path: Path, name: str
) -> None:
    (data / "articles/mesotherapy.yaml").rename(data / "articles" / name)
    out = tmp_path / "exports"
    result = kg("build", "--data", data, "--out", out)
    assert result.exit_code == 0, result.output
    void = (out / "void.ttl").read_bytes()
    quads = list(ox.parse(void, ox.RdfFormat.TURTLE))
    rdflib_graph = Graph().parse(data=void, format="turtle")
    assert len(quads) == len(rdflib_graph)
    nodes = {t.value for q in quads for t in (q.subject, q.predicate, q.object) if isinstance(t, ox.NamedNode)}
    assert "urn:evil:Injected" not in nodes and all(iri_problem(n) is None for n in nodes)
    identifiers = {
        str(o) for s, o in rdflib_graph.subject_objects(URIRef(DCTERMS_IDENTIFIER)) if isinstance(o, Literal)
    }
    assert f"articles/{name}" in identifiers  # the name itself is kept, as text
    load = kg("load", "--data", data, "--store", tmp_path / "store")
    assert load.exit_code == 0, load.output
    assert kg("build", "--data", data, "--out", out, "--check").exit_code == 0
