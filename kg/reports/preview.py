"""`kg preview`: what each Google search feature can use from an article's page, as a person would
want to see it — a search result, the Article facts, the breadcrumb trail, the publisher, the
medical review — with what is missing next to each, from the build's own findings.

One self-contained HTML page (no scripts, no remote assets except the article's own image and logo
URLs). Every text is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from kg.core.findings import Finding, Severity

_CSS = """body{font:15px/1.45 system-ui,sans-serif;margin:24px;max-width:900px;color:#202124}
h1{font-size:20px}section{border:1px solid #dadce0;border-radius:8px;padding:12px 16px;margin:12px 0}
h2{font-size:16px;margin:0 0 8px}.serp .crumbs{color:#4d5156;font-size:13px}
.serp .title{color:#1a0dab;font-size:20px}.missing{color:#b3261e}.ok{color:#137333}
dl{display:grid;grid-template-columns:160px 1fr;gap:4px 12px;margin:0}dt{color:#5f6368}
img{max-width:160px;max-height:120px;border:1px solid #dadce0}ul.todo{margin:6px 0 0;padding-left:20px}"""

_FEATURES = {  # section: rule fragments of the findings that belong to it
    "Search result": ("page-url", "left-out-website"),
    "Article": (
        ":Article-author",
        ":Article-date",
        ":Article-image",
        ":Article-headline",
        "Author-",
        "left-out-image",
        "left-out-person",
    ),
    "Breadcrumb": ("Breadcrumb", "left-out-breadcrumb"),
    "Publisher": ("Organization-", "ImageObject-", "left-out-organization", "left-out-logo"),
    "Medical review": ("Article-lastReviewed", "Article-reviewedBy"),
}


def _nodes(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["@id"]: n for n in doc.get("@graph", []) if isinstance(n, dict) and "@id" in n}


def _types(node: dict[str, Any]) -> list[str]:
    t = node.get("@type", [])
    return [t] if isinstance(t, str) else list(t)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _get(nodes: dict[str, dict[str, Any]], value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return nodes.get(str(value.get("@id")), value)
    if isinstance(value, str):
        return nodes.get(value, {"name": value})  # a reference compacted to its IRI, or plain text
    return {}


def _value(v: Any) -> str:
    return escape(str(v.get("@value", v)) if isinstance(v, dict) else str(v))


def _row(label: str, value: str | None, missing: str = "not given") -> str:
    shown = value if value else f'<span class="missing">— {escape(missing)}</span>'
    return f"<dt>{escape(label)}</dt><dd>{shown}</dd>"


def _image(nodes: dict[str, dict[str, Any]], value: Any) -> str | None:
    img = _get(nodes, _list(value)[0]) if _list(value) else {}
    url = img.get("contentUrl") or img.get("url")
    if not url:
        return None
    width, height = (_get(nodes, img.get(k)).get("value") for k in ("width", "height"))
    size = f" ({width}&times;{height} px)" if width and height else ""
    return f'<img src="{escape(str(url))}" alt="{escape(str(img.get("caption", "")))}">{size}'


def _names(nodes: dict[str, dict[str, Any]], value: Any) -> str | None:
    names = [escape(str(_get(nodes, v).get("name", ""))) for v in _list(value)]
    return ", ".join(n for n in names if n) or None


def _todo(findings: list[Finding], fragments: tuple[str, ...]) -> str:
    mine = sorted(
        {f.message for f in findings if f.severity >= Severity.WARNING and any(x in f.rule for x in fragments)}
    )
    if not mine:
        return '<p class="ok">Nothing missing for this feature.</p>'
    return '<ul class="todo">' + "".join(f'<li class="missing">{escape(m)}</li>' for m in mine) + "</ul>"


def render(doc: dict[str, Any], findings: list[Finding], facts_file: str) -> str:
    nodes = _nodes(doc)
    page = next((n for n in nodes.values() if any(t.endswith("WebPage") for t in _types(n))), {})
    article = next((n for n in nodes.values() if set(_types(n)) & {"Article", "NewsArticle", "BlogPosting"}), {})
    crumbs = _get(nodes, page.get("breadcrumb")) if page.get("breadcrumb") else {}
    items = sorted((_get(nodes, i) for i in _list(crumbs.get("itemListElement"))), key=lambda i: i.get("position", 0))
    trail = (
        " &rsaquo; ".join(
            escape(str(i.get("name", ""))) + ("" if i.get("item") else ' <span class="missing">(no URL)</span>')
            for i in items
        )
        or None
    )
    publisher = _get(nodes, article.get("publisher") or page.get("publisher"))
    title = escape(str(page.get("headline") or page.get("name") or article.get("headline") or ""))
    url = page.get("url")
    sections = {
        "Search result": f'<div class="serp"><div class="crumbs">{escape(str(url)) if url else "(no page URL)"}'
        f'{" &rsaquo; " + trail if trail else ""}</div><div class="title">{title}</div>'
        f"<div>{escape(str(page.get('description', '')))}</div></div>",
        "Article": "<dl>"
        + _row("type", escape(" ".join(_types(article))) if article else None, "no Article node")
        + _row("headline", _value(article["headline"]) if "headline" in article else None)
        + _row("image", _image(nodes, article.get("image")))
        + _row("published", _value(article["datePublished"]) if "datePublished" in article else None)
        + _row("modified", _value(article["dateModified"]) if "dateModified" in article else None)
        + _row("author", _names(nodes, article.get("author")))
        + "</dl>",
        "Breadcrumb": "<dl>" + _row("trail", trail, "no breadcrumb published") + "</dl>",
        "Publisher": "<dl>"
        + _row("name", escape(str(publisher.get("name", ""))) or None)
        + _row("url", escape(str(publisher["url"])) if publisher.get("url") else None)
        + _row("logo", _image(nodes, publisher.get("logo")))
        + "</dl>",
        "Medical review": "<dl>"
        + _row("reviewed by", _names(nodes, page.get("reviewedBy")))
        + _row("last reviewed", _value(page["lastReviewed"]) if "lastReviewed" in page else None)
        + "</dl>",
    }
    body = "".join(
        f'<section id="{name.lower().replace(" ", "-")}"><h2>{escape(name)}</h2>{html}'
        f"{_todo(findings, _FEATURES[name])}</section>"
        for name, html in sections.items()
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Preview: {title}</title>'
        f"<style>{_CSS}</style></head><body><h1>What search features can use from this page</h1>"
        f"<p>From <code>{escape(facts_file)}</code>. Red: missing, with what to add.</p>{body}</body></html>\n"
    )
