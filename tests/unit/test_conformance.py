"""schema.org 30.0 conformance: the derived vocabulary, the checker on broken fixtures, the sample and
schema.org's own published examples."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import DATA, REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.check import conformance
from kg.check.families import published
from kg.core.findings import Finding, Severity
from kg.core.options import RunOptions
from kg.export import jsonld
from kg.flow.article import Compiled, compile_article
from kg.graph import iris
from kg.graph.locate import locator
from kg.load.facts import load_corpus

VOCAB_TTL = DATA / "schemaorg" / "schemaorg-current-https.ttl"
EXAMPLES = DATA / "schemaorg" / "examples"
EX = "https://example.org/"


def nowhere(node: object, path: object) -> tuple[str, int, int, str]:
    return ("fixture", 1, 1, "")


def findings(doc: Mapping[str, object]) -> list[Finding]:
    return conformance.check(jsonld.to_graph({"@context": "https://schema.org", **doc}), nowhere)


def only(found: list[Finding]) -> Finding:
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def compiled() -> Compiled:
    corpus = load_corpus(REPO / "data")
    return compile_article(corpus.site, corpus.articles[0])


def test_sample_conforms_without_any_finding(compiled: Compiled) -> None:
    assert conformance.check(compiled.schema, locator(compiled.medkg)) == []


def test_removed_property_indication_names_the_replacement() -> None:
    f = only(
        findings(
            {
                "@id": EX + "t",
                "@type": "MedicalTherapy",
                "name": "Mesotherapy",
                "indication": {"@id": EX + "c", "@type": "TreatmentIndication", "name": "Cellulite"},
            }
        )
    )
    assert (f.severity, f.rule, f.node, f.family) == (
        Severity.VIOLATION,
        "schemaorg:unknown-property",
        EX + "t",
        "schemaorg-vocab",
    )
    assert f.message.startswith("schema:indication was removed from schema.org in release 7.0")
    assert "schema:possibleTreatment" in f.message and "contraindication" not in f.message


def test_unknown_terms_get_a_did_you_mean() -> None:
    found = findings({"@id": EX + "t", "@type": "MedicalTherapie", "headLine": "x"})
    assert [(f.rule, f.message.split("Did you mean ")[1].split("?")[0]) for f in found] == [
        ("schemaorg:unknown-type", "schema:MedicalTherapy"),
        ("schemaorg:unknown-property", "schema:headline"),
    ]


def test_property_outside_its_domain_is_subclass_aware() -> None:
    doc = {
        "@id": EX + "t",
        "@type": "TherapeuticProcedure",
        "name": "x",
        "contraindication": {"@id": EX + "c", "@type": "MedicalContraindication", "name": "Pregnancy"},
    }
    f = only(findings(doc))
    assert (f.severity, f.rule) == (Severity.VIOLATION, "schemaorg:domain")
    assert f.message.startswith(
        "schema:contraindication is not a property of TherapeuticProcedure in schema.org "
        "30.0; it is declared for MedicalDevice, MedicalTherapy"
    )
    assert findings({**doc, "@type": "PalliativeProcedure"}) == []  # PalliativeProcedure ⊂ MedicalTherapy


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {"@id": EX + "c", "@type": "MedicalCondition", "name": "Acne"},
            "The value of schema:drug is a MedicalCondition, but schema.org 30.0 expects Drug.",
        ),
        ({"@value": "2026-02-01T10:00:00Z", "@type": "DateTime"}, None),
    ],
)
def test_wrong_value_types(value: dict[str, str], message: str | None) -> None:
    if message is not None:
        f = only(findings({"@id": EX + "t", "@type": "MedicalTherapy", "drug": value}))
        assert (f.severity, f.rule) == (Severity.VIOLATION, "schemaorg:range") and f.message.startswith(message)
        return
    f = only(findings({"@id": EX + "p", "@type": "MedicalWebPage", "lastReviewed": value}))
    assert (f.severity, f.rule) == (Severity.VIOLATION, "schemaorg:range")
    assert f.message.startswith(
        "The value '2026-02-01T10:00:00Z' of schema:lastReviewed is a date-time, but schema.org 30.0 expects Date."
    )


def test_literals_are_checked_against_datatypes_leniently() -> None:
    page = {"@id": EX + "p", "@type": "MedicalWebPage"}
    assert (
        findings(
            {
                **page,
                "datePublished": "2026-01-05T09:00:00+01:00",
                "lastReviewed": "2026-01-05",
                "author": "A. Writer",
                "about": "cellulite",
                "position": 3,
            }
        )
        == []
    )  # text for a thing: lenient
    bad = only(findings({**page, "datePublished": "yesterday"}))
    assert (bad.severity, bad.rule) == (Severity.VIOLATION, "schemaorg:range") and "not a valid date" in bad.message
    number = only(findings({**page, "author": 5}))
    assert "is an integer, but" in number.message
    linked = only(findings({**page, "isFamilyFriendly": {"@id": EX + "x"}}))
    assert "is a link to a node, but schema.org 30.0 expects Boolean" in linked.message


def test_enumeration_members_superseded_and_pending() -> None:
    found = findings(
        {
            "@id": EX + "t",
            "@type": "MedicalTherapy",
            "relevantSpecialty": {"@id": "schema:Dermatologic"},
            "procedureType": {"@id": "schema:Dermatology"},
            "code": {"@id": EX + "code", "@type": "MedicalCode", "codeValue": "D0", "codingSystem": "MeSH"},
        }
    )
    by_rule = {(f.rule, f.severity): f.message for f in found}
    assert by_rule[("schemaorg:superseded", Severity.WARNING)] == (
        "The enumeration member schema:Dermatologic is superseded in schema.org 30.0: use schema:Dermatology instead."
    )
    assert by_rule[("schemaorg:range", Severity.VIOLATION)].startswith(
        "schema:Dermatology (given as a link) is a member of MedicalSpecialty, but schema.org 30.0 expects "
        "MedicalProcedureType"
    )
    pending = only([f for f in found if f.rule == "schemaorg:pending"])
    assert (pending.severity, pending.node) == (Severity.INFO, EX + "code")
    assert pending.message.startswith("The property schema:codeValue is pending in schema.org 30.0")
    assert len(found) == 3


def test_https_namespace_is_accepted_and_normalised() -> None:
    http = Graph().parse(
        data=f"""@prefix s: <http://schema.org/> .
        <{EX}t> a s:TherapeuticProcedure ; s:contraindication "Pregnancy" ; s:indication "Acne" .""",
        format="turtle",
    )
    https = Graph().parse(
        data=f"""@prefix s: <https://schema.org/> .
        <{EX}t> a s:TherapeuticProcedure ; s:contraindication "Pregnancy" ; s:indication "Acne" .""",
        format="turtle",
    )
    a, b = conformance.check(http, nowhere), conformance.check(https, nowhere)
    assert a == b and [f.rule for f in a] == ["schemaorg:domain", "schemaorg:unknown-property"]
    assert set(conformance.normalise(https)) == set(conformance.normalise(http)) == set(http)


def test_findings_point_at_the_facts_line(compiled: Compiled) -> None:
    """A bad term in the published graph is reported at the facts entry that produced its node."""
    schema = set(compiled.schema_triples)
    treatment = URIRef("https://getlabtest.com/id/treatment/mesotherapy")
    schema.add((treatment, URIRef("http://schema.org/indication"), URIRef("https://getlabtest.com/id/condition/x")))
    found = published(schema, locator(compiled.medkg), RunOptions(profile=None))
    f = only([f for f in found if f.family == "schemaorg-vocab"])
    text = (REPO / "data/articles/mesotherapy.yaml").read_text(encoding="utf-8").splitlines()
    assert (f.file, f.field) == ("data/articles/mesotherapy.yaml", "treatment")
    assert text[f.line - 2] == "treatment:" and text[f.line - 1] == "  name: Mesotherapy"  # the entry's first line


def test_schemaorg_published_examples() -> None:
    """schema.org's own health examples: no crash, no violation, and the known quirks found."""
    found = {}
    for path in sorted(EXAMPLES.glob("*.jsonld")):
        found[path.stem] = conformance.check(jsonld.to_graph(json.loads(path.read_text(encoding="utf-8"))), nowhere)
    assert len(found) == 6
    assert not [f for fs in found.values() for f in fs if f.severity is Severity.VIOLATION]
    audience = only([f for f in found["eg-0225"] if f.rule == "schemaorg:type-as-value"])
    assert "schema:Patient given as text" in audience.message and '{"@type": "Patient"}' in audience.message
    clinician = only([f for f in found["eg-0222"] if f.severity is Severity.WARNING])
    assert clinician.message.startswith("schema:Clinician (given as text) is a member of MedicalAudienceType")
    assert {f.message.split(" is pending")[0] for f in found["eg-0466"]} == {
        "The property schema:associatedDisease",
        "The property schema:codeValue",
        "The type schema:BioChemEntity",
    }


