"""What one article's published graph says about identifiers, for the site-wide @id lint (kg.check.idlint):
made in a build's worker processes, cached with the article, and small, so a large site never needs every
graph in memory at once."""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlsplit

from rdflib import RDF, URIRef

from kg.check.conformance import vocabulary
from kg.graph.iris import SCHEMA
from kg.graph.locate import locator
from kg.graph.mapping import ArticleGraph
from kg.graph.terms import Triple, is_iri

_LINK_PROPERTIES = frozenset({str(SCHEMA.item)})  # range Thing, but Google reads the breadcrumb item as a page URL

Where = tuple[str, int, int, str]  # file, line, column, field


@dataclass(frozen=True)
class Summary:
    """What one article's published graph says about identifiers (small and picklable)."""

    file: str
    page: str
    described: dict[str, tuple[frozenset[str], frozenset[str]]]  # subject IRI → (names, schema.org types)
    references: tuple[tuple[str, str], ...]  # (subject, object) links to IRIs under the site's base
    relative: tuple[tuple[str, str], ...]  # (subject, term) where a term is empty or relative
    where: dict[str, Where]  # position of every subject, for findings


@cache
def _links() -> frozenset[str]:
    """schema.org properties whose values may be plain web addresses (their range includes URL)."""
    v = vocabulary()
    return frozenset(str(SCHEMA) + p for p, e in v.properties.items() if "URL" in e["ranges"]) | _LINK_PROPERTIES


_SPACE = re.compile(r"\s")  # in a str pattern, exactly the characters str.isspace() accepts (one C scan)
_TYPE, _NAME = str(RDF.type), str(SCHEMA.name)


@lru_cache(maxsize=1 << 14)
def _absolute(iri: str) -> bool:
    """Cached: an article names ~100 IRIs, most of them shared with other articles (vocabulary, pages)."""
    parts = urlsplit(iri)
    return bool(parts.scheme) and bool(parts.netloc or parts.path) and _SPACE.search(iri) is None


def summarise(schema: Iterable[Triple], ag: ArticleGraph, base_iri: str) -> Summary:
    locate = locator(ag)
    links, prefix = _links(), str(SCHEMA)
    names: dict[str, set[str]] = defaultdict(set)
    types: dict[str, set[str]] = defaultdict(set)
    references, relative = set(), set()
    for s, p, o in schema:  # on strings: rdflib compares equal terms in Python
        if not is_iri(s):
            continue
        subject, predicate, value = str(s), str(p), str(o)
        names[subject]  # every subject is described, named or not
        if predicate == _NAME:
            names[subject].add(value)
        elif predicate == _TYPE and value.startswith(prefix):
            types[subject].add(value[len(prefix) :])
        if not _absolute(subject):
            relative.add((subject, subject))
        if is_iri(o):
            if not _absolute(value):
                relative.add((subject, value))
            if predicate != _TYPE and predicate not in links and value.startswith(base_iri):
                references.add((subject, value))
    # Only what other articles can collide with: fragments of the page and references resolved within
    # the article need no site-wide index, which keeps a large build small.
    page = str(ag.page)
    local = {s for s in names if s.startswith(page + "#")}
    described = {
        sys.intern(s): (frozenset(map(sys.intern, n)), frozenset(map(sys.intern, types.get(s, ()))))
        for s, n in names.items()
        if s not in local
    }
    references = {(s, o) for s, o in references if o not in names}
    where = {s: locate(URIRef(s), None) for s in {*described, *(s for s, _ in references), *(s for s, _ in relative)}}
    return Summary(ag.article.source.file, page, described, tuple(sorted(references)), tuple(sorted(relative)), where)
