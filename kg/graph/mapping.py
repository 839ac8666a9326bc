"""Facts → medkg graph (terms of ontology/medkg.ttl), remembering which facts produced each node.

Every node the mapper creates is recorded with the facts file and field path it came from, so
validation results can point a writer at the exact line to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from kg.graph import ontology
from kg.graph.iris import MEDKG as M
from kg.graph.iris import Minter, slugify
from kg.graph.terms import Triple, to_graph
from kg.load.codes import WIKIDATA_ENTITY
from kg.load.facts import Article, Site, Source
from kg.load.yamlloc import Path_

_UNIT = {"minute": ("T", "M", 1), "hour": ("T", "H", 1), "day": ("", "D", 1), "week": ("", "D", 7),
         "month": ("", "M", 1)}
_ENUMS = {
    "frequency": {"common": M.Common, "uncommon": M.Uncommon, "rare": M.Rare, "unknown": M.FrequencyUnknown},
    "seriousness": {"minor": M.Minor, "serious": M.Serious, "unknown": M.SeriousnessUnknown},
    "invasiveness": {"non-invasive": M.NonInvasive, "minimally-invasive": M.MinimallyInvasive,
                     "invasive": M.Invasive},
    "procedure_type": {"percutaneous": M.PercutaneousProcedure, "noninvasive": M.NoninvasiveProcedure},
    "category": {"cosmetic": M.Cosmetic, "medical": M.Medical},
    "sessions": {"single": M.SingleSession, "multiple": M.MultipleSessions},
}


def duration(value: int, unit: str) -> Literal:
    """xsd:duration lexical form (weeks become days: XSD has no week designator)."""
    time, designator, factor = _UNIT[unit]
    return Literal(f"P{time}{value * factor}{designator}", datatype=XSD.duration)


def date(value: str) -> Literal:
    return Literal(value, datatype=XSD.dateTime if "T" in value else XSD.date)


@dataclass
class ArticleGraph:
    """One article's medkg graph and the facts position behind each node."""

    article: Article
    page: URIRef
    triples: set[Triple]
    origins: dict[Node, tuple[Source, Path_]] = field(default_factory=dict)
    field_origins: dict[tuple[Node, Node], tuple[Source, Path_]] = field(default_factory=dict)

    @cached_property
    def graph(self) -> Graph:
        """The triples as an rdflib Graph, built on first use."""
        return to_graph(self.triples)


