"""Real consumer articles (tests/cases/articles/<slug>/): each builds with 0 violations, every fact of
its checklist is found in the medkg graph, and in the JSON-LD where the checklist says schema.org can
say it; every value written in the facts file reaches the medkg graph; every quote carries provenance.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import RDF, Literal, Namespace, URIRef
from rdflib.term import Node

from kg.check.families import validate_article
from kg.core.findings import Severity
from kg.core.options import RunOptions
from kg.export.serialize import jsonld_text
from kg.flow.article import Compiled, compile_article
from kg.graph.iris import MEDKG
from kg.load.facts import load_article, load_site
from kg.load.located import Located
from kg.load.model import Article

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "tests" / "cases" / "articles"
SLUGS = sorted(p.name for p in CASES.iterdir() if (p / "facts.yaml").is_file())
PROV = Namespace("http://www.w3.org/ns/prov#")
NOT_LITERAL = {"slug", "id", "url", "system"}  # written as IRIs or node names, not as texts
CONTROLLED = {
    "frequency",
    "seriousness",
    "when",
    "kind",
    "role",
    "status",
    "permanence",
    "unit",
    "category",
    "invasiveness",
    "procedure_type",
    "sessions",
}  # controlled values: ontology individuals


@cache
def compiled(slug: str) -> Compiled:
    site = load_site(CASES / slug / "site.yaml")
    article = load_article(CASES / slug / "facts.yaml")
    assert isinstance(article, Article), article
    return compile_article(site, article)


def near(c: Compiled, node: Node, hops: int = 2) -> list[str]:
    """Texts of a node and of the nodes it links to, `hops` deep: its literals and their labels."""
    out: list[str] = []
    frontier: list[Node] = [node]
    seen = {node}
    for _ in range(hops + 1):
        nxt: list[Node] = []
        for n in frontier:
            for _, _, o in c.medkg.graph.triples((n, None, None)):
                if isinstance(o, Literal):
                    out.append(str(o))
                elif o not in seen and isinstance(o, URIRef) and str(o).startswith(("http", "https")):
                    seen.add(o)
                    nxt.append(o)
        frontier = nxt
    return out


def test_eight_real_articles() -> None:
    assert len(SLUGS) >= 8


@pytest.mark.parametrize("slug", SLUGS)
def test_builds_without_violations(slug: str) -> None:
    c = compiled(slug)
    found = validate_article(c.medkg, c.schema_triples, RunOptions())
    violations = [f for f in found if f.severity >= Severity.VIOLATION]
    assert violations == [], violations


def sample() -> Compiled:
    article = load_article(REPO / "data" / "articles" / "mesotherapy.yaml")
    assert isinstance(article, Article)
    return compile_article(load_site(REPO / "data" / "site.yaml"), article)


def test_sample_checklist_and_its_share_in_the_jsonld() -> None:
    """The bundled sample: 71 atomic facts, all in the medkg graph; 30 carried in full by the JSON-LD (31 before the
    aftercare duration was published with its instruction, less the image and breadcrumb, which the sample states
    without the URLs Google requires, so they are left out of the JSON-LD and reported)."""
    checklist = check(sample(), REPO / "tests" / "cases" / "sample" / "checklist.yaml")
    assert (len(checklist), sum(1 for e in checklist if e["jsonld"])) == (71, 30)


@pytest.mark.parametrize("slug", SLUGS)
def test_checklist_facts_in_graph_and_jsonld(slug: str) -> None:
    check(compiled(slug), CASES / slug / "checklist.yaml")
    assert "TODO" not in (CASES / slug / "facts.yaml").read_text(encoding="utf-8")


def check(c: Compiled, path: Path) -> list[dict[str, Any]]:
    """Every entry of a checklist found in the medkg graph, and in the JSON-LD where it says so."""
    checklist: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonld = jsonld_text(c.schema_triples).casefold()
    missing = []
    for entry in checklist:
        probe = entry["graph"]
        nodes = set(c.medkg.graph.subjects(RDF.type, MEDKG[probe["class"]]))
        if not any(probe["has"].casefold() in t.casefold() for n in nodes for t in near(c, n)):
            missing.append(("graph", entry["fact"]))
        if entry["jsonld"] and str(entry["jsonld"]).casefold() not in jsonld:
            missing.append(("jsonld", entry["fact"]))
        assert "TODO" not in str(probe["has"]), entry
    assert missing == [], missing
    return checklist


def leaves(value: Any, key: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, Located):
        return [
            kv for f in fields(value) if f.name not in ("at", "bare") for kv in leaves(getattr(value, f.name), f.name)
        ]
    if isinstance(value, tuple):
        return [kv for v in value for kv in leaves(v, key)]
    return [] if value is None else [(key, value)]


@pytest.mark.parametrize("slug", [*SLUGS, "../../../data/articles/mesotherapy"])
def test_every_stated_text_reaches_the_graph(slug: str) -> None:
    """Walks each value of the facts file: every text is a literal of the medkg graph (quotes via PROV-O)."""
    c = sample() if slug.startswith("..") else compiled(slug)
    literals = {str(o) for o in c.medkg.graph.objects() if isinstance(o, Literal)}
    texts = [
        (k, v)
        for k, v in leaves(c.article.treatment) + leaves(c.article.faq)
        if isinstance(v, str) and k not in NOT_LITERAL | CONTROLLED
    ]
    assert texts
    assert [(k, v) for k, v in texts if v not in literals] == []
    quotes = {str(o) for o in c.medkg.graph.objects(None, PROV.value)}
    derived = set(c.medkg.graph.subjects(PROV.wasDerivedFrom, None))
    assert all(str(v) in quotes for k, v in texts if k == "quote")
    assert derived, "fact nodes derive from their page (PROV-O)"


def test_no_contraindications_stated_is_an_info_and_stated_none_satisfies_it(tmp_path: Path) -> None:
    """botox-plumplife states no contraindications: an info, never a violation. Saying "none" explicitly
    (`none_stated.contraindications` with the article's words) satisfies the rule; listing entries and
    saying none is an error in the facts file."""
    c = compiled("botox-plumplife")
    found = validate_article(c.medkg, c.schema_triples, RunOptions())
    rule = [f for f in found if f.rule.endswith("Treatment-contraindication")]
    assert [(f.severity, f.message.startswith("If the article states")) for f in rule] == [(Severity.INFO, True)]
    text = (CASES / "botox-plumplife" / "facts.yaml").read_text(encoding="utf-8")
    none = text.replace(
        "  adverse_effects:\n",
        '  none_stated:\n    contraindications: {section: Safety, quote: "Anyone can have it."}\n  adverse_effects:\n',
        1,
    )
    (tmp_path / "none.yaml").write_text(none, encoding="utf-8")
    article = load_article(tmp_path / "none.yaml")
    assert isinstance(article, Article)
    c = compile_article(load_site(CASES / "botox-plumplife" / "site.yaml"), article)
    assert not [
        f
        for f in validate_article(c.medkg, c.schema_triples, RunOptions())
        if f.rule.endswith("Treatment-contraindication")
    ]
    both = none.replace(
        "  adverse_effects:\n", "  contraindications:\n    - condition: Pregnancy\n  adverse_effects:\n", 1
    )
    (tmp_path / "both.yaml").write_text(both, encoding="utf-8")
    problems = load_article(tmp_path / "both.yaml")
    assert isinstance(problems, list)
    assert [p.field for p in problems] == ["treatment.none_stated.contraindications"]