def test_derived_vocabulary_is_reproducible(tmp_path: Path) -> None:
    out = tmp_path / "vocab.json"
    subprocess.run([sys.executable, str(REPO / "scripts/derive_schemaorg.py"), str(VOCAB_TTL), str(out)], check=True)
    assert out.read_bytes() == (REPO / "ontology/schemaorg/vocab-30.0.json").read_bytes()


_TERMS = [
    URIRef("http://schema.org/name"),
    URIRef("https://schema.org/name"),
    URIRef("https://schema.orgx/name"),
    URIRef(EX + "a"),
    Literal("x"),
    Literal("x", lang="en"),
    Literal("2024-01-01", datatype=URIRef("https://schema.org/Date")),
    Literal("2024-01-01", datatype=URIRef("http://schema.org/Date")),
    Literal("https://schema.org/name"),
]


@settings(max_examples=200)
@given(st.sets(st.tuples(*(st.sampled_from(_TERMS),) * 3), max_size=6))
def test_normalise_skips_only_graphs_it_would_not_change(graph: set[tuple[Node, Node, Node]]) -> None:
    """The no-op proof: the graph comes back as it is exactly when rewriting every term changes none."""
    rewritten = {(iris._norm(s), iris._norm(p), iris._norm(o)) for s, p, o in graph}
    unchanged = all(iris._norm(t) is t for triple in graph for t in triple)
    out = conformance.normalise(graph)
    assert out == rewritten
    assert (out is graph) == unchanged


def test_normalise_leaves_every_projected_view_as_it_is() -> None:
    """The views medkg projects have no https://schema.org/ term: conformance and the Google profile
    share one index of the view."""
    corpus = load_corpus(REPO / "data")
    for article in corpus.articles:
        view = compile_article(corpus.site, article).schema_triples
        assert conformance.normalise(view) is view
