"""Site-wide @id lint over the published graphs of every article of a build.

Search engines merge the JSON-LD of a whole site by @id, so identifiers must hold across pages:
one @id per entity, every reference under the site's base resolvable within the site, no relative
or empty ids, and one description per @id (the same names, compatible types) wherever it appears.

Each article is summarised on its own (in a build's worker processes, and cached with it); the lint
then runs over the summaries, so a large site never needs every graph in memory at once.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import sys
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from urllib.parse import urlsplit

from rdflib import RDF, URIRef

from kg.check.conformance import vocabulary
from kg.core.findings import Finding, Severity
from kg.core.runstore import RunStore
from kg.graph.iris import SCHEMA
from kg.graph.locate import locator
from kg.graph.mapping import ArticleGraph
from kg.graph.terms import Triple, is_iri

FAMILY = "idlint"
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

    @cached_property
    def digest(self) -> str:
        """SHA-256 of what the lint reads, in a canonical order (sets iterate in a per-process order):
        equal digests, equal findings, so a rebuild can keep the last lint's. Taken where the article
        is computed, so it is cached with its outcome."""
        described = sorted((s, sorted(n), sorted(t)) for s, (n, t) in self.described.items())
        parts = (self.file, self.page, described, self.references, self.relative, sorted(self.where.items()))
        return hashlib.sha256(repr(parts).encode()).hexdigest()


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


_SCHEMA = (
    "CREATE TABLE art (i INTEGER PRIMARY KEY, file TEXT, page TEXT, places BLOB)",
    "CREATE INDEX art_page ON art (page)",
    "CREATE TABLE des (s TEXT, i INTEGER, names TEXT, types TEXT, PRIMARY KEY (s, i)) WITHOUT ROWID",
    "CREATE TABLE nam (cf TEXT, s TEXT, i INTEGER, PRIMARY KEY (cf, s, i)) WITHOUT ROWID",
    "CREATE TABLE ref (i INTEGER, s TEXT, o TEXT)",
    "CREATE TABLE rel (i INTEGER, s TEXT, term TEXT)",
)
_DANGLING = """SELECT r.i, r.s, r.o FROM ref r
WHERE NOT EXISTS (SELECT 1 FROM des d WHERE d.s = r.o)
AND NOT EXISTS (SELECT 1 FROM art a
  WHERE a.page = CASE WHEN instr(r.o, '#') THEN substr(r.o, 1, instr(r.o, '#') - 1) ELSE r.o END)"""
_RESTATED = """WITH firsts AS (SELECT s, MIN(i) AS i FROM des GROUP BY s HAVING COUNT(*) > 1)
SELECT d.i, d.s, d.names, d.types, f.i, f.names, f.types
FROM firsts m JOIN des f ON f.s = m.s AND f.i = m.i JOIN des d ON d.s = m.s AND d.i > m.i
WHERE d.names != f.names OR d.types != f.types"""
_SHARED_NAMES = "SELECT cf FROM nam GROUP BY cf HAVING COUNT(DISTINCT s) > 1"


def _encoded(values: frozenset[str]) -> str:
    return json.dumps(sorted(values), ensure_ascii=False)


def _decoded(text: str) -> frozenset[str]:
    return frozenset(json.loads(text))


class Index:
    """The summaries of a build's articles in tables of a RunStore (kg.core.runstore), in file order,
    and the lint as queries over them: memory stays flat however many articles and entities there are."""

    def __init__(self, store: RunStore) -> None:
        self.store, self.db, self.size = store, store.db, 0
        for statement in _SCHEMA:
            self.db.execute(statement)
        self.findings: list[Finding] = []
        self._places: tuple[int, dict[str, Where]] = (-1, {})

    def add(self, a: Summary) -> None:
        i, db = self.size, self.db
        self.size += 1
        db.execute("INSERT INTO art VALUES (?, ?, ?, ?)", (i, a.file, a.page, pickle.dumps(a.where, 5)))
        db.executemany(
            "INSERT INTO des VALUES (?, ?, ?, ?)",
            ((s, i, _encoded(n), _encoded(t)) for s, (n, t) in a.described.items()),
        )
        db.executemany(
            "INSERT OR IGNORE INTO nam VALUES (?, ?, ?)",
            ((n.casefold(), s, i) for s, (names, _) in a.described.items() for n in names),
        )
        db.executemany("INSERT INTO ref VALUES (?, ?, ?)", ((i, s, o) for s, o in a.references))
        db.executemany("INSERT INTO rel VALUES (?, ?, ?)", ((i, s, t) for s, t in a.relative))

    def file(self, i: int) -> str:
        file: str = self.db.execute("SELECT file FROM art WHERE i = ?", (i,)).fetchone()[0]
        return file

    def add_finding(self, i: int, severity: Severity, node: str, rule: str, message: str) -> None:
        if self._places[0] != i:
            (blob,) = self.db.execute("SELECT places FROM art WHERE i = ?", (i,)).fetchone()
            self._places = (i, pickle.loads(blob))
        file, line, column, field = self._places[1][node]
        self.findings.append(Finding(file, line, column, severity, message, field, node, f"idlint:{rule}", FAMILY))

    def run(self) -> list[Finding]:
        """Every rule's findings. Each query's rows are read as they come, never all at once: an @id
        restated with other (related) types or names in many articles gives a row per article."""
        self.findings = []
        for i, s, term in self.db.execute("SELECT i, s, term FROM rel ORDER BY i"):
            self.add_finding(
                i,
                Severity.VIOLATION,
                s,
                "relative",
                f"@id {term!r} is empty or relative: every @id must be an absolute IRI, or pages that "
                "embed the JSON-LD resolve it differently. Check `base_iri` in data/site.yaml and the "
                "`url:` fields.",
            )
        for i, s, o in self.db.execute(_DANGLING + " ORDER BY r.i"):
            self.add_finding(
                i,
                Severity.VIOLATION,
                s,
                "dangling",
                f"{o} is referenced under the site's base IRI but described in no article of the "
                "build and is not one of its pages: describe it, or link an existing node.",
            )
        self.restated()
        self.duplicates()
        return sorted(set(self.findings))

    def part(self, s: str) -> bool:
        """A page, a fragment of one, or a node nested under another node's IRI (a treatment's
        contraindication): it belongs to its owner, so two of them may share a name."""
        if "#" in s or self.db.execute("SELECT 1 FROM art WHERE page = ? LIMIT 1", (s,)).fetchone():
            return True
        owners = [s[:at] for at, c in enumerate(s) if c == "/"]
        return any(self.db.execute("SELECT 1 FROM des WHERE s = ? LIMIT 1", (o,)).fetchone() for o in owners)

    def restated(self) -> None:
        """The same @id described differently in two articles (each compared with its first)."""
        for i, s, names_, types_, j, other_names_, other_types_ in self.db.execute(_RESTATED):
            names, types = _decoded(names_), _decoded(types_)
            other_names, other_types = _decoded(other_names_), _decoded(other_types_)
            respelt = names != other_names and _casefolded(names) == _casefolded(other_names)
            if names and other_names and respelt:
                self.add_finding(
                    i,
                    Severity.WARNING,
                    s,
                    "spelling",
                    f"{_list(names)} is spelt {_list(other_names)} in {self.file(j)}: did you "
                    f"mean {_list(other_names)}? Both name one entity ({s}); spell it the same in every "
                    "article so its published name does not depend on the page.",
                )
            elif names and other_names and names != other_names:
                self.add_finding(
                    i,
                    Severity.VIOLATION,
                    s,
                    "conflicting-name",
                    f"{s} is named {_list(names)} here but {_list(other_names)} in "
                    f"{self.file(j)}: one @id is one entity; spell its name the same in "
                    "every article (or give different entities different `id:`s).",
                )
            if types and other_types and types != other_types and not _related(types, other_types):
                self.add_finding(
                    i,
                    Severity.VIOLATION,
                    s,
                    "conflicting-type",
                    f"{s} is a {_list(types)} here but a {_list(other_types)} in "
                    f"{self.file(j)}: one @id cannot be two unrelated kinds of thing; give "
                    "them different `id:`s.",
                )

    def duplicates(self) -> None:
        """One entity under two @ids: one name (case aside) on different @ids that are not parts of
        another node, of related types; each @id as first named so, compared with the first @id."""
        for (cf,) in self.db.execute(_SHARED_NAMES):
            first: tuple[str, int] | None = None
            for s, i in self.db.execute("SELECT s, MIN(i) FROM nam WHERE cf = ? GROUP BY s ORDER BY s", (cf,)):
                if self.part(s):
                    continue
                if first is None:
                    first = (s, i)
                    continue
                other, j = first
                names, types = self.described(s, i)
                other_types = self.described(other, j)[1]
                if types and other_types and _related(types, other_types):
                    self.add_finding(
                        i,
                        Severity.WARNING,
                        s,
                        "duplicate-entity",
                        f"{sorted(names)[0]!s} has two @ids: {s} here and {other} in {self.file(j)}; search "
                        "engines see two entities. Use one `id:` (or the same name) for it everywhere.",
                    )

    def described(self, s: str, i: int) -> tuple[frozenset[str], frozenset[str]]:
        names, types = self.db.execute("SELECT names, types FROM des WHERE s = ? AND i = ?", (s, i)).fetchone()
        return _decoded(names), _decoded(types)


def lint(articles: Iterable[Summary], base_iri: str) -> list[Finding]:
    """@id findings across the summaries of all articles of a build (`base_iri` was applied when each
    was summarised)."""
    with RunStore() as store:
        index = Index(store)
        for a in articles:
            index.add(a)
        return index.run()
