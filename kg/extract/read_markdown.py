"""Markdown articles: ATX headings, lists, paragraphs; inline markup is reduced to its text."""

from __future__ import annotations

import re

from kg.extract import lexicon
from kg.extract.blocks import Document, with_sections

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*(?:[*+-]|\d{1,3}[.)])\s+(.*)$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(\S(?:.*?\S)?)\1")
_TRAIL = re.compile(r"\s+(?:>|/|\u00bb|\u203a|\u2192)\s+")
_TAGS = re.compile(r"^\s*\**([A-Za-z ]+?)\**\s*:\s*(.+)$")


def inline(text: str) -> str:
    """Visible text of a line of Markdown: images dropped, links and emphasis unwrapped."""
    text = _LINK.sub(r"\1", _IMAGE.sub("", text))
    for _ in range(2):
        text = _EMPHASIS.sub(r"\2", text)
    return " ".join(text.split())


def _paragraphs(lines: list[str]) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            text = inline(" ".join(buffer))
            if text:
                out.append(("paragraph", text, 0))
            buffer.clear()

    for line in lines:
        if not line.strip():
            flush()
        elif m := _HEADING.match(line):
            flush()
            out.append(("heading", inline(m[2]), len(m[1])))
        elif m := _ITEM.match(line):
            flush()
            out.append(("item", inline(m[1]), 0))
        elif line.startswith(("  ", "\t")) and out and out[-1][0] == "item" and not buffer:
            out[-1] = ("item", f"{out[-1][1]} {inline(line)}", 0)
        else:
            buffer.append(line.strip())
    flush()
    return out


def read(text: str) -> Document:
    """Markdown → Document. A trail line before the title (`Home > Skin > …`) is the breadcrumb, a
    `Tags: a, b` line the keywords; a tail-marker heading ends the article; a paragraph that is only
    a bold question is a question heading one level below its section."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":  # front matter is metadata, not article text
        end = next((i for i, ln in enumerate(lines[1:], 1) if ln.strip() == "---"), 0)
        lines = lines[end + 1 :]
    doc = Document()
    raw: list[tuple[str, str, int]] = []
    level = 1
    for kind, text_, lvl in _paragraphs(lines):
        if lexicon.is_chrome_line(text_):
            continue
        if kind == "heading" and lexicon.is_tail_marker(text_):
            break
        if kind == "heading" and lvl == 1 and not doc.title:
            doc.title = text_
            continue
        if not doc.title and kind == "paragraph" and len(parts := _TRAIL.split(text_)) > 1:
            doc.breadcrumb = parts
            continue
        if kind == "paragraph" and (m := _TAGS.match(text_)) and lexicon.is_tag_marker(m[1]):
            doc.keywords += [t.strip() for t in m[2].split(",") if t.strip()]
            continue
        if kind == "heading":
            level = lvl
        elif kind == "paragraph" and text_.endswith("?") and len(text_.split()) <= 30 and "." not in text_:
            raw.append(("heading", text_, level + 1))
            continue
        if doc.title and not doc.description and not raw and kind == "paragraph":
            doc.description = text_
            continue
        raw.append((kind, text_, lvl))
    if doc.breadcrumb and doc.breadcrumb[-1] == doc.title:
        doc.breadcrumb = doc.breadcrumb[:-1]
    doc.blocks = with_sections(raw)
    return doc