class _Builder:
    def __init__(self, site: Site, article: Article) -> None:
        self.site, self.article = site, article
        self.mint = Minter(site.base_iri)
        self.g: set[Triple] = set()
        page = URIRef(self.mint.page(article.slug, article.data.get("url")))
        self.out = ArticleGraph(article, page, self.g)

    def node(self, iri: str, cls: URIRef, path: Path_, source: Source | None = None) -> URIRef:
        n = URIRef(iri)
        self.g.add((n, RDF.type, cls))
        self.out.origins.setdefault(n, (source or self.article.source, path))
        return n

    def lit(self, s: URIRef, p: URIRef, value: Any, path: Path_, source: Source | None = None) -> None:
        """Add a literal or enum value for a fact, if the fact is present."""
        if value is None:
            return
        key = path[-1]
        if isinstance(key, str) and key in _ENUMS:
            obj: Node = _ENUMS[key][value]
        elif isinstance(value, bool):
            obj = Literal(value)
        elif isinstance(value, int):
            obj = Literal(value, datatype=XSD.integer)
        else:
            obj = Literal(value)
        self.g.add((s, p, obj))
        self.out.field_origins.setdefault((s, p), (source or self.article.source, path))

    def link(self, s: URIRef, p: URIRef, o: URIRef, path: Path_) -> None:
        self.g.add((s, p, o))
        self.out.field_origins.setdefault((s, p), (self.article.source, path))

    def durations(self, s: URIRef, d: dict[str, Any] | None, path: Path_, note: URIRef) -> None:
        if not d:
            return
        self.g.add((s, M.minDuration, duration(d["min"], d["unit"])))
        self.g.add((s, M.maxDuration, duration(d["max"], d["unit"])))
        self.out.field_origins.setdefault((s, M.minDuration), (self.article.source, path))
        self.lit(s, note, d.get("note"), (*path, "note"))

    def shared(self, kind: str, cls: URIRef, item: dict[str, Any], name_key: str, path: Path_) -> URIRef:
        """A site-wide entity (condition, ingredient …), one node across all articles."""
        name = item[name_key] if isinstance(item, dict) else item
        slug = item.get("id") if isinstance(item, dict) and item.get("id") else slugify(name)
        n = self.node(self.mint.entity(kind, slug), cls, path)
        self.g.add((n, RDFS.label, Literal(name)))
        return n

    def codes(self, entity: URIRef, item: dict[str, Any], path: Path_) -> None:
        """Code nodes named after their entity (`<entity>#code-mesh-D000001`); Wikidata also as sameAs."""
        systems = ontology.coding_systems()
        for i, c in enumerate(item.get("codes", [])):
            system = systems[c["system"]]
            value = c["code"].removeprefix(WIKIDATA_ENTITY) if c["system"] == "wikidata" else c["code"]
            fragment = re.sub(r"[^A-Za-z0-9._-]", "-", value)
            n = self.node(f"{entity}#code-{c['system']}-{fragment}", M.MedicalCode, (*path, i))
            self.g.add((n, RDF.type, system.cls))
            self.link(entity, M.code, n, (*path, i))
            self.lit(n, M.codeValue, value, (*path, i, "code"))
            self.lit(n, M.codingSystem, system.name, (*path, i, "system"))
            if c["system"] == "wikidata":
                self.link(entity, M.sameAs, URIRef(c["code"]), (*path, i, "code"))

    def texts(self, s: URIRef, p: URIRef, cls: URIRef, items: list[Any] | None, path: Path_, tag: str) -> None:
        """Ordered text items (steps, aftercare …) as nodes with a position."""
        for i, item in enumerate(items or []):
            text = item["text"] if isinstance(item, dict) else item
            n = self.node(f"{s}/{tag}/{i + 1}", cls, (*path, i))
            self.link(s, p, n, (*path, i))
            self.g.add((n, M.position, Literal(i + 1, datatype=XSD.integer)))
            self.lit(n, M.text, text, (*path, i, "text") if isinstance(item, dict) else (*path, i))
            if isinstance(item, dict):
                self.durations(n, item.get("duration"), (*path, i, "duration"), M.durationNote)

    def publisher(self) -> URIRef:
        src = self.site.source
        pub = self.site.publisher
        org = self.node(publisher_iri(self.site), M.Organization, ("publisher",), src)
        self.lit(org, RDFS.label, pub["name"], ("publisher", "name"), src)
        if pub.get("url"):
            self.g.add((org, M.url, URIRef(pub["url"])))
        if pub.get("logo"):
            logo = self.node(f"{org}#logo", M.Image, ("publisher", "logo"), src)
            self.g.add((org, M.logo, logo))
            self.g.add((logo, M.contentUrl, URIRef(pub["logo"]["url"])))
            self.lit(logo, M.width, pub["logo"].get("width"), ("publisher", "logo", "width"), src)
            self.lit(logo, M.height, pub["logo"].get("height"), ("publisher", "logo", "height"), src)
        return org

    def person(self, item: dict[str, Any], path: Path_) -> URIRef:
        n = self.shared("person", M.Person, item, "name", path)
        if item.get("url"):
            self.g.add((n, M.url, URIRef(item["url"])))
        return n

    def page(self, treatment: URIRef) -> None:
        d = self.article.data
        page, P = self.out.page, ("page",)
        pd = d["page"]
        self.node(str(page), M.Article, P)
        self.lit(page, M.headline, pd["headline"], (*P, "headline"))
        self.lit(page, M.description, pd.get("description"), (*P, "description"))
        self.lit(page, M.inLanguage, self.site.language, ("language",), self.site.source)
        for i, kw in enumerate(pd.get("keywords", [])):
            self.lit(page, M.keyword, kw["name"] if isinstance(kw, dict) else kw, (*P, "keywords", i))
        self.link(page, M.publisher, self.publisher(), ())
        self.link(page, M.about, treatment, ("treatment",))
        for key, prop in (("date_published", M.datePublished), ("date_modified", M.dateModified),
                          ("last_reviewed", M.lastReviewed)):
            if key in pd:
                self.g.add((page, prop, date(pd[key])))
                self.out.field_origins[(page, prop)] = (self.article.source, (*P, key))
        for key, prop in (("authors", M.author), ("reviewed_by", M.reviewedBy)):
            for i, person in enumerate(pd.get(key, [])):
                self.link(page, prop, self.person(person, (*P, key, i)), (*P, key, i))
        if "image" in pd:
            img = self.node(f"{page}#primaryimage", M.Image, (*P, "image"))
            self.link(page, M.image, img, (*P, "image"))
            self.lit(img, M.caption, pd["image"]["caption"], (*P, "image", "caption"))
            if pd["image"].get("url"):
                self.g.add((img, M.contentUrl, URIRef(pd["image"]["url"])))
            self.lit(img, M.width, pd["image"].get("width"), (*P, "image", "width"))
            self.lit(img, M.height, pd["image"].get("height"), (*P, "image", "height"))
        trail = list(pd.get("breadcrumb", []))
        if trail:
            trail.append({"name": pd["headline"], "url": str(page)})
        for i, crumb in enumerate(trail):
            path = (*P, "breadcrumb", i) if i < len(trail) - 1 else (*P, "headline")
            n = self.node(f"{page}#breadcrumb-{i + 1}", M.BreadcrumbItem, path)
            self.link(page, M.breadcrumbItem, n, path)
            self.g.add((n, M.position, Literal(i + 1, datatype=XSD.integer)))
            self.lit(n, RDFS.label, crumb["name"], (*path, "name") if i < len(trail) - 1 else path)
            if crumb.get("url"):
                self.g.add((n, M.target, URIRef(crumb["url"])))
                self.out.field_origins[(n, M.target)] = (self.article.source, (*path, "url"))
        for i, rel in enumerate(pd.get("related_articles", [])):
            path = (*P, "related_articles", i)
            n = self.node(f"{page}#related-{i + 1}", M.RelatedArticle, path)
            self.link(page, M.relatedArticle, n, path)
            self.g.add((n, M.position, Literal(i + 1, datatype=XSD.integer)))
            self.lit(n, M.headline, rel["headline"], (*path, "headline"))
            self.lit(n, M.description, rel.get("description"), (*path, "description"))
            if rel.get("url"):
                self.g.add((n, M.url, URIRef(rel["url"])))
        for i, qa in enumerate(d.get("faq", [])):
            path = ("faq", i)
            n = self.node(f"{page}#faq-{i + 1}", M.FAQItem, path)
            self.link(page, M.faqItem, n, path)
            self.g.add((n, M.position, Literal(i + 1, datatype=XSD.integer)))
            self.lit(n, M.question, qa["question"], (*path, "question"))
            self.lit(n, M.answer, qa["answer"], (*path, "answer"))

    def treatment(self) -> URIRef:
        t, T = self.article.data["treatment"], ("treatment",)
        tr = self.node(self.mint.entity("treatment", t.get("id") or slugify(t["name"])), M.Treatment, T)
        self.lit(tr, RDFS.label, t["name"], (*T, "name"))
        self.codes(tr, t, (*T, "codes"))
        for i, alt in enumerate(t.get("alternate_names", [])):
            self.lit(tr, M.alternateName, alt, (*T, "alternate_names", i))
        for key, prop in (("description", M.description), ("category", M.category),
                          ("invasiveness", M.invasiveness), ("procedure_type", M.procedureType),
                          ("delivery", M.delivery), ("target_tissue", M.targetTissue),
                          ("personalised", M.personalised), ("personalisation", M.personalisation),
                          ("risk_mitigation", M.riskMitigation)):
            self.lit(tr, prop, t.get(key), (*T, key))
        for key, prop in (("claimed_mechanisms", M.claimedMechanism), ("claimed_outcomes", M.claimedOutcome)):
            for i, text in enumerate(t.get(key, [])):
                self.lit(tr, prop, text, (*T, key, i))

        for i, ind in enumerate(t.get("indications", [])):
            path = (*T, "indications", i)
            cond = self.shared("condition", M.Condition, ind, "condition", (*path, "condition"))
            self.codes(cond, ind, (*path, "codes"))
            n = self.node(f"{tr}/indication/{ind.get('id') or slugify(ind['condition'])}", M.Indication, path)
            self.link(tr, M.hasIndication, n, path)
            self.link(tr, M.indicatedFor, cond, path)
            self.link(n, M.condition, cond, (*path, "condition"))
            self.lit(n, M.purpose, ind.get("purpose"), (*path, "purpose"))
            for j, area in enumerate(ind.get("body_areas", [])):
                a = self.shared("body-area", M.BodyArea, {"name": area}, "name", (*path, "body_areas", j))
                self.link(n, M.bodyArea, a, (*path, "body_areas", j))
        for i, ing in enumerate(t.get("ingredients", [])):
            path = (*T, "ingredients", i)
            sub = self.shared("ingredient", M.Ingredient, ing, "name", (*path, "name"))
            self.codes(sub, ing, (*path, "codes"))
            n = self.node(f"{tr}/ingredient/{ing.get('id') or slugify(ing['name'])}", M.IngredientUse, path)
            self.link(tr, M.hasIngredientUse, n, path)
            self.link(tr, M.usesIngredient, sub, path)
            self.link(n, M.ingredient, sub, (*path, "name"))
            self.lit(n, M.purpose, ing.get("purpose"), (*path, "purpose"))
        for i, ae in enumerate(t.get("adverse_effects", [])):
            path = (*T, "adverse_effects", i)
            cond = self.shared("condition", M.Condition, ae, "name", (*path, "name"))
            self.codes(cond, ae, (*path, "codes"))
            n = self.node(f"{tr}/adverse-effect/{ae.get('id') or slugify(ae['name'])}", M.AdverseEffect, path)
            self.link(tr, M.hasAdverseEffect, n, path)
            self.link(n, M.condition, cond, (*path, "name"))
            for key, prop in (("frequency", M.frequency), ("seriousness", M.seriousness),
                              ("temporary", M.temporary), ("location", M.siteNote)):
                self.lit(n, prop, ae.get(key), (*path, key))
        for i, ci in enumerate(t.get("contraindications", [])):
            path = (*T, "contraindications", i)
            cond = self.shared("condition", M.Condition, ci, "condition", (*path, "condition"))
            self.codes(cond, ci, (*path, "codes"))
            n = self.node(f"{tr}/contraindication/{ci.get('id') or slugify(ci['condition'])}",
                          M.Contraindication, path)
            self.link(tr, M.hasContraindication, n, path)
            self.link(tr, M.contraindicatedFor, cond, path)
            self.link(n, M.condition, cond, (*path, "condition"))
            self.lit(n, M.note, ci.get("note"), (*path, "note"))

        proc = t.get("procedure", {})
        P = (*T, "procedure")
        self.texts(tr, M.preparationStep, M.ProcedureStep, proc.get("preparation"), (*P, "preparation"),
                   "preparation")
        self.texts(tr, M.procedureStep, M.ProcedureStep, proc.get("steps"), (*P, "steps"), "step")
        self.durations(tr, proc.get("duration"), (*P, "duration"), M.durationNote)
        self.lit(tr, M.sessions, proc.get("sessions"), (*P, "sessions"))
        rec = t.get("recovery", {})
        R = (*T, "recovery")
        self.lit(tr, M.recoverySummary, rec.get("summary"), (*R, "summary"))
        if rec.get("side_effects_resolve"):
            d = rec["side_effects_resolve"]
            path = (*R, "side_effects_resolve")
            self.g.add((tr, M.sideEffectsResolveMin, duration(d["min"], d["unit"])))
            self.g.add((tr, M.sideEffectsResolveMax, duration(d["max"], d["unit"])))
            self.out.field_origins[(tr, M.sideEffectsResolveMin)] = (self.article.source, path)
            self.lit(tr, M.sideEffectsResolveNote, d.get("note"), (*path, "note"))
        self.lit(tr, M.resumeActivities, rec.get("resume_activities"), (*R, "resume_activities"))
        self.texts(tr, M.aftercare, M.AftercareInstruction, t.get("aftercare"), (*T, "aftercare"), "aftercare")
        cand = t.get("candidates", {})
        self.lit(tr, M.suitableCandidates, cand.get("suitable"), (*T, "candidates", "suitable"))
        self.lit(tr, M.candidateAssessment, cand.get("assessment"), (*T, "candidates", "assessment"))
        for i, comp in enumerate(t.get("comparisons", [])):
            path = (*T, "comparisons", i)
            other = self.shared("treatment", M.Treatment, comp, "treatment", (*path, "treatment"))
            n = self.node(f"{tr}/comparison/{comp.get('id') or slugify(comp['treatment'])}", M.Comparison, path)
            self.link(tr, M.comparison, n, path)
            self.link(n, M.comparedWith, other, (*path, "treatment"))
            for j, point in enumerate(comp["points"]):
                self.lit(n, M.point, point["text"] if isinstance(point, dict) else point, (*path, "points", j))
        return tr


def publisher_iri(site: Site) -> URIRef:
    """The site's publisher, one node shared by every article."""
    pub = site.publisher
    return URIRef(Minter(site.base_iri).entity("organization", pub.get("id") or slugify(pub["name"])))


def build_graph(site: Site, article: Article) -> ArticleGraph:
    """The medkg graph of one article (its page, treatment, and the site-wide nodes it uses)."""
    b = _Builder(site, article)
    b.page(b.treatment())
    return b.out
