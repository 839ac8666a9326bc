"""The report formats, by name: the one registry the CLI's --format choices come from. A renderer's
module is imported on first use (the html report's picture code costs a tenth of a second)."""

from __future__ import annotations

import importlib

from kg.core.result import Result
from kg.reports.context import RenderContext, Renderer


def _lazy(module: str) -> Renderer:
    def render(result: Result, ctx: RenderContext) -> str:
        rendered: str = importlib.import_module(f"kg.reports.{module}").render(result, ctx)
        return rendered

    return render


RENDERERS: dict[str, Renderer] = {
    name: _lazy(module)
    for name, module in (
        ("text", "text"),
        ("json", "json_report"),
        ("junit", "junit"),
        ("sarif", "sarif"),
        ("github", "github"),
        ("html", "html"),
    )
}
