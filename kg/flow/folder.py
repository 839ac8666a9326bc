"""An export folder's files and their stats (inode, size, mtime_ns): what the build manifest compares to
find the folder exactly as the last build left it."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.core.vouched import Stat as Stat  # inode, size, mtime_ns


def digest_of(out: Path) -> str | None:
    """The export folder's `Digest`; None when it cannot be read."""
    try:
        return Digest().of(scan(out))
    except OSError:
        return None


def scan(out: Path) -> Iterator[tuple[str, Stat]]:
    """The stat of every file in the export folder (recursively), by name relative to it, as it scans
    (OSError when the folder cannot be read)."""
    stack = [(out, "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as found:
            for e in found:
                if e.is_dir(follow_symlinks=False):
                    stack.append((Path(e.path), f"{prefix}{e.name}/"))
                else:
                    s = e.stat(follow_symlinks=False)
                    yield prefix + e.name, (s.st_ino, s.st_size, s.st_mtime_ns)


class Digest:
    """An export folder's files and their stats as one value, whatever order they come in: a sum of each
    (name, stat)'s hash, and their count."""

    def __init__(self) -> None:
        self.count = self.total = 0

    def add(self, name: str, value: object) -> None:
        h = hashlib.blake2b(f"{name}\0{value}".encode("utf-8", "surrogateescape"), digest_size=16).digest()
        self.total = (self.total + int.from_bytes(h, "big")) % (1 << 128)
        self.count += 1

    def taking(self, entries: Iterable[tuple[str, Stat]]) -> Iterator[tuple[str, Stat]]:
        """The entries as they pass, each added."""
        for name, stat in entries:
            self.add(name, stat)
            yield name, stat

    def of(self, entries: Iterable[tuple[str, Stat]]) -> str:
        for _ in self.taking(entries):
            pass
        return self.value()

    def value(self) -> str:
        return f"{self.count}:{self.total:032x}"
