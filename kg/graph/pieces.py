"""The page-level pieces of the published graph, in the shape the best CMS plugins give them.

After the projection, a page's schema.org view gets a separate Article node (type from site.yaml)
that is part of the page, a SearchAction on the WebSite where the site has a search, and then two
rules, as Yoast applies them: a piece lacking what Google requires for it is left out together with
every reference to it (a breadcrumb entry without a URL, an image without a file, a WebSite without
a home page, a person without a name), and pieces the site says its CMS already publishes
(`omit:`) are left out while references to them stay, so that both graphs join into one. The
medkg graph keeps every fact; each piece left out is reported with what to add.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import RDF, Literal, URIRef
from rdflib.term import Node

from kg.graph.ids import PageIds
from kg.graph.iris import MEDKG, SCHEMA
from kg.graph.mapping import ArticleGraph
from kg.graph.terms import Triple, is_iri
from kg.load.model import Site

# Sets, not tuples, throughout: `p in (a, b)` calls rdflib's Python __eq__ for each member it is not,
# a set compares hashes first; and a set is filtered by subtracting what goes (a set keeps its hashes,
# building a new one hashes every triple again, a Literal in Python).
# What the Article piece takes over from the page, as Google's Article feature reads it.
_ARTICLE_PROPERTIES = frozenset(
    {
        SCHEMA.headline,
        SCHEMA.image,
        SCHEMA.author,
        SCHEMA.datePublished,
        SCHEMA.dateModified,
        SCHEMA.publisher,
        SCHEMA.inLanguage,
        SCHEMA.about,
    }
)
_OWNING = frozenset({SCHEMA.logo, SCHEMA.itemListElement})
_IMAGES = frozenset({SCHEMA.image, SCHEMA.primaryImageOfPage, SCHEMA.logo})
_PEOPLE = frozenset({SCHEMA.author, SCHEMA.reviewedBy})
_URLS = frozenset({SCHEMA.url, SCHEMA.item})
_ITEMS, _POSITION = frozenset({SCHEMA.itemListElement}), frozenset({SCHEMA.position})
# Properties whose value is an address, not a reference to a node: renaming a piece keeps them.
_ADDRESSES = frozenset(
    {SCHEMA.url, SCHEMA.item, SCHEMA.contentUrl, MEDKG.target, MEDKG.url, MEDKG.homePage, MEDKG.contentUrl}
)


@dataclass(frozen=True)
class LeftOut:
    """A piece that is not published: its node (in the published graph's ids), why, and what to add."""

    piece: str
    node: URIRef
    reason: str
    fix: str
    omitted: bool = False  # left out because the CMS publishes it (site.yaml `omit:`), not for a gap


def _pairs(triples: Iterable[Triple]) -> set[tuple[Node, Node]]:
    """The (subject, property) pairs of a graph: what `_has` asks, one set lookup instead of a scan."""
    return {(s, p) for s, p, _ in triples}


def _has(pairs: set[tuple[Node, Node]], node: Node, *props: URIRef) -> bool:
    return any((node, p) in pairs for p in props)


def _owned(triples: set[Triple], root: URIRef) -> set[Node]:
    """A piece and the nodes that belong to it: its list items, its logo, nodes named `<node>-…` (sizes)."""
    by_subject: dict[Node, list[tuple[Node, URIRef]]] = defaultdict(list)
    for s, p, o in triples:
        if is_iri(o):
            by_subject[s].append((p, o))
    out: set[Node] = {root}
    todo = [root]
    while todo:
        node = todo.pop()
        named = f"{node}-"
        for p, o in by_subject.get(node, ()):
            if o not in out and (p in _OWNING or str.startswith(o, named)):
                out.add(o)
                todo.append(o)
    return out


def drop(triples: set[Triple], root: URIRef, *, keep_references: bool = False) -> set[Triple]:
    """The triples without a piece and the nodes it owns; without references to it unless kept."""
    gone = _owned(triples, root)  # IRIs only: a literal is never one of them
    return triples - {t for t in triples if t[0] in gone or (not keep_references and is_iri(t[2]) and t[2] in gone)}


def article_piece(triples: set[Triple], ids: PageIds, site: Site) -> set[Triple]:
    """The Article node of the page: headline, image, author, dates, publisher; part of the page."""
    page, art = ids.webpage, ids.article
    out: set[Triple] = {
        (art, RDF.type, SCHEMA[site.article_type or "Article"]),
        (art, SCHEMA.isPartOf, page),
        (art, SCHEMA.mainEntityOfPage, page),
    }
    out |= {(art, p, o) for s, p, o in triples if p in _ARTICLE_PROPERTIES and s == page}
    if not any(p == SCHEMA.headline for _, p, _ in out):
        return set()
    return triples | out


def search_action(triples: set[Triple], ids: PageIds, site: Site) -> set[Triple]:
    """The WebSite's SearchAction, where site.yaml gives the search URL."""
    if not site.search:
        return triples
    action = URIRef(f"{ids.website}-search")
    return triples | {
        (ids.website, SCHEMA.potentialAction, action),
        (action, RDF.type, SCHEMA.SearchAction),
        (action, SCHEMA.target, Literal(site.search)),
        (action, SCHEMA["query-input"], Literal("required name=search_term_string")),
    }


def _breadcrumb_gap(triples: set[Triple], ids: PageIds) -> str | None:
    items = sorted((o for s, p, o in triples if p in _ITEMS and s == ids.breadcrumb), key=str)
    positions = {s: int(o) for s, p, o in triples if p in _POSITION and s in items and isinstance(o, Literal)}
    ordered = sorted(items, key=lambda n: positions.get(n, 0))
    if len(ordered) < 2:
        return "Google needs at least two entries"
    pairs = _pairs(triples)
    missing = [positions.get(n, 0) for n in ordered[:-1] if not _has(pairs, n, SCHEMA.item)]
    if missing:
        entries = ", ".join(str(m) for m in missing)
        return f"entr{'y' if len(missing) == 1 else 'ies'} {entries} ha{'s' if len(missing) == 1 else 've'} no URL"
    return None


def half_made(triples: set[Triple], ids: PageIds) -> tuple[set[Triple], list[LeftOut]]:
    """Leave out every piece lacking what Google requires for it, with every reference to it."""
    left: list[LeftOut] = []
    if not ids.url_known:  # the page's own id is an identifier, not a URL to publish
        page = URIRef(ids.page_url)
        triples = triples - {t for t in triples if t[1] in _URLS and t[2] == page}
    if (gap := _breadcrumb_gap(triples, ids)) is not None and (
        ids.webpage,
        SCHEMA.breadcrumb,
        ids.breadcrumb,
    ) in triples:
        triples = drop(triples, ids.breadcrumb)
        left.append(
            LeftOut("breadcrumb", ids.breadcrumb, gap, "`url:` to each `page.breadcrumb` entry if the article links it")
        )
    pairs = _pairs(triples)
    for image in sorted(
        {o for s, p, o in triples if p in _IMAGES and isinstance(o, URIRef)},
        key=str,
    ):
        if not _has(pairs, image, SCHEMA.contentUrl, SCHEMA.url):
            triples = drop(triples, image)
            pairs = _pairs(triples)
            left.append(
                LeftOut(
                    "image", image, "the image has no file URL", "`page.image.url` if the article gives the image file"
                )
            )
    if _has(pairs, ids.website, RDF.type) and not _has(pairs, ids.website, SCHEMA.url):
        triples = drop(triples, ids.website)
        pairs = _pairs(triples)
        left.append(
            LeftOut(
                "website",
                ids.website,
                "the site has no home page URL",
                "the site's home page as `url:` in data/site.yaml",
            )
        )
    for person in sorted({o for s, p, o in triples if p in _PEOPLE and isinstance(o, URIRef)}, key=str):
        if not _has(pairs, person, SCHEMA.name):
            triples = drop(triples, person)
            pairs = _pairs(triples)
            left.append(
                LeftOut("person", person, "the person has no name", "the person's `name:` as the article gives it")
            )
    return triples, left


def omitted(triples: set[Triple], ids: PageIds, site: Site) -> tuple[set[Triple], list[LeftOut]]:
    """Leave out the pieces the CMS publishes; references to them stay, so the two graphs join."""
    roots = {
        "website": ids.website,
        "organization": ids.organization,
        "webpage": ids.webpage,
        "breadcrumb": ids.breadcrumb,
        "primaryimage": ids.primaryimage,
        "article": ids.article,
    }
    left = []
    for piece in site.omit:
        root = roots[piece]
        if root in {s for s, _, _ in triples}:
            triples = drop(triples, root, keep_references=True)
            left.append(LeftOut(piece, root, "the CMS publishes it (`omit:` in data/site.yaml)", "", omitted=True))
    return triples, left


@dataclass(frozen=True)
class Assembled:
    """The page's schema.org view: as checked (every piece medkg can publish) and as published (less `omit:`)."""

    checked: set[Triple]
    published: set[Triple]
    left_out: list[LeftOut]


def assemble(triples: set[Triple], ids: PageIds, site: Site) -> Assembled:
    """The page graph: Article and SearchAction added, half-made pieces left out; then the pieces the CMS
    publishes left out of what is published (the checks see them, so an omitted piece is still checked)."""
    triples = search_action(article_piece(triples, ids, site) or triples, ids, site)
    checked, gaps = half_made(triples, ids)
    published, cms = omitted(checked, ids, site)
    return Assembled(checked, published, gaps + cms)


def renamed_triples(triples: Iterable[Triple], renames: dict[URIRef, URIRef]) -> set[Triple]:
    """Triples with nodes renamed, except where a value is an address (a URL stays the page's URL)."""

    def r(n: Node) -> Node:
        return renames.get(n, n) if is_iri(n) else n

    def moves(t: Triple) -> bool:
        s, p, o = t
        return (is_iri(s) and s in renames) or (is_iri(o) and p not in _ADDRESSES and o in renames)

    given = triples if isinstance(triples, set) else set(triples)
    moved = {t for t in given if moves(t)}
    return (given - moved) | {(r(s), p, o if p in _ADDRESSES else r(o)) for s, p, o in moved}


def renamed(ag: ArticleGraph, renames: dict[URIRef, URIRef]) -> ArticleGraph:
    """The article's medkg graph with its page-level nodes under the site's @id policy."""
    if not renames:
        return ag
    out = ArticleGraph(ag.article, renames.get(ag.page, ag.page), renamed_triples(ag.triples, renames))
    out.origins = {renames.get(n, n) if isinstance(n, URIRef) else n: at for n, at in ag.origins.items()}
    out.field_origins = {
        (renames.get(n, n) if isinstance(n, URIRef) else n, p): at for (n, p), at in ag.field_origins.items()
    }
    return out


def alias(ag: ArticleGraph, node: URIRef, like: URIRef) -> None:
    """Findings on `node` (a piece made from another's facts, the Article from the page) point where `like`'s do."""
    if like in ag.origins:
        ag.origins.setdefault(node, ag.origins[like])
    likes = frozenset({like})  # hashes first: `n == like` would call rdflib's Python __eq__ for every entry
    for (n, p), at in list(ag.field_origins.items()):
        if n in likes:
            ag.field_origins.setdefault((node, p), at)
