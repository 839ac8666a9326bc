"""Facts → medkg graph (terms of ontology/medkg.ttl), remembering which facts produced each node.

The mapper reads the typed model (kg/load/model.py). Every node it creates, and every property it
sets, is recorded with the place in the facts file it came from (an `At`: file and field path), so
validation results can point a writer at the exact line to fix.
"""

from __future__ import annotations

from rdflib import RDFS, URIRef

from kg.graph.ids import page_ids
from kg.graph.iris import MEDKG as M
from kg.graph.iris import SCHEMA, Minter, person_key, slugify, text_key, unique_keys
from kg.graph.stated import Stated
from kg.graph.writer import ArticleGraph, date
from kg.load.model import (
    Article,
    Category,
    Invasiveness,
    Page,
    Person,
    ProcedureType,
    Sessions,
    Site,
    Treatment,
)

__all__ = ["ArticleGraph", "build_graph", "publisher_iri"]

_INVASIVENESS: dict[Invasiveness, URIRef] = {
    "non-invasive": M.NonInvasive,
    "minimally-invasive": M.MinimallyInvasive,
    "invasive": M.Invasive,
}
_PROCEDURE_TYPE: dict[ProcedureType, URIRef] = {
    "percutaneous": M.PercutaneousProcedure,
    "noninvasive": M.NoninvasiveProcedure,
}
_CATEGORY: dict[Category, URIRef] = {"cosmetic": M.Cosmetic, "medical": M.Medical}
_SESSIONS: dict[Sessions, URIRef] = {"single": M.SingleSession, "multiple": M.MultipleSessions}


