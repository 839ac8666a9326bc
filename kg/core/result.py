"""The one result model every command returns: findings, what was checked, and the exit decision.

A Result holds no presentation state; renderers are pure functions of a Result and a RenderContext.
A large run's findings and pages do not stay in memory: past `BOUND` of them they go to a store on
disk (kg.core.runstore) and are read back in report order, so memory stays flat however many there are.
Findings kept from an earlier run (a rebuild's unchanged articles) may come as rows, a block per
article (`carry`): they are merged in report order as they are read, never sorted again; past `BOUND`
rows they are appended to a file beside the store, read back in order.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from itertools import chain
from operator import attrgetter, itemgetter
from pathlib import Path

from kg.core.findings import Finding, Row, Severity, as_row, from_row
from kg.core.spill import Appended, Spill

BOUND = 20000  # findings, and pages, kept in memory before the run's go to disk
_ORDER = attrgetter(*(f.name for f in fields(Finding)))
_FIELDS = {f.name: i for i, f in enumerate(fields(Finding))}  # a field's place in a Row


@dataclass(frozen=True, order=True)
class Page:
    """One checked article (junit lists clean articles, html shows each one's picture)."""

    slug: str
    file: str
    node: str


class Result:
    """Findings once each (a site.yaml problem found again for every article is one finding), the
    checked pages, counts, and the input problems (files that could not be checked: they decide the
    exit code). Call `close` (or use it in `with`) to remove its store at once; it goes at exit anyway."""

    def __init__(
        self,
        findings: Iterable[Finding] = (),
        articles: int = 0,
        triples: int = 0,
        pages: Iterable[Page] = (),
        problems: Iterable[Finding] = (),
        *,
        bound: int | None = None,
    ) -> None:
        self.articles, self.triples = articles, triples
        self.problems = list(problems)
        self._bound = BOUND if bound is None else bound
        self._findings: dict[Finding, None] = {}  # in memory, in arrival order, until the bound
        self._pages: list[Page] = []
        self._counts: Counter[Severity] = Counter()
        self._spill: Spill | None = None
        self._blocks: list[Sequence[Row]] = []  # carried rows, each block's file after the one before
        self._later: Appended[Row] | None = None  # the carried rows, on disk past the bound
        self._last = ""  # the file of the last block carried
        self._carried = [0] * (len(Severity) + 1)  # carried rows by severity (as a number)
        self.extend(findings)
        self.add_pages(pages)

    @property
    def on_disk(self) -> str | None:
        """The folder of its store, once the bound was passed."""
        return None if self._spill is None else self._spill.store.folder

    def _store(self) -> Spill:
        """The store on disk, opened when the bound is first passed; what memory held moves there."""
        if self._spill is None:
            self._spill = Spill()
            self._spill.add_pages((p.slug, p.file, p.node) for p in self._pages)
            self._spill.add(self._findings)
            self._findings, self._pages = {}, []
        return self._spill

    def extend(self, findings: Iterable[Finding]) -> None:
        """Add findings, once each."""
        for f in findings:
            if self._spill is not None:
                if self._spill.add((f,)):
                    self._counts[f.severity] += 1
            elif f not in self._findings:
                self._findings[f] = None
                self._counts[f.severity] += 1
                if len(self._findings) > self._bound:
                    self._store()

    def carry(self, file: str, rows: Sequence[Row]) -> None:
        """An article's findings kept as rows (sorted, once each): those in its own `file` as one block,
        when it comes after the last block's in report order; the others (a site.yaml problem, which
        other articles may find too) as findings, once each."""
        if not rows:
            return
        own = rows if rows[0][0] == rows[-1][0] == file else [r for r in rows if r[0] == file]
        if own and (not self._last or self._last < file):
            self._last = file
            counts = self._carried
            for r in own:
                counts[r[3]] += 1
            self._blocks.append(own)
            if self._later is None and sum(counts) > self._bound:
                self._later = Appended(Path(self._store().store.folder) / "carried")
            if self._later is not None:
                for block in self._blocks:
                    for r in block:
                        self._later.append(r)
                self._blocks = []
            rows = [] if own is rows else [r for r in rows if r[0] != file]
        self.extend(map(from_row, rows))

    def _carried_rows(self) -> Iterator[Row]:
        """The carried rows in report order (from disk past the bound)."""
        return chain.from_iterable(self._blocks) if self._later is None else self._later.items()

    def add_pages(self, pages: Iterable[Page]) -> None:
        for p in pages:
            if self._spill is not None:
                self._spill.add_pages([(p.slug, p.file, p.node)])
            else:
                self._pages.append(p)
                if len(self._pages) > self._bound:
                    self._store()

    def add_problems(self, problems: list[Finding]) -> None:
        """Input problems: kept apart (they decide the exit code) and reported with the findings."""
        self.problems += problems
        self.extend(problems)

    def _sorted(self) -> Iterator[Finding]:
        """Those not carried, in Finding's order (file, line, column, …), by a key: the dataclass's own
        comparisons cost seconds for the 120,000 findings of a 10,000-article site."""
        if self._spill is not None:
            return self._spill.sorted()
        return iter(sorted(self._findings, key=_ORDER))

    def rows(self) -> Iterator[Row]:
        """Every finding as a row, in Finding's order (rows sort as findings do). Each call reads them anew."""
        return heapq.merge(map(as_row, self._sorted()), self._carried_rows())

    def sorted(self) -> Iterator[Finding]:
        """Every finding in Finding's order. Each call reads them anew."""
        return map(from_row, self.rows()) if self._last else self._sorted()

    def matching(self, **values: object) -> Iterator[Finding]:
        """The findings whose fields have these values (`family="idlint"`), in Finding's order."""
        if self._spill is not None:
            mine = self._spill.matching(values)
        else:
            mine = (f for f in self._sorted() if all(getattr(f, k) == v for k, v in values.items()))
        if not self._last or not values:
            return mine if not self._last else self.sorted()
        get = itemgetter(*(_FIELDS[k] for k in values))  # one field: its value; more: a tuple of them
        want = tuple(values.values()) if len(values) > 1 else next(iter(values.values()))
        carried = (r for r in self._carried_rows() if get(r) == want)
        return map(from_row, heapq.merge(map(as_row, mine), carried))

    def pages(self) -> Iterator[Page]:
        """The checked pages in Page's order (slug, file, node)."""
        if self._spill is not None:
            return (Page(*row) for row in self._spill.pages())
        return iter(sorted(self._pages))

    def __len__(self) -> int:
        return sum(self._counts.values()) + sum(self._carried)

    def count(self, severity: Severity) -> int:
        """Distinct findings of a severity (a site.yaml problem repeats for every article)."""
        return self._counts[severity] + self._carried[severity]

    def failed(self, threshold: Severity) -> bool:
        """Whether any finding is at or above `threshold` (the run's fail_on)."""
        return any(self.count(s) and s >= threshold for s in Severity)

    def failing(self, threshold: Severity) -> str:
        """The counts that fail the run, in words: '1 violation, 13 warnings'."""
        return failing_words({s: self.count(s) for s in Severity}, threshold)

    def close(self) -> None:
        if self._later is not None:
            self._later.close()
        if self._spill is not None:
            self._spill.close()

    def __enter__(self) -> Result:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def failing_words(counts: Mapping[Severity, int], threshold: Severity) -> str:
    """Distinct findings by severity that fail a run at `threshold`, in words: '1 violation, 13 warnings'."""
    failing = [(counts.get(s, 0), s.label) for s in sorted(Severity, reverse=True) if s >= threshold]
    return ", ".join(f"{n} {label}{'s' if n != 1 else ''}" for n, label in failing if n)
