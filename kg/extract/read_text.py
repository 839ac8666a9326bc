"""Structured plain text (the text of a web page): one paragraph, heading or list item per line."""

from __future__ import annotations

import re

from kg.extract import lexicon, naming
from kg.extract.blocks import Document, with_sections

_BULLET = re.compile(r"^(?:[\u2022\u25cf\u25aa\u25e6\u00b7*+\u2013-]|\d{1,2}[.)])\s+(.*)$")
_NUMBERED = re.compile(r"^\d{1,2}[.)]\s+(.*)$")
_SENTENCE_END = (".", ";", ",", "!")
# "Label: text" or "Label - text" (any dash): a short label (a field name, a group) followed by what it says
_LABELLED = re.compile(r"^([A-Z][\w'\u2019/&-]*(?:\s+[\w'\u2019/&()-]+){0,5})(?::|\s[\u2013\u2014-])\s+(\S.*)$")
_COMMENT = re.compile(r"^#+(?:\s|$)|^<!--")


def _asks(line: str) -> bool:
    return line.rstrip("!").endswith("?")  # "Does that mean …?!" asks too


def _is_heading(line: str) -> bool:
    """A heading by its form: a question, a line ending in a colon, or a short line without closing punctuation."""
    words = len(line.split())
    if _asks(line):
        return words <= 30
    if line.endswith(":"):
        return words <= 10
    return not line.endswith(_SENTENCE_END) and words <= 14 and line[:1].isupper()


def _is_title(line: str) -> bool:
    """A first line that can be the title: shaped like a heading, not a list lead, not only a topic ("THE
    PROCEDURE" is the heading of what follows)."""
    return _is_heading(line) and not line.endswith(":") and not naming.topic_only(line)


def _is_first_title(line: str, before: list[tuple[str, str, int]], qa_page: bool) -> bool:
    """The page's title: a title-shaped line after nothing but topic headings ("Post Care Instructions", then X);
    on a Q&A page, only a first line that does not ask."""
    topics_only = all(kind == "heading" and naming.topic_only(text) for kind, text, _ in before)
    return topics_only and not (qa_page and (_asks(line) or bool(before))) and _is_title(line)


def _labelled(line: str) -> tuple[str, str] | None:
    """("Pros", "Can be very effective …") for "Pros: Can be very effective …"; None for a sentence."""
    m = _LABELLED.match(line)
    if m is None or m[1].endswith((".", ",")) or len(m[2].split()) < 3:
        return None
    return m[1], m[2]


def _is_tag(line: str) -> bool:
    return len(line.split()) <= 6 and not line.endswith(_SENTENCE_END) and not line.endswith("?")


_INLINE = re.compile(r"\s+[\u2022\u2219]\s+")  # a second bullet inside an item line: two items
_MARK = re.compile(r"^[\u2022\u25cf\u25aa\u25e6\u00b7*+\u2013-]$")


def _joined_marks(lines: list[str]) -> list[str]:
    """A bullet mark alone on its line and the item on the next ("-", "treat acne"), as some pages' text comes out
    of their HTML, joined into one item line ("- treat acne")."""
    out: list[str] = []
    for ln in lines:
        if out and _MARK.match(out[-1]) and ln:
            out[-1] = f"{out[-1]} {ln}"
        elif ln or not (out and _MARK.match(out[-1])):
            out.append(ln)
    return out


_QA_MARK = re.compile(r"^(?:Q|A|Question|Answer)\s*[:.)]\s+(?=\S)")


def _content_lines(text: str) -> list[str]:
    """Non-empty lines without chrome, repeats (a byline or banner shown twice) and leading comment lines; a "Q:" or
    "A:" mark before a question or its answer is not part of it."""
    lines = _joined_marks([_QA_MARK.sub("", ln.strip()) for ln in text.splitlines()])
    lines = [ln for ln in lines if ln and (lexicon.is_tag_marker(ln) or not lexicon.is_chrome_line(ln))]
    seen: set[str] = set()
    kept = []
    for ln in lines:
        if ln not in seen or _is_heading(ln):
            kept.append(ln)
        seen.add(ln)
    while kept and _COMMENT.match(kept[0]):  # a stray comment line ("# source") is not the title
        kept = kept[1:]
    return kept


def _is_sentence(text: str) -> bool:
    return text[:1].isupper() and text.endswith((".", "!")) and len(text.split()) >= 6


def _answers(raw: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """A question heading answered by one to three bulleted sentences ("What is X?" "- X is a …") is a question
    and its answer, not a list: the items become the answer's paragraphs."""
    out = list(raw)
    for i, (kind, text, _) in enumerate(raw):
        if kind != "heading" or not _asks(text):
            continue
        end = i + 1
        while end < len(raw) and raw[end][0] == "item":
            end += 1
        items = raw[i + 1 : end]
        if 1 <= len(items) <= 3 and all(_is_sentence(t) and not _labelled(t) for _, t, _ in items):
            out[i + 1 : end] = [("paragraph", t, 0) for _, t, _ in items]
    return out


def read(text: str) -> Document:
    """Lines → Document. Chrome lines are dropped, a leading numbered trail is the breadcrumb,
    short lines after a tag marker ("Share:", "Tags") are the keywords, and a tail marker
    ("Recommended", "Related articles") ends the article."""
    lines = _content_lines(text)
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
    qa_page = sum(1 for ln in set(lines) if _asks(ln) and _is_heading(ln)) >= 3  # a first question is a Q
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
        if not doc.title and _is_first_title(line, raw, qa_page):
            doc.title = line
            continue
        if (m := _BULLET.match(line)) and not _is_heading(line):
            raw += [("item", part, 0) for part in _INLINE.split(m[1]) if part]  # "a. • Very rarely - b."
        elif (label := _labelled(line)) and not _asks(line):
            if previous == "item" or (raw and raw[-1][0] == "heading" and len(label[0].split()) > 1):
                raw.append(("item", line, 0))  # a labelled list: "Pregnant women - …"
            else:
                topic = max(topic, 2)
                raw.append(("heading", label[0], topic))  # a labelled field: "Recovery Time: …"
                raw.append(("paragraph", label[1], 0))
        elif _is_heading(line):
            if _asks(line):
                level = topic + 1 if topic else 2  # a question under a topic heading, as in an FAQ
            else:
                level = topic + 1 if previous == "heading" and topic else max(topic, 2)
                topic = level
            raw.append(("heading", line, level))
        else:
            if not doc.description and not raw:
                doc.description = line  # the page's lead; it is article text too
            raw.append(("paragraph", line, 0))
        previous = raw[-1][0]
    if raw and raw[-1][0] == "heading" and not raw[-1][1].endswith(("?", ":")):
        raw[-1] = ("paragraph", raw[-1][1], 0)  # a heading over nothing is text (a page cut off mid-sentence)
    doc.blocks = with_sections(_answers(raw))
    return doc
