"""Findings for what the published graph leaves out: half-made pieces, pieces the CMS publishes,
and a page whose URL the facts do not give (medkg never invents one)."""

from __future__ import annotations

from kg.core.findings import Finding, Severity
from kg.graph.ids import PageIds
from kg.graph.locate import Locator
from kg.graph.pieces import LeftOut

FAMILY = "schemaorg"
_WHAT = {
    "breadcrumb": "the BreadcrumbList",
    "image": "the ImageObject",
    "website": "the WebSite",
    "person": "the Person",
    "organization": "the Organization",
    "webpage": "the WebPage",
    "primaryimage": "the primary image",
    "article": "the Article",
}
_FEATURE = {
    "breadcrumb": "Google shows no breadcrumb trail for it",
    "image": "Google does not use an image it cannot crawl",
    "website": "Google and Yoast need a WebSite's url",
    "person": "Google needs each author's name",
}


def left_out(pieces: list[LeftOut], locate: Locator) -> list[Finding]:
    """One finding per piece left out of the JSON-LD, at the facts that describe it."""
    out = []
    for piece in pieces:
        file, line, column, field = locate(piece.node, None)
        what = _WHAT.get(piece.piece, piece.piece)
        if piece.omitted:
            out.append(
                Finding(
                    file,
                    line,
                    column,
                    Severity.INFO,
                    f"Left out of the JSON-LD: {what} <{piece.node}>, "
                    f"because {piece.reason}; references to it are kept, so the page's two graphs join.",
                    field,
                    str(piece.node),
                    f"left-out-{piece.piece}",
                    FAMILY,
                )
            )
            continue
        severity = Severity.INFO if piece.piece == "website" else Severity.WARNING
        out.append(
            Finding(
                file,
                line,
                column,
                severity,
                f"Left out of the JSON-LD with every reference to it: {what} <{piece.node}>, because "
                f"{piece.reason} ({_FEATURE.get(piece.piece, 'Google requires it')}). The medkg graph "
                f"keeps it; to publish it, add {piece.fix}.",
                field,
                str(piece.node),
                f"left-out-{piece.piece}",
                FAMILY,
            )
        )
    return out


def page_url(ids: PageIds, locate: Locator, *, skipped: bool) -> list[Finding]:
    """A warning when the facts give no page URL: the JSON-LD names the page by an identifier only."""
    if ids.url_known:
        return []
    file, line, column, _ = locate(ids.webpage, None)
    consequence = (
        "the site publishes no JSON-LD for such articles (`without_url: skip` in data/site.yaml)"
        if skipped
        else f"its JSON-LD names the page <{ids.page_url}> (an identifier medkg minted, not "
        "the page's address) and publishes no `url` for it"
    )
    return [
        Finding(
            file,
            line,
            column,
            Severity.WARNING,
            f"The page has no URL in the facts and medkg never invents one: {consequence}. Add `url:` "
            "with the page's canonical address.",
            "url",
            str(ids.webpage),
            "page-url",
            FAMILY,
        )
    ]
