"""Machine-readable; the shape is documented in docs/report.schema.json (version 1)."""

from __future__ import annotations

from collections.abc import Iterator

from kg.core.findings import Severity
from kg.core.result import Result
from kg.reports import jsonstream
from kg.reports.context import RenderContext
from kg.reports.jsonstream import Lazy

REPORT_SCHEMA_VERSION = "1"


def chunks(result: Result, ctx: RenderContext) -> Iterator[str]:
    """The report in pieces, each finding made as it is written."""
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
