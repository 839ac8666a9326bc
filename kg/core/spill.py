"""Where a large Result keeps its findings and pages: tables of a RunStore, read back in report order.

One unique index over every field of a finding, in Finding's field order, both drops a finding seen
before and gives Finding's order without a sort: SQLite compares text as UTF-8 bytes, which orders as
Python orders str (by code point).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields

from kg.core.findings import Finding, as_row, from_row
from kg.core.runstore import RunStore

_FIELDS = tuple(f.name for f in fields(Finding))
_COLUMNS = ", ".join(f'"{c}"' for c in _FIELDS)


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
