"""Findings that repeat across pages, gathered: the same rule and message on 9,812 pages is one entry
with a count and a few of its places, not 9,812 lines (a site-wide template gap, such as the Google
profile's missing author, says the same thing on every page).

Reports for people (text, html, GitHub annotations) show each repeated finding once; the machine
formats (json, sarif, junit) keep every location and add the gathered findings beside them (json's
`repeated`, sarif's run property `repeated`, junit's first suite).

What a report for people reads of the rows (`Gathering`) is kept with a build; a rebuild's report changes it
by the rows that went and came rather than read the ~120,000 findings of a 10,000-article site again.
"""

from __future__ import annotations

import heapq
import pickle
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TypeVar

from kg.core.findings import Finding, Row, as_row, from_row
from kg.core.result import Result

_NODE = re.compile(r"<[^<>\s]*>")
Key = tuple[int, str, str, str]  # severity (as a number), rule, field, message but for its nodes
AT_LEAST = 3  # pages with the same finding before it is shown once for all of them
SAMPLE = 5  # places shown of a repeated finding
T = TypeVar("T")


@dataclass
class Repeated:
    """One finding (severity, rule, field, message but for the nodes it names): its first few places in
    report order, how many there are and on how many pages."""

    key: Key
    sample: list[Finding] = field(default_factory=list)  # the first SAMPLE places
    count: int = 0
    pages: int = 0
    unlike: int = 0  # places whose pages name their own nodes in the message (the first's is shown)
    _last: str = ""

    @property
    def first(self) -> Finding:
        return self.sample[0]

    @property
    def worded_alike(self) -> bool:
        return not self.unlike

    def add(self, r: Row) -> None:
        """One more place (called for each of a report's ~120,000 rows: a branch is cheaper than the sums)."""
        if self.count < SAMPLE:
            self.sample.append(from_row(r))
        self.count += 1
        if r[0] != self._last or self.count == 1:
            self.pages += 1
            self._last = r[0]
        if r[4] != self.sample[0].message:
            self.unlike += 1

    def places(self) -> str:
        """'a.yaml:3:1, b.yaml:3:1, … and 9,807 more'."""
        shown = ", ".join(f.where for f in self.sample)
        more = self.count - len(self.sample)
        return shown + (f" and {more:,} more" if more > 0 else "")


def key(r: Row) -> Key:
    """Alike: the same but for the nodes named in <…> (each page names its own). Of a finding's row: a
    report of 120,000 findings makes a Finding only of those it shows. The message's nodes are left out
    here, not in a function of its own: this is called for every row. Not cached: a message that names
    nodes names the page's own, so nearly every one is new."""
    m = r[4]
    return (r[3], r[7], r[5], _NODES("<…>", m) if "<" in m else m)


_NODES = _NODE.sub


class _Unknown(Exception):
    """What a gathering keeps does not say how it changes (`Gathering.changed`)."""


@dataclass
class Gathering:
    """All a report for people reads of its findings' rows: each kind of finding (`Repeated`), and the rows
    of the kinds on fewer than `at_least` pages (shown one by one, `held`; None when not held: the machine
    formats list every finding anyway)."""

    groups: dict[Key, Repeated]
    held: dict[Key, list[Row]] | None
    at_least: int = AT_LEAST

    @classmethod
    def of(cls, rows: Iterable[Row], at_least: int = AT_LEAST, singles: bool = True) -> Gathering:
        """Of rows in report order (a file's together), read once. Held: one entry (and a few places) per
        kind, and with `singles` the rows of a kind while it is on fewer than `at_least` pages."""
        groups: dict[Key, Repeated] = {}
        held: dict[Key, list[Row]] = {}
        for r in rows:
            k = key(r)
            group = groups.get(k)
            if group is None:
                group = groups[k] = Repeated(k)
            group.add(r)
            if not singles:
                continue
            if group.pages < at_least:
                held.setdefault(k, []).append(r)
            elif k in held:
                del held[k]  # repeated: its rows are not shown one by one
        return cls(groups, held if singles else None, at_least)

    def repeated(self) -> list[Repeated]:
        """The kinds on `at_least` pages or more, most severe first, then by rule."""
        found = (g for g in self.groups.values() if g.pages >= self.at_least)
        return sorted(found, key=lambda g: (-g.key[0], *g.key[1:]))

    def singles(self) -> Iterator[Finding]:
        """The findings of the other kinds, in report order (rows sort as findings do, once each)."""
        return (from_row(r) for r in heapq.merge(*(self.held or {}).values()))

    def changed(self, gone: Iterable[Row], came: Iterable[Row], carried: Callable[[str], bool]) -> Gathering | None:
        """This gathering with the rows `gone` taken out and `came` put in, where every row of their files
        went or came (`carried` says of none of those files that it may have rows that stay: pages are
        counted by file). None when what it holds does not say: a place among those shown went, or one came
        before the first with other words; a kind with places not held fell below `at_least` pages."""
        if self.held is None:
            return None
        out, came_by = _by_key(gone), _by_key(came)
        if any(carried(r[0]) for rows in (*out.values(), *came_by.values()) for r in rows):
            return None
        groups, held = dict(self.groups), dict(self.held)
        try:
            for k in out.keys() | came_by.keys():
                group, rows = _group_changed(groups.get(k), held.get(k), out.get(k, []), came_by.get(k, []), k)
                few = group is not None and group.pages < self.at_least
                if few and rows is None:
                    raise _Unknown  # fell below at_least pages: its rows, shown one by one, were not held
                _put(groups, k, group)
                _put(held, k, rows if few else None)
        except _Unknown:
            return None
        return Gathering(groups, held, self.at_least)


