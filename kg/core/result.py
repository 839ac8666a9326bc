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
import pickle
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from kg.core.findings import Finding, Row, Severity, as_row, from_row
from kg.core.spill import Appended, Spill

BOUND = 20000  # findings, and pages, kept in memory before the run's go to disk
LOOSE = 10000  # findings not an article's own remembered (`loose`); past it, none
MAYBE = 1 << 23  # bits noting the files carried (1 MB, whatever their number: `carried`)
OTHERS = 1000  # carried rows of other files remembered as added (10,000 articles' 30,000 are 3 site.yaml findings)
_ORDER = attrgetter(*(f.name for f in fields(Finding)))


@dataclass(frozen=True, order=True)
class Page:
    """One checked article (junit lists clean articles, html shows each one's picture)."""

    slug: str
    file: str
    node: str


class Carried(NamedTuple):
    """An article's findings as a rebuild carries them (kept in its record): its own file's rows pickled as
    one chunk of kg.core.spill's format, which a Result passes on to its file unread (unpickling 10,000
    articles' rows twice was a third of a rebuild's reading of its records), their count by severity,
    and other files' rows (site.yaml's) as they are. A named tuple: see kg.flow.records.Record."""

    file: str
    own: bytes  # its own file's rows (a pickled list, sorted)
    counts: tuple[int, ...]  # those rows by severity (as a number: index 0 is none)
    others: tuple[Row, ...]  # other files' rows, sorted

    @classmethod
    def of(cls, file: str, rows: Sequence[Row]) -> Carried:
        """Of the rows, sorted and once each."""
        own = [r for r in rows if r[0] == file]
        counts = [0] * (len(Severity) + 1)
        for r in own:
            counts[r[3]] += 1
        others = tuple(r for r in rows if r[0] != file)
        return cls(file, pickle.dumps(own, pickle.HIGHEST_PROTOCOL) if own else b"", tuple(counts), others)

    def rows(self) -> list[Row]:
        """Every row, sorted."""
        own: list[Row] = pickle.loads(self.own) if self.own else []
        return sorted([*own, *self.others])

    def worst(self) -> int:
        """The highest severity (as a number) among its rows; 0 when it has none."""
        own = max((s for s, n in enumerate(self.counts) if n), default=0)
        return max([own, *(r[3] for r in self.others)])


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
        self._blocks: list[tuple[bytes, int]] = []  # carried rows (pickled, how many), in report order
        self._later: Appended[Row] | None = None  # the carried rows, on disk past the bound
        self._last = ""  # the file of the last block carried
        self._carried = [0] * (len(Severity) + 1)  # carried rows by severity (as a number)
        self._others: dict[Row, None] = {}  # carried rows of other files added (site.yaml's, on every article)
        self._loose: list[Row] | None = []  # the findings not an article's own, as rows (`loose`)
        self._carried_bits = bytearray()  # the files whose rows were carried as blocks, a bit each (`carried`)
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

    def extend(self, findings: Iterable[Finding], own: str | None = None) -> None:
        """Add findings, once each; those not in the file `own` (an article's, given with its outcome's
        findings) are also `loose`."""
        for f in findings:
            if self._spill is not None:
                if not self._spill.add((f,)):
                    continue
            elif f not in self._findings:
                self._findings[f] = None
                if len(self._findings) > self._bound:
                    self._store()
            else:
                continue
            self._counts[f.severity] += 1
            if self._loose is not None and f.file != own:
                self._loose.append(as_row(f))
                if len(self._loose) > LOOSE:
                    self._loose = None

    def loose(self) -> list[Row] | None:
        """The findings added but as an article's own (site.yaml's, the @id lint's, notices), as rows; None
        past LOOSE of them. With every article's own rows (its record's), they are every finding of the run."""
        return self._loose

    def carry(self, c: Carried) -> None:
        """An article's findings kept as rows: those in its own file as one block, when it comes after the
        last block's in report order; the others (a site.yaml problem, which other articles may find too)
        as findings, once each."""
        rows: Sequence[Row] = c.others
        if c.own:
            if not self._carried_bits:
                self._carried_bits = bytearray(MAYBE >> 3)
            at, mask = _bit(c.file)
            self._carried_bits[at] |= mask
        if c.own and (not self._last or self._last < c.file):
            self._last = c.file
            for severity, n in enumerate(c.counts):
                self._carried[severity] += n
            self._blocks.append((c.own, sum(c.counts)))
            if self._later is None and sum(self._carried) > self._bound:
                self._later = Appended(Path(self._store().store.folder) / "carried")
            if self._later is not None:
                for block, n in self._blocks:
                    self._later.chunk(block, n)
                self._blocks = []
        elif c.own:
            rows = c.rows()
        others = self._others
        if rows := [r for r in rows if r not in others]:
            if len(others) < OTHERS:
                others.update(dict.fromkeys(rows))
            self.extend(map(from_row, rows))

    def carried(self, file: str) -> bool:
        """Whether rows of `file` may have come as a carried block: True for every such file, and for another
        one now and then (a bit per file in 1 MB, not a set of 100,000 names)."""
        if not self._carried_bits:
            return False
        at, mask = _bit(file)
        return bool(self._carried_bits[at] & mask)

    def _carried_blocks(self) -> Iterator[list[Row]]:
        """The carried rows in report order, a block (an article's) at a time (from disk past the bound)."""
        if self._later is not None:
            return self._later.lists()
        return (pickle.loads(block) for block, _ in self._blocks)

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
        return chain.from_iterable(merged(self.own_rows(), self._carried_blocks()))

    def own_rows(self) -> Iterator[Row]:
        """The findings not carried, as rows in Finding's order (with `carried_pieces`: every finding)."""
        return map(as_row, self._sorted())

    def carried_pieces(self) -> Iterator[bytes]:
        """The carried rows as a run of pickled lists (kg.core.spill's format), in report order: past the
        bound the file's bytes as they are, so keeping them costs no unpickling (a rebuild carries ~120,000
        rows of 10,000 articles)."""
        return self._later.pieces() if self._later is not None else (block for block, _ in self._blocks)

    def sorted(self) -> Iterator[Finding]:
        """Every finding in Finding's order. Each call reads them anew."""
        return map(from_row, self.rows()) if self._last else self._sorted()

    def added(self, **values: object) -> Iterator[Finding]:
        """The findings whose fields have these values (`rule=…`) but for those carried from the last build's
        records, whose rows it does not read (~120,000 at 10,000 articles): what the run itself said of its
        articles, such as kg.flow.keep's notices, in Finding's order."""
        if self._spill is not None:
            return self._spill.matching(values)
        return (f for f in self._sorted() if all(getattr(f, k) == v for k, v in values.items()))

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


