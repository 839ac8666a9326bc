"""The statements of the newer facts format: timing, quantities, a course of treatment, other agents,
outcomes, regulatory status, candidacy, explicit 'none stated' and internal conflicts, and the
provenance (PROV-O) of every fact node. Each becomes a node of its own, so what the article says
about it (a range, the article's words, a condition) stays with it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import RDF, Namespace, URIRef

from kg.graph.iris import MEDKG as M
from kg.graph.iris import slugify, text_key, unique_keys
from kg.graph.terms import literal
from kg.graph.writer import GraphWriter, duration_words
from kg.load.located import At, Located
from kg.load.model import (
    AdverseEffect,
    AftercareItem,
    AgentRole,
    ApprovalStatus,
    ContraindicationKind,
    Duration,
    Frequency,
    Permanence,
    Quantity,
    Seriousness,
    SessionTiming,
    SourcedText,
    Timing,
    Treatment,
)

PROV = Namespace("http://www.w3.org/ns/prov#")
FREQUENCY: dict[Frequency, URIRef] = {
    "very-common": M.VeryCommon,
    "common": M.Common,
    "uncommon": M.Uncommon,
    "rare": M.Rare,
    "very-rare": M.VeryRare,
    "unknown": M.FrequencyUnknown,
}
SERIOUSNESS: dict[Seriousness, URIRef] = {"minor": M.Minor, "serious": M.Serious, "unknown": M.SeriousnessUnknown}
_WHEN: dict[SessionTiming, URIRef] = {
    "before": M.BeforeSession,
    "during": M.DuringSession,
    "after": M.AfterSession,
    "between-sessions": M.BetweenSessions,
}
_KIND: dict[ContraindicationKind, URIRef] = {
    "absolute": M.AbsoluteContraindication,
    "relative": M.RelativeContraindication,
    "temporary": M.TemporaryContraindication,
    "needs-clearance": M.NeedsClearance,
    "area-specific": M.AreaSpecificContraindication,
}
_PERMANENCE: dict[Permanence, URIRef] = {
    "permanent": M.Permanent,
    "long-lasting": M.LongLasting,
    "temporary": M.Temporary,
}
_ROLE: dict[AgentRole, URIRef] = {
    "pre-medication": M.PreMedication,
    "numbing": M.Numbing,
    "aftercare": M.AftercareAgent,
    "reversal": M.ReversalAgent,
    "adjunct": M.Adjunct,
    "other": M.OtherRole,
}
_STATUS: dict[ApprovalStatus, URIRef] = {
    "approved": M.Approved,
    "cleared": M.Cleared,
    "licensed": M.Licensed,
    "not-approved": M.NotApproved,
    "off-label": M.OffLabel,
}
_LISTS = {
    "indications": (M.IndicationList, M.noIndicationStated),
    "adverse_effects": (M.AdverseEffectList, M.noAdverseEffectStated),
    "contraindications": (M.ContraindicationList, M.noContraindicationStated),
    "aftercare": (M.AftercareList, M.noAftercareStated),
}


class Stated(GraphWriter):
    """Node-per-statement mapping shared by the treatment's sections."""

    def stated_duration(self, s: URIRef, p: URIRef, d: Duration | None, tag: str) -> None:
        """A duration node: min/max as quantities (value, unit code), approximate, the article's words, a plain
        rendering."""
        if d is None:
            return
        n = self.node(f"{s}/{tag}", M.StatedDuration, d.at)
        self.link(s, p, n, d.at)
        self.bounds(n, d, M.minDuration, M.maxDuration)
        self.lit(n, M.approximate, d.approximate, d.of("approximate"))
        self.lit(n, M.asWritten, d.as_written or d.note, d.of("as_written"))
        self.lit(n, M.durationText, duration_words(d), d.at)

    def quantity(self, s: URIRef, p: URIRef, q: Quantity | None, tag: str) -> None:
        if q is None:
            return
        n = self.node(f"{s}/{tag}", M.Quantity, q.at)
        self.link(s, p, n, q.at)
        self.lit(n, M.minValue, q.min, q.of("min"))
        self.lit(n, M.maxValue, q.max, q.of("max"))
        self.lit(n, M.unitText, q.unit, q.of("unit"))
        self.lit(n, M.approximate, q.approximate, q.of("approximate"))
        self.lit(n, M.asWritten, q.as_written, q.of("as_written"))

    def timing(self, s: URIRef, t: Timing | None) -> None:
        if t is None:
            return
        n = self.node(f"{s}/timing", M.Timing, t.at)
        self.link(s, M.timing, n, t.at)
        self.enum(n, M.relativeTo, t.when, t.of("when"), _WHEN)
        self.stated_duration(n, M.offset, t.offset, "offset")
        self.lit(n, M.asWritten, t.as_written, t.of("as_written"))

    def texts(self, s: URIRef, p: URIRef, cls: URIRef, items: Sequence[SourcedText | AftercareItem], tag: str) -> None:
        """Ordered text items (steps, aftercare …) as nodes with a position, keyed by their text."""
        keys = unique_keys([text_key(item.text) for item in items])
        for i, (item, key) in enumerate(zip(items, keys, strict=True)):
            n = self.node(f"{s}/{tag}/{key}", cls, item.at)
            self.link(s, p, n, item.at)
            self.position(n, i)
            self.lit(n, M.text, item.text, item.of("text"))
            if isinstance(item, AftercareItem):
                self.durations(n, item.duration, M.minDuration, M.maxDuration, M.durationNote)
            else:
                self.timing(n, item.timing)

    def effect(self, owner: URIRef, ae: AdverseEffect) -> URIRef:
        """An adverse effect of a treatment or of an agent: a qualified node on the site-wide condition."""
        cond = self.shared("condition", M.Condition, ae.name, ae.id, ae.of("name"))
        self.codes(cond, ae.codes)
        n = self.node(f"{owner}/adverse-effect/{ae.id or slugify(ae.name)}", M.AdverseEffect, ae.at)
        self.link(owner, M.hasAdverseEffect, n, ae.at)
        self.link(n, M.condition, cond, ae.of("name"))
        self.enum(n, M.frequency, ae.frequency, ae.of("frequency"), FREQUENCY)
        self.lit(n, M.frequencyAsWritten, ae.frequency_as_written, ae.of("frequency_as_written"))
        self.quantity(n, M.rate, ae.rate, "rate")
        self.enum(n, M.seriousness, ae.seriousness, ae.of("seriousness"), SERIOUSNESS)
        self.lit(n, M.seriousOutcome, ae.serious_outcome, ae.of("serious_outcome"))
        self.lit(n, M.temporary, ae.temporary, ae.of("temporary"))
        self.stated_duration(n, M.lasts, ae.duration, "lasts")
        self.timing(n, ae.timing)
        self.lit(n, M.onlyIf, ae.only_if, ae.of("only_if"))
        self.lit(n, M.siteNote, ae.location, ae.of("location"))
        self.lit(n, M.note, ae.note, ae.of("note"))
        return n

    def areas(self, n: URIRef, areas: tuple[str, ...], at: At, field: str) -> None:
        for j, area in enumerate(areas):
            a = self.shared("body-area", M.BodyArea, area, None, at.child(field, j))
            self.link(n, M.bodyArea, a, at.child(field, j))

    def statements(self, tr: URIRef, t: Treatment) -> None:
        """Everything the first facts format had no place for."""
        self.outcomes(tr, t)
        self.agents(tr, t)
        if (c := t.course) is not None:
            n = self.node(f"{tr}/course", M.Course, c.at)
            self.link(tr, M.course, n, c.at)
            self.quantity(n, M.sessionCount, c.sessions, "sessions")
            self.stated_duration(n, M.interval, c.interval, "interval")
            self.lit(n, M.maintenance, c.maintenance, c.of("maintenance"))
            self.stated_duration(n, M.maintenanceInterval, c.maintenance_interval, "maintenance-interval")
        if (cand := t.candidates) is not None:
            self.texts(tr, M.goodCandidate, M.CandidacyStatement, cand.good, "good-candidate")
            self.texts(tr, M.notGoodCandidate, M.CandidacyStatement, cand.not_good, "not-good-candidate")
        for i, r in enumerate(t.regulatory):
            n = self.node(f"{tr}/regulatory/{i + 1}", M.RegulatoryStatus, r.at)
            self.link(tr, M.regulatoryStatus, n, r.at)
            self.enum(n, M.status, r.status, r.of("status"), _STATUS)
            self.lit(n, M.authority, r.authority, r.of("authority"))
            self.lit(n, M.jurisdiction, r.jurisdiction, r.of("jurisdiction"))
            self.lit(n, M.forUse, r.for_use, r.of("for_use"))
        for i, clash in enumerate(t.conflicts):
            n = self.node(f"{self.out.page}#conflict-{i + 1}", M.Conflict, clash.at)
            self.link(tr, M.conflict, n, clash.at)
            self.texts(n, M.conflictingStatement, M.StatedText, clash.statements, "statement")
            self.lit(n, M.editorNote, clash.note, clash.of("note"))
        if (none := t.none_stated) is not None:
            for name, (cls, prop) in _LISTS.items():
                said = getattr(none, name)
                if said is not None:
                    n = self.node(f"{tr}/none-stated/{name.replace('_', '-')}", M.NoneStatement, said.at)
                    self.link(tr, prop, n, said.at)
                    self.link(n, M.aboutList, cls, said.at)
                    self.provenance(n, said.section, said.quote, said.at)

    def outcomes(self, tr: URIRef, t: Treatment) -> None:
        for i, o in enumerate(t.outcomes):
            n = self.node(f"{tr}/outcome/{i + 1}", M.Outcome, o.at)
            self.link(tr, M.outcome, n, o.at)
            self.lit(n, M.text, o.text, o.of("text"))
            self.stated_duration(n, M.onset, o.onset, "onset")
            self.stated_duration(n, M.fullEffectAfter, o.full_effect, "full-effect")
            self.stated_duration(n, M.lasts, o.lasts, "lasts")
            self.enum(n, M.permanence, o.permanence, o.of("permanence"), _PERMANENCE)
            self.areas(n, o.body_areas, o.at, "body_areas")
            self.quantity(n, M.amount, o.amount, "amount")

    def agents(self, tr: URIRef, t: Treatment) -> None:
        for ag in t.agents:
            sub = self.shared("ingredient", M.Ingredient, ag.name, ag.id, ag.of("name"))
            self.codes(sub, ag.codes)
            n = self.node(f"{tr}/agent/{ag.id or slugify(ag.name)}", M.AgentUse, ag.at)
            self.link(tr, M.hasAgentUse, n, ag.at)
            self.link(n, M.ingredient, sub, ag.of("name"))
            self.enum(n, M.role, ag.role, ag.of("role"), _ROLE)
            self.lit(n, M.purpose, ag.purpose, ag.of("purpose"))
            self.quantity(n, M.dose, ag.dose, "dose")
            self.timing(n, ag.timing)
            for ae in ag.adverse_effects:
                self.effect(n, ae)

    def contraindication_kind(self, n: URIRef, kind: ContraindicationKind | None, until: str | None, at: At) -> None:
        self.enum(n, M.contraindicationKind, kind, at.child("kind"), _KIND)
        self.lit(n, M.until, until, at.child("until"))

    def provenance(self, n: URIRef, section: str | None, quote: str, at: At) -> None:
        """PROV-O: the fact node was derived from a quotation of the page (its words and section)."""
        q = self.node(f"{self.out.page}#quote-{slugify(at.dotted) or 'article'}", M.Quotation, at)
        self.g.add((q, RDF.type, PROV.Entity))
        self.g.add((n, PROV.wasDerivedFrom, q))
        self.g.add((q, PROV.wasQuotedFrom, self.out.page))
        self.g.add((q, PROV.value, literal(quote)))
        self.lit(q, M.section, section, at.child("section"))
        self.g.add((q, M.factPath, literal(at.dotted)))

    def sources(self, tr: URIRef) -> None:
        """Every fact node derives from its page; where the facts quote the article, from that quotation.
        A sourced fact without a node of its own (recovery, candidates) is derived to the treatment."""
        at_node: dict[tuple[object, ...], URIRef] = {}
        for n, at in self.out.origins.items():
            if isinstance(n, URIRef) and n not in self.shared_nodes:
                at_node.setdefault(at.path, n)
                if n != self.out.page:
                    self.g.add((n, PROV.wasDerivedFrom, self.out.page))
        for obj in self.article.walk():
            src = getattr(obj, "source", None)
            if isinstance(obj, Located) and src is not None and hasattr(src, "quote"):
                self.provenance(at_node.get(obj.at.path, tr), src.section, src.quote, src.at)
