"""Renderers: pure functions from a Report to text. The CLI picks one and prints it."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby

from kg.core.findings import Finding, Report, Severity

REPORT_SCHEMA_VERSION = "1"
_COLOURS = {Severity.VIOLATION: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}


def summary(report: Report) -> str:
    return (f"{report.articles} article{'s' if report.articles != 1 else ''}, {report.triples} triples, "
            f"{report.count(Severity.VIOLATION)} violations, {report.count(Severity.WARNING)} warnings, "
            f"{report.count(Severity.INFO)} infos")


def _line(f: Finding, colour: bool) -> str:
    label = f.severity.label
    if colour:
        label = f"{_COLOURS[f.severity]}{label}\033[0m"
    field = f"{f.field}: " if f.field else ""
    rule = f"  [{f.rule}]" if f.rule else ""
    return f"{f.where}: {label}: {field}{f.message}{rule}"


def text(report: Report, *, colour: bool = False) -> str:
    """For people: findings grouped by file, most severe first within a line, then a summary."""
    lines: list[str] = []
    for file, group in groupby(report.sorted(), key=lambda f: f.file):
        lines.append(file)
        lines += ["  " + _line(f, colour) for f in group]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    """Machine-readable; the shape is documented in docs/report.schema.json (version 1)."""
    doc = {
        "version": REPORT_SCHEMA_VERSION,
        "summary": {
            "articles": report.articles,
            "triples": report.triples,
            "violations": report.count(Severity.VIOLATION),
            "warnings": report.count(Severity.WARNING),
            "infos": report.count(Severity.INFO),
        },
        "fail_on": report.threshold.label,
        "failed": report.fails(),
        "pages": [{"slug": p.slug, "file": p.file, "node": p.node} for p in sorted(report.pages)],
        "findings": [
            {"severity": f.severity.label, "file": f.file, "line": f.line, "column": f.column, "field": f.field,
             "message": f.message, "node": f.node, "rule": f.rule, "family": f.family}
            for f in report.sorted()
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _formats() -> dict[str, Callable[[Report], str]]:
    from kg.reports import github, html, junit, sarif  # they build on summary() above

    return {"text": text, "json": as_json, "junit": junit.render, "sarif": sarif.render, "github": github.render,
            "html": html.render}


RENDERERS: dict[str, Callable[[Report], str]] = _formats()
