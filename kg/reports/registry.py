"""The report formats, by name: the one registry the CLI's --format choices come from. A renderer's
module is imported on first use (the html report's picture code costs a tenth of a second). `chunks`
gives a report in pieces: json and sarif write theirs finding by finding, the others in one piece."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

from kg.core.result import Result
from kg.reports.context import RenderContext, Renderer


def _lazy(module: str) -> Renderer:
    def render(result: Result, ctx: RenderContext) -> str:
        rendered: str = importlib.import_module(f"kg.reports.{module}").render(result, ctx)
        return rendered

    return render


_MODULES = {
    "text": "text",
    "json": "json_report",
    "junit": "junit",
    "sarif": "sarif",
    "github": "github",
    "html": "html",
}
RENDERERS: dict[str, Renderer] = {name: _lazy(module) for name, module in _MODULES.items()}
GATHERED = frozenset({"text", "github"})  # the formats whose report is a Gathering's (kg.reports.repeated)


def chunks(fmt: str, result: Result, ctx: RenderContext) -> Iterator[str]:
    module = importlib.import_module(f"kg.reports.{_MODULES[fmt]}")
    if hasattr(module, "chunks"):
        yield from module.chunks(result, ctx)
    else:
        yield RENDERERS[fmt](result, ctx)
