"""GitHub Actions workflow commands: one `::error|warning|notice file=…,line=…,col=…,title=…::message`
line per finding, so each shows as an annotation on the facts line in the pull request."""

from __future__ import annotations

from kg.core.findings import Finding, Severity
from kg.core.result import Result
from kg.reports.context import RenderContext

COMMANDS = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message part: %, CR and LF are the characters the runner decodes."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also ':' and ',' which would end the value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(ctx: RenderContext, f: Finding) -> str:
    title = f"medkg {f.rule or f.family}" + (f": {f.field}" if f.field else "")
    props = {"file": ctx.repo_path(f.file), "line": str(max(f.line, 1)), "col": str(max(f.column, 1)), "title": title}
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
    return f"::{COMMANDS[f.severity]} {head}::{escape_data(f.message)}"


def render(result: Result, ctx: RenderContext) -> str:
    return "".join(annotation(ctx, f) + "\n" for f in result.sorted())
