"""The dated Google profile through the pipeline and the CLI: selection, image sizes, locations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from click.testing import Result
from rdflib import Literal, URIRef

from kg.check import conformance
from kg.core import profiles
from kg.core.findings import Severity
from kg.core.options import RunOptions
from kg.flow.article import compile_article
from kg.flow.build import validate
from kg.graph.iris import SCHEMA
from kg.graph.locate import locator
from kg.load.facts import load_corpus


def _edit(data: Path, name: str, edit: Callable[[dict[str, Any]], None]) -> None:
    path = data / name
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _sizes(data: Path, image: tuple[int, int], logo: tuple[int, int]) -> None:
    def page(d: dict[str, Any]) -> None:
        d["page"]["image"].update(url="https://getlabtest.com/img/meso.jpg", width=image[0], height=image[1])

    def site(d: dict[str, Any]) -> None:
        d["publisher"]["logo"] = {"url": "https://getlabtest.com/logo.png", "width": logo[0], "height": logo[1]}

    _edit(data, "articles/mesotherapy.yaml", page)
    _edit(data, "site.yaml", site)


def test_profiles_are_dated_and_the_newest_is_the_default() -> None:
    assert profiles.names() == ["google-2026-11", "google-2026-12"]
    assert profiles.newest() == profiles.Profile("google-2026-12") == RunOptions().profile
    assert profiles.named("none") is None and profiles.named("google-2026-12") == profiles.newest()


def test_image_sizes_are_published_as_quantitative_values(data: Path) -> None:
    _sizes(data, (1200, 800), (200, 200))
    corpus = load_corpus(data)
    c = compile_article(corpus.site, corpus.articles[0])
    image = URIRef("https://getlabtest.com/articles/mesotherapy#primaryimage")
    width = URIRef(f"{image}-width")
    assert c.schema.value(image, SCHEMA.width) == width
    assert set(c.schema.predicate_objects(width)) == {
        (URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), SCHEMA.QuantitativeValue),
        (SCHEMA.value, Literal(1200)),
        (SCHEMA.unitCode, Literal("E37")),
    }
    assert conformance.check(c.schema, locator(c.medkg)) == []


def test_small_images_are_reported_at_their_facts(data: Path) -> None:
    _sizes(data, (200, 200), (100, 120))
    found = {f.rule: f for f in validate(data, RunOptions()).result.sorted() if f.family == "google"}
    pixels, logo = found["google-2026-12:Article-imagePixels"], found["google-2026-12:Organization-logoSize"]
    assert (pixels.severity, pixels.field) == (Severity.WARNING, "page.image")
    assert pixels.message.startswith("Google recommends article images of at least 50,000 pixels")
    assert (logo.severity, logo.field) == (Severity.WARNING, "publisher") and logo.file.endswith("data/site.yaml")
    assert "google-2026-12:ImageObject-contentUrl" not in found


def test_cli_profile_option(data: Path, kg: Callable[..., Result]) -> None:
    _sizes(data, (200, 200), (200, 200))
    on = kg("validate", "--data", data, "--fail-on", "warning")
    off = kg("validate", "--data", data, "--fail-on", "warning", "--profile", "none")
    assert on.exit_code == off.exit_code == 1
    assert "[google-2026-12:Article-imagePixels]" in on.stdout
    assert "google-2026-1" not in off.stdout and "[medkgsh:" in off.stdout
    bad = kg("validate", "--data", data, "--profile", "google-1999-01")
    assert bad.exit_code == 2
    assert "'google-1999-01' is not one of 'google-2026-11', 'google-2026-12', 'none'" in bad.stderr
