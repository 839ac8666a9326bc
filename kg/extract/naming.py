"""The treatment a page is about, and the topic its title names.

Many pages are about one topic of a treatment: "Contra-indications for X", "What is the recovery time after an
X?", "Who is a good candidate for X?", "X: Frequently Asked Questions", "About X", "X Aftercare". The topic words
(the lexicon's section phrases and `title_topics`) are stripped and X kept; a topic that is a section kind
(contraindications, aftercare, candidates …) is then what the page's untitled body is. A page without a title may
say the same in its first sentence ("The recovery time after an X can vary …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.extract import lexicon
from kg.extract.text import capitalise
from kg.load import names

MAX_WORDS = 8
_PAGE_KINDS_SKIPPED = ("faq", "comparisons", "indications", "ingredients")  # a body of these is not one section
_PARTS = re.compile(r"\s*[:|\u2013\u2014]\s*|\s+-\s+")
_PREPOSITION = r"(?:for|after|of|from|with|on|about|to|following|before|during)"
_DETERMINER = r"(?:(?:an?|the|my|your|our)\s+)"
_OPENER = re.compile(
    r"^(?:(?:what|how|who|when|why|which|where|is|are|am|can|does|do|should|will)\b"
    r"(?:\s+(?:is|are|am|was|will|would|does|do|can|should|long|much|often|it|i|you|we|my|your|the|a|an|not|good|"
    r"ideal|right|best|suitable|to|be|expect|know))*|about)(?:\s+|$)",
    re.IGNORECASE,
)
_CLAUSE_AFTER = re.compile(
    r"\s+(?:and|or)\s+(?:how|what|why|when|who|where|is|are)\b.*$|\s+(?:look|work)s?\s+like$", re.I
)
_NOISE = re.compile(r"(?:\s+(?:treatment|treatments|procedure|procedures|explained|guide|overview))+$", re.IGNORECASE)
_LEAD_VERB = r"(?:can|may|might|will|is|are|varies|vary|depends|depend|takes|take|usually|typically|should|must)"


@cache
def _topics() -> re.Pattern[str]:
    sections = lexicon.data()["sections"]
    phrases = [p for kind, ps in sections.items() if kind not in ("indications", "ingredients") for p in ps]
    return lexicon.phrase_re(tuple(phrases + lexicon.data()["title_topics"]))


@dataclass(frozen=True)
class Named:
    """A treatment name read from a title or lead sentence, and the topic line whose section kind the page is."""

    name: str
    topic: str = ""  # the title or lead sentence when it names a section kind ("Contra-indications for …")
    note: str = ""  # what the reviewer must check about the name (it was shortened)


def _clean(text: str) -> str:
    text = _CLAUSE_AFTER.sub("", text.strip(" ?!.:-|"))
    text = re.sub(r"(?:'s|\u2019s)$", "", text)
    return _NOISE.sub("", text).strip(" -:|?") or text


# what a question title asks of X ("Does X cause sensitivity …?", "How long does X last?"): the verb ends X
_ASKED_VERB = re.compile(
    r"\s+(?:cause|hurt|work|help|last|leave|damage|affect|require|need|have|make|get|give|remove|treat|reduce"
    r"|take|cost)s?\b.*$|\s+(?:or|and|any|the|a|of|for|with|to)$",
    re.IGNORECASE,
)


def _subject(text: str) -> str:
    """X of a question's words after its opener ("teeth whitening cause sensitivity or any" → "teeth whitening")."""
    return _ASKED_VERB.sub("", text) or text


def _from_part(part: str) -> str:
    """X of one part of a title: after "<topic> for X", before "X <topic>", else the part without a question
    opener ("About X") and without "for …" (a treatment's use: "Laser Hair Removal for Acne Scars")."""
    for m in _topics().finditer(part):
        after = re.match(rf"\s+{_PREPOSITION}\s+{_DETERMINER}?(.+)$", part[m.end() :], re.IGNORECASE)
        if after:
            return _clean(after[1])
        asked = _OPENER.match(part[: m.start()].strip()) is not None
        before = _OPENER.sub("", part[: m.start()].strip())
        before = _subject(before) if asked and before else before
        if before and not re.match(rf"^{_PREPOSITION}$", before, re.IGNORECASE):
            return _clean(re.sub(rf"\s+{_PREPOSITION}$", "", before, flags=re.IGNORECASE))
    head = _OPENER.sub("", part)
    return _clean(re.split(r"\s+for\s+", head, maxsplit=1)[0])