class _Builder(Stated):
    def publisher(self) -> URIRef:
        pub = self.site.publisher
        org = self.node(publisher_iri(self.site), M.Organization, pub.at)
        self.shared_nodes.add(org)
        self.lit(org, RDFS.label, pub.name, pub.of("name"))
        if pub.url:
            self.g.add((org, M.url, URIRef(pub.url)))
        for i, same in enumerate(pub.same_as):
            self.link(org, M.profile, URIRef(same), pub.of("same_as", i))
        if pub.logo:
            logo = self.node(f"{org}#logo", M.Image, pub.logo.at)
            self.g.add((org, M.logo, logo))
            self.g.add((logo, M.contentUrl, URIRef(pub.logo.url)))
            self.lit(logo, M.width, pub.logo.width, pub.logo.of("width"))
            self.lit(logo, M.height, pub.logo.height, pub.logo.of("height"))
        return org

    def person(self, person: Person) -> URIRef:
        n = self.shared("person", M.Person, person.name, person.id or person_key(person.name), person.at)
        if person.url:
            self.g.add((n, M.url, URIRef(person.url)))
        return n

    def page(self, treatment: URIRef) -> None:
        pd, page = self.article.page, self.out.page
        self.node(str(page), M.Article, pd.at)
        self.lit(page, M.headline, pd.headline, pd.of("headline"))
        self.lit(page, M.description, pd.description, pd.of("description"))
        self.lit(
            page,
            M.inLanguage,
            pd.language or self.site.language,
            pd.of("language") if pd.language else self.site.of("language"),
        )
        self.link(page, M.isPartOf, self.website(), self.site.at)
        self.placement(pd)
        for kw in pd.keywords:
            self.lit(page, M.keyword, kw.name, kw.at)
        self.link(page, M.publisher, self.publisher(), self.article.at)
        self.link(page, M.about, treatment, self.article.of("treatment"))
        for value, prop, at in (
            (pd.date_published, M.datePublished, pd.of("date_published")),
            (pd.date_modified, M.dateModified, pd.of("date_modified")),
            (pd.last_reviewed, M.lastReviewed, pd.of("last_reviewed")),
        ):
            if value is not None:
                self.g.add((page, prop, date(value)))
                self.mark(page, prop, at)
        for people, prop in ((pd.authors, M.author), (pd.reviewed_by, M.reviewedBy)):
            for person in people:
                self.link(page, prop, self.person(person), person.at)
        if pd.image is not None:
            img = self.node(f"{page}#primaryimage", M.Image, pd.image.at)
            self.link(page, M.image, img, pd.image.at)
            self.lit(img, M.caption, pd.image.caption, pd.image.of("caption"))
            if pd.image.url:
                self.g.add((img, M.contentUrl, URIRef(pd.image.url)))
            self.lit(img, M.width, pd.image.width, pd.image.of("width"))
            self.lit(img, M.height, pd.image.height, pd.image.of("height"))
        self.breadcrumb(pd)
        self.related(pd)
        keys = unique_keys([text_key(qa.question) for qa in self.article.faq])
        for i, (qa, key) in enumerate(zip(self.article.faq, keys, strict=True)):
            n = self.node(f"{page}#faq-{key}", M.FAQItem, qa.at)
            self.link(page, M.faqItem, n, qa.at)
            self.position(n, i)
            self.lit(n, M.question, qa.question, qa.of("question"))
            self.lit(n, M.answer, qa.answer, qa.of("answer"))

    def breadcrumb(self, pd: Page) -> None:
        """The trail of the page, ending with the page itself (named by its headline)."""
        page = self.out.page
        trail = [(c.name, c.url, c.at, c.of("name")) for c in pd.breadcrumb]
        if trail:
            trail.append((pd.headline, str(page), pd.of("headline"), pd.of("headline")))
        for i, (name, url, at, name_at) in enumerate(trail):
            n = self.node(f"{page}#breadcrumb-{i + 1}", M.BreadcrumbItem, at)
            self.link(page, M.breadcrumbItem, n, at)
            self.position(n, i)
            self.lit(n, RDFS.label, name, name_at)
            if url:
                self.g.add((n, M.target, URIRef(url)))
                self.mark(n, M.target, at.child("url"))

    def website(self) -> URIRef:
        """The web site of data/site.yaml, one node shared by every article."""
        site = self.site
        web = self.node(str(page_ids(site, self.article).website), M.WebSite, site.at)
        self.lit(web, RDFS.label, site.name or site.publisher.name, site.of("name" if site.name else "publisher"))
        if site.url:
            self.link(web, M.homePage, URIRef(site.url), site.of("url"))
        self.lit(web, M.siteLanguage, site.language, site.of("language"))
        self.lit(web, M.searchUrlTemplate, site.search, site.of("search"))
        self.link(web, M.sitePublisher, self.publisher(), site.of("publisher"))
        return web

    def placement(self, pd: Page) -> None:
        """The page's specialties, audiences and citations, where the article states them."""
        page = self.out.page
        for i, specialty in enumerate(pd.specialty):
            self.link(page, M.specialty, SCHEMA[specialty], pd.of("specialty", i))
        for i, audience in enumerate(pd.audience):
            at = pd.of("audience", i)
            if audience == "patient":
                self.link(page, M.medicalAudience, self.node(f"{page}#audience-patient", M.PatientAudience, at), at)
            else:
                self.link(
                    page,
                    M.medicalAudience,
                    SCHEMA.Clinician if audience == "clinician" else SCHEMA.MedicalResearcher,
                    at,
                )
        for i, cited in enumerate(pd.citations):
            n = self.node(f"{page}#citation-{i + 1}", M.Citation, cited.at)
            self.link(page, M.citation, n, cited.at)
            self.lit(n, RDFS.label, cited.name, cited.of("name"))
            if cited.url:
                self.link(n, M.citationUrl, URIRef(cited.url), cited.of("url"))

    def related(self, pd: Page) -> None:
        page = self.out.page
        for i, rel in enumerate(pd.related_articles):
            n = self.node(f"{page}#related-{i + 1}", M.RelatedArticle, rel.at)
            self.link(page, M.relatedArticle, n, rel.at)
            self.position(n, i)
            self.lit(n, M.headline, rel.headline, rel.of("headline"))
            self.lit(n, M.description, rel.description, rel.of("description"))
            if rel.url:
                self.g.add((n, M.url, URIRef(rel.url)))

    def treatment(self) -> URIRef:
        t = self.article.treatment
        tr = self.node(self.mint.entity("treatment", t.id or slugify(t.name)), M.Treatment, t.at)
        self.shared_nodes.add(tr)
        self.lit(tr, RDFS.label, t.name, t.of("name"))
        self.codes(tr, t.codes)
        for i, alt in enumerate(t.alternate_names):
            self.lit(tr, M.alternateName, alt, t.of("alternate_names", i))
        self.lit(tr, M.description, t.description, t.of("description"))
        self.enum(tr, M.category, t.category, t.of("category"), _CATEGORY)
        self.enum(tr, M.invasiveness, t.invasiveness, t.of("invasiveness"), _INVASIVENESS)
        self.enum(tr, M.procedureType, t.procedure_type, t.of("procedure_type"), _PROCEDURE_TYPE)
        self.lit(tr, M.delivery, t.delivery, t.of("delivery"))
        self.lit(tr, M.targetTissue, t.target_tissue, t.of("target_tissue"))
        self.lit(tr, M.personalised, t.personalised, t.of("personalised"))
        self.lit(tr, M.personalisation, t.personalisation, t.of("personalisation"))
        self.lit(tr, M.riskMitigation, t.risk_mitigation, t.of("risk_mitigation"))
        for i, text in enumerate(t.claimed_mechanisms):
            self.lit(tr, M.claimedMechanism, text, t.of("claimed_mechanisms", i))
        for i, text in enumerate(t.claimed_outcomes):
            self.lit(tr, M.claimedOutcome, text, t.of("claimed_outcomes", i))
        self.medical(tr, t)
        self.process(tr, t)
        self.statements(tr, t)
        for comp in t.comparisons:
            other = self.shared("treatment", M.Treatment, comp.treatment, comp.id, comp.of("treatment"))
            n = self.node(f"{tr}/comparison/{comp.id or slugify(comp.treatment)}", M.Comparison, comp.at)
            self.link(tr, M.comparison, n, comp.at)
            self.link(n, M.comparedWith, other, comp.of("treatment"))
            for point in comp.points:
                self.lit(n, M.point, point.text, point.at)
        return tr

    def medical(self, tr: URIRef, t: Treatment) -> None:
        """Indications, ingredients, adverse effects, contraindications: each a node of its own,
        linked to the site-wide condition or substance it names."""
        for ind in t.indications:
            slug = ind.id or slugify(ind.condition or "-".join(ind.body_areas))
            n = self.node(f"{tr}/indication/{slug}", M.Indication, ind.at)
            self.link(tr, M.hasIndication, n, ind.at)
            if ind.condition is not None:
                cond = self.shared("condition", M.Condition, ind.condition, ind.id, ind.of("condition"))
                self.codes(cond, ind.codes)
                self.link(tr, M.indicatedFor, cond, ind.at)
                self.link(n, M.condition, cond, ind.of("condition"))
            self.lit(n, M.purpose, ind.purpose, ind.of("purpose"))
            self.areas(n, ind.body_areas, ind.at, "body_areas")
        for ing in t.ingredients:
            sub = self.shared("ingredient", M.Ingredient, ing.name, ing.id, ing.of("name"))
            self.codes(sub, ing.codes)
            n = self.node(f"{tr}/ingredient/{ing.id or slugify(ing.name)}", M.IngredientUse, ing.at)
            self.link(tr, M.hasIngredientUse, n, ing.at)
            self.link(tr, M.usesIngredient, sub, ing.at)
            self.link(n, M.ingredient, sub, ing.of("name"))
            self.lit(n, M.purpose, ing.purpose, ing.of("purpose"))
        for ae in t.adverse_effects:
            self.effect(tr, ae)
        for ci in t.contraindications:
            cond = self.shared("condition", M.Condition, ci.condition, ci.id, ci.of("condition"))
            self.codes(cond, ci.codes)
            n = self.node(f"{tr}/contraindication/{ci.id or slugify(ci.condition)}", M.Contraindication, ci.at)
            self.link(tr, M.hasContraindication, n, ci.at)
            self.link(tr, M.contraindicatedFor, cond, ci.at)
            self.link(n, M.condition, cond, ci.of("condition"))
            self.lit(n, M.note, ci.note, ci.of("note"))
            self.contraindication_kind(n, ci.kind, ci.until, ci.at)
            self.areas(n, ci.body_areas, ci.at, "body_areas")

    def process(self, tr: URIRef, t: Treatment) -> None:
        """Procedure, recovery, aftercare and candidates: properties and ordered items of the treatment."""
        if (proc := t.procedure) is not None:
            self.texts(tr, M.preparationStep, M.ProcedureStep, proc.preparation, "preparation")
            self.texts(tr, M.procedureStep, M.ProcedureStep, proc.steps, "step")
            self.durations(tr, proc.duration, M.minDuration, M.maxDuration, M.durationNote)
            self.enum(tr, M.sessions, proc.sessions, proc.of("sessions"), _SESSIONS)
        if (rec := t.recovery) is not None:
            self.lit(tr, M.recoverySummary, rec.summary, rec.of("summary"))
            self.durations(
                tr, rec.side_effects_resolve, M.sideEffectsResolveMin, M.sideEffectsResolveMax, M.sideEffectsResolveNote
            )
            self.lit(tr, M.resumeActivities, rec.resume_activities, rec.of("resume_activities"))
        self.texts(tr, M.aftercare, M.AftercareInstruction, t.aftercare, "aftercare")
        if (cand := t.candidates) is not None:
            self.lit(tr, M.suitableCandidates, cand.suitable, cand.of("suitable"))
            self.lit(tr, M.candidateAssessment, cand.assessment, cand.of("assessment"))


def publisher_iri(site: Site) -> URIRef:
    """The site's publisher, one node shared by every article."""
    pub = site.publisher
    return URIRef(Minter(site.base_iri).entity("organization", pub.id or slugify(pub.name)))


def build_graph(site: Site, article: Article) -> ArticleGraph:
    """The medkg graph of one article (its page, treatment, and the site-wide nodes it uses)."""
    b = _Builder(site, article)
    tr = b.treatment()
    b.page(tr)
    b.sources(tr)
    return b.out
