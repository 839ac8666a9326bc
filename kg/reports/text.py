"""For people: findings grouped by file, most severe first within a line; a finding said alike on
many pages once, with its count and a few of its places (kg.reports.repeated); then a summary."""

from __future__ import annotations

from itertools import groupby

from kg.core.findings import Finding, Severity
from kg.core.result import Result
from kg.reports.context import RenderContext
from kg.reports.repeated import Repeated, gathered

_COLOURS = {Severity.VIOLATION: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}


def summary(result: Result) -> str:
    return (
        f"{result.articles} article{'s' if result.articles != 1 else ''}, {result.triples} triples, "
        f"{result.count(Severity.VIOLATION)} violations, {result.count(Severity.WARNING)} warnings, "
        f"{result.count(Severity.INFO)} infos"
    )


def _what(f: Finding, colour: bool) -> str:
    label = f.severity.label
    if colour:
        label = f"{_COLOURS[f.severity]}{label}\033[0m"
    field = f"{f.field}: " if f.field else ""
    rule = f"  [{f.rule}]" if f.rule else ""
    return f"{label}: {field}{f.message}{rule}"


def repeated_lines(repeated: list[Repeated], colour: bool = False) -> list[str]:
    """Each finding said alike on many pages, once: what it says, then on how many pages and where first."""
    lines: list[str] = []
    for r in repeated:
        lines.append(f"  {_what(r.first, colour)}")
        each = "" if r.worded_alike else " (as said of the first; each names its own nodes)"
        lines.append(f"    on {r.pages:,} pages{each}: {r.places()}")
    return lines


def render(result: Result, ctx: RenderContext) -> str:
    gathering = ctx.gathering or gathered(result)
    repeated, single = gathering.repeated(), gathering.singles()
    lines: list[str] = []
    for file, group in groupby(single, key=lambda f: f.file):
        lines.append(file)
        lines += [f"  {f.where}: {_what(f, ctx.colour)}" for f in group]
    if repeated:
        lines.append("Repeated on many pages (each shown once):")
    lines += repeated_lines(repeated, ctx.colour)
    lines.append(summary(result))
    return "\n".join(lines) + "\n"
