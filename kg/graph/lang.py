"""Language-tagged text in the medkg graph [seo2]: the prose properties carry the page's language
(`page.language`, else `site.language`) as an RDF language tag in Turtle and N-Quads.

The schema.org projection is made from the untagged graph, so the JSON-LD keeps plain strings (with
`inLanguage` on the page, WebSite and Article) and still passes schema.org conformance. Codes,
identifiers, URL templates and language codes are not prose and are never tagged. The ontology gives
these properties the range `rdf:langString` (one block of range edits in ontology/medkg.ttl).
"""

from __future__ import annotations

from rdflib import Literal

from kg.graph.iris import MEDKG
from kg.graph.mapping import ArticleGraph
from kg.graph.terms import literal

TEXT = frozenset(
    MEDKG[name]
    for name in (
        "headline",
        "description",
        "keyword",
        "caption",
        "question",
        "answer",
        "alternateName",
        "delivery",
        "targetTissue",
        "personalisation",
        "riskMitigation",
        "claimedMechanism",
        "claimedOutcome",
        "purpose",
        "note",
        "text",
        "durationNote",
        "recoverySummary",
        "sideEffectsResolveNote",
        "resumeActivities",
        "suitableCandidates",
        "candidateAssessment",
        "point",
    )
)


def tagged(ag: ArticleGraph, language: str) -> ArticleGraph:
    """The graph with every plain literal of a prose property tagged with `language`."""
    if not language:
        return ag
    plain = {
        (s, p, o)
        for s, p, o in ag.triples
        if p in TEXT and isinstance(o, Literal) and o.datatype is None and o.language is None
    }
    # the other triples kept by subtraction, which does not hash them again (rdflib hashes a Literal in Python)
    triples = (ag.triples - plain) | {(s, p, literal(str(o), lang=language)) for s, p, o in plain}
    return ArticleGraph(ag.article, ag.page, triples, ag.origins, ag.field_origins)
