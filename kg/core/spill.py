"""Where a large Result keeps its findings and pages: tables of a RunStore, read back in report order.

One unique index over every field of a finding, in Finding's field order, both drops a finding seen
before and gives Finding's order without a sort: SQLite compares text as UTF-8 bytes, which orders as
Python orders str (by code point).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from itertools import chain
from pathlib import Path
from typing import Any, Generic, TypeVar

from kg.core.findings import Finding, as_row, from_row
from kg.core.runstore import RunStore

_FIELDS = tuple(f.name for f in fields(Finding))
_COLUMNS = ", ".join(f'"{c}"' for c in _FIELDS)
CHUNK = 2000  # items a pickle of an `Appended` file holds (kg.flow.manifest's files beside it too)
BUFFER = 1 << 20  # bytes an `Appended` file buffers: a rebuild writes 10,000 articles' findings blocks of
# ~3.5 KB each to one, which the default 8 KB made one write call for every two (0.12 s against 0.05 s)
T = TypeVar("T")


class Appended(Generic[T]):
    """Items written to a file in the order they arrive, as a run of pickles of `CHUNK` each: only the last
    chunk is in memory, and they are read back in order as often as asked."""

    def __init__(self, path: Path, chunk: int | None = None) -> None:
        self.path, self.count, self._chunk = path, 0, chunk
        self._fh = open(path, "wb", BUFFER)  # noqa: SIM115 - closed by close()
        self._pending: list[T] = []

    def append(self, item: T) -> None:
        self.extend((item,))

    def extend(self, items: Sequence[T]) -> None:
        """Append `items` (a chunk then holds up to len(items) - 1 more than its size)."""
        self._pending.extend(items)
        self.count += len(items)
        if len(self._pending) >= (self._chunk or CHUNK):
            self._write()

    def chunk(self, pickled: bytes, count: int) -> None:
        """`count` items pickled elsewhere as one list, written as they are after those before them."""
        self._write()
        self._fh.write(pickled)
        self.count += count

    def _write(self) -> None:
        if self._pending:
            self._fh.write(pickle.dumps(self._pending, pickle.HIGHEST_PROTOCOL))
            self._pending = []

    def _flush(self) -> None:
        self._write()
        self._fh.flush()

    def items(self) -> Iterator[T]:
        """The items so far, read back in order."""
        self._flush()
        return chunked(self.path)

    def lists(self) -> Iterator[list[T]]:
        """The items so far, read back in order as the lists they were pickled in (`chunk`'s one each)."""
        self._flush()
        return pickled_lists(self.path)

    def pieces(self) -> Iterator[bytes]:
        """The file's bytes, a megabyte at a time (to be kept elsewhere as they are)."""
        self._flush()
        with open(self.path, "rb") as fh:
            while block := fh.read(1 << 20):
                yield block

    def close(self) -> None:
        self._fh.close()


def pickled_lists(path: Path) -> Iterator[list[Any]]:
    """The lists a file of pickled lists holds, one at a time (OSError or a pickle's error past damage)."""
    with open(path, "rb") as fh:  # the default buffer: pickle.load copies all that peek gives, a whole buffer
        while fh.peek(1):
            yield pickle.load(fh)


def chunked(path: Path) -> Iterator[Any]:
    """The items of a file of pickled lists, a list at a time."""
    return chain.from_iterable(pickled_lists(path))


class Spill:
    """A run's findings (once each) and pages on disk."""

    def __init__(self) -> None:
        self.store = RunStore()
        self.db = self.store.db
        self.db.execute(f"CREATE TABLE findings ({_COLUMNS}, UNIQUE ({_COLUMNS}))")
        self.db.execute("CREATE TABLE pages (slug, file, node)")

    def add(self, findings: Iterable[Finding]) -> int:
        """Store the findings not stored yet; how many were new."""
        added = 0
        insert = f"INSERT OR IGNORE INTO findings VALUES ({', '.join('?' * len(_FIELDS))})"
        for f in findings:
            cursor = self.db.execute(insert, as_row(f))
            added += cursor.rowcount
        return added

    def add_pages(self, pages: Iterable[tuple[str, str, str]]) -> None:
        self.db.executemany("INSERT INTO pages VALUES (?, ?, ?)", pages)

    def sorted(self) -> Iterator[Finding]:
        return map(from_row, self.db.execute(f"SELECT {_COLUMNS} FROM findings ORDER BY {_COLUMNS}"))

    def matching(self, values: Mapping[str, object]) -> Iterator[Finding]:
        unknown = set(values) - set(_FIELDS)
        if unknown:
            raise ValueError(f"not a field of a finding: {', '.join(sorted(unknown))}")
        where = " AND ".join(f'"{k}" = ?' for k in values) or "1"
        query = f"SELECT {_COLUMNS} FROM findings WHERE {where} ORDER BY {_COLUMNS}"
        return map(from_row, self.db.execute(query, tuple(values.values())))

    def pages(self) -> Iterator[tuple[str, str, str]]:
        return iter(self.db.execute("SELECT slug, file, node FROM pages ORDER BY slug, file, node"))

    def close(self) -> None:
        self.store.close()
