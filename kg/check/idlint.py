"""Site-wide @id lint over the published graphs of every article of a build.

Search engines merge the JSON-LD of a whole site by @id, so identifiers must hold across pages:
one @id per entity, every reference under the site's base resolvable within the site, no relative
or empty ids, and one description per @id (the same names, compatible types) wherever it appears.

Each article is summarised on its own (kg.check.idsummary); the lint then runs over the summaries, so a
large site never needs every graph in memory at once.
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
from collections.abc import Collection, Iterable

from kg.check.conformance import vocabulary
from kg.check.idsummary import Summary, Where
from kg.core.findings import Finding, Severity
from kg.core.runstore import RunStore

FAMILY = "idlint"


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


_TABLES = (
    "CREATE TABLE art (f TEXT PRIMARY KEY, file TEXT NOT NULL, page TEXT NOT NULL, places BLOB NOT NULL)",
    "CREATE TABLE des (s TEXT, f TEXT, names TEXT, types TEXT, PRIMARY KEY (s, f)) WITHOUT ROWID",
    "CREATE TABLE nam (cf TEXT, s TEXT, f TEXT, own INTEGER NOT NULL, PRIMARY KEY (cf, s, f)) WITHOUT ROWID",
    "CREATE TABLE ref (f TEXT, s TEXT, o TEXT, op TEXT)",
    "CREATE TABLE rel (f TEXT, s TEXT, term TEXT)",
    "CREATE TABLE found (g TEXT, k TEXT, op TEXT, f TEXT, file, line, col, severity, message, field, node, rule)",
)
_INDEXES = (  # made once the summaries of a full build are in (one sort each, not a b-tree kept per insert)
    "CREATE INDEX IF NOT EXISTS art_page ON art (page)",
    "CREATE INDEX IF NOT EXISTS des_f ON des (f)",
    "CREATE INDEX IF NOT EXISTS nam_f ON nam (f)",
    "CREATE INDEX IF NOT EXISTS nam_s ON nam (s)",
    "CREATE INDEX IF NOT EXISTS ref_f ON ref (f)",
    "CREATE INDEX IF NOT EXISTS ref_o ON ref (o)",
    "CREATE INDEX IF NOT EXISTS ref_op ON ref (op)",
    "CREATE INDEX IF NOT EXISTS rel_f ON rel (f)",
    "CREATE INDEX IF NOT EXISTS found_k ON found (g, k)",
    "CREATE INDEX IF NOT EXISTS found_f ON found (f)",
)
# What an incremental lint redoes: the files changed, the @ids and pages they described before or after,
# the case-folded names of those @ids (and of their parts) anywhere.
_AFFECTED = ("a_f", "a_s", "a_p", "a_cf")
_DANGLING = """SELECT r.f, r.s, r.o, r.op FROM ref r
WHERE NOT EXISTS (SELECT 1 FROM des d WHERE d.s = r.o) AND NOT EXISTS (SELECT 1 FROM art a WHERE a.page = r.op)"""
_DANGLING_AFFECTED = " AND (r.f IN (SELECT k FROM a_f) OR r.o IN (SELECT k FROM a_s) OR r.op IN (SELECT k FROM a_p))"
_RESTATED = """WITH firsts AS (SELECT s, MIN(f) AS f FROM des {} GROUP BY s HAVING COUNT(*) > 1)
SELECT d.f, d.s, d.names, d.types, m.f, fd.names, fd.types
FROM firsts m JOIN des fd ON fd.s = m.s AND fd.f = m.f JOIN des d ON d.s = m.s AND d.f > m.f
WHERE d.names != fd.names OR d.types != fd.types"""
_SHARED_NAMES = "SELECT cf FROM nam {} GROUP BY cf HAVING COUNT(DISTINCT s) > 1"
_FOUND = "SELECT DISTINCT file, line, col, severity, message, field, node, rule FROM found"
_SEVERITIES = tuple(Severity)
Key = tuple[str, str, str | None]  # what a finding is redone with: rule group, key, a dangling target's page


def _encoded(values: frozenset[str]) -> str:
    return json.dumps(sorted(values), ensure_ascii=False)


def _decoded(text: str) -> frozenset[str]:
    return frozenset(json.loads(text))


def _part_of(s: str, a: Summary) -> int:
    """1 when the article alone makes `s` a part (`Index.part`: its page, a fragment, or nested under an @id it
    describes), kept with each name: a rebuild's lint of a name ~180 nested nodes share then asks the index
    nothing of them (asked one by one: ~7,600 lookups in a 200 MB index, 0.1 to 0.7 s in a slow window)."""
    return int(s == a.page or "#" in s or any(s[:at] in a.described for at, c in enumerate(s) if c == "/"))


def _name(file: str) -> str:
    """An article's key: its facts file's name (build order is name order, as SQLite sorts text)."""
    return os.path.basename(file)


class Index:
    """The summaries of a build's articles in tables of a SQLite database, keyed by facts file name, and
    the lint as queries over them: memory stays flat however many articles and entities there are.

    The findings stay in the database with what they depend on, so an index kept from the last build
    (`linted`) relints only what its changed articles can affect (`add` and `remove` note it)."""

    def __init__(self, db: sqlite3.Connection, *, linted: bool = False) -> None:
        self.db, self.linted = db, linted
        if not linted:
            for statement in _TABLES:
                db.execute(statement)
        for table in _AFFECTED:
            db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (k TEXT PRIMARY KEY) WITHOUT ROWID")
        self._places: tuple[str, dict[str, Where]] = ("", {})

    def _affected(self, table: str, keys: Iterable[tuple[str]]) -> None:
        self.db.executemany(f"INSERT OR IGNORE INTO {table} VALUES (?)", keys)

    def remove(self, file: str) -> None:
        """Take an article out (its facts file changed or is gone); what it described is relinted."""
        f, db = _name(file), self.db
        self._places = ("", {})  # positions read before may be this article's old ones
        if self.linted:
            self._affected("a_f", [(f,)])
            self._affected("a_s", db.execute("SELECT s FROM des WHERE f = ?", (f,)).fetchall())
            self._affected("a_p", db.execute("SELECT page FROM art WHERE f = ?", (f,)).fetchall())
            self._affected("a_cf", db.execute("SELECT cf FROM nam WHERE f = ?", (f,)).fetchall())
        for table in ("art", "des", "nam", "ref", "rel"):
            db.execute(f"DELETE FROM {table} WHERE f = ?", (f,))

    def holding(self, names: Iterable[str]) -> list[str]:
        """Those of `names` (facts file names) whose articles the index holds, asked one by one: a rebuild
        asks for its few changed and removed ones, not every name of the index."""
        found = (self.db.execute("SELECT f FROM art WHERE f = ?", (n,)).fetchone() for n in names)
        return [row[0] for row in found if row is not None]

    def add(self, a: Summary) -> None:
        f, db = _name(a.file), self.db
        if self.linted:
            self.remove(a.file)
            self._affected("a_s", ((s,) for s in a.described))
            self._affected("a_p", [(a.page,)])
            self._affected("a_cf", ((n.casefold(),) for names, _ in a.described.values() for n in names))
        db.execute("INSERT INTO art VALUES (?, ?, ?, ?)", (f, a.file, a.page, pickle.dumps(a.where, 5)))
        db.executemany(
            "INSERT INTO des VALUES (?, ?, ?, ?)",
            ((s, f, _encoded(n), _encoded(t)) for s, (n, t) in a.described.items()),
        )
        owned = {s: _part_of(s, a) for s in a.described}
        db.executemany(
            "INSERT OR IGNORE INTO nam VALUES (?, ?, ?, ?)",
            ((n.casefold(), s, f, owned[s]) for s, (names, _) in a.described.items() for n in names),
        )
        db.executemany("INSERT INTO ref VALUES (?, ?, ?, ?)", ((f, s, o, o.split("#", 1)[0]) for s, o in a.references))
        db.executemany("INSERT INTO rel VALUES (?, ?, ?)", ((f, s, t) for s, t in a.relative))

    def file(self, f: str) -> str:
        file: str = self.db.execute("SELECT file FROM art WHERE f = ?", (f,)).fetchone()[0]
        return file

    def add_finding(self, key: Key, f: str, severity: Severity, node: str, rule: str, message: str) -> None:
        if self._places[0] != f:
            (blob,) = self.db.execute("SELECT places FROM art WHERE f = ?", (f,)).fetchone()
            self._places = (f, pickle.loads(blob))
        file, line, column, field = self._places[1][node]
        self.db.execute(
            "INSERT INTO found VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*key, f, file, line, column, int(severity), message, field, node, f"idlint:{rule}"),
        )

    def run(self) -> list[Finding]:
        """Every rule's findings: all of them redone for a new index, else only those its changes can
        affect. Each query's rows are read as they come, never all at once: an @id restated with other
        (related) types or names in many articles gives a row per article."""
        for statement in _INDEXES:
            self.db.execute(statement)
        if self.linted:
            self._spread()
        else:
            self.db.execute("DELETE FROM found")
        self._relative()
        self._dangling()
        self.restated()
        self.duplicates()
        for table in _AFFECTED:
            self.db.execute(f"DELETE FROM {table}")
        self.linted = True
        return sorted(
            Finding(file, line, column, _SEVERITIES[severity - 1], message, field, node, rule, FAMILY)
            for file, line, column, severity, message, field, node, rule in self.db.execute(_FOUND)
        )

    def _where(self, table: str, column: str, prefix: str = "WHERE") -> str:
        return f"{prefix} {column} IN (SELECT k FROM {table})" if self.linted else ""

    def _spread(self) -> None:
        """The names an incremental lint redoes: of the changed @ids and pages, and of the nodes under a
        changed @id (whether they are parts of another node may have changed); their findings go."""
        db = self.db
        db.execute("INSERT OR IGNORE INTO a_cf SELECT cf FROM nam WHERE s IN (SELECT k FROM a_s)")
        db.execute("INSERT OR IGNORE INTO a_cf SELECT cf FROM nam WHERE s IN (SELECT k FROM a_p)")
        for (s,) in db.execute("SELECT k FROM a_s").fetchall():
            db.execute("INSERT OR IGNORE INTO a_cf SELECT cf FROM nam WHERE s >= ? AND s < ?", (s + "/", s + "0"))
        db.execute("DELETE FROM found WHERE g = 'rel' AND k IN (SELECT k FROM a_f)")
        db.execute(
            "DELETE FROM found WHERE g = 'dan' AND (f IN (SELECT k FROM a_f) OR k IN (SELECT k FROM a_s) "
            "OR op IN (SELECT k FROM a_p))"
        )
        db.execute("DELETE FROM found WHERE g = 'res' AND k IN (SELECT k FROM a_s)")
        db.execute("DELETE FROM found WHERE g = 'dup' AND k IN (SELECT k FROM a_cf)")

    def _relative(self) -> None:
        for f, s, term in self.db.execute(f"SELECT f, s, term FROM rel {self._where('a_f', 'f')}"):
            self.add_finding(
                ("rel", f, None),
                f,
                Severity.VIOLATION,
                s,
                "relative",
                f"@id {term!r} is empty or relative: every @id must be an absolute IRI, or pages that "
                "embed the JSON-LD resolve it differently. Check `base_iri` in data/site.yaml and the "
                "`url:` fields.",
            )

    def _dangling(self) -> None:
        query = _DANGLING + (_DANGLING_AFFECTED if self.linted else "")
        for f, s, o, op in self.db.execute(query):
            self.add_finding(
                ("dan", o, op),
                f,
                Severity.VIOLATION,
                s,
                "dangling",
                f"{o} is referenced under the site's base IRI but described in no article of the "
                "build and is not one of its pages: describe it, or link an existing node.",
            )

    def part(self, s: str) -> bool:
        """A page, a fragment of one, or a node nested under another node's IRI (a treatment's
        contraindication): it belongs to its owner, so two of them may share a name."""
        if "#" in s or self.db.execute("SELECT 1 FROM art WHERE page = ? LIMIT 1", (s,)).fetchone():
            return True
        # nearest owner first, where a nested node's owner is: the rebuild's lint of a name shared by many
        # articles asks ~2 owners a subject instead of ~6 (every prefix up to "https:")
        owners = [s[:at] for at in range(len(s) - 1, -1, -1) if s[at] == "/"]
        return any(self.db.execute("SELECT 1 FROM des WHERE s = ? LIMIT 1", (o,)).fetchone() for o in owners)

    def restated(self) -> None:
        """The same @id described differently in two articles (each compared with its first)."""
        query = _RESTATED.format(self._where("a_s", "s"))
        for f, s, names_, types_, j, other_names_, other_types_ in self.db.execute(query):
            names, types = _decoded(names_), _decoded(types_)
            other_names, other_types = _decoded(other_names_), _decoded(other_types_)
            respelt = names != other_names and _casefolded(names) == _casefolded(other_names)
            key: Key = ("res", s, None)
            if names and other_names and respelt:
                self.add_finding(
                    key,
                    f,
                    Severity.WARNING,
                    s,
                    "spelling",
                    f"{_list(names)} is spelt {_list(other_names)} in {self.file(j)}: did you "
                    f"mean {_list(other_names)}? Both name one entity ({s}); spell it the same in every "
                    "article so its published name does not depend on the page.",
                )
            elif names and other_names and names != other_names:
                self.add_finding(
                    key,
                    f,
                    Severity.VIOLATION,
                    s,
                    "conflicting-name",
                    f"{s} is named {_list(names)} here but {_list(other_names)} in "
                    f"{self.file(j)}: one @id is one entity; spell its name the same in "
                    "every article (or give different entities different `id:`s).",
                )
            if types and other_types and types != other_types and not _related(types, other_types):
                self.add_finding(
                    key,
                    f,
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
        for (cf,) in self.db.execute(_SHARED_NAMES.format(self._where("a_cf", "cf"))):
            first: tuple[str, str] | None = None
            named = "SELECT s, MIN(f), MAX(own) FROM nam WHERE cf = ? GROUP BY s ORDER BY s"
            for s, f, own in self.db.execute(named, (cf,)):
                if own or self.part(s):
                    continue
                if first is None:
                    first = (s, f)
                    continue
                other, j = first
                names, types = self.described(s, f)
                other_types = self.described(other, j)[1]
                if types and other_types and _related(types, other_types):
                    self.add_finding(
                        ("dup", cf, None),
                        f,
                        Severity.WARNING,
                        s,
                        "duplicate-entity",
                        f"{sorted(names)[0]!s} has two @ids: {s} here and {other} in {self.file(j)}; search "
                        "engines see two entities. Use one `id:` (or the same name) for it everywhere.",
                    )

    def described(self, s: str, f: str) -> tuple[frozenset[str], frozenset[str]]:
        names, types = self.db.execute("SELECT names, types FROM des WHERE s = ? AND f = ?", (s, f)).fetchone()
        return _decoded(names), _decoded(types)


def lint(articles: Iterable[Summary], base_iri: str) -> list[Finding]:
    """@id findings across the summaries of all articles of a build (`base_iri` was applied when each
    was summarised)."""
    with RunStore() as store:
        index = Index(store.db)
        for a in articles:
            index.add(a)
        return index.run()
