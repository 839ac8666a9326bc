"""The site-wide @id lint's index kept beside a build's manifest, so a rebuild relints only what its
changed articles can affect (kg.check.idlint.Index).

A build with the cache writes its articles' @id summaries into a new SQLite file as they arrive (no
journal: a build that dies leaves a file no manifest names, removed with the next build's), lints
them and keeps the findings with them. A rebuild opens the last build's file, takes out the changed
and removed articles, puts the changed ones back in and relints in one transaction, committed with
the records of the build (its id in `meta`) and the file renamed as the build's; a rebuild that does
not get that far leaves the file as the last build had it (SQLite rolls the transaction back).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from kg.check.idlint import Index
from kg.core.runstore import CACHE_KB


class Kept:
    """A build's lint index in its file: `index` to fill or change, then `commit`."""

    def __init__(self, path: Path, db: sqlite3.Connection, index: Index) -> None:
        self.path, self.db, self.index = path, db, index
        self.new = not index.linted  # a file this build made: removed unless committed

    @classmethod
    def create(cls, path: Path) -> Kept:
        """A new, empty index in a file at `path` (replaced if there)."""
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{CACHE_KB}"):
            db.execute(f"PRAGMA {pragma}")
        db.execute("CREATE TABLE meta (build INTEGER NOT NULL)")
        db.execute("INSERT INTO meta VALUES (0)")
        return cls(path, db, Index(db))

    @classmethod
    def open(cls, path: Path, build: int) -> Kept | None:
        """The index build `build` kept, to be changed; None when there is none, or another build's."""
        if not path.is_file():
            return None
        db = sqlite3.connect(path)
        db.execute(f"PRAGMA cache_size=-{CACHE_KB}")
        try:
            row = db.execute("SELECT build FROM meta").fetchone()
        except sqlite3.Error:
            row = None
        if row is None or row[0] != build:
            db.close()
            return None
        return cls(path, db, Index(db, linted=True))

    def commit(self, path: Path, build: int) -> None:
        """Make the index (and the lint's findings in it) build `build`'s, in its file `path`."""
        self.db.execute("UPDATE meta SET build = ?", (build,))
        self.db.commit()
        self.db.close()
        os.replace(self.path, path)
        self.path, self.new = path, False

    def close(self) -> None:
        """Close; a new index not committed goes, an opened one keeps the last build's state."""
        self.db.close()
        if self.new:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
