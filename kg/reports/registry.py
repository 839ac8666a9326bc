"""The report formats, by name: the one registry the CLI's --format choices come from."""

from __future__ import annotations

from kg.reports import github, html, json_report, junit, sarif, text
from kg.reports.context import Renderer

RENDERERS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_report.render,
    "junit": junit.render,
    "sarif": sarif.render,
    "github": github.render,
    "html": html.render,
}
