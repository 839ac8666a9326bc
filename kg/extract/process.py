"""Procedure, recovery, aftercare, candidates, comparisons and the FAQ."""

from __future__ import annotations

import re
from typing import Any

from kg.extract import lexicon
from kg.extract.advice import advises, told_after, when_advised
from kg.extract.blocks import Document
from kg.extract.text import as_sentence, capitalise, durations, split_items
from kg.extract.units import Unit
from kg.load import names

Fact = dict[str, Any]


def steps(u: Unit) -> list[Fact]:
    """One sentence → its steps: "clean the area and may apply a cream" is two."""
    splitters = [s.split("|") for s in lexicon.cue("step_splitters")]
    pattern = re.compile("|".join(f"({re.escape(drop)}){re.escape(keep)}" for drop, keep in splitters), re.IGNORECASE)
    parts, start = [], 0
    for m in pattern.finditer(u.text):
        dropped = next(g for g in m.groups() if g is not None)
        parts.append(u.text[start : m.start()])
        start = m.start() + len(dropped)
    parts.append(u.text[start:])
    quotes = [p.strip(" ,;.") for p in parts]
    return [{"text": as_sentence(q), "source": u.source(q)} for q in quotes if len(q.split()) >= 3]


def procedure(units: list[Unit]) -> Fact:
    out: Fact = {}
    for u in units:
        if (u.kind not in ("preparation", "procedure") and not _before(u)) or u.within("faq") or told_after(u.text):
            continue
        found = durations(u.text)
        if (
            found
            and lexicon.has(lexicon.cue("procedure_duration"), u.text)
            and "duration" not in out
            and u.kind == "procedure"
        ):
            out["duration"] = {**found[0].fact(), "source": u.source()}
            continue
        if _before(u) or (u.kind == "preparation" and advises(u.text)):  # one piece of advice, not steps to split
            out.setdefault("preparation", []).append({"text": as_sentence(u.text), "source": u.source()})
            continue
        key = "preparation" if u.kind == "preparation" else "steps"
        out.setdefault(key, []).extend(steps(u))
    return {k: out[k] for k in ("preparation", "steps", "duration") if out.get(k)}


_REFERS = re.compile(r"^(?:these|they|this|such)\b", re.IGNORECASE)


def recovery(units: list[Unit]) -> Fact:
    out: Fact = {}
    for u in units:
        if u.block.kind != "paragraph":
            continue
        if "summary" not in out and u.kind == "aftercare" and lexicon.has(lexicon.cue("recovery_summary"), u.text):
            out["summary"] = u.text
            out["summary_unit"] = u
        found = durations(u.text)
        if (
            found
            and "side_effects_resolve" not in out
            and lexicon.has(lexicon.cue("side_effects_resolve"), u.text)
            # "Side effects are mild. They include … . These effects resolve within days.": the paragraph's effects
            and ("side effect" in u.text.lower() or ("side effect" in u.block.text.lower() and _REFERS.match(u.text)))
        ):
            out["side_effects_resolve"] = {**found[0].fact(), "source": u.source()}
    unit = out.pop("summary_unit", None)
    if unit is not None:
        out["source"] = unit.source()
        if lexicon.has(lexicon.cue("resume_activities"), unit.text):
            out["resume_activities"] = unit.text
    return {k: out[k] for k in ("summary", "side_effects_resolve", "resume_activities", "source") if k in out}


def _before(u: Unit) -> bool:
    """An item of an aftercare list that speaks only of before ("Avoid the sun for 10 days before your treatment"):
    a preparation step."""
    return (
        u.block.kind == "item" and u.kind == "aftercare" and advises(u.text) and when_advised(u.text) == "preparation"
    )


def aftercare(units: list[Unit]) -> list[Fact]:
    out = []
    for u in units:
        if u.block.kind != "item" or u.kind != "aftercare" or u.within("faq") or not advises(u.text) or _before(u):
            continue
        fact: Fact = {"text": as_sentence(u.text)}
        found = durations(u.text)
        if found:
            fact["duration"] = found[0].fact()
        fact["source"] = u.source()
        out.append(fact)
    return out


