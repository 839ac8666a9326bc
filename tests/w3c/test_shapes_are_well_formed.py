"""Every bundled shapes file (shapes/*.ttl, shapes/google/*.ttl) conforms to the W3C shapes for SHACL
(shacl-shacl, in the suite as core/complex/shacl-shacl-data-shapes.ttl), validated by the default engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.check.shacl import Engine

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHACL_SHACL = HERE / "suite" / "core" / "complex" / "shacl-shacl-data-shapes.ttl"
BUNDLED = sorted([*REPO.glob("shapes/*.ttl"), *REPO.glob("shapes/google/*.ttl")])


def test_every_shapes_file_is_checked() -> None:
    files = {p.relative_to(REPO).as_posix() for p in BUNDLED}
    assert {"shapes/google/2026-11.ttl", "shapes/medkg.ttl", "shapes/schemaorg.ttl"} <= files
    assert len(BUNDLED) >= 3


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.relative_to(REPO).as_posix())
def test_bundled_shapes_pass_shacl_shacl(path: Path) -> None:
    shapes = Graph().parse(path, format="turtle")
    results = Engine(Graph().parse(SHACL_SHACL, format="turtle")).validate(iter(shapes))
    assert results == [], "\n".join(f"{r.focus} {r.path} {r.value} {r.shape} {r.component}" for r in results)


def test_shacl_shacl_finds_ill_formed_shapes() -> None:
    """The check can fail: two sh:path values, an sh:in that is no list and a non-integer sh:minCount."""
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <https://example.org/> .
        ex:S a sh:PropertyShape ; sh:path ex:p, ex:q ; sh:in ex:notAList ; sh:minCount "one" .
    """,
        format="turtle",
    )
    results = Engine(Graph().parse(SHACL_SHACL, format="turtle")).validate(iter(shapes))
    assert {str(r.path).rsplit("#", 1)[-1] for r in results} >= {"in", "minCount"}
    assert any(r.path is None for r in results)  # two sh:path values: the node is no well-formed property shape
