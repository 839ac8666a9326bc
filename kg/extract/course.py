"""The course of treatment, regulatory status and lists the article says are empty, from sentences anywhere.

- *Course*: the first session count that states a number ("two to three sessions", "a single treatment session";
  else "repeated sessions" and the like) is `sessions`, the first "… weeks apart" ("a few weeks apart") the
  `interval`, the first sentence about touch-ups, repeat or monthly treatment the `maintenance` (with the sentences
  after it that refer back to it: "This is typically …"), and "once a year" its interval. Two different session
  counts (ranges that differ) are a `conflict` for the editor.
- *Regulatory*: a sentence with a status word of the lexicon ("FDA-cleared", "off-label") is one entry, with
  the authority it names and the use after "to" / "for".
- *none_stated*: "no side effects" and the like, in a sentence that nothing else negates or hedges.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kg.extract import classify, lexicon, quantities
from kg.extract.medical import provenance
from kg.extract.units import Unit
from kg.load.model import (
    APPROVAL_STATUS_VALUES,
    Conflict,
    Course,
    NoneStated,
    Provenance,
    Quantity,
    RegulatoryItem,
    SourcedText,
)

_STATUS = {s: s for s in APPROVAL_STATUS_VALUES}
_ANOTHER = re.compile(r"\b(?:another|a second|a repeat|a further)\s+(?:[A-Z]\w*\s+)?(?:treatment|session)\b")
_USE = re.compile(r"\b(?:to|for)\s+((?:lift|improve|treat|reduce|tighten|remove|use|the treatment of)\b[^.;]*)")


def _differ(a: Quantity, b: Quantity) -> bool:
    return None not in (a.min, a.max, b.min, b.max) and (a.min, a.max) != (b.min, b.max)


def course(units: list[Unit]) -> tuple[Course | None, tuple[Conflict, ...]]:
    """The course the article states, and the session counts that contradict each other."""
    counts: list[Quantity] = []
    interval = maintenance = None
    for _, u in classify.continued(units):
        if maintenance is None and (lexicon.has(lexicon.data()["maintenance_cues"], u.text) or _ANOTHER.search(u.text)):
            maintenance = provenance(u)
            continue
        if (found := quantities.sessions(u.text, provenance(u))) is not None:
            counts.append(found)
        interval = interval or (replace(d, source=provenance(u)) if (d := quantities.interval(u.text)) else None)
    counts.sort(key=lambda q: q.max is None)  # a stated number ("4 to 6 sessions") before "repeated sessions"
    made = Course(
        sessions=counts[0] if counts else None,
        interval=interval,
        maintenance=maintenance.quote if maintenance else None,
        maintenance_interval=quantities.per(maintenance.quote) if maintenance else None,
        source=maintenance,
    )
    conflicts = tuple(
        Conflict(
            statements=tuple(SourcedText(text=q.source.quote, source=q.source) for q in (counts[0], other) if q.source),
            note=f"The number of sessions is stated as '{counts[0].as_written}' and as '{other.as_written}'",
        )
        for other in counts[1:2]
        if _differ(counts[0], other)
    )
    return (made if made != Course() else None), conflicts


def regulatory(units: list[Unit]) -> tuple[RegulatoryItem, ...]:
    out = []
    for u in units:
        for word, cues in lexicon.data()["regulatory"].items():
            status = _STATUS.get(word)
            if status is not None and lexicon.has(cues, u.text):
                authority = re.search(rf"\b(?:{'|'.join(lexicon.data()['authorities'])})\b", u.text)  # "FDA-cleared"
                use = _USE.search(u.text)
                out.append(
                    RegulatoryItem(
                        status=status,
                        authority=authority[0] if authority else None,
                        for_use=use[1].strip(" ,") if use else None,
                        source=provenance(u),
                    )
                )
                break
    return tuple(out)


_HEDGED = re.compile(r"\b(?:not|never|rarely|hardly|almost|virtually|few|little)\b|n't\b", re.IGNORECASE)


def none_stated(units: list[Unit]) -> NoneStated | None:
    """Lists the article says are empty, from sentences no other word negates or hedges ("not without side
    effects", "almost no side effects" say nothing of the kind)."""
    found: dict[str, Provenance] = {}
    for u in units:
        for field, cues in lexicon.data()["none_stated"].items():
            if field not in found and not _HEDGED.search(u.text) and lexicon.has(cues, u.text):
                found[field] = provenance(u)
    if not found:
        return None
    return NoneStated(
        adverse_effects=found.get("adverse_effects"),
        contraindications=found.get("contraindications"),
        aftercare=found.get("aftercare"),
    )
