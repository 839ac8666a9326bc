"""HTML pages: trafilatura finds the main content, the standard library's parser reads its blocks.

Main-content extraction is trafilatura's (a maintained boilerplate remover, scored on web-page benchmarks), not
hand-written rules about class names: menus, sharing bars, sidebars and footers are left out by it. The page's
own chrome that a draft keeps (the breadcrumb trail, the tag list, the meta description and the `<title>`) is read
from the whole page. When trafilatura finds no main content (a very short page), the whole body is read,
without scripts, styles and navigation.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import trafilatura

from kg.extract import lexicon
from kg.extract.blocks import Document, with_sections

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "nav", "select", "button"}  # never text
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_BLOCKS = {
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "p": "paragraph",
    "li": "item",
    "summary": "heading",
    "dt": "heading",
    "dd": "paragraph",
    "blockquote": "paragraph",
}


def _words(attrs: dict[str, str]) -> set[str]:
    text = " ".join([attrs.get("class", ""), attrs.get("id", "")]).lower()
    tokens = set(text.split())
    return tokens | {part for t in tokens for part in re.split(r"[-_]", t)}


class _Parser(HTMLParser):
    """Blocks in reading order; on the whole page (`page=True`) also the breadcrumb, tags, meta description."""

    def __init__(self, *, page: bool) -> None:
        super().__init__(convert_charrefs=True)
        chrome = lexicon.data()["chrome"]
        self.page = page
        self.crumb_words = set(chrome["breadcrumb_classes"])
        self.tag_words = set(chrome["tag_classes"])
        self.stack: list[tuple[str, str]] = []  # (tag, role): role is skip | crumbs | tags | ""
        self.current: tuple[str, int, list[str], int] | None = None  # kind, level, text parts, depth
        self.raw: list[tuple[str, str, int]] = []
        self.doc = Document()
        self.title_tag: list[str] = []
        self.in_title = False
        self.section_level = 1

    def roles(self) -> set[str]:
        return {role for _, role in self.stack}

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "meta" and attrs.get("name", "").lower() == "description" and attrs.get("content"):
            self.doc.description = " ".join(attrs["content"].split())
        if tag == "title":
            self.in_title = True
        if tag in _VOID:
            return
        words = _words(attrs) if self.page else set()
        role = ""
        if words & self.crumb_words:
            role = "crumbs"
        elif self.page and (
            attrs.get("rel") == "tag" or (words & self.tag_words and tag in ("ul", "ol", "div", "p", "span"))
        ):
            role = "tags"
        elif tag in _SKIP_TAGS:
            role = "skip"
        self.stack.append((tag, role))
        if tag in _BLOCKS and self.current is None:
            level = int(tag[1]) if tag[0] == "h" and tag[1:].isdigit() else self.section_level + 1
            self.current = (_BLOCKS[tag], level, [], len(self.stack))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if not any(t == tag for t, _ in self.stack):
            return
        roles = self.roles()
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if self.current is not None and len(self.stack) < self.current[3]:
            kind, level, parts, _ = self.current
            self.current = None
            text = " ".join("".join(parts).split())
            if text:
                self.emit(kind, text, level, roles)

    def emit(self, kind: str, text: str, level: int, roles: set[str]) -> None:
        if "crumbs" in roles or "tags" in roles:
            if kind == "item":
                (self.doc.breadcrumb if "crumbs" in roles else self.doc.keywords).append(text)
            return
        if "skip" in roles or lexicon.is_chrome_line(text):
            return
        if kind == "item" and text.endswith("?") and len(text.split()) <= 30:
            kind, level = "heading", self.section_level + 1  # a question as a list item (<dt>, FAQ lists)
        if kind == "heading" and level == 1 and not self.doc.title:
            self.doc.title = text
            return
        if kind == "heading" and not text.endswith("?"):
            self.section_level = level
        self.raw.append((kind, text, level if kind == "heading" else 0))

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_tag.append(data)
        if self.current is not None:
            self.current[2].append(data)
        if "tags" in self.roles() and data.strip() and self.stack and self.stack[-1][0] in ("a", "span"):
            self.doc.keywords.append(" ".join(data.split()))


def _parse(text: str, *, page: bool) -> _Parser:
    parser = _Parser(page=page)
    parser.feed(text)
    parser.close()
    return parser


def main_content(text: str) -> str | None:
    """The page's main content as simple HTML (headings, paragraphs, lists), or None when trafilatura finds none."""
    found: str | None = trafilatura.extract(
        text,
        output_format="html",
        include_formatting=True,
        include_comments=False,
        include_tables=True,
        include_links=False,
        include_images=False,
        favor_recall=True,  # a consumer article's short Q&A and list items are content, not boilerplate
    )
    return found


def read(text: str) -> Document:
    """The blocks of the page's main content, its title, and the breadcrumb, tags and description of the page."""
    page = _parse(text, page=True)
    content = main_content(text)
    body = _parse(content, page=False) if content else page
    doc = body.doc
    lexicon_tail = next(
        (i for i, (k, t, _) in enumerate(body.raw) if k == "heading" and lexicon.is_tail_marker(t)), None
    )
    raw = body.raw[:lexicon_tail]
    doc.title = doc.title or page.doc.title or " ".join("".join(page.title_tag).split())
    doc.description = page.doc.description
    doc.breadcrumb = page.doc.breadcrumb[:-1] if page.doc.breadcrumb[-1:] == [doc.title] else page.doc.breadcrumb
    doc.keywords = list(dict.fromkeys(page.doc.keywords))
    crumbs = set(doc.breadcrumb) | set(doc.keywords)
    doc.blocks = with_sections([b for b in raw if not (b[0] == "item" and b[1] in crumbs)])
    return doc
