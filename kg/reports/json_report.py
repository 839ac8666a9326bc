"""Machine-readable; the shape is documented in docs/report.schema.json (version 1)."""

from __future__ import annotations

import json

from kg.core.findings import Severity
from kg.core.result import Result
from kg.reports.context import RenderContext

REPORT_SCHEMA_VERSION = "1"


def render(result: Result, ctx: RenderContext) -> str:
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
        "pages": [{"slug": p.slug, "file": p.file, "node": p.node} for p in result.pages()],
        "findings": [
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
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
