"""Many names held compactly: a list of 100,000 Path objects holds about 35 MB and a list of their names
about 8 MB; these names in one buffer with their end offsets about 3 MB. A str (or Path) is made when asked for."""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload


class Names(Sequence[str]):
    """Names in the order they were added, as UTF-8 in one buffer and their end offsets."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._data = bytearray()
        self._ends = array("Q")
        for name in names:
            self.append(name)

    def append(self, name: str) -> None:
        self._data += name.encode("utf-8", "surrogateescape")
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...

    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        end = self._ends[i]  # IndexError past the end, as a list
        start = self._ends[i - 1] if i % len(self) else 0
        return self._data[start:end].decode("utf-8", "surrogateescape")

    def __iter__(self) -> Iterator[str]:
        start = 0
        for end in self._ends:
            yield self._data[start:end].decode("utf-8", "surrogateescape")
            start = end


class Listing(Sequence[Path]):
    """`folder`'s files whose suffix is one of `suffixes`, in name order (Path's order within a folder)."""

    def __init__(self, folder: Path, suffixes: tuple[str, ...]) -> None:
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if listed(e, suffixes))
        self.folder = folder
        self.names = Names(names)

    def __len__(self) -> int:
        return len(self.names)

    @overload
    def __getitem__(self, i: int) -> Path: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Path]: ...

    def __getitem__(self, i: int | slice) -> Path | Sequence[Path]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self.folder / self.names[i]


def listed(entry: os.DirEntry[str], suffixes: tuple[str, ...]) -> bool:
    """Whether a Listing of `suffixes` holds the entry: a file (or a link to one) with one of them."""
    return suffixed(entry.name, suffixes) and entry.is_file()


def suffixed(name: str, suffixes: tuple[str, ...]) -> bool:
    """Whether a file name's suffix, as `PurePath.suffix` reads it (not a leading dot, not a trailing
    one), is one of `suffixes`, without making a path per name."""
    dot = name.rfind(".")
    return 0 < dot < len(name) - 1 and name[dot:] in suffixes


def names_of(files: Sequence[Path]) -> Sequence[str]:
    """The files' names in their order: a Listing's own buffer (no Path made per name, as a bisection or a
    walk by name would), else collected into one."""
    return files.names if isinstance(files, Listing) else Names(p.name for p in files)
