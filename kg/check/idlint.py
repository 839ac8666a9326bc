"""Site-wide @id lint over the published graphs of every article of a build.

Search engines merge the JSON-LD of a whole site by @id, so identifiers must hold across pages:
one @id per entity, every reference under the site's base resolvable within the site, no relative
or empty ids, and one description per @id (the same names, compatible types) wherever it appears.

Each article is summarised on its own (in a build's worker processes, and cached with it); the lint
then runs over the summaries, so a large site never needs every graph in memory at once.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from urllib.parse import urlsplit

from rdflib import RDF, URIRef

from kg.check.conformance import vocabulary
from kg.core.findings import Finding, Severity
from kg.graph.iris import SCHEMA
from kg.graph.locate import locator
from kg.graph.mapping import ArticleGraph
from kg.graph.terms import Triple

FAMILY = "idlint"
_LINK_PROPERTIES = frozenset({SCHEMA.item})  # range Thing, but Google reads the breadcrumb item as a page URL

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

    @cached_property
    def digest(self) -> str:
        """SHA-256 of what the lint reads, in a canonical order (sets iterate in a per-process order):
        equal digests, equal findings, so a rebuild can keep the last lint's. Taken where the article
        is computed, so it is cached with its outcome."""
        described = sorted((s, sorted(n), sorted(t)) for s, (n, t) in self.described.items())
        parts = (self.file, self.page, described, self.references, self.relative, sorted(self.where.items()))
        return hashlib.sha256(repr(parts).encode()).hexdigest()


@cache
def _links() -> frozenset[URIRef]:
    """schema.org properties whose values may be plain web addresses (their range includes URL)."""
    v = vocabulary()
    return (
        frozenset(URIRef(str(SCHEMA) + p) for p, e in v.properties.items() if "URL" in e["ranges"]) | _LINK_PROPERTIES
    )


_SPACE = re.compile(r"\s")  # in a str pattern, exactly the characters str.isspace() accepts (one C scan)


def _absolute(term: URIRef) -> bool:
    parts = urlsplit(str(term))
    return bool(parts.scheme) and bool(parts.netloc or parts.path) and _SPACE.search(term) is None


def summarise(schema: Iterable[Triple], ag: ArticleGraph, base_iri: str) -> Summary:
    locate = locator(ag)
    links, rdf_type, name, prefix = _links(), RDF.type, SCHEMA.name, str(SCHEMA)
    names: dict[str, set[str]] = defaultdict(set)
    types: dict[str, set[str]] = defaultdict(set)
    references, relative = set(), set()
    for s, p, o in schema:
        if not isinstance(s, URIRef):
            continue
        names[str(s)]  # every subject is described, named or not
        if p == name:
            names[str(s)].add(str(o))
        elif p == rdf_type and str(o).startswith(prefix):
            types[str(s)].add(str(o)[len(prefix) :])
        for term in (s, o):
            if isinstance(term, URIRef) and not _absolute(term):
                relative.add((str(s), str(term)))
        if isinstance(o, URIRef) and p != rdf_type and p not in links and str(o).startswith(base_iri):
            references.add((str(s), str(o)))
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


def _related(a: frozenset[str], b: frozenset[str]) -> bool:
    """Types are compatible when each one is a sub- or superclass of some type on the other side."""
    v = vocabulary()

    def fits(x: str, others: frozenset[str]) -> bool:
        return any(x in v.ancestors(y) or y in v.ancestors(x) for y in others)

    return all(fits(x, b) for x in a) and all(fits(y, a) for y in b)


def _casefolded(values: Collection[str]) -> frozenset[str]:
    return frozenset(v.casefold() for v in values)


def _list(values: Collection[str]) -> str:
    return ", ".join(repr(v) for v in sorted(values))


class _Lint:
    def __init__(self, articles: Sequence[Summary], base_iri: str) -> None:
        self.articles = articles
        self.base = base_iri
        self.findings: list[Finding] = []
        self.described = {s for a in articles for s in a.described}
        self.pages = {a.page for a in articles}

    def add(self, i: int, severity: Severity, node: str, rule: str, message: str) -> None:
        file, line, column, field = self.articles[i].where[node]
        self.findings.append(Finding(file, line, column, severity, message, field, node, f"idlint:{rule}", FAMILY))

    def run(self) -> list[Finding]:
        for i, a in enumerate(self.articles):
            for s, term in a.relative:
                self.add(
                    i,
                    Severity.VIOLATION,
                    s,
                    "relative",
                    f"@id {term!r} is empty or relative: every @id must be an absolute IRI, or pages that "
                    "embed the JSON-LD resolve it differently. Check `base_iri` in data/site.yaml and the "
                    "`url:` fields.",
                )
            for s, o in a.references:
                if o not in self.described and o.split("#", 1)[0] not in self.pages:
                    self.add(
                        i,
                        Severity.VIOLATION,
                        s,
                        "dangling",
                        f"{o} is referenced under the site's base IRI but described in no article of the "
                        "build and is not one of its pages: describe it, or link an existing node.",
                    )
        self.conflicts()
        return sorted(set(self.findings))

    def part(self, s: str) -> bool:
        """A page, a fragment of one, or a node nested under another node's IRI (a treatment's
        contraindication): it belongs to its owner, so two of them may share a name."""
        if s in self.pages or "#" in s:
            return True
        slash = s.find("/")
        while slash != -1:  # each prefix of s that ends before a "/" (a str.find loop: 3x the old scan)
            if s[:slash] in self.described:
                return True
            slash = s.find("/", slash + 1)
        return False

    def conflicts(self) -> None:
        """The same @id described differently in two articles; one entity under two @ids."""
        seen: dict[str, tuple[int, frozenset[str], frozenset[str]]] = {}
        by_name: dict[str, list[tuple[int, str, frozenset[str]]]] = defaultdict(list)
        for i, a in enumerate(self.articles):
            for s in sorted(a.described):
                names, types = a.described[s]
                if s in seen:
                    j, other_names, other_types = seen[s]
                    respelt = names != other_names and _casefolded(names) == _casefolded(other_names)
                    if names and other_names and respelt:
                        self.add(
                            i,
                            Severity.WARNING,
                            s,
                            "spelling",
                            f"{_list(names)} is spelt {_list(other_names)} in {self.articles[j].file}: did you "
                            f"mean {_list(other_names)}? Both name one entity ({s}); spell it the same in every "
                            "article so its published name does not depend on the page.",
                        )
                    elif names and other_names and names != other_names:
                        self.add(
                            i,
                            Severity.VIOLATION,
                            s,
                            "conflicting-name",
                            f"{s} is named {_list(names)} here but {_list(other_names)} in "
                            f"{self.articles[j].file}: one @id is one entity; spell its name the same in "
                            "every article (or give different entities different `id:`s).",
                        )
                    if types and other_types and types != other_types and not _related(types, other_types):
                        self.add(
                            i,
                            Severity.VIOLATION,
                            s,
                            "conflicting-type",
                            f"{s} is a {_list(types)} here but a {_list(other_types)} in "
                            f"{self.articles[j].file}: one @id cannot be two unrelated kinds of thing; give "
                            "them different `id:`s.",
                        )
                else:
                    seen[s] = (i, names, types)
                if not self.part(s):
                    for name in names:
                        by_name[name.casefold()].append((i, s, types))
        for occurrences in by_name.values():
            first: dict[str, tuple[int, frozenset[str]]] = {}
            for i, s, types in occurrences:
                first.setdefault(s, (i, types))
            ids = sorted(first)
            for s in ids[1:]:
                i, types = first[s]
                j, other_types = first[ids[0]]
                if types and other_types and _related(types, other_types):
                    name = sorted(self.articles[i].described[s][0])[0]
                    self.add(
                        i,
                        Severity.WARNING,
                        s,
                        "duplicate-entity",
                        f"{name!s} has two @ids: {s} here and {ids[0]} in {self.articles[j].file}; search "
                        "engines see two entities. Use one `id:` (or the same name) for it everywhere.",
                    )


def lint(articles: Sequence[Summary], base_iri: str) -> list[Finding]:
    """@id findings across the summaries of all articles of a build."""
    return _Lint(articles, base_iri).run()