def _bit(file: str) -> tuple[int, int]:
    """Where `Result.carried` notes a file: its byte of the bits, and the bit in it."""
    bit = hash(file) % MAYBE
    return bit >> 3, 1 << (bit & 7)


def merged(rows: Iterator[Row], blocks: Iterable[list[Row]]) -> Iterator[Iterable[Row]]:
    """Sorted `rows` merged into a run of sorted blocks (every row of a block before the next block's: a
    rebuild's carried articles), as pieces to chain: what heapq.merge gives (on a tie `rows` first), but a
    block no row falls within goes whole, read at C speed (a one-change rebuild of 10,000 articles passed
    120,000 carried rows one by one through heapq.merge's Python loop: a tenth of its report, measured)."""
    pending = next(rows, None)
    for block in blocks:
        before = []  # the rows up to the block's last
        while pending is not None and block and pending <= block[-1]:
            before.append(pending)
            pending = next(rows, None)
        if before and before[-1] > block[0]:
            yield heapq.merge(before, block)
        else:
            yield before
            yield block
    if pending is not None:
        yield (pending,)
        yield rows


def failing_words(counts: Mapping[Severity, int], threshold: Severity) -> str:
    """Distinct findings by severity that fail a run at `threshold`, in words: '1 violation, 13 warnings'."""
    failing = [(counts.get(s, 0), s.label) for s in sorted(Severity, reverse=True) if s >= threshold]
    return ", ".join(f"{n} {label}{'s' if n != 1 else ''}" for n, label in failing if n)
