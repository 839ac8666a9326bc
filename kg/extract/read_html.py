"""HTML pages with the standard library's parser; page chrome is skipped.

Skipped: nav, header, footer, aside, form, script, style and anything whose class or id names
chrome (share, related, sidebar … from the lexicon). Kept from the chrome: the breadcrumb trail,
the tag list and the page's meta description.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from kg.extract import lexicon
from kg.extract.blocks import Document, with_sections

_SKIP_TAGS = {
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "button",
    "iframe",
    "select",
    "figure",
}
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
    text = " ".join(
        [attrs.get("class", ""), attrs.get("id", ""), attrs.get("aria-label", ""), attrs.get("role", "")]
    ).lower()
    tokens = set(text.split())
    return tokens | {part for t in tokens for part in re.split(r"[-_]", t)}


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        chrome = lexicon.data()["chrome"]
        self.chrome_words = set(chrome["html_classes"])
        self.crumb_words = set(chrome["breadcrumb_classes"])
        self.tag_words = set(chrome["tag_classes"])
        self.stack: list[tuple[str, str]] = []  # (tag, role): role is skip | crumbs | tags | ""
        self.current: tuple[str, int, list[str], int] | None = None  # kind, level, text parts, depth
        self.raw: list[tuple[str, str, int]] = []
        self.doc = Document()
        self.title_tag: list[str] = []
        self.in_title = False
        self.section_level = 1
        self.stopped = False

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
        words = _words(attrs)
        role = ""
        if words & self.crumb_words:
            role = "crumbs"
        elif attrs.get("rel") == "tag" or (words & self.tag_words and tag in ("ul", "ol", "div", "p", "span")):
            role = "tags"
        elif tag in _SKIP_TAGS or words & self.chrome_words:
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
        if "crumbs" in roles:
            if kind == "item":
                self.doc.breadcrumb.append(text)
            return
        if "tags" in roles:
            if kind == "item":
                self.doc.keywords.append(text)
            return
        if self.stopped or lexicon.is_chrome_line(text):
            return
        if "skip" in roles and not (kind == "heading" and level == 1):
            return
        if kind == "heading" and lexicon.is_tail_marker(text):
            self.stopped = True
            return
        if kind == "heading" and level == 1 and not self.doc.title:
            self.doc.title = text
            return
        if kind == "heading":
            self.section_level = level
        self.raw.append((kind, text, level if kind == "heading" else 0))

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_tag.append(data)
        if self.current is not None:
            self.current[2].append(data)
        if "tags" in self.roles() and data.strip() and self.stack and self.stack[-1][0] in ("a", "span"):
            self.doc.keywords.append(" ".join(data.split()))


def read(text: str) -> Document:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    doc = parser.doc
    if not doc.title:
        doc.title = " ".join("".join(parser.title_tag).split())
    if doc.breadcrumb and doc.breadcrumb[-1] == doc.title:
        doc.breadcrumb = doc.breadcrumb[:-1]
    doc.keywords = list(dict.fromkeys(doc.keywords))
    doc.blocks = with_sections(parser.raw)
    return doc
