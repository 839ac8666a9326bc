"""SARIF 2.1.0 for code-scanning UIs: each finding at its facts file, line and column.

Rules are the shapes and schema keywords that produced findings (ruleId = the rule's short
name); levels map violation/warning/info to error/warning/note. Paths are relative to the
repository root (uriBaseId %SRCROOT%), so GitHub shows results inline in pull requests. A finding
said alike on many pages is also listed once, with its counts, in the run's property `repeated`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from kg import __version__
from kg.core.findings import Finding, Severity
from kg.core.result import Result
from kg.reports import jsonstream
from kg.reports.context import RenderContext
from kg.reports.jsonstream import Lazy
from kg.reports.repeated import Repeated, gather

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def rule_id(f: Finding) -> str:
    return f.rule or f.family or "medkg"


def _rules(findings: Iterable[Finding]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """One rule per id, described by its most severe finding's message, the first of those in report
    order (rules carry no other text)."""
    first: dict[str, tuple[int, Finding]] = {}
    for f in findings:
        rid = rule_id(f)
        if rid not in first or (-f.severity, f) < first[rid]:
            first[rid] = (-f.severity, f)
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for rid, (_, f) in sorted(first.items()):
        index[rid] = len(rules)
        rules.append(
            {
                "id": rid,
                "shortDescription": {"text": f.message},
                "defaultConfiguration": {"level": LEVELS[f.severity]},
                "properties": {"family": f.family},
            }
        )
    return rules, index


def _location(ctx: RenderContext, f: Finding) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": ctx.repo_path(f.file), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)},
        },
    }
    if f.field:
        location["logicalLocations"] = [{"fullyQualifiedName": f.field, "kind": "member"}]
    return location


def _message(f: Finding) -> dict[str, str]:
    return {"text": f"{f.field}: {f.message}" if f.field else f.message}


def _result(ctx: RenderContext, f: Finding, index: dict[str, int]) -> dict[str, Any]:
    return {
        "ruleId": rule_id(f),
        "ruleIndex": index[rule_id(f)],
        "level": LEVELS[f.severity],
        "message": _message(f),
        "locations": [_location(ctx, f)],
        "properties": {"family": f.family, "field": f.field, "node": f.node},
    }


def _repeated(ctx: RenderContext, r: Repeated) -> dict[str, Any]:
    """A finding said alike on many pages (each of its results is in `results` too): SARIF has no object for
    it, so it goes in the run's property bag, worded as its first result."""
    return {
        "ruleId": rule_id(r.first),
        "level": LEVELS[r.first.severity],
        "message": _message(r.first),
        "wordedAlike": r.worded_alike,
        "results": r.count,
        "pages": r.pages,
        "firstLocations": [_location(ctx, f) for f in r.sample],
    }


def chunks(result: Result, ctx: RenderContext) -> Iterator[str]:
    """The log in pieces: the rules and the repeated findings from two first readings of the findings, each
    result made as it is written."""
    rules, index = _rules(result.sorted())
    repeated, _ = gather(result.rows, singles=False)
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "medkg", "version": __version__, "rules": rules}},
                "columnKind": "unicodeCodePoints",
                "properties": {"repeated": [_repeated(ctx, r) for r in repeated]},
                "results": Lazy(_result(ctx, f, index) for f in result.sorted()),
            }
        ],
    }
    yield from jsonstream.chunks(doc)
    yield "\n"


def render(result: Result, ctx: RenderContext) -> str:
    return "".join(chunks(result, ctx))
