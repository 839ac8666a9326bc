"""Checks of the graph a page's blocks make together: what only shows when a CMS's JSON-LD and
medkg's snippet (or any two sources) describe the same page.

A page is one graph for Google: two WebSites, two publishers, a breadcrumb whose entries share a
position (two lists merged under one @id), or one @id given two unrelated types mean the pieces did
not join. `pieces` counts the nodes of each kind, for the per-page table.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from kg.check.conformance import vocabulary
from kg.core.findings import Finding, Severity
from kg.graph.iris import SCHEMA
from kg.graph.locate import Locator

FAMILY = "audit"
_ROOTS = frozenset({"Thing", "CreativeWork"})  # ancestors too general to make two types one kind of thing
PIECES = {
    "Organization": ("Organization",),
    "WebSite": ("WebSite",),
    "WebPage": ("WebPage",),
    "Article": ("Article",),
    "BreadcrumbList": ("BreadcrumbList",),
    "ImageObject": ("ImageObject",),
    "Person": ("Person",),
    "FAQPage": ("FAQPage",),
}


def _types(g: Graph, node: Node) -> set[str]:
    return {str(t).rsplit("/", 1)[-1] for t in g.objects(node, RDF.type) if str(t).startswith(str(SCHEMA))}


def pieces(g: Graph) -> dict[str, int]:
    """How many nodes of each page-level kind the graph has (subtypes count: MedicalWebPage is a WebPage)."""
    vocab = vocabulary()
    count: Counter[str] = Counter()
    for node in set(g.subjects(RDF.type, None)):
        reach = vocab.reach(_types(g, node))
        for piece, roots in PIECES.items():
            if reach & set(roots) and not (piece == "WebPage" and "FAQPage" in reach):  # a part, not the page
                count[piece] += 1
    return {piece: count[piece] for piece in PIECES}


def _finding(locate: Locator, node: Node, severity: Severity, rule: str, message: str) -> Finding:
    file, line, column, field = locate(node, None)
    return Finding(
        file,
        line,
        column,
        severity,
        message,
        field,
        str(node) if isinstance(node, URIRef) else "",
        f"audit:{rule}",
        FAMILY,
    )


def _positions(g: Graph, locate: Locator) -> Iterable[Finding]:
    for lst in sorted(set(g.subjects(RDF.type, SCHEMA.BreadcrumbList)), key=str):
        seen: defaultdict[str, int] = defaultdict(int)
        for item in g.objects(lst, SCHEMA.itemListElement):
            for pos in g.objects(item, SCHEMA.position):
                seen[str(pos)] += 1
        doubled = sorted((p for p, n in seen.items() if n > 1), key=lambda p: (len(p), p))
        if doubled:
            yield _finding(
                locate,
                lst,
                Severity.VIOLATION,
                "duplicate-position",
                f"The BreadcrumbList <{lst}> has two entries at position {', '.join(doubled)}: two "
                "breadcrumbs were merged under one @id. Publish one breadcrumb per page (leave the "
                "other out, e.g. `omit: [breadcrumb]` in medkg's data/site.yaml).",
            )


def _two(g: Graph, locate: Locator) -> Iterable[Finding]:
    sites = sorted(set(g.subjects(RDF.type, SCHEMA.WebSite)), key=str)
    if len(sites) > 1:
        yield _finding(
            locate,
            sites[1],
            Severity.WARNING,
            "two-websites",
            f"{len(sites)} WebSite nodes on one page ({', '.join(f'<{s}>' for s in sites)}): the "
            "graphs did not join. Give them one @id, or leave one out.",
        )
    publishers = sorted({o for o in g.objects(None, SCHEMA.publisher) if not isinstance(o, Literal)}, key=str)
    if len(publishers) > 1:
        yield _finding(
            locate,
            publishers[1],
            Severity.WARNING,
            "two-publishers",
            f"{len(publishers)} different publishers on one page "
            f"({', '.join(f'<{p}>' for p in publishers)}): give the publisher one @id everywhere.",
        )


def _typed_twice(g: Graph, locate: Locator) -> Iterable[Finding]:
    vocab = vocabulary()
    for node in sorted(set(g.subjects(RDF.type, None)), key=str):
        types = sorted(_types(g, node))
        for i, a in enumerate(types):
            clash = [
                b
                for b in types[i + 1 :]
                if not vocab.reach({a}) & vocab.reach({b}) - _ROOTS and {a, b} != {"Person", "Organization"}
            ]  # Yoast's and Rank Math's "person" sites
            if clash and isinstance(node, URIRef):
                yield _finding(
                    locate,
                    node,
                    Severity.WARNING,
                    "typed-two-ways",
                    f"<{node}> is typed both {a} and {clash[0]}, which are unrelated: two sources "
                    "gave one @id to different things. Give each its own @id.",
                )
                break


def check(g: Graph, locate: Locator) -> list[Finding]:
    """Findings of the merged graph: duplicate breadcrumb positions, two WebSites or publishers, clashing types."""
    return sorted([*_positions(g, locate), *_two(g, locate), *_typed_twice(g, locate)])
