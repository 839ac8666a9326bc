"""GitHub Actions workflow commands: one `::error|warning|notice file=…,line=…,col=…,title=…::message`
line per finding, so each shows as an annotation on the facts line in the pull request (a finding
repeated on many pages at its first few places: the runner shows only a few annotations per step)."""

from __future__ import annotations

from kg.core.findings import Finding, Severity
from kg.core.result import Result
from kg.reports.context import RenderContext
from kg.reports.repeated import gathered

COMMANDS = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message part: %, CR and LF are the characters the runner decodes."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also ':' and ',' which would end the value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(ctx: RenderContext, f: Finding, also: str = "") -> str:
    title = f"medkg {f.rule or f.family}" + (f": {f.field}" if f.field else "")
    props = {"file": ctx.repo_path(f.file), "line": str(max(f.line, 1)), "col": str(max(f.column, 1)), "title": title}
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
    return f"::{COMMANDS[f.severity]} {head}::{escape_data(f.message + also)}"


def render(result: Result, ctx: RenderContext) -> str:
    """A finding said alike on many pages is annotated at its first few places only, saying so."""
    gathering = ctx.gathering or gathered(result)
    repeated, single = gathering.repeated(), gathering.singles()
    lines = [annotation(ctx, f) for f in single]
    for r in repeated:
        also = f" (the same on {r.pages:,} pages; `--format json` lists every one)"
        lines += [annotation(ctx, f, also) for f in r.sample]
    return "".join(line + "\n" for line in lines)
