"""The one result model: every check (JSON Schema, SHACL families, lints) returns Findings.

Renderers are pure functions of a Report; nothing here prints.
"""

from __future__ import annotations

import posixpath
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


FAMILIES = ("facts", "medkg", "schemaorg")  # rule families every report knows, even when they found nothing


@dataclass(frozen=True, order=True)
class Page:
    """One checked article, for reports that show more than findings (junit lists clean articles,
    html shows the picture and the JSON-LD)."""

    slug: str
    file: str
    node: str
    picture: str = ""  # inline SVG, or Mermaid source when Graphviz is not installed
    picture_format: str = ""  # "svg" | "mermaid"
    jsonld: str = ""


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    articles: int = 0
    triples: int = 0
    pages: list[Page] = field(default_factory=list)
    threshold: Severity = Severity.VIOLATION  # --fail-on: findings at or above it fail the run
    source_prefix: str = ""  # the working directory relative to the repository root ("" or "sub/dir/")

    def extend(self, findings: list[Finding]) -> None:
        """Add findings, once each: a site.yaml problem found again for every article is one finding."""
        seen = self.__dict__.get("_seen")
        if seen is None:
            seen = self.__dict__["_seen"] = set(self.findings)
        for f in findings:
            if f not in seen:
                seen.add(f)
                self.findings.append(f)

    def sorted(self) -> list[Finding]:
        return sorted(set(self.findings))

    def count(self, severity: Severity) -> int:
        """Distinct findings of a severity (a site.yaml problem repeats for every article)."""
        return Counter(f.severity for f in set(self.findings))[severity]

    def fails(self, threshold: Severity | None = None) -> bool:
        limit = self.threshold if threshold is None else threshold
        return any(f.severity >= limit for f in self.findings)

    def repo_path(self, file: str) -> str:
        """A finding's file as a forward-slash path from the repository root (SARIF, annotations)."""
        return posixpath.normpath(self.source_prefix + file.replace("\\", "/"))
