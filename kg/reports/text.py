"""For people: findings grouped by file, most severe first within a line, then a summary."""

from __future__ import annotations

from itertools import groupby

from kg.core.findings import Finding, Severity
from kg.core.result import Result
from kg.reports.context import RenderContext

_COLOURS = {Severity.VIOLATION: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}


def summary(result: Result) -> str:
    return (
        f"{result.articles} article{'s' if result.articles != 1 else ''}, {result.triples} triples, "
        f"{result.count(Severity.VIOLATION)} violations, {result.count(Severity.WARNING)} warnings, "
        f"{result.count(Severity.INFO)} infos"
    )


def _line(f: Finding, colour: bool) -> str:
    label = f.severity.label
    if colour:
        label = f"{_COLOURS[f.severity]}{label}\033[0m"
    field = f"{f.field}: " if f.field else ""
    rule = f"  [{f.rule}]" if f.rule else ""
    return f"{f.where}: {label}: {field}{f.message}{rule}"


def render(result: Result, ctx: RenderContext) -> str:
    lines: list[str] = []
    for file, group in groupby(result.sorted(), key=lambda f: f.file):
        lines.append(file)
        lines += ["  " + _line(f, ctx.colour) for f in group]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"
