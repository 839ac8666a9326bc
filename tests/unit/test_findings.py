"""Every finding family points at the facts line a writer must change, and says what to write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from conftest import JsonFinding, json_findings
from rdflib import Graph, URIRef

from kg.check.families import findings as findings_of
from kg.check.families import pyshacl_results
from kg.core.findings import Severity

ARTICLE = "data/articles/mesotherapy.yaml"


def _edit(path: Path, old: str, new: str) -> int:
    """Replace once; the 1-based line where the new text starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1 + new[: len(new) - len(new.lstrip("\n"))].count("\n")


def _findings(kg: Callable[..., Result], data: Path) -> tuple[int, list[JsonFinding]]:
    result = kg("validate", "--data", data, "--format", "json")
    return result.exit_code, json_findings(result.stdout)


def test_one_error_of_each_family_gives_one_finding_each_at_its_line(kg: Callable[..., Result], data: Path) -> None:
    _, baseline = _findings(kg, data)
    article = data / "articles/mesotherapy.yaml"
    broken = data / "articles/broken.yaml"
    broken.write_text(
        article.read_text(encoding="utf-8").replace("slug: mesotherapy", "slug: broken"), encoding="utf-8"
    )
    facts_line = _edit(broken, "  category: cosmetic\n", "  category: cosmetics\n")
    schema_line = _edit(
        article, "  description: >-\n    A guide", "  date_published: 2026-05-07\n  description: >-\n    A guide"
    )
    medkg_line = _edit(
        article,
        "      frequency: rare\n      seriousness: serious\n    - name: Irregular",
        "      frequency: unknown\n      seriousness: serious\n    - name: Irregular",
    )

    code, findings = _findings(kg, data)
    assert code == 2  # a schema-invalid facts file is bad input, reported with everything else

    def key(f: JsonFinding) -> tuple[str, ...]:  # lines below an edit move, so they are not compared
        return f["family"], f["rule"], f["node"], f["field"], f["message"]

    new = [f for f in findings if key(f) not in set(map(key, baseline))]
    assert [(f["family"], f["file"], f["line"], f["column"], f["severity"], f["field"], f["rule"]) for f in new] == [
        ("facts", "data/articles/broken.yaml", facts_line, 13, "violation", "treatment.category", "schema:enum"),
        (
            "google",
            ARTICLE,
            schema_line,
            19,
            "warning",
            "page.date_published",
            "google-2026-12:Article-datePublishedZone",
        ),
        (
            "medkg",
            ARTICLE,
            medkg_line,
            18,
            "info",
            "treatment.adverse_effects[3].frequency",
            "medkgsh:AdverseEffect-frequencyUnknown",
        ),
    ]
    by_family = {f["family"]: f for f in new}
    assert by_family["facts"]["message"] == "'cosmetics' is not one of: cosmetic, medical"
    assert by_family["medkg"]["message"].startswith("If the article states how common this adverse effect is")
    assert "replace `frequency: unknown`" in by_family["medkg"]["message"]
    assert by_family["medkg"]["node"] == "https://getlabtest.com/id/treatment/mesotherapy/adverse-effect/infection"
    assert "write `page.date_published` as YYYY-MM-DDThh:mm+hh:mm" in by_family["google"]["message"]
    assert by_family["google"]["node"] == "https://getlabtest.com/articles/mesotherapy#article"


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex/> .
ex:Page a sh:NodeShape ; sh:targetClass ex:Page ; sh:property ex:Page-author, ex:Page-publisher .
ex:Page-author a sh:PropertyShape ; sh:path ex:author ; sh:node ex:Named ; sh:severity sh:Violation ;
    sh:message "Each author needs a name: add `name:` to the `page.authors` entry." .
ex:Named a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ;
    sh:message "A person has no name: write it in `name:`." ] .
ex:Page-publisher a sh:PropertyShape ; sh:path ex:publisher ; sh:severity sh:Violation ;
    sh:or ( [ sh:class ex:Organization ] [ sh:class ex:Person ] ) ;
    sh:message "The publisher must be an Organization or a Person: give `publisher.name`." .
"""
DATA = """@prefix ex: <http://ex/> . ex:p a ex:Page ; ex:author ex:a ; ex:publisher ex:x . ex:x a ex:Thing ."""


def test_nested_reasons_of_sh_node_and_sh_or_are_flattened_into_the_message() -> None:
    """pySHACL nests sh:node failures under sh:detail and gives sh:or none: both end up in words."""
    shapes = Graph().parse(data=SHAPES, format="turtle")
    data = Graph().parse(data=DATA, format="turtle")
    findings = findings_of(
        data, pyshacl_results(data, shapes), shapes, "test", lambda focus, path: ("f.yaml", 3, 5, "page")
    )
    assert [(f.severity, f.rule, f.message) for f in findings] == [
        (
            Severity.VIOLATION,
            "http://ex/Page-author",
            "Each author needs a name: add `name:` to the `page.authors` entry. — A person has no name: write it in "
            "`name:`.",
        ),
        (
            Severity.VIOLATION,
            "http://ex/Page-publisher",
            "The publisher must be an Organization or a Person: give `publisher.name`. — expected one of: "
            "a http://ex/Organization, a http://ex/Person",
        ),
    ]
    assert {f.node for f in findings} == {str(URIRef("http://ex/p"))}
