"""[seo2] The page graph in the CMS plugins' shape: full publisher facts pass every Google rule; the
bundled facts publish no half-made piece; Yoast + medkg and Rank Math + medkg pages are one graph."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from conftest import CASES, REPO, json_findings
from rdflib import Graph

from kg.audit.merged import pieces
from kg.export import jsonld

CMS = CASES / "cms"


def _site(tmp_path: Path, **site: Any) -> Path:
    data = tmp_path / "publisher"
    shutil.copytree(CASES / "publisher", data)
    path = data / "site.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({**doc, **site}, sort_keys=False), encoding="utf-8")
    return data


def _build(kg: Callable[..., Result], data: Path, out: Path) -> tuple[Result, dict[str, Any]]:
    result = kg("build", "--data", data, "--out", out, "--format", "json")
    return result, json.loads((out / "mesotherapy.jsonld").read_text(encoding="utf-8"))


def _types(doc: dict[str, Any]) -> list[str]:
    return sorted(t for n in doc["@graph"] for t in ([n["@type"]] if isinstance(n["@type"], str) else n["@type"]))


def test_full_publisher_facts_pass_every_google_rule(kg: Callable[..., Result], tmp_path: Path) -> None:
    result, doc = _build(kg, CASES / "publisher", tmp_path / "out")
    assert result.exit_code == 0, result.output
    found = json_findings(result.stdout)
    assert [f["rule"] for f in found if f["severity"] != "info"] == []  # Article, Breadcrumb, Organization, vocab
    types = _types(doc)
    for piece in ("Article", "BreadcrumbList", "MedicalWebPage", "Organization", "WebSite", "SearchAction"):
        assert types.count(piece) == 1, piece
    article = next(n for n in doc["@graph"] if n["@type"] == "Article")
    assert article["isPartOf"] == article["mainEntityOfPage"] == "https://example.org/articles/mesotherapy"
    page = next(n for n in doc["@graph"] if n["@type"] == "MedicalWebPage")
    assert page["isPartOf"] == "https://example.org/#website" and page["url"] == page["@id"]
    assert page["specialty"] == {"@id": "http://schema.org/Dermatology"} and page["lastReviewed"] == "2026-02-01"


def test_bundled_facts_publish_no_half_made_piece(kg: Callable[..., Result], tmp_path: Path) -> None:
    result, doc = _build(kg, REPO / "data", tmp_path / "out")
    assert result.exit_code == 0, result.output
    types = _types(doc)
    assert "BreadcrumbList" not in types and "ImageObject" not in types and "WebSite" not in types
    page = next(n for n in doc["@graph"] if n["@type"] == "MedicalWebPage")
    assert "url" not in page and "breadcrumb" not in page and "image" not in page and "isPartOf" not in page
    rules = {f["rule"]: f for f in json_findings(result.stdout) if f["family"] == "schemaorg"}
    assert {"left-out-breadcrumb", "left-out-image", "left-out-website", "page-url"} <= set(rules)
    assert "entries 1, 2, 3 have no URL" in rules["left-out-breadcrumb"]["message"]
    assert rules["left-out-image"]["field"] == "page.image" and "`page.image.url`" in rules["left-out-image"]["message"]
    assert "Add `url:`" in rules["page-url"]["message"]


def test_sites_that_skip_articles_without_url_write_no_jsonld(kg: Callable[..., Result], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    (data / "site.yaml").write_text(
        (data / "site.yaml").read_text(encoding="utf-8") + "without_url: skip\n", encoding="utf-8"
    )
    result = kg("build", "--data", data, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "out" / "mesotherapy.jsonld").exists() and (tmp_path / "out" / "mesotherapy.ttl").exists()
    assert "`without_url: skip`" in result.output


def _merged(kg: Callable[..., Result], tmp_path: Path, cms: str, **site: Any) -> tuple[Result, dict[str, int]]:
    _, doc = _build(kg, _site(tmp_path, **site), tmp_path / "out")
    theirs = (CMS / cms).read_text(encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text(
        f'<!doctype html><html><head><script type="application/ld+json">{theirs}</script>\n'
        f'<script type="application/ld+json">{json.dumps(doc)}</script></head><body></body></html>',
        encoding="utf-8",
    )
    graph = Graph()
    for block in (json.loads(theirs), doc):
        graph += jsonld.to_graph(block)
    return kg("audit", page, "--format", "json"), pieces(graph)


@pytest.mark.parametrize(("cms", "policy"), [("yoast.json", "yoast"), ("rank-math.json", "rank-math")])
def test_cms_and_medkg_make_one_node_per_piece(
    kg: Callable[..., Result], tmp_path: Path, cms: str, policy: str
) -> None:
    result, count = _merged(kg, tmp_path, cms, ids=policy, omit=["website", "organization", "breadcrumb"])
    assert result.exit_code == 0, result.output
    assert {k: count[k] for k in ("Organization", "WebSite", "WebPage", "BreadcrumbList", "Article")} == {
        "Organization": 1,
        "WebSite": 1,
        "WebPage": 1,
        "BreadcrumbList": 1,
        "Article": 1,
    }
    rules = {f["rule"] for f in json_findings(result.stdout)}
    assert not {r for r in rules if r.startswith("audit:") or r.startswith("schemaorg")}, rules


def test_without_a_policy_the_merged_page_shows_two_publishers_and_a_doubled_breadcrumb(
    kg: Callable[..., Result], tmp_path: Path
) -> None:
    result, count = _merged(kg, tmp_path, "yoast.json")
    assert count["Organization"] == 2
    rules = {f["rule"] for f in json_findings(result.stdout)}
    assert {"audit:two-publishers", "audit:duplicate-position"} <= rules
    assert result.exit_code == 1
