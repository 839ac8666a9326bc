"""`kg build --check`: the bytes a build would write, compared with the export folder on disk file by file
(the marker `.medkg-exports` is not an export and is not compared)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.core.streamed import Range
from kg.core.swap import MARKER


@dataclass(frozen=True)
class TreeDiff:
    changed: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    fresh: dict[str, bytes] = field(default_factory=dict, compare=False)  # new bytes of some changed files

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.extra)


class _Digest:
    """A write-only sink that keeps a SHA-256 of what was written."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return len(data)


class TreeChecker:
    """Compares streamed export bytes with the folder on disk, file by file, holding none of them
    (but the new bytes of the first few changed files, for a readable summary of what changed)."""

    KEEP = 20

    def __init__(self, out: Path) -> None:
        self.out = out
        self.count = 0
        self.changed: list[str] = []
        self.missing: list[str] = []
        self.fresh: dict[str, bytes] = {}
        self._seen: set[str] = set()
        self._streams: dict[str, _Digest] = {}

    def add(self, name: str, data: bytes, sha256: str | None = None) -> None:
        self._seen.add(name)
        self.count += 1
        target = self.out / name
        if not target.is_file():
            self.missing.append(name)
        elif target.stat().st_size != len(data) or target.read_bytes() != data:
            self.changed.append(name)
            if len(self.fresh) < self.KEEP:
                self.fresh[name] = data

    def add_pieces(self, name: str, pieces: Iterable[bytes | Range]) -> None:
        """As `add`, the file given in pieces (joined: a changed file's new bytes may be shown)."""
        self.add(name, b"".join(p if isinstance(p, bytes) else os.pread(p[0], p[2], p[1]) for p in pieces))

    def open(self, name: str) -> _Digest:
        """A sink to stream a large file into; compared with the file on disk by diff()."""
        self._seen.add(name)
        self.count += 1
        self._streams[name] = _Digest()
        return self._streams[name]

    def diff(self) -> TreeDiff:
        for name, digest in self._streams.items():
            target = self.out / name
            if not target.is_file():
                self.missing.append(name)
                continue
            on_disk = hashlib.sha256()
            with open(target, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    on_disk.update(chunk)
            if on_disk.digest() != digest.hash.digest():
                self.changed.append(name)
        present = (
            {str(p.relative_to(self.out)) for p in self.out.rglob("*") if p.is_file()} if self.out.is_dir() else set()
        )
        present.discard(MARKER)  # medkg's own mark, not an export
        return TreeDiff(
            tuple(sorted(self.changed)), tuple(sorted(self.missing)), tuple(sorted(present - self._seen)), self.fresh
        )
