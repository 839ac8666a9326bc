"""Site-wide @id lint over the published graphs of every article of a build.

Search engines merge the JSON-LD of a whole site by @id, so identifiers must hold across pages:
one @id per entity, every reference under the site's base resolvable within the site, no relative
or empty ids, and one description per @id (the same names, compatible types) wherever it appears.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from urllib.parse import urlsplit

from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from kg.conformance import vocabulary
from kg.iris import SCHEMA
from kg.mapping import ArticleGraph
from kg.report import Finding, Severity
from kg.validation import Locator, locator

FAMILY = "idlint"
_LINK_PROPERTIES = frozenset({SCHEMA.item})  # range Thing, but Google reads the breadcrumb item as a page URL


def _links() -> frozenset[URIRef]:
    """schema.org properties whose values may be plain web addresses (their range includes URL)."""
    v = vocabulary()
    return frozenset(URIRef(str(SCHEMA) + p) for p, e in v.properties.items() if "URL" in e["ranges"]) \
        | _LINK_PROPERTIES


def _types(g: Graph, node: Node) -> set[str]:
    return {str(t)[len(str(SCHEMA)):] for t in g.objects(node, RDF.type) if str(t).startswith(str(SCHEMA))}


def _related(a: set[str], b: set[str]) -> bool:
    """Types are compatible when each one is a sub- or superclass of some type on the other side."""
    v = vocabulary()

    def fits(x: str, others: set[str]) -> bool:
        return any(x in v.ancestors(y) or y in v.ancestors(x) for y in others)

    return all(fits(x, b) for x in a) and all(fits(y, a) for y in b)


class _Lint:
    def __init__(self, articles: Sequence[tuple[Graph, ArticleGraph]], base_iri: str) -> None:
        self.articles = articles
        self.base = base_iri
        self.locators: list[Locator] = [locator(ag) for _, ag in articles]
        self.findings: list[Finding] = []
        self.described = {s for g, _ in articles for s in g.subjects()}
        self.pages = {ag.page for _, ag in articles}

    def add(self, i: int, severity: Severity, node: Node, rule: str, message: str) -> None:
        file, line, column, field = self.locators[i](node, None)
        self.findings.append(Finding(file, line, column, severity, message, field, str(node), f"idlint:{rule}",
                                     FAMILY))

    def file(self, i: int) -> str:
        return self.articles[i][1].article.source.file

    def run(self) -> list[Finding]:
        links = _links()
        for i, (g, _) in enumerate(self.articles):
            for s, p, o in g:
                for term in (s, o):
                    if isinstance(term, URIRef) and not self.absolute(term):
                        self.add(i, Severity.VIOLATION, s, "relative",
                                 f"@id {str(term)!r} is empty or relative: every @id must be an absolute IRI, or "
                                 "pages that embed the JSON-LD resolve it differently. Check `base_iri` in "
                                 "data/site.yaml and the `url:` fields.")
                if isinstance(o, URIRef) and p != RDF.type and p not in links and self.dangling(o):
                    self.add(i, Severity.VIOLATION, s, "dangling",
                             f"{o} is referenced under the site's base IRI but described in no article of the "
                             "build and is not one of its pages: describe it, or link an existing node.")
        self.conflicts()
        return sorted(set(self.findings))

    @staticmethod
    def absolute(term: URIRef) -> bool:
        parts = urlsplit(str(term))
        return bool(parts.scheme) and bool(parts.netloc or parts.path) and not any(c.isspace() for c in str(term))

    def part(self, s: URIRef) -> bool:
        """A page, a fragment of one, or a node nested under another node's IRI (a treatment's
        contraindication): it belongs to its owner, so two of them may share a name."""
        text = str(s)
        owners = (URIRef(text[:i]) for i in range(len(text)) if text[i] == "/")
        return s in self.pages or "#" in text or any(o in self.described for o in owners)

    def dangling(self, o: URIRef) -> bool:
        return str(o).startswith(self.base) and o not in self.described and o not in self.pages

    def conflicts(self) -> None:
        """The same @id described differently in two articles; one entity under two @ids."""
        seen: dict[URIRef, tuple[int, set[str], set[str]]] = {}
        by_name: dict[str, list[tuple[int, URIRef, set[str]]]] = defaultdict(list)
        for i, (g, _) in enumerate(self.articles):
            for s in sorted({s for s in g.subjects() if isinstance(s, URIRef)}):
                names = {str(n) for n in g.objects(s, SCHEMA.name)}
                types = _types(g, s)
                if s in seen:
                    j, other_names, other_types = seen[s]
                    if names and other_names and names != other_names:
                        self.add(i, Severity.VIOLATION, s, "conflicting-name",
                                 f"{s} is named {_list(names)} here but {_list(other_names)} in {self.file(j)}: "
                                 "one @id is one entity; spell its name the same in every article (or give "
                                 "different entities different `id:`s).")
                    if types and other_types and not _related(types, other_types):
                        self.add(i, Severity.VIOLATION, s, "conflicting-type",
                                 f"{s} is a {_list(types)} here but a {_list(other_types)} in {self.file(j)}: one "
                                 "@id cannot be two unrelated kinds of thing; give them different `id:`s.")
                else:
                    seen[s] = (i, names, types)
                if not self.part(s):
                    for name in names:
                        by_name[name.casefold()].append((i, s, types))
        for occurrences in by_name.values():
            first: dict[URIRef, tuple[int, set[str]]] = {}
            for i, s, types in occurrences:
                first.setdefault(s, (i, types))
            ids = sorted(first)
            for s in ids[1:]:
                i, types = first[s]
                j, other_types = first[ids[0]]
                if types and other_types and _related(types, other_types):
                    name = next(iter(sorted(self.articles[i][0].objects(s, SCHEMA.name))))
                    self.add(i, Severity.WARNING, s, "duplicate-entity",
                             f"{name!s} has two @ids: {s} here and {ids[0]} in {self.file(j)}; search engines see "
                             "two entities. Use one `id:` (or the same name) for it everywhere.")


def _list(values: set[str]) -> str:
    return ", ".join(repr(v) for v in sorted(values))


def lint(articles: Sequence[tuple[Graph, ArticleGraph]], base_iri: str) -> list[Finding]:
    """@id findings across the published graphs of all articles of a build."""
    return _Lint(articles, base_iri).run()
