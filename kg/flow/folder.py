"""The facts folder's and an export folder's files and their stats (inode, size, mtime_ns) as digests:
what the build manifest compares to find both exactly as the last build left them."""

from __future__ import annotations

import hashlib
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from kg.core import offload
from kg.core.listing import Listing, listed
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

    def __init__(self, started_ns: int, value: str = "") -> None:
        """Empty, or as the build that began at `started_ns` left it (`value`: its `value()`)."""
        super().__init__(value)
        self.racy = started_ns - RACY_NS

    def note(self, name: str, stat: Stat, sha256: str, sign: int = 1) -> None:
        self.add(name, (stat, sha256 if stat[2] >= self.racy else ""), sign)

    def over(self, last: Facts, gone: Iterable[tuple[str, Seen]], recent: Iterable[tuple[str, Seen]]) -> None:
        """A rebuild's: the last build's value (`last`) added, less its entries `gone` (changed or removed:
        those computed anew are noted as they come), its entries `recent` (unchanged, and as new as its start)
        noted as this build notes them — the others are noted alike by both. No pass over every article."""
        for name, a in recent:
            last.note(name, a.stat, a.sha256, -1)
            self.note(name, a.stat, a.sha256)
        for name, a in gone:
            last.note(name, a.stat, a.sha256, -1)
        self.count += last.count
        self.total = (self.total + last.total) % (1 << 128)

    def noting(self, entries: Iterable[tuple[str, S]]) -> Iterator[tuple[str, S]]:
        """The manifest's (name, Article) entries as they pass, each noted."""
        for name, a in entries:
            self.note(name, a.stat, a.sha256)
            yield name, a


def facts_digest(folder: Path, started_ns: int, suffixes: tuple[str, ...], wanted: Callable[[str], bool]) -> str:
    """The `Facts` value of the facts files in `folder` that `wanted` takes by name, summed as the folder
    lists them (OSError when it cannot be read)."""
    facts = Facts(started_ns)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with os.scandir(fd) as found:  # each stat by the folder's descriptor: ~2x cheaper than by path
            for e in found:
                if listed(e, suffixes) and wanted(e.name):
                    s = e.stat()
                    stat = (s.st_ino, s.st_size, s.st_mtime_ns)
                    facts.note(e.name, stat, (sha256_of(folder / e.name) or "") if stat[2] >= facts.racy else "")
    finally:
        os.close(fd)
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


class Stats:
    """The stat of each facts file in build order, taken before the build reads them (an edit made
    during the build shows as a change next time): 24 bytes a file, not ~350 in a dict by name."""

    def __init__(self, files: Sequence[Path]) -> None:
        self._values = array("q")
        self._kept: dict[int, Stat] | None = None
        self.complete = True  # every file had one
        for s in _stats(files):
            self.complete = self.complete and s is not None
            self._values.extend(s or (0, 0, 0))
        self._length = len(self._values) // 3

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, i: int) -> Stat:
        """The file's stat ((0, 0, 0) when it had none: never a stat a file has); KeyError for one let go."""
        if self._kept is not None:
            return self._kept[i]
        return (self._values[3 * i], self._values[3 * i + 1], self._values[3 * i + 2])

    def keeping(self, wanted: Iterable[int]) -> None:
        """Let go of all but the files `wanted`: a rebuild's changed ones, once the others were found unchanged
        (2.4 MB at 100,000 files, held while the unchanged are carried)."""
        self._kept = {i: self[i] for i in wanted}
        self._values = array("q")


def _stats(files: Sequence[Path]) -> Iterator[Stat | None]:
    """Each file's stat in order (None: it has none); a Listing's by its folder's descriptor and its names, with
    no Path made per file (10,000 files here: 33 against 91 ms)."""
    if not isinstance(files, Listing):
        yield from map(stat_of, files)
        return
    try:
        folder = os.open(files.folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield from (None for _ in files.names)
        return
    try:
        for name in files.names:
            try:
                s = os.stat(name, dir_fd=folder)
            except OSError:
                yield None
                continue
            yield (s.st_ino, s.st_size, s.st_mtime_ns)
    finally:
        os.close(folder)