# "no exercise x 12-24 hours, no yoga for 24 hours": a run of restrictions, each with how long it lasts
_RESTRICTION = re.compile(
    r"\bno\s+[a-z][\w-]*(?:\s+[a-z][\w-]*){0,3}?(?:\s*\([^)]{1,40}\))?\s+(?:x|for)\s+\d[^,;.]{0,16}?"
    r"(?:hours?|hrs?|days?|weeks?)\b",
    re.IGNORECASE,
)


def restrictions(units: list[Unit]) -> list[Fact]:
    """The restrictions of a sentence that lists two or more ("Yes, no exercise x 12-24 hours, no yoga x 24 hours"),
    FAQ answer or not: each is an aftercare item with its duration, quoted as written."""
    out = []
    for u in units:
        found = list(_RESTRICTION.finditer(u.text))
        if len(found) < 2 or (u.block.kind == "item" and u.kind == "aftercare"):  # an aftercare item is one already
            continue
        for m in found:
            fact: Fact = {"text": as_sentence(m[0])}
            if lasting := durations(m[0]):
                fact["duration"] = lasting[0].fact()
            out.append({**fact, "source": u.source(m[0])})
    return out


def candidates(units: list[Unit]) -> Fact:
    for u in units:
        if lexicon.has(lexicon.cue("candidates"), u.text) and "not" not in u.text.lower().split():
            return {"suitable": u.text, "source": u.source()}
    return {}


_OTHER = re.compile(r"([A-Za-z][\w-]*(?:\s+[a-z][\w-]*){0,2}?)(?=[\s,.?!;:]|$)")


# "Unlike peels or laser resurfacing, X …", "X alternatives like Xeomin and Dysport can …": treatments the sentence
# sets X against
_SET_AGAINST = re.compile(
    r"^unlike\s+(?P<unlike>[^,]+?),"
    r"|\balternatives?\s+(?:like|such\s+as)\s+(?P<like>.+?)(?=\s+(?:can|may|are|is|which|that|offer|have)\b|[,.;]|$)",
    re.IGNORECASE,
)


def _set_against(units: list[Unit], name: str, found: dict[str, Fact]) -> None:
    """The treatments a sentence compares the page's treatment with, each with that sentence as its point."""
    for u in units:
        m = _SET_AGAINST.search(u.text)
        if m is None:
            continue
        for item in split_items(m["unlike"] or m["like"]):
            other = capitalise(item.strip())
            if other.lower() != name.lower() and other.lower() not in found and names.problem(other) is None:
                point = {"text": u.text, "source": u.source()}
                found[other.lower()] = {"treatment": other, "points": [point], "source": u.source(item.strip())}


def comparisons(units: list[Unit], doc: Document, name: str) -> list[Fact]:
    """Another treatment named after a comparison cue in a heading, the points the sentences under it; and those a
    sentence sets the treatment against ("Unlike peels, …", "alternatives like Xeomin")."""
    found: dict[str, Fact] = {}
    for i, block in enumerate(doc.blocks):
        if block.kind != "heading":
            continue
        cue = lexicon.find(lexicon.cue("comparison"), block.text)
        if cue is None:
            continue
        m = _OTHER.match(block.text, cue.end() + 1)
        if m is None:
            continue
        other = m[1].strip()
        if other.lower() == name.lower() or other.lower() in found:
            continue
        points = [
            {"text": u.text, "source": u.source()}
            for u in units
            if u.index > i and u.block.section and u.block.section[-1] == block.text
        ]
        if points:
            found[other.lower()] = {
                "treatment": other[:1].upper() + other[1:],
                "points": points,
                "source": {"section": block.text, "quote": block.text},
            }
    _set_against(units, name, found)
    return list(found.values())


def faq(doc: Document) -> list[Fact]:
    """Question headings answered by the paragraphs right below them, wherever they stand (a question heading
    over a list or over other headings is a section title, not a question answered)."""
    out = []
    for i, block in enumerate(doc.blocks):
        if block.kind != "heading" or not block.text.rstrip("!").endswith("?"):
            continue
        if i + 1 >= len(doc.blocks) or doc.blocks[i + 1].kind != "paragraph":
            continue
        answer = []
        for nxt in doc.blocks[i + 1 :]:
            if nxt.kind == "heading":
                break
            answer.append(nxt.text)
        if answer:
            out.append(
                {
                    "question": block.text,
                    "answer": " ".join(answer),
                    "source": {"section": block.section[-1] if block.section else block.text, "quote": block.text},
                }
            )
    return out
