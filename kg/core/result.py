"""The one result model every command returns: findings, what was checked, and the exit decision.

A Result holds no presentation state; renderers are pure functions of a Result and a RenderContext.
A large run's findings and pages do not stay in memory: past `BOUND` of them they go to a store on
disk (kg.core.runstore) and are read back in report order, so memory stays flat however many there are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from operator import attrgetter

from kg.core.findings import Finding, Severity
from kg.core.spill import Spill

BOUND = 20000  # findings, and pages, kept in memory before the run's go to disk
_ORDER = attrgetter(*(f.name for f in fields(Finding)))


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

    def sorted(self) -> Iterator[Finding]:
        """In Finding's order (file, line, column, …), by a key: the dataclass's own comparisons cost
        seconds for the 120,000 findings of a 10,000-article site. Each call reads them anew."""
        if self._spill is not None:
            return self._spill.sorted()
        return iter(sorted(self._findings, key=_ORDER))

    def matching(self, **values: object) -> Iterator[Finding]:
        """The findings whose fields have these values (`family="idlint"`), in Finding's order."""
        if self._spill is not None:
            return self._spill.matching(values)
        return (f for f in self.sorted() if all(getattr(f, k) == v for k, v in values.items()))

    def pages(self) -> Iterator[Page]:
        """The checked pages in Page's order (slug, file, node)."""
        if self._spill is not None:
            return (Page(*row) for row in self._spill.pages())
        return iter(sorted(self._pages))

    def __len__(self) -> int:
        return sum(self._counts.values())

    def count(self, severity: Severity) -> int:
        """Distinct findings of a severity (a site.yaml problem repeats for every article)."""
        return self._counts[severity]

    def failed(self, threshold: Severity) -> bool:
        """Whether any finding is at or above `threshold` (the run's fail_on)."""
        return any(n and s >= threshold for s, n in self._counts.items())

    def failing(self, threshold: Severity) -> str:
        """The counts that fail the run, in words: '1 violation, 13 warnings'."""
        return failing_words({s: self.count(s) for s in Severity}, threshold)

    def close(self) -> None:
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
