"""The class and property partitions of a build's kg.nq, kept in SQLite beside its manifest.

The description states how many distinct subjects each class has across all graphs, so taking one
article out needs to know, for each of its typed subjects, how many graphs type it: 800,000 counts at
10,000 articles, which a pickle would load and write whole on every rebuild (~1 s). Here a rebuild
reads and writes only the counts of its changed articles' subjects (a few hundred rows), and the
totals per class and per property, in one transaction committed with the records of the build
(its id in `meta`); a rebuild that does not get that far leaves the file as the last build had it.
A full build folds the articles' partitions into a table of its run's store as they arrive (`Fold`),
so it never holds them all (2.7 KB an article).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from kg.export.dataset import Counts, Partitions

_TYPED = (
    "CREATE TABLE typed(class TEXT, subject TEXT, graphs INTEGER NOT NULL, PRIMARY KEY(class, subject)) WITHOUT ROWID"
)
_SCHEMA = (
    "CREATE TABLE meta(build INTEGER NOT NULL)",
    _TYPED,
    "CREATE TABLE classes(class TEXT PRIMARY KEY, entities INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE properties(property TEXT PRIMARY KEY, triples INTEGER NOT NULL) WITHOUT ROWID",
)


class Fold:
    """The partitions of a full build's graphs, folded into the table `typed` of `db` (the run's store)
    a few thousand typed subjects at a time; the triples per property are few and stay in memory."""

    HELD = 20000  # typed subjects merged in memory before they go to the table

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db, self._held, self._parts = db, Partitions(), 0
        self.properties: Counter[str] = Counter()
        db.execute(_TYPED)

    def merge(self, parts: Partitions) -> None:
        self._held.merge(parts)
        self._parts += sum(len(s) for s in parts.classes.values())
        if self._parts >= self.HELD:
            self._flush()

    def _flush(self) -> None:
        rows = ((c, s, n) for c, subjects in self._held.classes.items() for s, n in subjects.items())
        self.db.executemany(
            "INSERT INTO typed VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET graphs = graphs + excluded.graphs", rows
        )
        self.properties.update(self._held.properties)
        self._held, self._parts = Partitions(), 0

    def typed(self) -> Iterator[tuple[str, str, int]]:
        """Each class's subjects with the number of graphs that type them."""
        self._flush()
        return iter(self.db.execute("SELECT class, subject, graphs FROM typed ORDER BY class, subject"))

    def counts(self) -> Counts:
        """What the description states: distinct subjects per class, triples per property."""
        self._flush()
        classes = dict(self.db.execute("SELECT class, COUNT(*) FROM typed GROUP BY class ORDER BY class"))
        return Counts(classes, dict(self.properties))


def create(path: Path, parts: Fold, build: int) -> None:
    """A new store holding `parts` (every graph of a full build), for build `build`."""
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    con = sqlite3.connect(tmp, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("BEGIN")
        for statement in _SCHEMA:
            con.execute(statement)
        con.execute("INSERT INTO meta VALUES (?)", (build,))
        con.executemany("INSERT INTO typed VALUES (?, ?, ?)", parts.typed())
        counts = parts.counts()
        con.executemany("INSERT INTO classes VALUES (?, ?)", counts.classes.items())
        con.executemany("INSERT INTO properties VALUES (?, ?)", counts.properties.items())
        con.execute("COMMIT")
    finally:
        con.close()
    os.replace(tmp, path)


class Store:
    """The last build's partitions, opened to be changed by a rebuild (`apply`, then `commit`)."""

    def __init__(self, path: Path, con: sqlite3.Connection) -> None:
        self.path, self.con = path, con

    @classmethod
    def open(cls, path: Path, build: int) -> Store | None:
        """The store of build `build`; None when there is none, or it belongs to another build."""
        if not path.is_file():
            return None
        con = sqlite3.connect(path, isolation_level=None)
        try:
            row = con.execute("SELECT build FROM meta").fetchone()
        except sqlite3.Error:
            row = None
        if row is None or row[0] != build:
            con.close()
            return None
        return cls(path, con)

    def apply(self, removed: list[Partitions], added: list[Partitions]) -> Counts:
        """Take out what `removed` added, put in `added`: the counts a description states, now. Not
        committed: `commit` makes it the next build's, closing without it leaves the last build's."""
        typed: Counter[tuple[str, str]] = Counter()
        properties: Counter[str] = Counter()
        for sign, parts in [(-1, p) for p in removed] + [(1, p) for p in added]:
            for c, subjects in parts.classes.items():
                for s, n in subjects.items():
                    typed[(c, s)] += sign * n
            for p, n in parts.properties.items():
                properties[p] += sign * n
        con = self.con
        con.execute("BEGIN")
        classes = dict(con.execute("SELECT class, entities FROM classes").fetchall())
        for (c, s), change in typed.items():
            if change == 0:
                continue
            row = con.execute("SELECT graphs FROM typed WHERE class = ? AND subject = ?", (c, s)).fetchone()
            before = row[0] if row else 0
            after = before + change
            if after <= 0:
                con.execute("DELETE FROM typed WHERE class = ? AND subject = ?", (c, s))
            else:
                con.execute("INSERT OR REPLACE INTO typed VALUES (?, ?, ?)", (c, s, after))
            classes[c] = classes.get(c, 0) + (after > 0) - (before > 0)
        totals = Counter(dict(con.execute("SELECT property, triples FROM properties").fetchall()))
        totals.update(properties)
        counts = Counts({c: n for c, n in classes.items() if n > 0}, {p: n for p, n in totals.items() if n > 0})
        con.execute("DELETE FROM classes")
        con.executemany("INSERT INTO classes VALUES (?, ?)", counts.classes.items())
        con.execute("DELETE FROM properties")
        con.executemany("INSERT INTO properties VALUES (?, ?)", counts.properties.items())
        return counts

    def commit(self, path: Path, build: int) -> None:
        """Make the changes build `build`'s, and the file its (`path`)."""
        if not self.con.in_transaction:
            self.con.execute("BEGIN")
        self.con.execute("UPDATE meta SET build = ?", (build,))
        self.con.execute("COMMIT")
        self.close()
        os.replace(self.path, path)

    def close(self) -> None:
        """Close; what `apply` changed and was not committed is rolled back."""
        self.con.close()
