"""Structured plain text (the text of a web page): one paragraph, heading or list item per line."""

from __future__ import annotations

import re

from kg.extract import lexicon
from kg.extract.blocks import Document, with_sections

_BULLET = re.compile(r"^(?:[\u2022\u25cf\u25aa\u25e6\u00b7*+\u2013-]|\d{1,2}[.)])\s+(.*)$")
_NUMBERED = re.compile(r"^\d{1,2}[.)]\s+(.*)$")
_SENTENCE_END = (".", ":", ";", ",", "!")


def _is_heading(line: str) -> bool:
    words = len(line.split())
    if line.endswith("?"):
        return words <= 30
    return not line.endswith(_SENTENCE_END) and words <= 14 and line[:1].isupper()


def _is_tag(line: str) -> bool:
    return len(line.split()) <= 6 and not line.endswith(_SENTENCE_END) and not line.endswith("?")


def read(text: str) -> Document:
    """Lines → Document. Chrome lines are dropped, a leading numbered trail is the breadcrumb,
    short lines after a tag marker ("Share:", "Tags") are the keywords, and a tail marker
    ("Recommended", "Related articles") ends the article."""
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and (lexicon.is_tag_marker(ln) or not lexicon.is_chrome_line(ln))]
    doc = Document()
    i = 0
    crumbs: list[str] = []
    while i < len(lines) and (m := _NUMBERED.match(lines[i])):
        crumbs.append(m[1])
        i += 1
    if crumbs and i < len(lines) and lines[i] == crumbs[-1]:
        doc.breadcrumb = crumbs[:-1]
    elif crumbs:
        i -= len(crumbs)
    raw: list[tuple[str, str, int]] = []
    topic, previous = 0, ""  # level of the last heading that is not a question
    while i < len(lines):
        line = lines[i]
        i += 1
        if lexicon.is_tail_marker(line):
            break
        if lexicon.is_tag_marker(line):
            while i < len(lines) and _is_tag(lines[i]) and not lexicon.is_tail_marker(lines[i]):
                doc.keywords.append(lines[i])
                i += 1
            continue
        if i < len(lines) and lines[i] == line:  # an image's alt text repeated as its caption
            i += 1
            continue
        if not doc.title:
            doc.title = line
            continue
        if (m := _BULLET.match(line)) and not _is_heading(line):
            raw.append(("item", m[1], 0))
        elif _is_heading(line):
            if line.endswith("?") and topic:
                level = topic + 1  # a question under a topic heading, as in an FAQ
            else:
                level = topic + 1 if previous == "heading" and topic else max(topic, 2)
                topic = level
            raw.append(("heading", line, level))
        else:
            if not doc.description and not raw:
                doc.description = line
                previous = "description"
                continue
            raw.append(("paragraph", line, 0))
        previous = raw[-1][0]
    doc.blocks = with_sections(raw)
    return doc