def _put(mapping: dict[Key, T], k: Key, value: T | None) -> None:
    if value is None:
        mapping.pop(k, None)
    else:
        mapping[k] = value


def _by_key(rows: Iterable[Row]) -> dict[Key, list[Row]]:
    """Rows by kind, once each, sorted."""
    by: defaultdict[Key, list[Row]] = defaultdict(list)
    for r in sorted(set(rows)):
        by[key(r)].append(r)
    return by


def _group_changed(
    group: Repeated | None, held: list[Row] | None, gone: list[Row], came: list[Row], k: Key
) -> tuple[Repeated | None, list[Row] | None]:
    """One kind changed (`Gathering.changed`): counted anew from its rows where they are all known (held,
    or all shown), else by the counts, which only places after those shown may leave (None: no places)."""
    if group is None:
        if gone:
            raise _Unknown  # a place went that was never counted: not the gathering of these rows
        known: list[Row] | None = []
    else:
        known = held if held is not None else [as_row(f) for f in group.sample] if group.count <= SAMPLE else None
    if known is not None:
        if not set(gone) <= set(known):
            raise _Unknown
        rows = sorted(set(known).difference(gone).union(came))
        fresh = Repeated(k)
        for r in rows:
            fresh.add(r)
        return (fresh, rows) if rows else (None, None)
    assert group is not None
    shown = [as_row(f) for f in group.sample]
    if gone and gone[0] <= shown[-1]:
        raise _Unknown  # a place shown went: the next one is not kept
    sample = sorted([*shown, *came])[:SAMPLE]
    said = shown[0][4]
    if sample[0][4] != said:
        raise _Unknown  # the first place has other words: each place would be compared again
    files = len({r[0] for r in came}) - len({r[0] for r in gone})
    unlike = group.unlike + sum(r[4] != said for r in came) - sum(r[4] != said for r in gone)
    count = group.count + len(came) - len(gone)
    shown_now = [from_row(r) for r in sample]
    return replace(group, sample=shown_now, count=count, pages=group.pages + files, unlike=unlike), None


def gathered(result: Result, before: tuple[bytes, list[Row]] | None = None) -> Gathering:
    """What a report for people reads of `result`'s findings. A rebuild's (`before`: the last build's kept
    gathering and the findings of the articles it did not carry over) is that gathering changed by those
    findings and by the ones its run found, when that says (`Gathering.changed`); else every row is read."""
    last = _last(before[0]) if before is not None else None
    if last is not None and before is not None:
        changed = last[0].changed([*before[1], *last[1]], result.own_rows(), result.carried)
        if changed is not None and sum(g.count for g in changed.groups.values()) == len(result):
            return changed  # as many places as the run holds findings: none counted twice or missed
    return Gathering.of(result.rows())


def to_keep(result: Result, gathering: Gathering) -> bytes | None:
    """What a build keeps for its rebuild's report: the gathering its report made, and the findings not an
    article's own (`Result.loose`), which a rebuild takes out with those of the articles it computes anew."""
    loose = result.loose()
    if gathering.held is None or loose is None:
        return None
    return pickle.dumps((_FORMAT, gathering, loose), pickle.HIGHEST_PROTOCOL)


def _last(data: bytes) -> tuple[Gathering, list[Row]] | None:
    """A build's kept gathering and loose rows; None when they do not read as this version writes them."""
    try:
        version, gathering, loose = pickle.loads(data)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, KeyError, TypeError, ValueError):
        return None
    if version != _FORMAT or not isinstance(gathering, Gathering) or not isinstance(loose, list):
        return None
    return gathering, loose


_FORMAT = 1  # of what `to_keep` writes


def gather(
    read: Callable[[], Iterable[Row]], at_least: int = AT_LEAST, singles: bool = True
) -> tuple[list[Repeated], Iterator[Finding]]:
    """The findings said alike on `at_least` pages or more (most severe first, then by rule), and the
    others in report order (none unless `singles`: the machine formats list every finding anyway). `read`
    gives the findings' rows in report order (a file's together); they are read once."""
    gathering = Gathering.of(read(), at_least, singles)
    return gathering.repeated(), gathering.singles()