def topic_only(line: str) -> bool:
    """A line that names a topic and no treatment ("THE PROCEDURE", "Risks and side effects"): a heading, not a
    page's title."""
    parts = re.split(r"\s+(?:and|&)\s+", line.strip(" ?!.:"))
    qualifier = r"^(?:the|possible|potential|common|rare|serious|other|known)\s+"  # "Possible side effects"
    return all(_topics().fullmatch(p) or _topics().fullmatch(re.sub(qualifier, "", p, flags=re.I)) for p in parts)


def usable(name: str) -> bool:
    """A name the draft can use: a few words that pass the name gate."""
    return 0 < len(name.split()) <= MAX_WORDS and re.search(r"[A-Za-z]", name) is not None and not names.problem(name)


def page_kinds(topic: str) -> list[str]:
    """The section kinds a page's topic line names, that an untitled body can be (not FAQ or comparisons)."""
    return [k for k in lexicon.section_kinds(topic) if k not in _PAGE_KINDS_SKIPPED]


def _advises(part: str) -> bool:
    """A title part that opens with an imperative ("Avoid Touching", "Protect your skin after …") is advice."""
    first = part.strip().split(maxsplit=1)
    return bool(first) and first[0].lower() in lexicon.data()["advice"]["imperatives"]


def _advised_about(part: str) -> str:
    """The treatment advice names after "after", "before" or "following" ("Protect your skin after a peel" → "peel"),
    else nothing: an imperative never names the treatment."""
    m = re.search(rf"\s(?:after|before|following)\s+{_DETERMINER}?(.+)$", part, re.IGNORECASE)
    return _clean(m[1]) if m else ""


def from_title(title: str) -> Named | None:
    """The treatment a title names, from the first part of it ("X: What You Need to Know") that names one."""
    for part in _PARTS.split(title):
        if not part.strip() or _topics().fullmatch(part.strip(" ?!.")):
            continue
        name = _advised_about(part.strip()) if _advises(part) else _from_part(part.strip())
        topic = title if page_kinds(title) else ""
        if usable(name):
            return Named(capitalise(name), topic)
        short = re.sub(r"\s*\([^)]*\)", "", name).strip()  # "X (a long spelled-out name) hair transplant"
        if short != name and usable(short):
            return Named(capitalise(short), topic, f"the treatment name was shortened from the title's {name!r}")
    return None


def from_lead(sentence: str) -> Named | None:
    """The treatment the first sentence of an untitled page names with a topic: "The recovery time after an X can
    vary …" names X, and the page is about recovery."""
    m = re.match(
        rf"^(?:the\s+)?({_topics().pattern})\s+{_PREPOSITION}\s+{_DETERMINER}?(.+?)\s+{_LEAD_VERB}\b",
        sentence,
        re.IGNORECASE,
    )
    if m is None:
        return _after(sentence)
    if not usable(_clean(m[2])):
        return None
    return Named(capitalise(_clean(m[2])), sentence if page_kinds(m[1]) else "")


_AFTER = re.compile(
    r"^(?:after|following|before)\s+(?:(?:getting|having|receiving|undergoing)\s+(?:(?:an?|the|your)\s+)?|(?:an?|your)\s+)"
    r"([\w-]+(?:\s+[\w-]+){0,3})\s*,",
    re.IGNORECASE,
)


def _after(sentence: str) -> Named | None:
    """A first sentence "After getting X, you should follow these aftercare tips" names X (not a bare "the
    treatment"), and the page's topic when it names one."""
    m = _AFTER.match(sentence)
    if m is None or not _NOISE.sub("", m[1]).strip() or not usable(_clean(m[1])):
        return None
    return Named(capitalise(_clean(m[1])), sentence if page_kinds(sentence) else "")
