"""Advice and how effects pass, in the wording of any page: whether a sentence or list item tells the reader what to
do (an imperative first, also after "If …," or "For three days,"; "it is advisable to …"), whether that advice is
for before or after the treatment, and whether a sentence says how an effect passes (recovery, not an outcome).
The words are the lexicon's `advice` and `symptoms`."""

from __future__ import annotations

import re

from kg.extract import lexicon
from kg.extract.text import durations, sentences

_CONDITION = re.compile(r"^(?:if|when|once|should|for|after|during|until)\b[^,.;]{3,100},\s*", re.IGNORECASE)


def _imperative(sentence: str) -> bool:
    """True when a sentence opens with an imperative ("Avoid …", "Please call …"), also after a condition ("If the
    wrap feels tight, remove the outer layer")."""
    said = _CONDITION.sub("", sentence)
    first = re.match(r"(?:please\s+)?([A-Za-z'\u2019]+)", said, re.IGNORECASE)
    return first is not None and first[1].lower().replace("\u2019", "'") in lexicon.data()["advice"]["imperatives"]


def advises(text: str) -> bool:
    """True when a list item tells the reader what to do ("Avoid swimming for a month", "Shampooing: your surgeon will
    advise you when …", "you can resume …", "Some oozing is expected. If it soaks through, hold a pad on it"); an item
    of an aftercare list that only says what happens ("Hair growth: new hair typically becomes visible …") is a
    statement instead."""
    said = re.split(r"(?::|\s[-\u2013\u2014])\s+", text, maxsplit=1)[-1]  # after a "Label:"
    return any(_imperative(s) for s in sentences(said)) or lexicon.has(lexicon.data()["advice"]["cues"], said)


def advice(text: str) -> bool:
    """True when a sentence of running prose tells the reader what to do: it opens with an imperative ("Avoid direct
    sun exposure …", "Please contact us if …", "If it stings, rinse …") or says what is advisable wherever it
    stands ("However, it is advisable to avoid heat for 24 hours", "… should be avoided"). A call to book or buy is
    promotion, and "Keep in mind that …" a remark: neither is advice."""
    words = lexicon.data()["advice"]
    return (_imperative(text) or lexicon.has(words["prose"], text)) and not lexicon.has(words["not_advice"], text)


_BEFORE = re.compile(r"\b(?:before|prior\s+to|beforehand)\b|\bpre-", re.IGNORECASE)
_AFTER = re.compile(r"\b(?:after|afterwards|following)\b|\bpost-?", re.IGNORECASE)


def when_advised(text: str) -> str:
    """Advice is a preparation step when it speaks only of before ("Don't use harsh scrubs for a week before"), else
    an aftercare step ("Avoid direct sun exposure", "Contact us if symptoms worsen")."""
    return "preparation" if _BEFORE.search(text) and not _AFTER.search(text) else "aftercare"


def told_after(text: str) -> bool:
    """True for advice on what to do for hours or days after ("For three days, do not rub your face"): an aftercare
    step even where a procedure section tells it, not a step of the session."""
    lasting = any(d.unit in ("hour", "day", "week", "month") for d in durations(text))
    return lasting and advice(text) and when_advised(text) == "aftercare"


def passes(text: str) -> bool:
    """True when a sentence says how an effect passes ("the main swelling will decrease in about two weeks", "These
    sensations generally subside within three hours", "splints … help to reduce swelling"): what recovery is like,
    not a result of the treatment."""
    effects = "|".join(re.escape(w) for w in (*lexicon.data()["symptoms"], *_EFFECTS))
    return (
        re.search(rf"\b(?:{effects})\b[^.;]{{0,40}}?\b{_PASSING}", text, re.IGNORECASE) is not None
        or re.search(rf"\bwhich\b[^.;]{{0,30}}?\b{_ENDS}", text, re.IGNORECASE) is not None
        or re.search(r"\breduce\s+(?:the\s+)?(?:swelling|bruising)\b", text, re.IGNORECASE) is not None
    )


_EFFECTS = tuple(
    f"{w}{plural}" for w in ("reaction", "sensation", "symptom", "side effect", "side-effect") for plural in ("", "s")
)
_ENDS = r"(?:subsides?|resolves?|fades?|settles?|goes\s+away|go\s+away|disappears?)\b"
_PASSING = rf"(?:{_ENDS}|decreases?|lasts?|goes\s+down)"
