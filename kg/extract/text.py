"""Sentences, phrase lists and durations, always as exact slices of the text they come from."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract import lexicon
from kg.extract.quantities import NUM, number
from kg.load import model

_BOUNDARY = re.compile(r"(?<=[.!?])[\"\u201d\u2019)]?\s+(?=[\"\u201c(]?[A-Z0-9])")
_BULLET = re.compile(r"(?:^|\s+)[\u2219\u2022\u00b7]\s+")  # "∙ Drink water ∙ Rest": items run together in one line
_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|ex|vs|Dr|Mr|Mrs|Ms|St|approx|incl|no)\.)$", re.IGNORECASE)
_UNITS: dict[str, model.Unit] = {
    "min": "minute",
    "minute": "minute",
    "hr": "hour",
    "hour": "hour",
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
}
DURATION = re.compile(
    rf"\b{NUM}(?:\s*(?:-|\u2013|to)\s*{NUM})?[\s-]*(minute|min|hour|hr|day|week|month|year)s?\b", re.IGNORECASE
)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph, each an exact substring of it; items run together with bullet marks
    ("∙ Drink plenty of water ∙ Exercise regularly") are sentences of their own."""
    return [part for s in _sentences(text) for part in (p.strip() for p in _BULLET.split(s)) if part]


def _sentences(text: str) -> list[str]:
    out, start = [], 0
    for m in _BOUNDARY.finditer(text):
        candidate = text[start : m.start()].strip()
        if _ABBREVIATION.search(candidate):
            continue
        if candidate:
            out.append(candidate)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


@dataclass(frozen=True)
class Duration:
    low: int
    high: int
    unit: model.Unit
    quote: str

    def fact(self) -> dict[str, object]:
        return {"min": self.low, "max": self.high, "unit": self.unit}

    def drafted(self) -> model.Duration:
        """The facts model's duration, with the article's words."""
        return model.Duration(min=self.low, max=self.high, unit=self.unit, as_written=self.quote)


def durations(text: str) -> list[Duration]:
    out = []
    for m in DURATION.finditer(text):
        low = number(m[1])
        high = number(m[2]) if m[2] else low
        if low <= high:
            out.append(Duration(low, high, _UNITS[m[3].lower()], m[0]))
    return out


def split_items(text: str, *, on_or: bool = True) -> list[str]:
    """A phrase list ("a, b, and c", "a or b", "a/b") → its items, outside parentheses, as exact slices."""
    separators = r",\s+(?:and|or)\s+|,\s+|\s+and\s+|;\s+" + (
        r"|\s+or\s+|(?<=[a-z])(?<!\band)/(?!or\b)(?=[a-z])" if on_or else ""
    )
    items, depth, start = [], 0, 0
    pattern = re.compile(separators)
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and (m := pattern.match(text, i)):
            items.append(text[start:i])
            start = i = m.end()
            continue
        i += 1
    items.append(text[start:])
    return [s.strip(" .;:") for s in items if s.strip(" .;:")]


def strip_prefixes(item: str) -> str:
    """Drop list filler at the front ("various", "people with", "those taking" …)."""
    prefixes = lexicon.data()["item_prefixes"]
    pattern = lexicon.phrase_re(tuple(prefixes))
    while (m := pattern.match(item)) and m.end() < len(item):
        item = item[m.end() :].lstrip()
    return item


def is_vague(item: str) -> bool:
    lowered = item.lower().strip()
    return lowered in lexicon.data()["item_vague"] or lowered.startswith(("other ", "more ", "any "))


def cut_at_enders(item: str) -> str:
    m = lexicon.find(lexicon.cue("list_enders"), item)
    return item[: m.start()].strip() if m and m.start() > 0 else item


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def as_sentence(text: str) -> str:
    text = capitalise(text.strip())
    return text if text.endswith((".", "!", "?")) else text + "."
