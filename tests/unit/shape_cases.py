"""The shape fixtures of tests/unit/test_shapes.py (also read by test_engines.py): one row per shape.

Each family has one small base graph (tests/cases/shapes/<family>.ttl) that conforms fully: no
result at all. Each row of CASES names one shape, its severity, and a mutation of the base graph
that makes exactly that shape fail (plus, where unavoidable, the shapes listed in `also`). The
passing fixture is the base graph, or the row's own `passing` mutation when it exercises an edge
case. union() puts every fixture of a family in one graph, so that pySHACL runs once per family.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

FIXTURES = Path(__file__).resolve().parents[1] / "cases" / "shapes"
SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("http://schema.org/")
MEDKG = Namespace("https://w3id.org/medkg#")
EX = Namespace("https://example.org/")
XSD_NS = Namespace("http://www.w3.org/2001/XMLSchema#")  # not rdflib.XSD: pytest probes module attributes
NS = {
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": XSD_NS,
    "medkg": MEDKG,
    "schema": SCHEMA,
    "ex": EX,
}
GOOGLE = "google-2026-11"
SHAPES_NS = {
    "medkg": "https://w3id.org/medkg/shapes#",
    "schemaorg": "https://w3id.org/medkg/shapes/schemaorg#",
    GOOGLE: "https://w3id.org/medkg/shapes/google/2026-11#",
}
VIOL, WARN, INFO = SH.Violation, SH.Warning, SH.Info

Mutation = Callable[[Graph], object]  # edits a copy of the base graph (rdflib's g.add … return g: ignored)


@dataclass(frozen=True)
class Case:
    shape: str  # local name in the family's shape namespace
    severity: URIRef
    fail: Mutation
    passing: Mutation | None = None  # an edge case that must pass (default: the base graph)
    also: frozenset[str] = frozenset()  # other shapes the failing mutation cannot help triggering


def blank(iri: str, keep: tuple[URIRef, ...] = ()) -> Mutation:
    """Replace the node ex:<iri> by one blank node, except as the object of the `keep` properties."""
    node, b = EX[iri], BNode()

    def edit(g: Graph) -> None:
        for s, p, o in list(g):
            if node in (s, o) and not (o == node and p in keep):
                g.remove((s, p, o))
                g.add((b if s == node else s, p, b if o == node else o))

    return edit


def term(text: str) -> Node:
    """A Turtle-like term: ex:x, schema:X, "text", "text"^^xsd:date, 1, _:x (a fresh blank node)."""
    if text.startswith("_:"):
        return BNode()
    if text.lstrip("-").isdigit():
        return Literal(int(text))
    if m := re.fullmatch(r'"(.*)"(?:\^\^(\w+):(\S+))?', text):
        return Literal(m[1], datatype=NS[m[2]][m[3]] if m[2] else None)
    prefix, local = text.split(":", 1)
    return NS[prefix][local]


def drop(subject: str, prop: str) -> Mutation:
    """Remove every value of a property."""
    return lambda g: g.remove((EX[subject], term(prop), None))


def replace(subject: str, prop: str, value: str) -> Mutation:
    """Replace every value of a property by one value."""
    return lambda g: g.set((EX[subject], term(prop), term(value)))


def add(subject: str, prop: str, value: str) -> Mutation:
    return lambda g: g.add((EX[subject], term(prop), term(value)))


def remove(subject: str, prop: str, value: str) -> Mutation:
    return lambda g: g.remove((EX[subject], term(prop), term(value)))


def both(*edits: Mutation) -> Mutation:
    def edit(g: Graph) -> None:
        for e in edits:
            e(g)

    return edit


MEDKG_CASES = [
    Case("Article", VIOL, blank("page")),
    Case("Article-headline", VIOL, drop("page", "medkg:headline")),
    Case("Article-headline", VIOL, replace("page", "medkg:headline", '" "')),
    Case("Article-about", VIOL, drop("page", "medkg:about")),
    Case("Article-publisher", VIOL, drop("page", "medkg:publisher")),
    Case("Article-publisher", VIOL, replace("page", "medkg:publisher", "ex:author")),
    Case("Article-description", WARN, drop("page", "medkg:description")),
    Case("Article-datePublished", WARN, drop("page", "medkg:datePublished")),
    Case("Article-author", WARN, drop("page", "medkg:author")),
    Case("Article-lastReviewed", WARN, drop("page", "medkg:lastReviewed")),
    Case("Article-reviewedBy", WARN, drop("page", "medkg:reviewedBy")),
    Case("Article-image", WARN, drop("page", "medkg:image")),
    Case("Treatment", VIOL, remove("mesotherapy", "rdf:type", "medkg:Treatment")),
    # Not stated is never a violation; stated none (medkg:no…Stated) satisfies the rule.
    Case(
        "Treatment-indication",
        WARN,
        drop("mesotherapy", "medkg:hasIndication"),
        passing=both(
            drop("mesotherapy", "medkg:hasIndication"), add("mesotherapy", "medkg:noIndicationStated", "ex:none-stated")
        ),
    ),
    Case(
        "Treatment-adverseEffect",
        INFO,
        drop("mesotherapy", "medkg:hasAdverseEffect"),
        passing=both(
            drop("mesotherapy", "medkg:hasAdverseEffect"),
            add("mesotherapy", "medkg:noAdverseEffectStated", "ex:none-stated"),
        ),
    ),
    Case(
        "Treatment-contraindication",
        INFO,
        drop("mesotherapy", "medkg:hasContraindication"),
        passing=both(
            drop("mesotherapy", "medkg:hasContraindication"),
            add("mesotherapy", "medkg:noContraindicationStated", "ex:none-stated"),
        ),
    ),
    Case(
        "Treatment-contraindication",
        INFO,
        both(
            drop("mesotherapy", "medkg:hasContraindication"),
            add("mesotherapy", "medkg:noAdverseEffectStated", "ex:none-stated"),
        ),
    ),
    Case("Treatment-description", WARN, drop("mesotherapy", "medkg:description")),
    Case("Treatment-ingredient", INFO, drop("mesotherapy", "medkg:hasIngredientUse")),
    Case(
        "Treatment-procedureStep",
        WARN,
        drop("mesotherapy", "medkg:procedureStep"),
        passing=drop("mesotherapy", "medkg:preparationStep"),
    ),
    Case("Treatment-aftercare", INFO, drop("mesotherapy", "medkg:aftercare")),
    Case(
        "Treatment-indicationNotContraindication",
        VIOL,
        add("mesotherapy", "medkg:contraindicatedFor", "ex:cellulite"),
        passing=add("mesotherapy", "medkg:indicatedFor", "ex:bruising"),
        also=frozenset({"Treatment-contraindicationNotIndication"}),
    ),
    Case(
        "Treatment-contraindicationNotIndication",
        VIOL,
        add("mesotherapy", "medkg:indicatedFor", "ex:pregnancy"),
        passing=add("mesotherapy", "medkg:contraindicatedFor", "ex:bruising"),
        also=frozenset({"Treatment-indicationNotContraindication"}),
    ),
    Case("Conflict", WARN, add("conflict-1", "rdf:type", "medkg:Conflict")),
    Case("NamedTreatment", VIOL, blank("liposuction")),
    Case("NamedTreatment-label", VIOL, drop("liposuction", "rdfs:label")),
    Case("NamedTreatment-label", VIOL, add("mesotherapy", "rdfs:label", '"Meso therapy"')),
    Case("Condition", VIOL, blank("bruising")),
    Case("Condition-label", VIOL, add("cellulite", "rdfs:label", '"Cellulite (orange peel)"')),
    Case("Ingredient", VIOL, blank("vitamins")),
    Case("Ingredient-label", VIOL, drop("vitamins", "rdfs:label")),
    Case("BodyArea", VIOL, blank("thighs")),
    Case("BodyArea-label", VIOL, replace("thighs", "rdfs:label", '"  "')),
    Case("Organization", VIOL, blank("publisher")),
    Case("Organization-label", VIOL, drop("publisher", "rdfs:label")),
    Case("Person", VIOL, blank("author")),
    Case("Person-label", VIOL, add("author", "rdfs:label", '"Anne Writer"')),
    Case("BreadcrumbItem", VIOL, blank("crumb-1")),
    Case("BreadcrumbItem-label", VIOL, drop("crumb-1", "rdfs:label")),
    Case("Indication", VIOL, blank("indication-cellulite")),
    Case("Indication-condition", VIOL, replace("indication-cellulite", "medkg:condition", "ex:vitamins")),
    Case("Indication-condition", VIOL, add("indication-cellulite", "medkg:condition", "ex:bruising")),
    Case(
        "Indication-conditionOrArea",
        VIOL,
        both(drop("indication-cellulite", "medkg:condition"), drop("indication-cellulite", "medkg:bodyArea")),
        passing=drop("indication-cellulite", "medkg:condition"),
        also=frozenset({"Indication-bodyArea"}),
    ),
    Case("Indication-bodyArea", INFO, drop("indication-cellulite", "medkg:bodyArea")),
    Case("AdverseEffect", VIOL, blank("effect-bruising")),
    Case("AdverseEffect-condition", VIOL, drop("effect-bruising", "medkg:condition")),
    Case(
        "AdverseEffect-frequencyStated",
        INFO,
        drop("effect-bruising", "medkg:frequency"),
        passing=replace("effect-bruising", "medkg:frequency", "medkg:VeryRare"),
    ),
    Case("AdverseEffect-frequency", VIOL, replace("effect-bruising", "medkg:frequency", "medkg:Minor")),
    Case("AdverseEffect-frequency", VIOL, add("effect-bruising", "medkg:frequency", "medkg:Rare")),
    Case(
        "AdverseEffect-seriousnessStated",
        INFO,
        drop("effect-bruising", "medkg:seriousness"),
        passing=replace("effect-bruising", "medkg:seriousness", "medkg:Serious"),
    ),
    Case("AdverseEffect-seriousness", VIOL, replace("effect-bruising", "medkg:seriousness", '"minor"')),
    Case(
        "AdverseEffect-frequencyUnknown",
        INFO,
        replace("effect-bruising", "medkg:frequency", "medkg:FrequencyUnknown"),
        passing=replace("effect-bruising", "medkg:frequency", "medkg:Rare"),
    ),
    Case(
        "AdverseEffect-seriousnessUnknown",
        INFO,
        replace("effect-bruising", "medkg:seriousness", "medkg:SeriousnessUnknown"),
        passing=replace("effect-bruising", "medkg:seriousness", "medkg:Serious"),
    ),
    Case("Contraindication", VIOL, blank("contraindication-pregnancy")),
    Case("Contraindication-condition", VIOL, drop("contraindication-pregnancy", "medkg:condition")),
    Case("IngredientUse", VIOL, blank("use-vitamins")),
    Case("IngredientUse-ingredient", VIOL, replace("use-vitamins", "medkg:ingredient", "ex:cellulite")),
    Case("FAQItem", VIOL, blank("faq-1")),
    Case("FAQItem-question", VIOL, drop("faq-1", "medkg:question")),
    Case("FAQItem-answer", VIOL, drop("faq-1", "medkg:answer")),
    Case("ProcedureStep", VIOL, blank("step-1")),
    Case("ProcedureStep-text", VIOL, drop("step-1", "medkg:text")),
    Case("ProcedureStep-position", VIOL, replace("preparation-1", "medkg:position", '"1"')),
    Case("ProcedureStep-position", VIOL, replace("step-1", "medkg:position", "0")),
    Case("AftercareInstruction", VIOL, blank("aftercare-1")),
    Case("AftercareInstruction-text", VIOL, replace("aftercare-1", "medkg:text", '""')),
    Case("AftercareInstruction-position", VIOL, drop("aftercare-1", "medkg:position")),
    Case("MedicalCode", VIOL, blank("code-mesh")),
    Case("MedicalCode-codingSystem", VIOL, drop("code-umls", "medkg:codingSystem")),
    Case(
        "MeSHCode-codeValue",
        VIOL,
        replace("code-mesh", "medkg:codeValue", '"D12345"'),
        passing=replace("code-mesh", "medkg:codeValue", '"D000069451"'),
    ),
    Case("SNOMEDCTCode-codeValue", VIOL, replace("code-snomed", "medkg:codeValue", '"0123456"')),
    Case(
        "ICD10Code-codeValue",
        VIOL,
        replace("code-icd10", "medkg:codeValue", '"L9.5"'),
        passing=replace("code-icd10", "medkg:codeValue", '"L90"'),
    ),
    Case("ICD10CMCode-codeValue", VIOL, replace("code-icd10cm", "medkg:codeValue", '"l70.0"')),
    Case("UMLSCode-codeValue", VIOL, drop("code-umls", "medkg:codeValue")),
    Case("RxNormCode-codeValue", VIOL, replace("code-rxnorm", "medkg:codeValue", '"RX1"')),
    Case("ChEBICode-codeValue", VIOL, replace("code-chebi", "medkg:codeValue", '"1"')),
    Case(
        "WikidataCode-codeValue",
        VIOL,
        replace("code-wikidata", "medkg:codeValue", '"https://www.wikidata.org/wiki/Q7"'),
    ),
    Case(
        "SameAs", VIOL, lambda g: g.set((EX["mesotherapy"], MEDKG.sameAs, URIRef("https://www.wikidata.org/wiki/Q7")))
    ),
]

SCHEMAORG_CASES = [
    Case("MedicalWebPage", VIOL, blank("page", keep=(SCHEMA.url, SCHEMA.isPartOf, SCHEMA.item))),
    Case("MedicalWebPage-headline", VIOL, add("page", "schema:headline", '"Another title"')),
    Case("MedicalWebPage-headline", VIOL, drop("page", "schema:headline")),
    Case("MedicalWebPage-description", VIOL, replace("page", "schema:description", "ex:other-page")),
    Case("MedicalWebPage-about", VIOL, replace("page", "schema:about", '"Mesotherapy"')),
    Case("MedicalWebPage-mainEntity", VIOL, replace("page", "schema:mainEntity", '"Mesotherapy"')),
    Case("MedicalWebPage-mentions", VIOL, replace("page", "schema:mentions", '"Liposuction"')),
    Case("MedicalWebPage-breadcrumb", VIOL, replace("page", "schema:breadcrumb", '"Home > Mesotherapy"')),
    Case("MedicalWebPage-hasPart", VIOL, replace("page", "schema:hasPart", "ex:mesotherapy")),
    Case(
        "MedicalWebPage-image",
        VIOL,
        replace("page", "schema:image", '"https://example.org/image.jpg"'),
        passing=replace("page", "schema:image", "ex:image.jpg"),
    ),
    Case("MedicalWebPage-primaryImageOfPage", VIOL, replace("page", "schema:primaryImageOfPage", "ex:image.jpg")),
    Case("MedicalWebPage-inLanguage", VIOL, replace("page", "schema:inLanguage", "ex:en")),
    Case("MedicalWebPage-keywords", VIOL, add("page", "schema:keywords", "_:tag")),
    Case(
        "MedicalWebPage-publisher",
        VIOL,
        replace("page", "schema:publisher", "ex:mesotherapy"),
        passing=replace("page", "schema:publisher", "ex:author"),
    ),
    Case(
        "MedicalWebPage-author",
        VIOL,
        replace("page", "schema:author", "ex:page-image"),
        passing=replace("page", "schema:author", "ex:publisher"),
    ),
    Case("MedicalWebPage-reviewedBy", VIOL, replace("page", "schema:reviewedBy", "ex:mesotherapy")),
    Case("MedicalWebPage-url", VIOL, replace("page", "schema:url", '"https://example.org/page"')),
    Case("MedicalWebPage-relatedLink", VIOL, replace("page", "schema:relatedLink", '"https://example.org/other-page"')),
    Case(
        "MedicalWebPage-datePublished",
        VIOL,
        replace("page", "schema:datePublished", '"2026-01-05"^^xsd:date'),
        passing=replace("page", "schema:datePublished", '"2026-01-05T09:00:00Z"^^schema:DateTime'),
    ),
    Case("MedicalWebPage-dateModified", VIOL, replace("page", "schema:dateModified", '"2026-02-01"')),
    Case(
        "MedicalWebPage-lastReviewed",
        VIOL,
        replace("page", "schema:lastReviewed", '"2026-02-01T10:00:00Z"^^schema:DateTime'),
    ),
    Case("MedicalTherapy", VIOL, blank("mesotherapy", keep=(SCHEMA.about, SCHEMA.mainEntity))),
    Case("MedicalTherapy-name", VIOL, drop("liposuction", "schema:name")),
    Case("MedicalTherapy-alternateName", VIOL, replace("mesotherapy", "schema:alternateName", "ex:other-page")),
    Case("MedicalTherapy-description", VIOL, replace("mesotherapy", "schema:description", "ex:other-page")),
    Case(
        "MedicalTherapy-adverseOutcome",
        VIOL,
        replace("mesotherapy", "schema:adverseOutcome", "ex:vitamins"),
        passing=replace("mesotherapy", "schema:adverseOutcome", "ex:cellulite"),
    ),
    Case(
        "MedicalTherapy-seriousAdverseOutcome",
        VIOL,
        replace("mesotherapy", "schema:seriousAdverseOutcome", '"Infection"'),
    ),
    Case("MedicalTherapy-bodyLocation", VIOL, replace("mesotherapy", "schema:bodyLocation", "ex:thighs")),
    Case(
        "MedicalTherapy-contraindication",
        VIOL,
        replace("mesotherapy", "schema:contraindication", "ex:cellulite"),
        passing=replace("mesotherapy", "schema:contraindication", '"Pregnancy"'),
    ),
    Case("MedicalTherapy-drug", VIOL, replace("mesotherapy", "schema:drug", "ex:cellulite")),
    Case("MedicalTherapy-followup", VIOL, replace("mesotherapy", "schema:followup", "ex:other-page")),
    Case("MedicalTherapy-howPerformed", VIOL, replace("mesotherapy", "schema:howPerformed", "ex:other-page")),
    Case("MedicalTherapy-preparation", VIOL, replace("mesotherapy", "schema:preparation", "ex:vitamins")),
    Case(
        "MedicalTherapy-procedureType",
        VIOL,
        replace("mesotherapy", "schema:procedureType", "schema:SurgicalProcedure"),
        passing=replace("mesotherapy", "schema:procedureType", "schema:NoninvasiveProcedure"),
    ),
    Case("MedicalCondition", VIOL, blank("cellulite")),
    Case("MedicalCondition-name", VIOL, drop("cellulite", "schema:name")),
    Case("MedicalCondition-possibleTreatment", VIOL, replace("cellulite", "schema:possibleTreatment", "ex:vitamins")),
    Case("MedicalSignOrSymptom", VIOL, blank("bruising")),
    Case("MedicalSignOrSymptom-name", VIOL, drop("bruising", "schema:name")),
    Case("Drug", VIOL, blank("vitamins")),
    Case("Drug-name", VIOL, drop("vitamins", "schema:name")),
    Case("MedicalContraindication", VIOL, blank("contraindication-pregnancy")),
    Case("MedicalContraindication-name", VIOL, drop("contraindication-pregnancy", "schema:name")),
    Case(
        "MedicalContraindication-description",
        VIOL,
        replace("contraindication-pregnancy", "schema:description", "ex:other-page"),
    ),
    Case("Organization", VIOL, blank("publisher")),
    Case("Organization-name", VIOL, drop("publisher", "schema:name")),
    Case("Organization-url", VIOL, replace("publisher", "schema:url", '"https://example.org/"')),
    Case(
        "Organization-logo",
        VIOL,
        replace("publisher", "schema:logo", '"https://example.org/logo.png"'),
        passing=replace("publisher", "schema:logo", "ex:logo.png"),
    ),
    Case("Person", VIOL, blank("author")),
    Case("Person-name", VIOL, drop("reviewer", "schema:name")),
    Case("Person-url", VIOL, replace("author", "schema:url", '"https://example.org/writer"')),
    Case("ImageObject", VIOL, blank("page-image", keep=(SCHEMA.image,))),
    Case("ImageObject-caption", VIOL, replace("page-image", "schema:caption", "ex:other-page")),
    Case("ImageObject-contentUrl", VIOL, replace("page-image", "schema:contentUrl", '"https://example.org/image.jpg"')),
    Case("BreadcrumbList", VIOL, blank("page-breadcrumb")),
    Case("BreadcrumbList-itemListElement", VIOL, add("page-breadcrumb", "schema:itemListElement", '"Extra"')),
    Case("ListItem", VIOL, blank("crumb-1")),
    Case("ListItem-name", VIOL, drop("crumb-1", "schema:name")),
    Case("ListItem-position", VIOL, drop("crumb-1", "schema:position")),
    Case("ListItem-position", VIOL, replace("crumb-2", "schema:position", '"2"')),
    Case("ListItem-item", VIOL, replace("crumb-1", "schema:item", '"https://example.org/"')),
    Case("FAQPage", VIOL, blank("page-faq")),
    Case("FAQPage-mainEntity", VIOL, add("page-faq", "schema:mainEntity", "ex:mesotherapy")),
    Case("FAQPage-isPartOf", VIOL, replace("page-faq", "schema:isPartOf", '"https://example.org/page"')),
    Case("Question", VIOL, blank("faq-1")),
    Case("Question-name", VIOL, drop("faq-1", "schema:name")),
    Case("Question-acceptedAnswer", VIOL, replace("faq-1", "schema:acceptedAnswer", "ex:page")),
    Case("Question-position", VIOL, replace("faq-1", "schema:position", '"first"')),
    Case("Answer", VIOL, blank("faq-1-answer")),
    Case("Answer-text", VIOL, drop("faq-1-answer", "schema:text")),
]

# shapes/google/2026-11.ttl: each rule cites its Google page; see tests/cases/shapes/google-2026-11.ttl.
GOOGLE_CASES = [
    Case("Article-headline", WARN, drop("page", "schema:headline")),
    Case("Article-image", WARN, drop("page", "schema:image")),
    Case("Article-datePublished", WARN, drop("page", "schema:datePublished")),
    Case("Article-dateModified", WARN, drop("page", "schema:dateModified")),
    Case("Article-author", WARN, drop("page", "schema:author")),
    Case(
        "Article-datePublishedZone",
        WARN,
        replace("page", "schema:datePublished", '"2026-01-05"^^schema:Date'),
        passing=replace("page", "schema:datePublished", '"2026-01-05T09:00-05:00"^^schema:DateTime'),
    ),
    Case(
        "Article-dateModifiedZone",
        WARN,
        replace("page", "schema:dateModified", '"2026-02-01T10:00:00"^^schema:DateTime'),
    ),
    Case(
        "Article-imagePixels",
        WARN,
        replace("page-image-height", "schema:value", "41"),
        passing=replace("page-image-height", "schema:value", "42"),
    ),
    Case(
        "Article-imagePixels",
        WARN,
        both(replace("page-image", "schema:width", "200"), replace("page-image", "schema:height", "200")),
        passing=both(replace("page-image", "schema:width", "200"), replace("page-image", "schema:height", "250")),
    ),
    Case("Article-authorNode", WARN, replace("page", "schema:author", '"A. Writer"')),
    Case(
        "Author-type",
        WARN,
        replace("author", "rdf:type", "schema:Thing"),
        passing=replace("author", "rdf:type", "schema:Organization"),
    ),
    Case("Author-name", WARN, drop("author", "schema:name")),
    Case(
        "Author-url",
        WARN,
        drop("author", "schema:url"),
        passing=both(drop("author", "schema:url"), add("author", "schema:sameAs", "ex:writer-profile")),
    ),
    Case("BreadcrumbList-twoItems", VIOL, remove("page-breadcrumb", "schema:itemListElement", "ex:crumb-2")),
    Case("BreadcrumbList-items", VIOL, add("page-breadcrumb", "schema:itemListElement", '"Extra"')),
    Case("BreadcrumbItem", VIOL, replace("crumb-1", "rdf:type", "schema:Thing")),
    Case("BreadcrumbItem-position", VIOL, drop("crumb-1", "schema:position")),
    Case("BreadcrumbItem-position", VIOL, replace("crumb-2", "schema:position", '"2"')),
    Case(
        "BreadcrumbItem-name",
        VIOL,
        drop("crumb-1", "schema:name"),
        passing=both(drop("crumb-1", "schema:name"), add("", "schema:name", '"Home"')),
    ),
    Case(
        "BreadcrumbItem-item",
        WARN,
        drop("crumb-1", "schema:item"),
        passing=both(
            drop("crumb-2", "schema:position"),
            add("crumb-2", "schema:position", "0"),
            drop("crumb-1", "schema:item"),
            add("crumb-2", "schema:item", "ex:page"),
        ),
    ),
    Case("Organization-logo", WARN, drop("publisher", "schema:logo")),
    Case("Organization-url", WARN, drop("publisher", "schema:url")),
    Case(
        "Organization-logoSize",
        WARN,
        replace("publisher-logo", "schema:height", "111"),
        passing=replace("publisher-logo", "schema:height", "112"),
    ),
    Case(
        "ImageObject-contentUrl",
        WARN,
        drop("page-image", "schema:contentUrl"),
        passing=both(drop("page-image", "schema:contentUrl"), add("page-image", "schema:url", "ex:image.jpg")),
    ),
    Case("FAQPage-noRichResult", INFO, add("page-faq", "schema:mainEntity", "ex:faq-1")),
]

CASES = {"medkg": MEDKG_CASES, "schemaorg": SCHEMAORG_CASES, GOOGLE: GOOGLE_CASES}


@cache
def base(family: str) -> Graph:
    g = Graph(bind_namespaces="none")
    g.parse(FIXTURES / f"{family}.ttl", format="turtle")
    return g


def mutated(family: str, mutation: Mutation | None) -> Graph:
    g = Graph(bind_namespaces="none")
    for triple in base(family):
        g.add(triple)
    if mutation is not None:
        mutation(g)
    return g


def fixtures(family: str) -> dict[str, Graph]:
    """Every fixture graph of a family by key: the base graph, and each row's failing and passing graphs."""
    out = {"base": mutated(family, None)}
    for i, case in enumerate(CASES[family]):
        out[f"fail-{i}"] = mutated(family, case.fail)
        if case.passing is not None:
            out[f"pass-{i}"] = mutated(family, case.passing)
    return out


@cache
def union(family: str) -> tuple[Graph, dict[Node, str]]:
    """All fixtures of a family in one graph, each in its own IRI space (ex:x becomes ex:<key>/x;
    blank nodes are distinct per fixture anyway), with the fixture key owning each blank node.

    pySHACL costs about 10 ms a call, whatever the graph size, so fixtures are validated together.
    """
    graph = Graph(bind_namespaces="none")
    owner: dict[Node, str] = {}
    for key, g in fixtures(family).items():

        def own(n: Node, key: str = key) -> Node:
            if isinstance(n, URIRef) and n.startswith(EX):
                return URIRef(f"{EX}{key}/{n[len(EX) :]}")
            if isinstance(n, BNode):
                owner[n] = key
            return n

        for s, p, o in g:
            graph.add((own(s), p, own(o)))
    return graph, owner
