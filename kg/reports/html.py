"""One self-contained HTML page for people who will not read a CI log.

Findings said alike on many pages first, once each with their count; then per article: its other
findings with file:line, the picture of its graph (inline SVG, or the Mermaid
source where Graphviz is missing) and its JSON-LD. No scripts, fonts, images or style sheets
are loaded from anywhere: everything is inline and every text is escaped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html import escape

from kg.core.findings import Finding
from kg.core.result import Page, Result
from kg.export import picture
from kg.reports.context import RenderContext
from kg.reports.repeated import Repeated, gather, key
from kg.reports.text import summary

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.5rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;vertical-align:top;
padding:.3rem .5rem;border-bottom:1px solid #e4e4e4}code,pre{font:13px/1.4 ui-monospace,monospace}
pre{background:#f6f6f6;padding:.75rem;overflow:auto;max-height:30rem}
.violation{color:#b00020;font-weight:600}.warning{color:#8a5a00;font-weight:600}.info{color:#00607a}
.clean{color:#1b6e20}.picture svg{max-width:100%;height:auto}.note{color:#555;font-style:italic}
"""
_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)


def _findings(findings: list[Finding], repeated: bool = False) -> str:
    if not findings and repeated:
        return '<p class="note">Only findings repeated on many pages (listed at the top).</p>\n'
    if not findings:
        return '<p class="clean">No findings.</p>\n'
    rows = "".join(
        f'<tr class="finding"><td class="{f.severity.label}">{f.severity.label}</td>'
        f"<td><code>{escape(f.where)}</code></td><td><code>{escape(f.field)}</code></td>"
        f"<td>{escape(f.message)}</td><td><code>{escape(f.rule)}</code></td></tr>\n"
        for f in findings
    )
    return (
        "<table><thead><tr><th>severity</th><th>where</th><th>field</th><th>what to do</th><th>rule</th>"
        f"</tr></thead><tbody>\n{rows}</tbody></table>\n"
    )


def _picture(pic: picture.Picture) -> str:
    """Inline SVG where Graphviz is installed, else the Mermaid source."""
    if picture.has_graphviz():
        return f'<div class="picture">{_PROLOGUE.sub("", picture.svg(picture.dot(pic)), count=1)}</div>\n'
    return (
        '<p class="note">Graphviz is not installed, so this is the Mermaid source of the picture '
        "(it renders in pull-request comments and Mermaid viewers).</p>\n"
        f'<pre class="mermaid-source">{escape(picture.mermaid(pic))}</pre>\n'
    )


def _article(page: Page, own: list[Finding], ctx: RenderContext, repeated: bool) -> str:
    shown = ctx.illustrations.get(page.slug)
    return (
        f'<section class="article" id="{escape(page.slug)}"><h2>{escape(page.slug)}</h2>\n'
        f"<p><code>{escape(page.file)}</code> → <code>{escape(page.node)}</code></p>\n"
        f"<h3>Findings</h3>\n{_findings(own, repeated)}"
        + (f"<h3>Graph</h3>\n{_picture(shown.picture)}" if shown else "")
        + (f'<h3>JSON-LD</h3>\n<pre class="jsonld">{escape(shown.jsonld)}</pre>\n' if shown else "")
        + "</section>\n"
    )


def _repeated(repeated: list[Repeated]) -> str:
    """Findings said alike on many pages, once each (an article's own section leaves them out)."""
    if not repeated:
        return ""
    rows = "".join(
        f'<tr class="repeated"><td class="{r.first.severity.label}">{r.first.severity.label}</td>'
        f"<td>{r.pages:,} pages: <code>{escape(r.places())}</code></td><td><code>{escape(r.first.field)}</code></td>"
        f"<td>{escape(r.first.message)}</td><td><code>{escape(r.first.rule)}</code></td></tr>\n"
        for r in repeated
    )
    return (
        '<section class="repeated"><h2>Repeated on many pages</h2>\n'
        "<table><thead><tr><th>severity</th><th>where</th><th>field</th><th>what to do (as said of the first page)"
        f"</th><th>rule</th></tr></thead><tbody>\n{rows}</tbody></table>\n</section>\n"
    )


def render(result: Result, ctx: RenderContext) -> str:
    repeated, single = gather(result.rows)
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in single:
        by_file[f.file].append(f)
    sections = [_repeated(repeated)]
    kinds = {r.key for r in repeated}
    elsewhere = {r[0] for r in result.rows() if key(r) in kinds}
    shown: set[str] = set()
    for page in result.pages():
        shown.add(page.file)
        sections.append(_article(page, by_file.get(page.file, []), ctx, page.file in elsewhere))
    for file in sorted(set(by_file) - shown):
        sections.append(f'<section class="file"><h2>{escape(file)}</h2>\n{_findings(by_file[file])}</section>\n')
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        "<title>medkg report</title>\n"
        f"<style>{_STYLE}</style></head>\n<body>\n<h1>medkg report</h1>\n"
        f'<p class="summary">{escape(summary(result))}</p>\n' + "".join(sections) + "</body></html>\n"
    )
