"""Machine-readable; the shape is documented in docs/report.schema.json (version 1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kg.core.findings import Severity
from kg.core.result import Result
from kg.reports import jsonstream
from kg.reports.context import RenderContext
from kg.reports.jsonstream import Lazy
from kg.reports.repeated import Repeated, gather

REPORT_SCHEMA_VERSION = "1"


def _repeated(r: Repeated) -> dict[str, Any]:
    """A finding said alike on many pages, as its first page says it, with its counts and first places."""
    f = r.first
    return {
        "severity": f.severity.label,
        "rule": f.rule,
        "family": f.family,
        "field": f.field,
        "message": f.message,
        "worded_alike": r.worded_alike,
        "findings": r.count,
        "pages": r.pages,
        "first": [{"file": s.file, "line": s.line, "column": s.column} for s in r.sample],
    }


def chunks(result: Result, ctx: RenderContext) -> Iterator[str]:
    """The report in pieces, each finding made as it is written (the repeated ones gathered first, in a
    reading of their own)."""
    repeated, _ = gather(result.rows, singles=False)
    doc = {
        "version": REPORT_SCHEMA_VERSION,
        "summary": {
            "articles": result.articles,
            "triples": result.triples,
            "violations": result.count(Severity.VIOLATION),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
        },
        "fail_on": ctx.threshold.label,
        "failed": result.failed(ctx.threshold),
        "repeated": [_repeated(r) for r in repeated],
        "pages": Lazy({"slug": p.slug, "file": p.file, "node": p.node} for p in result.pages()),
        "findings": Lazy(
            {
                "severity": f.severity.label,
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "field": f.field,
                "message": f.message,
                "node": f.node,
                "rule": f.rule,
                "family": f.family,
            }
            for f in result.sorted()
        ),
    }
    yield from jsonstream.chunks(doc)
    yield "\n"


def render(result: Result, ctx: RenderContext) -> str:
    return "".join(chunks(result, ctx))
