"""Facts of running prose, for pages that state them in sentences rather than under section headings.

The rules of `medical` and `process` read sections and cue lists; what they leave, this fills from the
statements `classify` finds: mechanisms, outcomes, preparation, aftercare, recovery, candidacy, the description
and the concerns named in sentences. It only adds where the draft has nothing yet, and every fact keeps its
verbatim sentence. (The drafted form follows the current facts model; [model] maps courses, costs and
regulatory statements when its format has a place for them.)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from kg.extract import advice, classify, lexicon, process
from kg.extract.medical import provenance
from kg.extract.text import durations
from kg.extract.units import Unit
from kg.load import names
from kg.load.located import NOWHERE
from kg.load.model import (
    AftercareItem,
    Candidates,
    Duration,
    Indication,
    Outcome,
    Permanence,
    Procedure,
    Recovery,
    SourcedText,
    Treatment,
)

_BOTH = re.compile(r"\bbefore and after\b|\bpre-?\s*(?:and|&)\s*post\b", re.IGNORECASE)
_RECOVERY_HEADINGS = ["recovery", "downtime", "healing", "healing time"]
_PERMANENCE: tuple[tuple[Permanence, tuple[str, ...]], ...] = (
    ("temporary", ("temporary", "temporarily", "not permanent")),
    ("permanent", ("permanent", "permanently")),
    ("long-lasting", ("long-lasting", "long lasting", "long-term")),
)


def _indications(t: Treatment, units: list[Unit]) -> tuple[Indication, ...]:
    out = {i.condition.lower(): i for i in t.indications if i.condition is not None}
    for u in units:
        if u.kind in ("risks", "contraindications", "aftercare", "preparation", "faq") or u.within("faq"):
            continue
        if lexicon.has(lexicon.cue("adverse_effects"), u.text):  # "potential for side effects like …"
            continue
        found = classify.concerns(u)
        areas = tuple(classify.areas(u.text))
        for name, _quote in found:
            if name.lower() not in out and 1 <= len(name.split()) <= 8 and names.problem(name) is None:
                out[name.lower()] = Indication(condition=name, body_areas=areas, source=provenance(u))
        if not found and areas and _TREATED_ON.search(u.text) and not advice.advice(u.text):
            out.setdefault(" ".join(areas).lower(), Indication(body_areas=areas, source=provenance(u)))
    return tuple(out.values())


# "X is commonly performed on the face, neck and chest", "the most popular areas are …": where it is used, with no
# concern named
_TREATED_ON = re.compile(
    r"\b(?:performed|used|done|carried\s+out|applied)\s+(?:\w+\s+)?(?:on|to)\b"
    r"|\b(?:body|popular|common|treatment|treated)\s+areas\b",  # "The most popular areas are the face, neck & chest"
    re.IGNORECASE,
)


# who should perform it ("should be performed by a dermatologist", "safe when performed by …") or what it is ("is an
# outpatient procedure performed using …") is no step of the session
_NOT_A_STEP = re.compile(
    r"\b(?:should|must|can|could|may|might)\s+(?:only\s+|always\s+)?be\b"
    r"|\b(?:is|are)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,4}?(?:procedure|treatment|therapy)\b"
    r"|\b(?:when|if)\s+(?:[\w-]+\s+){0,2}?(?:performed|done|carried\s+out)\s+by\b",  # "safe when performed by …"
    re.IGNORECASE,
)


def _procedure(t: Treatment, said: dict[str, list[Unit]]) -> Procedure | None:
    proc = t.procedure or Procedure()
    if not proc.preparation and said.get("preparation"):
        proc = replace(
            proc, preparation=tuple(SourcedText(text=u.text, source=provenance(u)) for u in said["preparation"])
        )
    told_in_prose = [u for u in said.get("procedure", []) if not _NOT_A_STEP.search(u.text)]
    if not proc.steps and told_in_prose:  # steps told in prose, outside a procedure section
        told = [SourcedText.from_data(step, NOWHERE) for u in told_in_prose for step in process.steps(u)]
        proc = replace(proc, steps=tuple(told))
    course = said.get("course", [])
    if proc.duration is None:
        for u in course:
            found = durations(u.text)
            if found and (unit := found[0].unit) in ("minute", "hour"):
                proc = replace(
                    proc,
                    duration=Duration(
                        min=found[0].low,
                        max=found[0].high,
                        unit="minute" if unit == "minute" else "hour",
                        note=found[0].quote,
                        source=provenance(u),
                    ),
                )
                break
    if proc.sessions is None and course:
        words = " ".join(u.text.lower() for u in course)
        if "single" in words or "one session" in words:
            proc = replace(proc, sessions="single")
        elif "sessions" in words or "more than one" in words or "another" in words:
            proc = replace(proc, sessions="multiple")
    return proc if proc != Procedure() else None


def outcome(u: Unit) -> Outcome:
    """An outcome sentence with when it shows, when it is complete and whether it lasts, where it says so."""
    onset = full = None
    for clause in re.split(r",\s+and\s+|;\s+|,\s+but\s+", u.text):
        for found in durations(clause):
            if re.search(r"\bfull\b|\bfinal\b|\bcomplete\b", clause, re.IGNORECASE):
                full = full or found.drafted()
            elif re.search(r"\b(?:notice|see|visible|appear|start)", clause, re.IGNORECASE):
                onset = onset or found.drafted()
    lowered = u.text.lower()
    permanence = next((p for p, words in _PERMANENCE if any(re.search(rf"\b{w}\b", lowered) for w in words)), None)
    areas = tuple(classify.areas(u.text))
    return Outcome(
        text=u.text, onset=onset, full_effect=full, permanence=permanence, body_areas=areas, source=provenance(u)
    )


def _recovery(said: list[Unit]) -> Recovery:
    """The recovery sentences of the paragraph that says most about it — most sentences, then under a recovery
    heading, then most sentences that give a time ("can resume routine activities in 2 to 5 days") — from the
    first to the last, as one verbatim summary."""
    timed = Counter(id(u.block) for u in said if durations(u.text))
    per_block = Counter(id(u.block) for u in said)
    first = min(
        said,
        key=lambda u: (
            -per_block[id(u.block)],
            not lexicon.has(_RECOVERY_HEADINGS, u.section),
            -timed[id(u.block)],
        ),
    )
    last = [u for u in said if u.block is first.block][-1]
    text = first.block.text
    start = text.find(first.text)
    summary = text[start : text.find(last.text, start) + len(last.text)] if start >= 0 else first.text
    return Recovery(summary=summary, source=provenance(first, summary))


def _with_recovery(drafted: Recovery | None, said: list[Unit], units: list[Unit]) -> Recovery | None:
    """The drafted recovery, its summary widened to the prose's (when that contains it), and how long effects last
    from a sentence the summary does not already quote ("These sensations generally subside within three hours")."""
    told = _recovery(said) if said else None
    recovery = drafted or told
    if (
        drafted is not None
        and told is not None
        and drafted.summary
        and told.summary
        and drafted.summary in told.summary
    ):
        recovery = replace(drafted, summary=told.summary, source=told.source)
    if recovery is None or recovery.side_effects_resolve is not None:
        return recovery
    for u in units:
        found = durations(u.text)
        if found and u.block.kind == "paragraph" and u.text not in (recovery.summary or "") and advice.passes(u.text):
            lasts = found[0].drafted()
            return replace(recovery, side_effects_resolve=replace(lasts, note=None, source=provenance(u)))
    return recovery


def _candidates(t: Treatment, said: list[Unit]) -> Candidates | None:
    """Who the article says is (`good`) and is not (`not_good`) a good candidate, each sentence or list item (of a
    candidates section) with its words."""
    good = tuple(SourcedText(text=u.text, source=provenance(u)) for u in said if not classify.negated(u.text))
    bad = tuple(SourcedText(text=u.text, source=provenance(u)) for u in said if classify.negated(u.text))
    if not good and not bad:
        return t.candidates
    return replace(t.candidates or Candidates(), good=good, not_good=bad)


def _benefits(units: list[Unit]) -> list[Unit]:
    """The items of a list of benefits ("Benefits: - Smoother skin texture"): each an outcome."""
    return [u for u in units if u.block.kind == "item" and u.kind == "outcomes"]


def _mechanisms(t: Treatment, said: dict[str, list[Unit]]) -> tuple[str, ...]:
    """The sentences that say how it works, with the steps that say it too ("a laser then heats …, stimulating
    collagen production"); on a page with none, the definition when it says it ("… applied to the skin to
    exfoliate")."""
    cues = lexicon.data()["statements"]["mechanism"]
    told = [u.text for u in said.get("procedure", []) if lexicon.has(cues, u.text)]
    told += [u.text for u in said.get("mechanism", [])]
    if not told and t.description and lexicon.has(cues, t.description):
        return (t.description,)
    return tuple(dict.fromkeys(told))


def complete(t: Treatment, units: list[Unit]) -> Treatment:
    """The drafted treatment with the facts its prose states and the section rules did not find."""
    named = {e.source.quote for e in t.adverse_effects if e.source}  # a named fact's sentence is not a statement too
    named |= {c.source.quote for c in t.contraindications if c.source}
    taken = {
        id(u)
        for u in units
        if (u.block.kind != "paragraph" and not classify.stated_item(u)) or u.text in (t.description, *named)
    }
    said: dict[str, list[Unit]] = {}
    for s in classify.statements(units, skip={i for i, u in enumerate(units) if id(u) in taken}):
        if (
            s.category in ("aftercare", "preparation")
            and s.unit.kind == "procedure"
            and not advice.told_after(s.unit.text)
        ):
            continue  # "After the treatment, your provider will soothe your skin": a step of the procedure section
        said.setdefault(s.category, []).append(s.unit)
    both = [u for u in said.get("aftercare", []) + said.get("preparation", []) if _BOTH.search(u.text)]
    said["aftercare"] = list(dict.fromkeys(said.get("aftercare", []) + both))  # "before and after": both steps
    said["preparation"] = list(dict.fromkeys(said.get("preparation", []) + both))
    quoted = {a.source.quote for a in t.aftercare if a.source}
    aftercare = t.aftercare + tuple(
        AftercareItem(text=u.text, source=provenance(u)) for u in said.get("aftercare", []) if u.text not in quoted
    )
    recovery = _with_recovery(t.recovery, said.get("recovery", []), units)
    return replace(
        t,
        claimed_mechanisms=t.claimed_mechanisms or _mechanisms(t, said),
        outcomes=t.outcomes or tuple(outcome(u) for u in said.get("outcome", []) + _benefits(units)),
        indications=_indications(t, units),
        procedure=_procedure(t, said),
        recovery=recovery,
        aftercare=aftercare,
        candidates=_candidates(
            t, said.get("candidacy", []) + [u for u in units if u.block.kind == "item" and u.kind == "candidates"]
        ),
    )
