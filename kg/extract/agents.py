"""Other agents an article names around the treatment (numbing cream, a painkiller afterwards, the whitening agent),
with their dose ("more than 400 mg") and timing ("30 minutes before").

An agent is a name of the lexicon's `agents` (by role) or a phrase "<word> agent"; its role is the lexicon's, else
what the sentence's section or timing words say (before → pre-medication, after → aftercare). A sentence that
negates or warns ("Avoid aspirin …", "do not take …") names an agent to avoid, not one used: none is drafted.
"""

from __future__ import annotations

import re
from functools import cache

from kg.extract import lexicon
from kg.extract.advice import advice
from kg.extract.medical import provenance
from kg.extract.quantities import dose
from kg.extract.text import capitalise, durations
from kg.extract.units import Unit
from kg.load import names
from kg.load.model import AGENT_ROLE_VALUES, Agent, AgentRole, Duration, Ingredient, SessionTiming, Timing

_GENERIC = re.compile(r"\b(?:a\s+|the\s+)?((?:[a-z]+\s+)?[a-z]+)\s+agents?\b", re.IGNORECASE)
_STRENGTH = re.compile(r"^(?:lesser|lower|higher|stronger|weaker|mild|strong|different|same|new|other)\s+", re.I)
_WHEN = re.compile(r"\b(before|after|prior to|following|during)\b", re.IGNORECASE)
_AVOID = re.compile(r"\b(?:avoid|avoiding|don[\u2019']t|do not|never|stop|stopping|should not|must not)\b", re.I)


@cache
def _named() -> dict[str, AgentRole]:
    roles = {r: r for r in AGENT_ROLE_VALUES}
    return {name.lower(): roles[role] for role, names in lexicon.data()["agents"].items() for name in names}


def _found(text: str) -> list[tuple[str, AgentRole | None]]:
    """(name, role from the lexicon or None) of the agents a sentence names."""
    out: list[tuple[str, AgentRole | None]] = []
    for m in lexicon.phrase_re(tuple(_named())).finditer(text):
        out.append((capitalise(m[0]), _named()[m[0].lower()]))
    for m in _GENERIC.finditer(text):
        words = _STRENGTH.sub("", m[1]).split()
        if words and words[-1].lower() not in ("an", "a", "the", "strength", "of"):
            out.append((capitalise(f"{words[-1]} agent"), None))
    return out


def _timing(text: str) -> Timing | None:
    """When, with how long before or after, from "30 minutes before the session" or "for a week after"."""
    m = _WHEN.search(text)
    if m is None:
        return None
    word = m[1].lower()
    when: SessionTiming = "before" if word in ("before", "prior to") else "during" if word == "during" else "after"
    found = next((d for d in durations(text)), None)
    if found is None:
        return Timing(when=when, as_written=m[0])
    at = text.find(found.quote)
    start, end = min(at, m.start()), max(at + len(found.quote), m.end())
    offset = Duration(min=found.low, max=found.high, unit=found.unit, as_written=found.quote)
    return Timing(when=when, offset=offset, as_written=text[start:end])


def _role(u: Unit, timing: Timing | None, listed: AgentRole | None) -> AgentRole:
    if listed is not None:
        return listed
    if u.kind == "preparation" or (timing and timing.when == "before"):
        return "pre-medication"
    if u.kind == "aftercare" or (timing and timing.when == "after"):
        return "aftercare"
    return "other"


def agents(units: list[Unit]) -> list[Agent]:
    """Each agent once, as the first sentence that uses it names it; the dose from that sentence or the next one of
    the same paragraph ("… taking ibuprofen. If you need more than 400 mg, …")."""
    out: dict[str, Agent] = {}
    for i, u in enumerate(units):
        if _AVOID.search(u.text):
            continue
        nxt = units[i + 1] if i + 1 < len(units) and units[i + 1].block is u.block else None
        for name, listed in _found(u.text):
            if name.lower() in out:
                continue
            amount, quote = dose(u.text), u.text
            if amount is None and nxt and not _found(nxt.text) and (amount := dose(nxt.text)):
                start = u.block.text.find(u.text)  # both sentences, one slice of the paragraph
                quote = u.block.text[start : u.block.text.find(nxt.text, start) + len(nxt.text)]
            # "After applying local anesthetic, …" orders the steps of the session; it is not a time after it
            step = re.search(rf"\b(?:after|before)\s+\w+ing\s+(?:an?\s+|the\s+)?{re.escape(name)}", u.text, re.I)
            timing = None if step else _timing(u.text)
            role = _role(u, timing, listed)
            out[name.lower()] = Agent(name=name, role=role, dose=amount, timing=timing, source=provenance(u, quote))
    return list(out.values())


# what a session puts on the skin, named where it is used: "uses a specialized carbon lotion applied to …", "a spray
# of microcrystals", "the application of a medication", "apply sunscreen", "a substance like aloe"
_PRODUCT_NOUNS = (
    r"(?:lotion|cream|gel|serum|solution|medication|medicine|mask|ointment|paste|microcrystals|crystals|sunscreen)"
)
_PRODUCT = re.compile(
    r"\b(?:uses?|using|appl(?:y|ies|ied|ying)|application\s+of)\s+(?:an?\s+|the\s+|some\s+)?"
    r"(?:(?:spray|stream|layer|coat)\s+of\s+)?"
    rf"((?:[\w-]+\s+){{0,2}}?{_PRODUCT_NOUNS})\b"
    r"|\b(?:substance|product)s?\s+(?:like|such\s+as)\s+([a-z][\w-]*)",
    re.IGNORECASE,
)


def products(units: list[Unit]) -> list[Ingredient]:
    """The products a session uses or applies, by the sentence that says so; advice ("apply a cold compress at
    home", "avoid creams") names what the reader should do, not what the treatment uses."""
    out: dict[str, Ingredient] = {}
    for u in units:
        if u.kind in ("aftercare", "preparation") or advice(u.text):
            continue
        for m in _PRODUCT.finditer(u.text):
            name = capitalise(m[1] or m[2])
            if not names.problem(name):
                out.setdefault(name.lower(), Ingredient(name=name, source=provenance(u)))
    return list(out.values())
