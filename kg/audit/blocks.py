"""JSON-LD blocks embedded in HTML pages (and .jsonld files), with their positions in the page.

Reads what a browser's HTML parser would hand a JSON-LD processor: the raw text of every
`<script type="application/ld+json">` element (character references are not decoded inside
<script>). Common damage is recognised rather than fatal: comment and CDATA wrappers, HTML-encoded
JSON, duplicate keys. Every problem is a Problem with a page line and column.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from kg.core.findings import Severity

JSONLD_TYPE = "application/ld+json"
_WRAP_START = re.compile(r"\A\s*(<!--|//\s*<!\[CDATA\[|/\*\s*<!\[CDATA\[\s*\*/|<!\[CDATA\[)")
_WRAP_END = re.compile(r"(-->|//\s*\]\]>|/\*\s*\]\]>\s*\*/|\]\]>)\s*\Z")
_ENTITY = re.compile(r"&(quot|amp|lt|gt|apos|#[0-9]+|#x[0-9a-fA-F]+);")


@dataclass(frozen=True)
class Problem:
    line: int
    column: int
    severity: Severity
    rule: str
    message: str


@dataclass
class Block:
    """One JSON-LD script: its index (1-based), where its text starts, the text and, once parsed, the value."""

    index: int
    line: int
    column: int
    text: str
    value: Any = None
    problems: list[Problem] = field(default_factory=list)
    syntax: str = "jsonld"  # or "microdata", "rdfa" (read by extruct; value is its JSON-LD form)

    def at(self, line: int, column: int) -> tuple[int, int]:
        """Page position of a (line, column) inside the block text."""
        return self.line + line - 1, (self.column + column - 1) if line == 1 else column


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[Block] = []
        self.open: Block | None = None
        self._empty = True  # no text seen yet in the open script

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = dict(attrs).get("type") or ""
        if tag == "script" and kind.split(";")[0].strip().lower() == JSONLD_TYPE:
            line, offset = self.getpos()  # the tag; moved to the text when the text arrives
            self.open, self._empty = Block(len(self.blocks) + 1, line, offset + 1, ""), True

    def handle_data(self, data: str) -> None:
        if self.open is not None:
            if self._empty:
                line, offset = self.getpos()
                self.open.line, self.open.column, self._empty = line, offset + 1, False
            self.open.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.open is not None:
            self.blocks.append(self.open)
            self.open = None


def html_blocks(page: str) -> list[Block]:
    """Every JSON-LD script of an HTML page, in document order."""
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    if parser.open is not None:  # an unclosed script runs to the end of the page, as in a browser
        parser.handle_endtag("script")
    return parser.blocks


def _blank(text: str) -> str:
    """The same text with every character but newlines turned into a space (positions are kept)."""
    return re.sub(r"[^\n]", " ", text)


def _no_duplicates(block: Block) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """A json.loads object_pairs_hook that records keys repeated in one object as problems of the block."""

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                block.problems.append(
                    Problem(
                        block.line,
                        block.column,
                        Severity.WARNING,
                        "duplicate-key",
                        f"JSON-LD block {block.index} has the key {key!r} twice in one object; "
                        "JSON parsers keep only the last value, so the first is lost: merge "
                        "the values into one array.",
                    )
                )
            seen.add(key)
        return dict(pairs)

    return hook


def parse(block: Block) -> None:
    """Parse a block's JSON into block.value, recording problems; value stays None if it cannot be read."""
    text = block.text
    start, end = _WRAP_START.search(text), _WRAP_END.search(text)
    if start or end:
        if start:
            text = text[: start.start(1)] + _blank(start.group(1)) + text[start.end(1) :]
        if end:
            text = text[: end.start(1)] + _blank(end.group(1)) + text[end.end(1) :]
        block.problems.append(
            Problem(
                block.line,
                block.column,
                Severity.WARNING,
                "wrapper",
                f"JSON-LD block {block.index} is wrapped in an HTML comment or CDATA section; "
                "Google asks to remove comments from JSON-LD, and strict JSON parsers fail on "
                "them: publish the bare JSON.",
            )
        )
    if not text.strip():
        block.problems.append(
            Problem(
                block.line,
                block.column,
                Severity.VIOLATION,
                "empty",
                f"JSON-LD block {block.index} is empty: remove the script element or fill it.",
            )
        )
        return
    try:
        block.value = json.loads(text, object_pairs_hook=_no_duplicates(block))
        if block.value is None:
            block.problems.append(
                Problem(
                    block.line,
                    block.column,
                    Severity.VIOLATION,
                    "not-json-ld",
                    f"JSON-LD block {block.index} holds only null: remove the script element "
                    "or put a JSON-LD object in it.",
                )
            )
        return
    except json.JSONDecodeError as e:
        error = e
    except RecursionError:
        block.problems.append(
            Problem(
                block.line,
                block.column,
                Severity.VIOLATION,
                "too-deep",
                f"JSON-LD block {block.index} is nested too deeply to read; nothing in this block can be read.",
            )
        )
        return
    if _ENTITY.search(text):
        try:
            block.value = json.loads(html.unescape(text), object_pairs_hook=_no_duplicates(block))
        except json.JSONDecodeError:
            pass
        else:
            block.problems.append(
                Problem(
                    block.line,
                    block.column,
                    Severity.VIOLATION,
                    "html-encoded",
                    f"JSON-LD block {block.index} is HTML-encoded (&quot; …): inside <script> "
                    "the browser does not decode it, so JSON.parse fails; publish raw JSON "
                    "(escape only '<' as \\u003c). Audited as if decoded.",
                )
            )
            return
    line, column = block.at(error.lineno, error.colno)
    block.problems.append(
        Problem(
            line,
            column,
            Severity.VIOLATION,
            "json-syntax",
            f"JSON-LD block {block.index} is not valid JSON: {error.msg} (line {line}, "
            f"column {column} of the page); nothing in this block can be read.",
        )
    )
