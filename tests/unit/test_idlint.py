"""Site-wide @id lint on a two-article corpus: the sample plus a small test-fixture article."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from click.testing import Result
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st
from rdflib import RDF, Graph, URIRef

from kg.check import idlint, idsummary
from kg.core.findings import Finding, Severity
from kg.core.options import RunOptions
from kg.core.runstore import RunStore
from kg.flow.article import Compiled, compile_article
from kg.flow.build import validate
from kg.graph.iris import SCHEMA
from kg.load.facts import load_corpus

FIXTURE = REPO / "tests/cases/corpus/liposuction.yaml"
BASE = "https://getlabtest.com/"


def corpus(root: Path, edit: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """data/ with the sample article and the fixture article (optionally edited)."""
    data = root / "data"
    (data / "articles").mkdir(parents=True)
    shutil.copy(REPO / "data/site.yaml", data / "site.yaml")
    shutil.copy(REPO / "data/articles/mesotherapy.yaml", data / "articles/mesotherapy.yaml")
    second = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    if edit is not None:
        edit(second)
    (data / "articles/liposuction.yaml").write_text(yaml.safe_dump(second, sort_keys=False), encoding="utf-8")
    return data


def lint_of(data: Path) -> list[Finding]:
    return [f for f in validate(data, RunOptions()).result.sorted() if f.family == "idlint"]


def compiled(data: Path) -> list[Compiled]:
    corpus = load_corpus(data)
    return [compile_article(corpus.site, a) for a in corpus.articles]


def test_two_articles_share_one_id_per_entity(tmp_path: Path) -> None:
    data = corpus(tmp_path)
    assert lint_of(data) == []
    a, b = (c.schema for c in compiled(data))
    shared = {s for s in a.subjects() if isinstance(s, URIRef)} & {s for s in b.subjects() if isinstance(s, URIRef)}
    assert {str(s)[len(BASE) :] for s in shared} == {
        "id/organization/getlabtest",
        "id/treatment/mesotherapy",
        "id/treatment/liposuction",
        "id/condition/bruising",
        "id/condition/infection",
        "id/condition/localised-fat-deposits",
    }


def test_same_entity_spelt_in_another_case_is_a_warning_with_did_you_mean(tmp_path: Path) -> None:
    """ "Hair Loss" / "Hair loss" in two articles: one IRI (slugs ignore case), a warning on the later file."""

    def rename(d: dict[str, Any]) -> None:
        d["treatment"]["adverse_effects"][0]["name"] = "bruising"

    (f,) = lint_of(corpus(tmp_path, rename))
    assert (f.severity, f.rule) == (Severity.WARNING, "idlint:spelling")
    assert f.node == BASE + "id/condition/bruising"
    assert f.file.endswith("articles/mesotherapy.yaml") and f.field == "treatment.adverse_effects[1].name"
    assert "did you mean 'bruising'?" in f.message


def test_same_id_with_another_name_is_a_violation(tmp_path: Path) -> None:
    def rename(d: dict[str, Any]) -> None:
        d["treatment"]["adverse_effects"][0]["name"] = "Bruising (skin)"
        d["treatment"]["adverse_effects"][0]["id"] = "bruising"

    (f,) = lint_of(corpus(tmp_path, rename))
    assert (f.severity, f.rule) == (Severity.VIOLATION, "idlint:conflicting-name")
    assert f.node == BASE + "id/condition/bruising"
    assert f.message.startswith(f"{BASE}id/condition/bruising is named 'Bruising' here but 'Bruising (skin)' in ")


def test_one_entity_under_two_ids_is_a_warning(tmp_path: Path) -> None:
    def other_id(d: dict[str, Any]) -> None:
        d["treatment"]["adverse_effects"][0]["id"] = "bruise"

    (f,) = lint_of(corpus(tmp_path, other_id))
    assert (f.severity, f.rule) == (Severity.WARNING, "idlint:duplicate-entity")
    assert f.message.startswith(
        f"Bruising has two @ids: {BASE}id/condition/bruising here and {BASE}id/condition/bruise in "
    )


def test_conflicting_types_dangling_and_relative_ids(tmp_path: Path) -> None:
    articles = compiled(corpus(tmp_path))  # in file order
    (lipo, lipo_ag), (meso, meso_ag) = ((c.schema, c.medkg) for c in articles)
    meso = Graph(bind_namespaces="none") + meso
    infection = URIRef(BASE + "id/condition/infection")
    meso.remove((infection, RDF.type, None))
    meso.add((infection, RDF.type, SCHEMA.Drug))
    page = meso_ag.page
    meso.add((page, SCHEMA.mentions, URIRef(BASE + "id/condition/ghost")))
    meso.add((page, SCHEMA.relatedLink, URIRef(BASE + "articles/not-in-this-build")))  # a URL, not a reference
    meso.add((page, SCHEMA.about, URIRef("articles/relative")))
    summaries = [idsummary.summarise(lipo, lipo_ag, BASE), idsummary.summarise(meso, meso_ag, BASE)]
    found = {f.rule: f for f in idlint.lint(summaries, BASE)}
    assert sorted(found) == ["idlint:conflicting-type", "idlint:dangling", "idlint:relative"]
    assert all(f.severity is Severity.VIOLATION and f.file.endswith("mesotherapy.yaml") for f in found.values())
    assert found["idlint:conflicting-type"].message.startswith(
        f"{infection} is a 'Drug' here but a 'MedicalSignOrSymptom' in "
    )
    assert found["idlint:conflicting-type"].field == "treatment.adverse_effects[3].name"
    assert found["idlint:dangling"].message.startswith(f"{BASE}id/condition/ghost is referenced under the site's")
    assert found["idlint:relative"].message.startswith("@id 'articles/relative' is empty or relative")


def test_cli_runs_the_lint_on_the_corpus(tmp_path: Path, kg: Callable[..., Result]) -> None:
    def rename(d: dict[str, Any]) -> None:
        d["treatment"]["contraindications"][0]["condition"] = "pregnancy"  # a new slug: no conflict
        d["treatment"]["adverse_effects"][1]["name"] = "Infection (wound)"
        d["treatment"]["adverse_effects"][1]["id"] = "infection"

    data = corpus(tmp_path, rename)
    result = kg("validate", "--data", data, "--format", "json")
    assert result.exit_code == 1
    assert '"rule": "idlint:conflicting-name"' in result.stdout


_IRIS = st.text(alphabet="ab/#", max_size=8)


@given(_IRIS, st.frozensets(_IRIS, max_size=6), st.frozensets(_IRIS, max_size=3))
def test_a_node_belongs_to_an_owner_exactly_when_a_prefix_before_a_slash_is_described(
    s: str, described: frozenset[str], pages: frozenset[str]
) -> None:
    with RunStore() as store:
        index = idlint.Index(store.db)
        for n, page in enumerate(sorted(pages)):
            index.add(idsummary.Summary(f"a{n}.yaml", page, {}, (), (), {}))
        index.add(idsummary.Summary("b.yaml", BASE, {d: (frozenset(), frozenset()) for d in described}, (), (), {}))
        owners = (s[:i] for i in range(len(s)) if s[i] == "/")  # the definition, scanned char by char
        assert index.part(s) == (s in pages or "#" in s or any(o in described for o in owners))


@given(st.text(max_size=12))
def test_the_whitespace_check_is_str_isspace(s: str) -> None:
    assert (idsummary._SPACE.search(s) is None) == (not any(c.isspace() for c in s))
    iri = URIRef("https://a.example/" + s)
    assert idsummary._absolute(iri) == (not any(c.isspace() for c in str(iri)))
