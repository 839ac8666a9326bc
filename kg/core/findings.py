"""Findings: what every check (JSON Schema, SHACL families, lints) returns, one per problem."""

from __future__ import annotations

from dataclasses import dataclass
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


Row = tuple[str, int, int, int, str, str, str, str, str]  # a Finding's fields, its severity as a number:
# tuples sort as findings do, and pickle and store small (kept findings, a run's store on disk)
_SEVERITIES = tuple(Severity)


def as_row(f: Finding) -> Row:
    return (f.file, f.line, f.column, int(f.severity), f.message, f.field, f.node, f.rule, f.family)


def from_row(r: Row) -> Finding:
    file, line, column, severity, message, field, node, rule, family = r
    return Finding(file, line, column, _SEVERITIES[severity - 1], message, field, node, rule, family)


FAMILIES = ("facts", "medkg", "schemaorg")  # rule families every report knows, even when they found nothing
