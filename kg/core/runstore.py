"""A run's store on disk: a SQLite database in a temporary folder medkg makes and removes, so what a run
gathers (findings, pages, @id summaries) need not stay in memory however large the corpus.

The folder is under the system's temporary directory (never the data or output folder) and goes when
the store is closed, when it is garbage-collected, or when the interpreter exits (also after an error
or Ctrl-C). SQLite's page cache is bounded (`CACHE_KB`); a sort too large for it spills to SQLite's own
temporary files, which it deletes as it opens them.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from types import TracebackType

CACHE_KB = 8192


class RunStore:
    """One SQLite connection to a database nobody else opens: no journal, no fsync (a crash loses
    only a run that is being lost anyway)."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="medkg-run-")
        self.db = sqlite3.connect(os.path.join(self._folder.name, "run.sqlite"))
        for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{CACHE_KB}", "temp_store=FILE"):
            self.db.execute(f"PRAGMA {pragma}")

    @property
    def folder(self) -> str:
        return self._folder.name

    def close(self) -> None:
        self.db.close()
        self._folder.cleanup()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
