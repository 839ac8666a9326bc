"""Findings that repeat across pages, gathered: the same rule and message on 9,812 pages is one entry
with a count and a few of its places, not 9,812 lines (a site-wide template gap, such as the Google
profile's missing author, says the same thing on every page).

Reports for people (text, html, GitHub annotations) show each repeated finding once; the machine
formats (json, sarif, junit) keep every location and add the gathered findings beside them (json's
`repeated`, sarif's run property `repeated`, junit's first suite).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from kg.core.findings import Finding, Row, from_row

_NODE = re.compile(r"<[^<>\s]*>")
Key = tuple[int, str, str, str]  # severity (as a number), rule, field, message but for its nodes
AT_LEAST = 3  # pages with the same finding before it is shown once for all of them
SAMPLE = 5  # places shown of a repeated finding


@dataclass
class Repeated:
    """One finding (severity, rule, field, message but for the nodes it names): its first few places in
    report order, how many there are and on how many pages."""

    key: Key
    sample: list[Finding] = field(default_factory=list)  # the first SAMPLE places
    count: int = 0
    pages: int = 0
    worded_alike: bool = True  # False when the pages name their own nodes in the message (the first's is shown)
    _last: str = ""

    @property
    def first(self) -> Finding:
        return self.sample[0]

    def add(self, r: Row) -> None:
        """One more place (called for each of a report's ~120,000 rows: a branch is cheaper than the sums)."""
        if self.count < SAMPLE:
            self.sample.append(from_row(r))
        self.count += 1
        if r[0] != self._last or self.count == 1:
            self.pages += 1
            self._last = r[0]
        if self.worded_alike and r[4] != self.sample[0].message:
            self.worded_alike = False

    def places(self) -> str:
        """'a.yaml:3:1, b.yaml:3:1, … and 9,807 more'."""
        shown = ", ".join(f.where for f in self.sample)
        more = self.count - len(self.sample)
        return shown + (f" and {more:,} more" if more > 0 else "")


def key(r: Row) -> Key:
    """Alike: the same but for the nodes named in <…> (each page names its own). Of a finding's row: a
    report of 120,000 findings makes a Finding only of those it shows."""
    return (r[3], r[7], r[5], _alike(r[4]))


def _alike(message: str) -> str:
    """The message with its nodes left out (a site-wide gap says the same words on every page: found once).
    Not cached: a message that names nodes names the page's own, so nearly every one is new."""
    return _NODE.sub("<…>", message) if "<" in message else message


def gather(
    read: Callable[[], Iterable[Row]], at_least: int = AT_LEAST, singles: bool = True
) -> tuple[list[Repeated], Iterator[Finding]]:
    """The findings said alike on `at_least` pages or more (most severe first, then by rule), and the
    others in report order (none unless `singles`: the machine formats list every finding anyway). `read`
    gives the findings' rows in report order (a file's together); they are read once. Held: one entry (and
    a few places) per kind of finding, and with `singles` the rows of a kind while it is on fewer than
    `at_least` pages (those left are shown one by one: the report holds them anyway)."""
    groups: dict[Key, Repeated] = {}
    held: dict[Key, list[tuple[int, Row]]] = {}
    for i, r in enumerate(read()):
        k = key(r)
        group = groups.get(k)
        if group is None:
            group = groups[k] = Repeated(k)
        group.add(r)
        if not singles:
            continue
        if group.pages < at_least:
            held.setdefault(k, []).append((i, r))
        elif k in held:
            del held[k]  # repeated: its rows are not shown one by one
    gathered = sorted((g for g in groups.values() if g.pages >= at_least), key=lambda g: (-g.key[0], *g.key[1:]))
    return gathered, (from_row(r) for _, r in heapq.merge(*held.values()))
