"""`kg audit` over a site: several files or URLs, folders of pages, and sitemaps (sitemaps.org 0.9:
a `<urlset>` of `<loc>`s, or a `<sitemapindex>` of further sitemaps), each page audited on its own.

A sitemap is a local `.xml` file or an http(s) URL ending in `.xml`; its pages are read in the order
listed, at most `limit` of them over all sitemaps. A page that cannot be read (unreachable, not HTML)
is a row with its error and a violation `audit:unreadable`; the run goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from kg.audit.audit import Audited
from kg.audit.fetch import Limits, fetch
from kg.core.errors import InputError, KgError
from kg.core.findings import Finding, Severity
from kg.core.result import Result

PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".jsonld")
XML_TYPES = frozenset({"application/xml", "text/xml"})
_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _is_sitemap(source: str) -> bool:
    return source.lower().split("?", 1)[0].endswith(".xml")


def _sitemap_text(source: str, limits: Limits) -> tuple[bytes, str]:
    if re.match(r"https?://", source, re.IGNORECASE):
        page = fetch(source, limits, types=XML_TYPES | frozenset({"text/plain"}))
        return page.text.encode("utf-8"), page.url
    path = Path(source)
    try:
        return path.read_bytes(), path.resolve().as_uri()
    except OSError as e:
        raise InputError(f"{source}: cannot read the sitemap ({e.strerror})") from None


def sitemap(source: str, limits: Limits, limit: int, depth: int = 0) -> list[str]:
    """The page URLs a sitemap lists (a sitemap index is followed one level), at most `limit`."""
    body, _ = _sitemap_text(source, limits)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body.lstrip(), parser)
    except etree.XMLSyntaxError as e:
        raise InputError(f"{source}: not a sitemap: {e}") from None
    locs = [str(loc.text).strip() for loc in root.iter(f"{_NS}loc", "loc") if loc.text and loc.text.strip()]
    if etree.QName(root).localname == "sitemapindex":
        if depth:
            return []
        pages: list[str] = []
        for child in locs:
            pages += sitemap(child, limits, limit - len(pages), depth + 1)
            if len(pages) >= limit:
                break
        return pages[:limit]
    if etree.QName(root).localname != "urlset":
        raise InputError(
            f"{source}: not a sitemap (root element <{etree.QName(root).localname}>, expected "
            "<urlset> or <sitemapindex>)"
        )
    return locs[:limit]


def expand(sources: tuple[str, ...], limits: Limits, limit: int) -> list[str]:
    """The pages to audit: files as given, folders' pages (sorted), sitemaps' URLs (at most `limit`)."""
    pages: list[str] = []
    budget = limit
    for source in sources:
        path = Path(source)
        if not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]+://", source) and path.is_dir():
            pages += sorted(str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES)
        elif _is_sitemap(source):
            listed = sitemap(source, limits, budget)
            budget -= len(listed)
            pages += listed
        else:
            pages.append(source)
    return pages


def audit_all(pages: list[str], run: Callable[[str], Audited]) -> list[Audited]:
    """Audit each page; one that cannot be read becomes a row with its error."""
    done = []
    for page in pages:
        try:
            done.append(run(page))
        except KgError as e:
            failed = Finding(
                page,
                1,
                1,
                Severity.VIOLATION,
                f"The page could not be audited: {e}",
                "",
                "",
                "audit:unreadable",
                "audit",
            )
            done.append(Audited(page, Result(findings=[failed]), None, str(e)))
    return done


def combined(rows: list[Audited]) -> Result:
    """One Result for all pages."""
    result = Result(articles=len(rows))
    for row in rows:
        result.triples += row.result.triples
        result.extend(row.result.sorted())
    return result
