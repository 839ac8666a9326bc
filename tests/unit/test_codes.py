"""Medical codes: format errors name what to write; codes reach the JSON-LD as MedicalCode nodes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.compare import isomorphic

from kg.core.errors import InputError
from kg.core.findings import Severity
from kg.core.options import RunOptions
from kg.export import jsonld
from kg.flow.article import compile_article
from kg.flow.build import build
from kg.graph.iris import SCHEMA
from kg.load.codes import verhoeff_digit
from kg.load.facts import load_corpus

ARTICLE = "data/articles/mesotherapy.yaml"


def _with_codes(data: Path, codes: str, anchor: str = "  name: Mesotherapy\n") -> Path:
    article = data / "articles" / "mesotherapy.yaml"
    text = article.read_text(encoding="utf-8")
    assert anchor in text
    article.write_text(text.replace(anchor, anchor + codes, 1), encoding="utf-8")
    return article


def _error(data: Path, needle: str) -> str:
    """The one finding, as line:column field: message; the line must be the one holding `needle`."""
    with pytest.raises(InputError) as e:
        load_corpus(data)
    (finding,) = e.value.findings
    lines = (data / "articles" / "mesotherapy.yaml").read_text(encoding="utf-8").splitlines()
    assert needle in lines[finding.line - 1]
    assert lines[finding.line - 1][finding.column - 1 :].startswith(("'", needle))
    return f"{finding.field}: {finding.message}"


def test_verhoeff_check_digits() -> None:
    assert [verhoeff_digit(d) for d in ("236", "12345", "142857")] == ["3", "1", "0"]
    # Real SNOMED CT ids: the owl:equivalentClass links of schema.org's MedicalProcedure,
    # TherapeuticProcedure, SurgicalProcedure and Drug (shared/reference/schemaorg-health.md).
    for sctid in ("50731006", "277132007", "387713003", "410942007"):
        assert verhoeff_digit(sctid[:-1]) == sctid[-1]


def test_wrong_snomed_check_digit(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(data.parent)
    good = "1234567" + verhoeff_digit("1234567")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    _with_codes(data, f"  codes:\n    - {{system: snomed-ct, code: '{bad}'}}\n")
    assert _error(data, bad) == (
        f"treatment.codes[0].code: '{bad}' is not a valid SNOMED CT concept id: its last digit is the "
        f"Verhoeff check digit, which for 1234567 is {good[-1]}, not {bad[-1]} (look for a typo in the id)"
    )


def test_malformed_mesh_id(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(data.parent)
    _with_codes(data, "  codes:\n    - {system: mesh, code: D12345}\n")
    assert _error(data, "D12345") == (
        "treatment.codes[0].code: 'D12345' is not a MeSH descriptor id (D followed by 6 or 9 digits)"
    )


def test_wikidata_page_url_names_the_entity_iri(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(data.parent)
    _with_codes(
        data,
        "      codes:\n        - {system: wikidata, code: 'https://www.wikidata.org/wiki/Q12'}\n",
        anchor="    - condition: Cellulite\n",
    )
    assert _error(data, "wiki/Q12") == (
        "treatment.indications[2].codes[0].code: 'https://www.wikidata.org/wiki/Q12' is not a Wikidata "
        "entity IRI (http://www.wikidata.org/entity/Q followed by digits); write http://www.wikidata.org/entity/Q12"
    )


def test_codes_round_trip_into_the_jsonld(data: Path) -> None:
    snomed = "1234567" + verhoeff_digit("1234567")
    _with_codes(
        data,
        f"  codes:\n    - {{system: snomed-ct, code: '{snomed}'}}\n"
        "    - {system: wikidata, code: 'http://www.wikidata.org/entity/Q7'}\n",
    )
    _with_codes(data, "      codes: [{system: mesh, code: D000001}]\n", anchor="    - condition: Cellulite\n")
    _with_codes(data, "      codes: [{system: umls, code: C0000001}]\n", anchor="    - condition: Pregnancy\n")
    _with_codes(data, "      codes: [{system: chebi, code: 'CHEBI:1'}]\n", anchor="    - name: Hyaluronic acid\n")
    done = build(data, data.parent / "exports", RunOptions())
    assert not done.result.failed(Severity.VIOLATION)
    corpus = load_corpus(data)
    schema = compile_article(corpus.site, corpus.articles[0]).schema
    expanded = jsonld.to_graph(json.loads((data.parent / "exports/mesotherapy.jsonld").read_bytes()))
    assert isomorphic(expanded, schema)
    base = "https://getlabtest.com/id/"
    expected = {
        (f"{base}treatment/mesotherapy", f"{base}treatment/mesotherapy#code-snomed-ct-{snomed}", snomed, "SNOMED-CT"),
        (f"{base}treatment/mesotherapy", f"{base}treatment/mesotherapy#code-wikidata-Q7", "Q7", "Wikidata"),
        (f"{base}condition/cellulite", f"{base}condition/cellulite#code-mesh-D000001", "D000001", "MeSH"),
        (
            "https://getlabtest.com/id/treatment/mesotherapy/contraindication/pregnancy",
            f"{base}condition/pregnancy#code-umls-C0000001",
            "C0000001",
            "UMLS",
        ),
        (
            f"{base}ingredient/hyaluronic-acid",
            f"{base}ingredient/hyaluronic-acid#code-chebi-CHEBI-1",
            "CHEBI:1",
            "ChEBI",
        ),
    }
    found = {
        (str(s), str(c), str(expanded.value(c, SCHEMA.codeValue)), str(expanded.value(c, SCHEMA.codingSystem)))
        for s, c in expanded.subject_objects(SCHEMA.code)
    }
    assert found == expected
    assert all((URIRef(c), RDF.type, SCHEMA.MedicalCode) in expanded for _, c, _, _ in expected)
    assert (
        URIRef(f"{base}treatment/mesotherapy"),
        SCHEMA.sameAs,
        URIRef("http://www.wikidata.org/entity/Q7"),
    ) in expanded
    assert Literal("Q7") in set(expanded.objects(None, SCHEMA.codeValue))
