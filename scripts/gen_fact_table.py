"""Generate the "where each fact goes" table of docs/ontology.md from the ontology and the projection.

    python -m scripts.gen_fact_table            # rewrite the table in docs/ontology.md
    python -m scripts.gen_fact_table --check    # exit 1 if the committed table is stale

For every medkg property the mapper writes, the table says how the JSON-LD carries it: the schema.org
property it is a subproperty of (the alignment), the schema.org terms of the projection query that
reads it, or "medkg graph only" with the reason (the property's rdfs:comment, else REASONS below).
tests/unit/test_ontology.py fails when the table in docs/ontology.md is stale.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "ontology.md"
BEGIN, END = "<!-- BEGIN fact table (python -m scripts.gen_fact_table) -->", "<!-- END fact table -->"
MEDKG, SCHEMA = "https://w3id.org/medkg#", "http://schema.org/"
REASONS = {
    "frequency": "schema.org has no frequency of an adverse outcome (schema:frequency is a dosing frequency)",
    "frequencyAsWritten": "schema.org has no frequency of an adverse outcome",
    "rate": "schema.org has no rate of an adverse outcome",
    "seriousness": "only schema.org's sense of serious is published (medkg:seriousOutcome)",
    "temporary": "schema.org has no property for a passing adverse outcome",
    "lasts": "schema.org has no duration of an outcome or adverse effect",
    "onset": "schema.org has no onset of a therapy's effect",
    "fullEffectAfter": "schema.org has no onset of a therapy's effect",
    "permanence": "schema.org has no permanence of a therapy's effect",
    "amount": "schema.org has no quantified outcome of a therapy",
    "outcome": "schema.org has no outcome of a MedicalTherapy",
    "claimedOutcome": "schema.org has no outcome of a MedicalTherapy",
    "claimedMechanism": "schema:mechanismOfAction is declared for Drug only",
    "timing": "schema.org has no timing of an adverse outcome; steps carry it inside their text",
    "onlyIf": "schema.org has no condition of an adverse outcome",
    "siteNote": "schema.org has no location of an adverse outcome",
    "purpose": "schema.org has no purpose of an indication or of a drug in a therapy",
    "course": "schema:DoseSchedule describes drug doses, not sessions of a procedure",
    "sessionCount": "schema.org has no number of sessions",
    "interval": "schema.org has no interval between procedure sessions",
    "maintenance": "schema.org has no maintenance schedule of a procedure",
    "maintenanceInterval": "schema.org has no maintenance schedule of a procedure",
    "sessions": "schema.org has no number of sessions",
    "minDuration": "a procedure has no duration in schema.org; aftercare durations are published inside their text",
    "maxDuration": "a procedure has no duration in schema.org; aftercare durations are published inside their text",
    "comparison": "schema:duplicateTherapy means an overlapping therapy, not a compared one",
    "contraindicationKind": "schema:MedicalContraindication has no kind or strength",
    "until": "schema:MedicalContraindication has no end condition",
    "goodCandidate": "schema.org has no candidacy of a therapy",
    "notGoodCandidate": "schema.org has no candidacy of a therapy",
    "suitableCandidates": "schema.org has no candidacy of a therapy",
    "conflict": "an editor's flag, not a fact to publish",
    "noneStated": "an explicit 'none' has no schema.org form (an empty list is not published)",
    "section": "provenance stays in the medkg graph (PROV-O)",
    "factPath": "provenance stays in the medkg graph (PROV-O)",
    "hasAgentUse": "published as schema:drug only for numbing, pre-medication and adjunct agents (agents.rq)",
}
DEFAULT = "no schema.org property says it faithfully"


def _queries() -> dict[str, tuple[str, set[str]]]:
    """Projection query → (its file, the schema.org terms it writes), per medkg term it reads."""
    reads: dict[str, tuple[str, set[str]]] = {}
    for q in sorted((REPO / "ontology" / "projection").glob("*.rq")):
        text = q.read_text(encoding="utf-8")
        head, _, body = text.partition("WHERE") if "CONSTRUCT" in text else ("", "", text)
        writes = set(re.findall(r"schema:([A-Za-z]+)", head or body))
        writes = {w for w in writes if w[0].islower()}
        for term in set(re.findall(r"medkg:([A-Za-z]+)", body)):
            if term[0].islower():
                files, terms = reads.get(term, ("", set()))
                reads[term] = (f"{files}, {q.name}" if files else q.name, terms | writes)
    return reads


def table() -> str:
    g = Graph().parse(REPO / "ontology" / "medkg.ttl")
    reads = _queries()
    rows = ["| medkg property | label | in the JSON-LD as | why not, or how |", "|---|---|---|---|"]
    props = sorted(
        {
            s
            for t in (OWL.ObjectProperty, OWL.DatatypeProperty)
            for s in g.subjects(RDF.type, t)
            if isinstance(s, URIRef) and str(s).startswith(MEDKG)
        },
        key=str,
    )
    for p in props:
        name = str(p)[len(MEDKG) :]
        label = str(g.value(p, RDFS.label) or name)
        aligned = sorted(str(o)[len(SCHEMA) :] for o in g.objects(p, RDFS.subPropertyOf) if str(o).startswith(SCHEMA))
        if aligned:
            used, how = ", ".join(f"`schema:{a}`" for a in aligned), "alignment (rdfs:subPropertyOf)"
        elif name in reads:
            file, terms = reads[name]
            used, how = ", ".join(f"`schema:{t}`" for t in sorted(terms)) or "—", f"projection ({file})"
        else:
            used, how = "medkg graph only", REASONS.get(name, DEFAULT)
        rows.append(f"| `{name}` | {label} | {used} | {how} |")
    return "\n".join(rows)


def render(doc: str) -> str:
    start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    return doc[:start] + "\n" + table() + "\n" + doc[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the table in docs/ontology.md is stale")
    check = parser.parse_args(argv).check
    doc = DOC.read_text(encoding="utf-8")
    new = render(doc)
    if check:
        return 0 if new == doc else 1
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
