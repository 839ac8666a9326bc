"""Is what the markup says visible on the page? Google: "all FAQ content must be visible to the user
on the source page"; the structured data must describe the page's visible content.

The page's visible text is what lxml reads outside <head>, <script>, <style>, <noscript>, <template>
and elements with the `hidden` attribute; entities are decoded by the HTML parser; both sides are
normalised (Unicode NFKC, case-folded, runs of whitespace made one space). Headlines, FAQ questions
and author / reviewer names must appear verbatim after that. FAQ answers are compared fuzzily
(rapidfuzz `partial_ratio`, the best-matching stretch of the page) and pass at ANSWER_THRESHOLD: a
score of 90 tolerates the small edits that markup copies carry (a dropped link text, a typographic
quote, a list flattened to a sentence) but not a summary: measured on the source page of the sample
(tests/data/seed), its five summarised FAQ answers score 54-78, its questions and headline are found
verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import lxml.html
from rapidfuzz import fuzz
from rdflib import RDF, Graph, Literal
from rdflib.term import Node

from kg.core.findings import Finding, Severity
from kg.graph.iris import SCHEMA
from kg.graph.locate import Locator

ANSWER_THRESHOLD = 90.0
_HIDDEN = ("head", "script", "style", "noscript", "template")
_ARTICLES = (SCHEMA.Article, SCHEMA.NewsArticle, SCHEMA.BlogPosting, SCHEMA.MedicalWebPage, SCHEMA.WebPage)


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


def visible_text(page: str) -> str:
    """The text a reader sees (normalised)."""
    try:
        root = lxml.html.document_fromstring(page)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for element in root.xpath("//" + " | //".join(_HIDDEN) + " | //*[@hidden]"):
        element.drop_tree()
    return normalise(" ".join(root.itertext()))


def _markup_text(value: str) -> str:
    """Text of a marked-up value that may hold HTML (Google allows some tags in FAQ answers)."""
    if "<" not in value:
        return normalise(value)
    try:
        return normalise(lxml.html.fragment_fromstring(value, create_parent="div").text_content())
    except (ValueError, lxml.etree.ParserError):
        return normalise(value)


def _claims(g: Graph) -> Iterator[tuple[Node, str, str, bool]]:
    """(node, what, text, fuzzy) for every text the page's markup says the page shows."""
    for cls in _ARTICLES:
        for node in g.subjects(RDF.type, cls):
            for headline in g.objects(node, SCHEMA.headline):
                yield node, "headline", str(headline), False
    for q in g.subjects(RDF.type, SCHEMA.Question):
        for name in g.objects(q, SCHEMA.name):
            yield q, "FAQ question", str(name), False
        for answer in g.objects(q, SCHEMA.acceptedAnswer):
            for text in g.objects(answer, SCHEMA.text):
                yield q, "FAQ answer", str(text), True
    for prop, what in ((SCHEMA.author, "author"), (SCHEMA.reviewedBy, "reviewer")):
        for person in set(g.objects(None, prop)):
            names = [person] if isinstance(person, Literal) else list(g.objects(person, SCHEMA.name))
            for name in names:
                yield person, f"{what} name", str(name), False


def check(g: Graph, page: str, locate: Locator) -> list[Finding]:
    """A warning for each marked-up headline, FAQ question or answer, author or reviewer name the
    page does not show."""
    visible = visible_text(page)
    if not visible:
        return []
    findings: list[Finding] = []
    seen: set[tuple[Node, str, str]] = set()
    for node, what, text, fuzzy in _claims(g):
        wanted = _markup_text(text)
        if not wanted or (node, what, wanted) in seen:
            continue
        seen.add((node, what, wanted))
        if wanted in visible:
            continue
        score = fuzz.partial_ratio(wanted, visible) if fuzzy else 0.0
        if fuzzy and score >= ANSWER_THRESHOLD:
            continue
        findings.append(_finding(locate, node, what, text, score if fuzzy else None))
    return findings


def _finding(locate: Locator, node: Node, what: str, text: str, score: float | None) -> Finding:
    file, line, column, field = locate(node, None)
    shown = text if len(text) <= 80 else text[:77] + "..."
    how = (
        f"its closest stretch of the page scores {score:.0f} of 100, under {ANSWER_THRESHOLD:.0f}"
        if score is not None
        else "not found in the page's visible text"
    )
    return Finding(
        file,
        line,
        column,
        Severity.WARNING,
        f"The marked-up {what} {shown!r} is not visible on the page ({how}). Google requires "
        "structured data to describe content the page shows: show it, or mark up what is shown.",
        field,
        str(node) if not isinstance(node, Literal) else "",
        "audit:not-visible",
        "audit",
    )
