"""The bundled lexicon (kg/extract/lexicon.yaml): cue words, section synonyms, body areas, conditions."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from kg.core import resources


@cache
def data() -> dict[str, Any]:
    lexicon: dict[str, Any] = yaml.safe_load(resources.package_text("extract", "lexicon.yaml"))
    return lexicon


@cache
def phrase_re(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive pattern for a set of phrases, longest first, on word boundaries."""
    alternatives = "|".join(re.escape(p.strip()) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def find(phrases: list[str], text: str) -> re.Match[str] | None:
    return phrase_re(tuple(phrases)).search(text)


def has(phrases: list[str], text: str) -> bool:
    return find(phrases, text) is not None


def cue(*keys: str) -> Any:
    """A value under `cues`, e.g. cue("frequency", "rare")."""
    value: Any = data()["cues"]
    for k in keys:
        value = value[k]
    return value


def section_kinds(heading: str) -> list[str]:
    """What a heading announces (faq, risks, aftercare …), most specific phrase first."""
    found = []
    for kind, phrases in data()["sections"].items():
        m = find(phrases, heading)
        if m:
            found.append((-(m.end() - m.start()), kind))
    return [k for _, k in sorted(found)]


def first_kind(text: str) -> str | None:
    """The section kind a sentence names first ("following aftercare guidelines is crucial for minimal side effects:"
    is aftercare; "Some people are not candidates …" contraindications): the earliest phrase, the longest there."""
    found = []
    for kind, phrases in data()["sections"].items():
        for m in phrase_re(tuple(phrases)).finditer(text):
            found.append((m.start(), -(m.end() - m.start()), kind))
    return min(found)[2] if found else None


def is_chrome_line(text: str) -> bool:
    t = text.strip().lower()
    return any(re.fullmatch(p, t) for p in data()["chrome"]["lines"])


def is_tail_marker(text: str) -> bool:
    t = text.strip().rstrip(":").strip().lower()
    return t in data()["chrome"]["tail_markers"]


def is_tag_marker(text: str) -> bool:
    t = text.strip().rstrip(":").strip().lower()
    return t in data()["chrome"]["tag_markers"]
