"""The large files of a replaced export folder (its kg.nq: 1.2 GB at 10,000 articles), set aside in the cache
and freed by the next build, beside its work.

Removed with their folder, they made every rebuild wait at its end: on ext4 mounted with `discard`, unlinking a
1.2 GB file took 0.6-0.7 s, nearly all of it waiting for the disk (0.1 s of CPU). Set aside, they keep their
space until the next build (which needs the room of two kg.nq anyway); deleting the cache frees it at once.
Only a regular file on the cache's file system is moved (a rename); anything else goes with its folder.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
import time
from pathlib import Path


class SetAside:
    """A folder of files to free (the cache's, one per export folder); `free` starts freeing what is there."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._freeing: threading.Thread | None = None

    def free(self) -> None:
        """Free what earlier builds set aside, by a thread (an unlink waits on the disk, not the CPU): the
        names there now, not those `keep` adds while it runs. Never follows a symlink (unlink removes the link)."""
        try:
            names = [e.name for e in os.scandir(self.folder)]
        except OSError:
            return
        if names:
            self._freeing = threading.Thread(target=_unlink, args=(self.folder, names), name="kg-free")
            self._freeing.start()

    def wait(self) -> None:
        """Until `free` is done (idempotent)."""
        if self._freeing is not None:
            self._freeing.join()
            self._freeing = None

    def keep(self, path: Path) -> bool:
        """Move `path` (a file of a folder about to be removed) here; False, and nothing moved, unless it is a
        regular file the cache's file system can take by a rename."""
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                return False
            self.folder.mkdir(parents=True, exist_ok=True)
            os.rename(path, self.folder / f"{time.time_ns()}-{path.name}")
        except OSError:
            return False
        return True


def _unlink(folder: Path, names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(folder / name)
