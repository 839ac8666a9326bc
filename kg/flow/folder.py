"""The facts folder's and an export folder's files and their stats (inode, size, mtime_ns) as digests:
what the build manifest compares to find both exactly as the last build left them."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol, TypeVar

from kg.core import offload
from kg.core.listing import listed
from kg.core.vouched import Stat as Stat  # inode, size, mtime_ns

RACY_NS = 2_000_000_000  # mtimes are coarser than the clock: a file this close to a build's start is re-hashed


def digest_of(out: Path) -> str | None:
    """The export folder's `Digest`; None when it cannot be read."""
    try:
        return Digest().of(scan(out))
    except OSError:
        return None


def scan(out: Path) -> Iterator[tuple[str, Stat]]:
    """The stat of every file in the export folder (recursively), by name relative to it, as it scans
    (OSError when the folder cannot be read)."""
    return offload.walk(out)


class Digest:
    """An export folder's files and their stats as one value, whatever order they come in: a sum of each
    (name, stat)'s hash, and their count."""

    def __init__(self, value: str = "") -> None:
        """Empty, or as `value` (another's `value()`) left it."""
        count, _, total = value.partition(":")
        self.count, self.total = (int(count), int(total, 16)) if value else (0, 0)

    def add(self, name: str, value: object, sign: int = 1) -> None:
        """Add an entry (`sign` -1: take out one that was added)."""
        h = hashlib.blake2b(f"{name}\0{value}".encode("utf-8", "surrogateescape"), digest_size=16).digest()
        self.total = (self.total + sign * int.from_bytes(h, "big")) % (1 << 128)
        self.count += sign

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


class Seen(Protocol):
    """A facts file as a build saw it (kg.flow.manifest.Article)."""

    @property
    def stat(self) -> Stat: ...
    @property
    def sha256(self) -> str: ...


S = TypeVar("S", bound=Seen)


class Facts(Digest):
    """The facts files a build read, as one value whatever order they are added in: each one's name and
    stat, and its SHA-256 when its mtime is within `RACY_NS` of the build's start (an edit in the same
    clock tick keeps size and mtime). The up-to-date check sums the folder's files the same way as it
    lists them, holding nothing per file."""

    def __init__(self, started_ns: int) -> None:
        super().__init__()
        self.racy = started_ns - RACY_NS

    def note(self, name: str, stat: Stat, sha256: str) -> None:
        self.add(name, (stat, sha256 if stat[2] >= self.racy else ""))

    def noting(self, entries: Iterable[tuple[str, S]]) -> Iterator[tuple[str, S]]:
        """The manifest's (name, Article) entries as they pass, each noted."""
        for name, a in entries:
            self.note(name, a.stat, a.sha256)
            yield name, a


def facts_digest(folder: Path, started_ns: int, suffixes: tuple[str, ...], wanted: Callable[[str], bool]) -> str:
    """The `Facts` value of the facts files in `folder` that `wanted` takes by name, summed as the folder
    lists them (OSError when it cannot be read)."""
    facts = Facts(started_ns)
    with os.scandir(folder) as found:
        for e in found:
            if listed(e, suffixes) and wanted(e.name):
                s = os.stat(e.path)
                stat = (s.st_ino, s.st_size, s.st_mtime_ns)
                facts.note(e.name, stat, (sha256_of(Path(e.path)) or "") if stat[2] >= facts.racy else "")
    return facts.value()


def stat_of(path: Path) -> Stat | None:
    try:
        s = os.stat(path)
    except OSError:
        return None
    return (s.st_ino, s.st_size, s.st_mtime_ns)


def sha256_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
