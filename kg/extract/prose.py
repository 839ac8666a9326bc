"""Facts of running prose, for pages that state them in sentences rather than under section headings.

The rules of `medical` and `process` read sections and cue lists; what they leave, this fills from the
statements `classify` finds: mechanisms, outcomes, preparation, aftercare, recovery, candidacy, the description
and the concerns named in sentences. It only adds where the draft has nothing yet, and every fact keeps its
verbatim sentence. (The drafted form follows the current facts model; [model] maps courses, costs and
regulatory statements when its format has a place for them.)
"""

from __future__ import annotations

from dataclasses import replace

from kg.extract import classify
from kg.extract.medical import provenance
from kg.extract.text import durations
from kg.extract.units import Unit
from kg.load import names
from kg.load.model import AftercareItem, Candidates, Duration, Indication, Procedure, Recovery, SourcedText, Treatment


def _indications(t: Treatment, units: list[Unit]) -> tuple[Indication, ...]:
    out = {i.condition.lower(): i for i in t.indications if i.condition is not None}
    for u in units:
        if u.kind in ("risks", "contraindications", "aftercare", "preparation", "faq") or u.within("faq"):
            continue
        found = classify.concerns(u)
        areas = tuple(classify.areas(u.text))
        for name, _quote in found:
            if name.lower() not in out and 1 <= len(name.split()) <= 6 and names.problem(name) is None:
                out[name.lower()] = Indication(condition=name, body_areas=areas, source=provenance(u))
    return tuple(out.values())


def _procedure(t: Treatment, said: dict[str, list[Unit]]) -> Procedure | None:
    proc = t.procedure or Procedure()
    if not proc.preparation and said.get("preparation"):
        proc = replace(
            proc, preparation=tuple(SourcedText(text=u.text, source=provenance(u)) for u in said["preparation"])
        )
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


def complete(t: Treatment, units: list[Unit]) -> Treatment:
    """The drafted treatment with the facts its prose states and the section rules did not find."""
    taken = {id(u) for u in units if u.block.kind != "paragraph"}
    said: dict[str, list[Unit]] = {}
    for s in classify.statements(units, skip={i for i, u in enumerate(units) if id(u) in taken}):
        said.setdefault(s.category, []).append(s.unit)
    quoted = {a.source.quote for a in t.aftercare if a.source}
    aftercare = t.aftercare or tuple(
        AftercareItem(text=u.text, source=provenance(u)) for u in said.get("aftercare", []) if u.text not in quoted
    )
    recovery = t.recovery
    if recovery is None and said.get("recovery"):
        first = said["recovery"][0]
        recovery = Recovery(summary=first.text, source=provenance(first))
    candidates = t.candidates
    if candidates is None and said.get("candidacy"):
        first = said["candidacy"][0]
        candidates = Candidates(suitable=first.text, source=provenance(first))
    return replace(
        t,
        description=t.description,
        claimed_mechanisms=t.claimed_mechanisms or tuple(u.text for u in said.get("mechanism", [])),
        claimed_outcomes=t.claimed_outcomes or tuple(u.text for u in said.get("outcome", [])),
        indications=_indications(t, units),
        procedure=_procedure(t, said),
        recovery=recovery,
        aftercare=aftercare,
        candidates=candidates,
    )
