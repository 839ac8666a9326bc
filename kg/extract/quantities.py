"""Counts, intervals and doses as the article writes them, parsed into numbers with its words kept.

"two to three sessions", "3-5 sessions", "a single treatment session", "more than one treatment", "spaced three to
four weeks apart", "once a year", "400 mg": each becomes the facts model's Quantity or Duration with `as_written`
(the exact words, a slice of the sentence), so a reviewer sees both the number and what the page said.
"""

from __future__ import annotations

import re
from typing import get_args

from kg.load.model import Duration, Provenance, Quantity, Unit

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "fifteen": 15,
    "twenty": 20,
}
_WORD = "|".join(w for w in NUMBER_WORDS if w not in ("a", "an", "single"))
NUM = rf"(\d{{1,5}}|{_WORD})"
_RANGE = rf"{NUM}(?:\s*(?:-|\u2013|to|or)\s*{NUM})?"
_BOUND = r"(?:(more than|over|at least|up to|about|around|approximately|roughly)\s+)?"
_COUNT = re.compile(
    rf"\b{_BOUND}(?:{_RANGE}|a\s+single|single)(?:\s+(?!or\b|to\b)[a-z]+)?\s+(?:sessions?|treatments?)\b"
    rf"|\b(?:a|one)\s+(?:session|treatment)\s+or\s+({_WORD})\b",  # "a treatment or two"
    re.IGNORECASE,
)
_SEVERAL = re.compile(r"\b(multiple|several|a series of|a course of|repeat(?:ed)?)\s+(sessions|treatments)\b", re.I)
_INTERVAL = re.compile(
    rf"\b{_RANGE}\s+(day|week|month|year)s?\s+apart\b|\bevery\s+{_RANGE}\s+(day|week|month)s?\b", re.I
)
_ONE_APART = re.compile(r"\b(?:(about|around|roughly|approximately)\s+)?an?\s+(day|week|month|year)\s+apart\b", re.I)
_FEW_APART = re.compile(r"\b(?:a\s+few|several|a\s+couple\s+of)\s+(day|week|month)s?\s+apart\b", re.IGNORECASE)
_PER = re.compile(r"\b(once|twice)\s+(?:a|per|every)\s+(day|week|month|year)\b", re.IGNORECASE)
_DOSE = re.compile(rf"\b{_BOUND}(\d{{1,5}}(?:\.\d+)?)\s*(mg|mcg|g|ml|mL|%|units|IU)\b")
_UNITS: dict[str, Unit] = {u: u for u in get_args(Unit)}


def number(word: str) -> int:
    """3 for "3" or "three"."""
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _bounds(bound: str | None, low: int, high: int) -> tuple[int | None, int | None, bool | None]:
    """(min, max, approximate) for a value with its qualifier: "more than one" is at least 2, "up to 6" at most 6."""
    b = (bound or "").lower()
    if b in ("more than", "over"):
        return high + 1, None, None
    if b == "at least":
        return low, None, None
    if b == "up to":
        return None, high, None
    return low, high, True if b else None


def sessions(text: str, source: Provenance | None = None) -> Quantity | None:
    """The number of sessions a sentence states, or None."""
    m = _COUNT.search(text)
    if m is not None:
        if m[4] is not None:
            low, high = 1, number(m[4])
        elif m[2] is not None:
            low, high = number(m[2]), number(m[3] or m[2])
        else:
            low = high = 1
        if low > high:
            return None
        lo, hi, approximate = _bounds(m[1], low, high)
        return Quantity(min=lo, max=hi, approximate=approximate, as_written=m[0], source=source)
    several = _SEVERAL.search(text)
    return Quantity(min=2, as_written=several[0], source=source) if several else None


def interval(text: str) -> Duration | None:
    """The time between sessions ("three to four weeks apart", "every 6 weeks", "about a month apart", "a few weeks
    apart"), or None."""
    m = _INTERVAL.search(text)
    if m is None and (one := _ONE_APART.search(text)):  # "about a month apart"
        return Duration(min=1, max=1, unit=_UNITS[one[2].lower()], approximate=one[1] is not None, as_written=one[0])
    if m is None:
        few = _FEW_APART.search(text)  # "spaced a few weeks apart": a unit and words, no number
        return Duration(unit=_UNITS[few[1].lower()], approximate=True, as_written=few[0]) if few else None
    low, high, unit = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6])
    lo, hi = number(low), number(high or low)
    return Duration(min=lo, max=hi, unit=_UNITS[unit.lower()], as_written=m[0]) if lo <= hi else None


def per(text: str) -> Duration | None:
    """How often something is repeated ("once a year" → 1 year), or None."""
    m = _PER.search(text)
    if m is None or m[1].lower() != "once":
        return None
    return Duration(min=1, max=1, unit=_UNITS[m[2].lower()], as_written=m[0])


def dose(text: str) -> Quantity | None:
    """An amount of a medicine ("400 mg", "up to 2%"), or None."""
    m = _DOSE.search(text)
    if m is None:
        return None
    value = float(m[2])
    b = (m[1] or "").lower()
    lo = None if b == "up to" else value
    hi = None if b in ("more than", "over", "at least") else value
    approximate = True if b in ("about", "around", "approximately", "roughly") else None
    return Quantity(min=lo, max=hi, unit=m[3], approximate=approximate, as_written=m[0])
