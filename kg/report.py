"""The one result model: every check (JSON Schema, SHACL families, lints) returns Findings.

Renderers are pure functions of a Report; nothing here prints.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import IntEnum


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    VIOLATION = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        return cls[value.upper()]


@dataclass(frozen=True, order=True)
class Finding:
    """One problem, pointing at the facts file and line that produced it."""

    file: str
    line: int
    column: int
    severity: Severity
    message: str
    field: str = ""
    node: str = ""
    rule: str = ""
    family: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    articles: int = 0
    triples: int = 0

    def extend(self, findings: list[Finding]) -> None:
        """Add findings, once each: a site.yaml problem found again for every article is one finding."""
        seen = self.__dict__.setdefault("_seen", set(self.findings))
        for f in findings:
            if f not in seen:
                seen.add(f)
                self.findings.append(f)

    def sorted(self) -> list[Finding]:
        return sorted(set(self.findings))

    def count(self, severity: Severity) -> int:
        """Distinct findings of a severity (a site.yaml problem repeats for every article)."""
        return Counter(f.severity for f in set(self.findings))[severity]

    def fails(self, threshold: Severity = Severity.VIOLATION) -> bool:
        return any(f.severity >= threshold for f in self.findings)
