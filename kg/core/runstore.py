"""A run's store on disk: a SQLite database in a temporary folder medkg makes and removes, so what a run
gathers (findings, pages, @id summaries) need not stay in memory however large the corpus.

The folder is under the system's temporary directory (never the data or output folder) and goes when
the store is closed, when it is garbage-collected, or when the interpreter exits (also after an error
or Ctrl-C); one left by a process killed outright (kill -9) goes with the next run's (its name holds
the process id). SQLite's page cache is bounded (`CACHE_KB`); a sort too large for it spills to SQLite's own
temporary files, which it deletes as it opens them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from types import TracebackType

CACHE_KB = 2048  # per connection: the OS's page cache holds the files besides; 8 MB cost 14 MB at 100k, no time at 10k
_PREFIX = "medkg-run-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def sweep(folder: str) -> None:
    """Remove the stores of runs whose process is gone (killed with -9: nothing of theirs could run)."""
    with os.scandir(folder) as entries:
        for e in entries:
            pid = e.name[len(_PREFIX) :].split("-", 1)[0]
            ours = e.name.startswith(_PREFIX) and e.is_dir(follow_symlinks=False) and pid.isdigit()
            if ours and int(pid) != os.getpid() and not _alive(int(pid)):
                shutil.rmtree(e.path, ignore_errors=True)


class RunStore:
    """One SQLite connection to a database nobody else opens: no journal, no fsync (a crash loses
    only a run that is being lost anyway)."""

    def __init__(self) -> None:
        sweep(tempfile.gettempdir())
        self._folder = tempfile.TemporaryDirectory(prefix=f"{_PREFIX}{os.getpid()}-")
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
