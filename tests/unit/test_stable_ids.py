"""Stable identifiers: FAQ entries, aftercare instructions and procedure steps keep their IRIs when
reordered; people get opaque IRIs unless the facts pin one; an `id:` pins an entity's IRI, so a new
name is reported by `kg diff` as a rename."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import Result
from rdflib import RDF, URIRef

from kg.flow.article import compile_article
from kg.graph.iris import MEDKG
from kg.load.facts import load_corpus


def nodes(data: Path, cls: URIRef) -> dict[str, str]:
    """IRI → text of the nodes of a class in the sample's medkg graph."""
    corpus = load_corpus(data)
    c = compile_article(corpus.site, corpus.articles[0])
    typed = {s for s, p, o in c.medkg.triples if p == RDF.type and o == cls}
    texts = {str(s): str(o) for s, p, o in c.medkg.triples if s in typed and p in (MEDKG.text, MEDKG.question)}
    return texts


def edit(data: Path, change: Callable[[dict[str, object]], None]) -> None:
    path = data / "articles/mesotherapy.yaml"
    facts = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(facts)
    path.write_text(yaml.safe_dump(facts, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_reordering_keeps_faq_aftercare_and_step_iris(data: Path) -> None:
    classes = (MEDKG.FAQItem, MEDKG.AftercareInstruction, MEDKG.ProcedureStep)
    before = {cls: nodes(data, cls) for cls in classes}
    assert all(len(v) >= 2 for v in before.values())

    def reverse(facts: dict[str, object]) -> None:
        facts["faq"] = list(reversed(facts["faq"]))  # type: ignore[call-overload]
        treatment = facts["treatment"]
        assert isinstance(treatment, dict)
        treatment["aftercare"] = list(reversed(treatment["aftercare"]))
        treatment["procedure"]["steps"] = list(reversed(treatment["procedure"]["steps"]))

    edit(data, reverse)
    after = {cls: nodes(data, cls) for cls in classes}
    assert after == before  # same IRIs for the same texts; only their positions changed


def test_person_iris_are_opaque_unless_pinned(data: Path) -> None:
    def authors(facts: dict[str, object]) -> None:
        page = facts["page"]
        assert isinstance(page, dict)
        page["authors"] = [{"name": "Jane Example"}, {"name": "John Example", "id": "john-example"}]

    edit(data, authors)
    corpus = load_corpus(data)
    c = compile_article(corpus.site, corpus.articles[0])
    people = sorted(str(s) for s, p, o in c.medkg.triples if p == RDF.type and o == MEDKG.Person)
    assert people[0] == "https://getlabtest.com/id/person/john-example"
    assert people[1].startswith("https://getlabtest.com/id/person/p-") and "jane" not in people[1].lower()


def test_diff_reports_a_rename_of_a_pinned_entity(kg: Callable[..., Result], data: Path, tmp_path: Path) -> None:
    def pin(facts: dict[str, object]) -> None:
        facts["treatment"]["contraindications"][0]["id"] = "pregnancy"  # type: ignore[index]

    edit(data, pin)
    assert kg("build", "--data", data, "--out", tmp_path / "old").exit_code == 0

    def rename(facts: dict[str, object]) -> None:
        facts["treatment"]["contraindications"][0]["condition"] = "Being pregnant"  # type: ignore[index]

    edit(data, rename)
    assert kg("build", "--data", data, "--out", tmp_path / "new").exit_code == 0
    result = kg("diff", tmp_path / "old", tmp_path / "new")
    assert result.exit_code == 0, result.stderr
    assert "renamed 'Pregnancy' → 'Being pregnant'" in result.stdout
    assert " removed" not in result.stdout and " added" not in result.stdout
