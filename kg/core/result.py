"""The one result model every command returns: findings, what was checked, and the exit decision.

A Result holds no presentation state; renderers are pure functions of a Result and a RenderContext.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from operator import attrgetter

from kg.core.findings import Finding, Severity

_ORDER = attrgetter(*(f.name for f in fields(Finding)))


@dataclass(frozen=True, order=True)
class Page:
    """One checked article (junit lists clean articles, html shows each one's picture)."""

    slug: str
    file: str
    node: str


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    articles: int = 0
    triples: int = 0
    pages: list[Page] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)  # files that could not be checked (bad input)

    def __post_init__(self) -> None:
        self.findings = list(dict.fromkeys(self.findings))  # once each, as `extend` keeps them
        self._seen = set(self.findings)

    def extend(self, findings: list[Finding]) -> None:
        """Add findings, once each: a site.yaml problem found again for every article is one finding."""
        for f in findings:
            if f not in self._seen:
                self._seen.add(f)
                self.findings.append(f)

    def add_problems(self, problems: list[Finding]) -> None:
        """Input problems: kept apart (they decide the exit code) and reported with the findings."""
        self.problems += problems
        self.extend(problems)

    def sorted(self) -> list[Finding]:
        """In Finding's order (file, line, column, …), by a key: the dataclass's own comparisons cost
        seconds for the 120,000 findings of a 10,000-article site."""
        return sorted(self.findings, key=_ORDER)

    def count(self, severity: Severity) -> int:
        """Distinct findings of a severity (a site.yaml problem repeats for every article)."""
        return Counter(f.severity for f in self.findings)[severity]

    def failed(self, threshold: Severity) -> bool:
        """Whether any finding is at or above `threshold` (the run's fail_on)."""
        return any(f.severity >= threshold for f in self.findings)

    def failing(self, threshold: Severity) -> str:
        """The counts that fail the run, in words: '1 violation, 13 warnings'."""
        return failing_words({s: self.count(s) for s in Severity}, threshold)


def failing_words(counts: Mapping[Severity, int], threshold: Severity) -> str:
    """Distinct findings by severity that fail a run at `threshold`, in words: '1 violation, 13 warnings'."""
    failing = [(counts.get(s, 0), s.label) for s in sorted(Severity, reverse=True) if s >= threshold]
    return ", ".join(f"{n} {label}{'s' if n != 1 else ''}" for n, label in failing if n)
