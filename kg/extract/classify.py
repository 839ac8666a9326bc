"""What the sentences of running prose state: a statement category by cue words, negation and hedging by a
documented NegEx-style rule set, concerns and body areas named in prose, and the treatment's name when the page
has no title.

Negation: a cue of the lexicon's `negation_cues` ("not", "never", "should avoid", "unsuitable" …) up to four
words before a `context_targets` word ("candidate", "suitable", "treated" …) negates it: "not a good
candidate", "may not be suitable", "should not be treated". A negated candidacy is a `not_good` candidacy, and
a negated sentence names no indication. (medspaCy's ConText was tried: it installs and runs offline on a blank
spaCy pipeline, but brings spaCy, thinc and numpy for one rule, and its dependency pysbd installs a top-level
`benchmarks` package that shadows this project's.)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from kg.extract import lexicon
from kg.extract.advice import advice, advises, passes, told_after, when_advised
from kg.extract.text import capitalise, split_items
from kg.extract.units import Unit


@cache
def _negation() -> re.Pattern[str]:
    """A negation or hedge cue up to four words before a target word (NegEx-style, one sentence)."""
    cues = "|".join(re.escape(c) for c in lexicon.data()["negation_cues"])
    targets = "|".join(re.escape(t) for t in lexicon.data()["context_targets"])
    return re.compile(rf"\b(?:{cues})\b(?:\W+\w+){{0,4}}?\W+(?:{targets})\b", re.IGNORECASE)


def negated(text: str) -> bool:
    """True when a target word of the sentence is negated ("not a good candidate", "may not be suitable")."""
    return _negation().search(text) is not None


@dataclass(frozen=True)
class Statement:
    category: str  # a key of the lexicon's `statements`
    unit: Unit


_MARKED = ("cost", "regulatory", "candidacy")  # categories a single word marks, wherever it stands


# sessions spaced apart or given as a series are the course, whatever else the sentence says ("for best results,
# two treatments about a month apart")
_SPACED = re.compile(
    r"\b(?:an?|one|two|three|four|\d+|few|several)\s+(?:days?|weeks?|months?)\s+apart\b|\ba\s+series\s+of\b", re.I
)


# a step told in the passive voice: "thin threads are then inserted under the skin", "a gel is applied over …"
_PASSIVE_STEP = re.compile(
    r"\b(?:is|are)\s+(?:(?:then|first|next|now|gently|carefully|slowly)\s+)*"
    r"(?:applied|inserted|injected|placed|passed|moved|guided|illuminated|cleansed|numbed|marked|massaged|wiped|"
    r"pulled|delivered|directed)\s+(?:to|into|under|onto|on|over|along|with|through|across|in)\b",
    re.IGNORECASE,
)


def category(u: Unit) -> str | None:
    """The statement category of a sentence: cost, regulatory, candidacy or a maintenance or spaced course
    ("monthly treatments for longer lasting results", "two treatments a month apart") when it says so anywhere,
    else the category of its earliest cue (the main clause usually comes first: "Can be very effective …, promotes
    collagen" is an outcome, "This injury triggers the natural healing process" a mechanism)."""
    found: list[tuple[int, int, str]] = []
    for order, (name, cues) in enumerate(lexicon.data()["statements"].items()):
        if "$" in cues and "$" in u.text:
            found.append((u.text.index("$"), order, str(name)))
        elif m := lexicon.find([c for c in cues if c != "$"], u.text):
            found.append((m.start(), order, str(name)))
    if step := _PASSIVE_STEP.search(u.text):
        found.append((step.start(), list(lexicon.data()["statements"]).index("procedure"), "procedure"))
    marked = [f for f in found if f[2] in _MARKED]
    if upkeep := lexicon.find(lexicon.data()["maintenance_cues"], u.text) or _SPACED.search(u.text):
        marked.append((upkeep.start(), list(lexicon.data()["statements"]).index("course"), "course"))
    return min(marked or found, key=lambda f: (f[1], f[0]) if marked else f)[2] if found else None


_CONTINUES = re.compile(r"^(?:(?:while|although|because|since|but|and|so)\s+)?(?:this|that|these|those)\b", re.I)


def continued(units: list[Unit], skip: frozenset[int] = frozenset()) -> list[tuple[int, Unit]]:
    """The units with each sentence that refers back to the one before it ("This light is attracted …", "While this
    takes longer, …") joined to it as one statement (one verbatim slice of the paragraph), with the index of the
    first unit. Nothing is joined to a unit in `skip` (a sentence another rule drafted)."""
    out: list[tuple[int, Unit]] = []
    for i, u in enumerate(units):
        if out and i not in skip and out[-1][0] not in skip and _CONTINUES.match(u.text):
            first, prev = out[-1]
            if prev.block is u.block and u.block.kind == "paragraph" and (start := u.block.text.find(prev.text)) >= 0:
                end = u.block.text.find(u.text, start) + len(u.text)
                out[-1] = (first, Unit(u.block.text[start:end], u.block, u.index))
                continue
        out.append((i, u))
    return out


def _title(text: str) -> bool:
    """A line in title case without closing punctuation ("A Complete Guide to Benefits and Risks"): a heading."""
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", text) if len(w) > 3]
    return (
        not text.endswith((".", "!", "?"))
        and len(words) >= 2
        and sum(w[0].isupper() for w in words) >= 0.7 * len(words)
    )


def stated_item(u: Unit) -> bool:
    """A list item that states what happens: an item of an aftercare list that gives no advice, or a whole sentence
    in a list no heading or lead names ("Pros", "a few drawbacks:" — "The results aren't guaranteed.")."""
    if u.block.kind != "item":
        return False
    if u.kind == "aftercare":
        return not advises(u.text)
    return u.kind == "" and u.text.endswith(".") and len(u.text.split()) >= 4


def statements(units: list[Unit], *, skip: set[int]) -> list[Statement]:
    """Statements of prose (paragraphs, not lists or FAQ answers) with a category; a sentence that reports a claim
    or a myth, or announces what follows, states nothing of its own."""
    out = []
    for i, u in continued(units, frozenset(skip)):
        advised = advice(u.text) and (u.kind != "procedure" or told_after(u.text))
        if (
            i in skip
            or not (u.block.kind == "paragraph" or stated_item(u))
            or u.within("faq")
            or len(u.text.split()) < (2 if advised else 4)
        ):
            continue
        if u.text.endswith((":", "?")) or _title(u.text) or lexicon.has(lexicon.data()["reported_cues"], u.text):
            continue  # "… is crucial for optimal results:" introduces a list, "A Guide to Risks" is a title, a question
            # asks
        if u.block.text.endswith(":") and lexicon.section_kinds(u.text):
            continue  # "Some people are not candidates. They include:" names the section of the list it leads
        found = category(u) or _asked(u)
        if advised and found not in ("preparation", "cost", "regulatory"):
            found = when_advised(u.text)
        elif found in (None, "outcome") and passes(u.text):
            found = "recovery"
        if found is not None:
            out.append(Statement(found, u))
    return out


def _asked(u: Unit) -> str | None:
    """The category of the question a sentence answers ("How long does whitening last?" → outcome), for an answer
    whose own words name none ("That is highly variable …"): a paragraph's first sentence; a later one ("My practice
    uses …") goes on to something else."""
    if not u.block.section or not u.block.section[-1].rstrip("!").endswith("?") or not u.block.text.startswith(u.text):
        return None
    heading = u.block.section[-1]
    return category(Unit(heading, u.block, u.index))


_INCLUDING = re.compile(r"\((?:including|incl\.|especially|such as)\b[^)]*\)", re.IGNORECASE)


_GENERIC_AREA = re.compile(
    r"\b(?:other\s+)?(?:parts?|areas?|regions?)\s+of\s+the\s+body\b|\bbody\s+(?:parts?|areas?|regions?)\b",
    re.IGNORECASE,
)
_SHARED = re.compile(r"\b(above|below|under|around)\s+the\s+\w+\s+(?:or|and)\s+(\w+)\b", re.IGNORECASE)


def areas(text: str) -> list[str]:
    """The body areas a sentence names; an area in "(including the jawline)" is part of the one before it."""
    text = _INCLUDING.sub(lambda m: " " * len(m[0]), text)
    text = _GENERIC_AREA.sub(lambda m: " " * len(m[0]), text)  # "other parts of the body, such as …" names no area
    pattern = lexicon.phrase_re(tuple(lexicon.data()["body_areas"]))
    found = [capitalise(m[0].lower()) for m in pattern.finditer(text)]
    for m in _SHARED.finditer(text):  # "above the elbows or knees": "above the knees" too
        second = f"{m[1]} the {m[2]}"
        if pattern.fullmatch(second) and second.lower() not in (f.lower() for f in found):
            found = [f for f in found if f.lower() != m[2].lower()] + [capitalise(second.lower())]
    adjectives = lexicon.data()["area_adjectives"]
    found += [adjectives[m[0].lower()] for m in lexicon.phrase_re(tuple(adjectives)).finditer(text)]
    return list(dict.fromkeys(found))


_TAIL = re.compile(r"\s+(?:on|in|at|around|beneath|under)\s+(?:the\s+)?(.*)$")
_CLAUSE = re.compile(
    r"\s+(?:(?:as|when|while|because|since|if|but|which|that)\s+(?:the|it|they|this|you)"
    r"|were|was|is|are|have|has|had|will|can|may)\b.*$"
)


_VERBS = (
    r"(?:improv|reduc|remov|treat|alleviat|minimi[sz]|diminish|fight|clear|correct|promot|target|address|fad|lighten"
    r"|soften|smooth|tighten|eliminat)(?:e|es|ed|ing|s)?"
)


def _head(item: str) -> str:
    """The concern of a list item without a clause after it ("redness as the skin recovers", "… were satisfied")
    and without where it is ("wrinkles on the face"); "spots on the skin" and "sagging of the midface" keep their
    words: they say what the concern is."""
    item = re.sub(r"\s+[a-z]+ly$", "", _CLAUSE.sub("", item))  # "… hair permanently": the adverb is the verb's
    m = _TAIL.search(item)
    if m and not re.match(r"skin\b", m[1], re.IGNORECASE):
        item = item[: m.start()]
    item = re.sub(r"^(?:a|an|the|and|or)\s+", "", item, flags=re.IGNORECASE)
    item = re.sub(rf"^(?:{_VERBS})\s+(?:the\s+)?", "", item, flags=re.IGNORECASE)  # "treat acne" names acne
    return capitalise(item.strip(" \"'\u201c\u201d"))


# "If you have fine lines, scars and sun damage, then X could help": the concerns come before the help
_IF_YOU_HAVE = re.compile(
    r"^if you (?:have|suffer from|struggle with|are bothered by|are concerned about)\s+"
    r"([^.;:]+?)(?:,\s+then\s+|\s+then\s+|,\s+)"
    r"(?:[\w-]+\s+){1,4}?(?:could|can|may|might|will)\s+(?:help|benefit|improve|treat)\b",
    re.IGNORECASE,
)


def concerns(u: Unit) -> list[tuple[str, str]]:
    """(name, quote) of the concerns a prose sentence says the treatment is for: the items of the list after an
    indication cue that contain a concern of the lexicon. Nothing from a negated sentence."""
    cue = lexicon.find(lexicon.data()["indication_cues"], u.text)
    helps = _IF_YOU_HAVE.match(u.text)
    led = u.block.kind == "item" and u.lead.endswith(":") and lexicon.has(lexicon.data()["indication_cues"], u.lead)
    if (cue is None and helps is None and not led) or negated(u.text):
        return []
    out = []
    synonyms = [s for names in lexicon.data()["conditions"].values() for s in names]
    if helps:
        listed = helps[1]
    elif cue is not None:
        listed = re.split(r"[.;:]", u.text[cue.end() :], maxsplit=1)[0]
    else:  # an item of a list its lead says the treatment helps with ("It helps: - acne - …")
        listed = u.text
    example = re.search(r"\b(?:such as|including|like|e\.g\.)\s+", listed, re.IGNORECASE)
    if example and lexicon.find(synonyms, listed[: example.start()]) is None:
        listed = listed[example.end() :]  # "various skin concerns such as acne, …": the examples are the concerns
    joined = [m[0] for m in lexicon.phrase_re(tuple(synonyms)).finditer(listed) if " and " in m[0]]
    areas = lexicon.phrase_re(tuple(lexicon.data()["body_areas"])).pattern
    joined += [m[0] for m in re.finditer(rf"{areas}\s+and\s+(?:the\s+)?{areas}", listed, re.IGNORECASE)]
    for whole in joined:  # "facial and body hair", "the midface and lower face" are one item, not two
        listed = listed.replace(whole, whole.replace(" and ", " &nd "))
    for item in (i.replace(" &nd ", " and ") for i in split_items(listed)):
        m = lexicon.find(synonyms, item)
        if m is not None:
            owner = re.search(r"\bwith\s+", item[: m.start()])  # "parts of the body with loose skin": the concern
            out.append((_head(item[owner.end() :] if owner else item), item))
    return out


# ", also known as a Carbon Laser Peel or Hollywood Peel," between a name and what it is
ALIAS = r"(?:,\s+(?:also\s+)?(?:known|called|referred\s+to)\s+as\s+[^,]+,)?"
_DEFINES = re.compile(
    rf"^(?:(?:the|an?)\s+)?([A-Z][\w-]*(?:\s+[\w()-]+){{0,4}}?){ALIAS}\s+(?:is|are)\s+(?:a|an|the)\s", re.IGNORECASE
)
_KIND_WORDS = ("treatment", "procedure", "therapy", "technique", "device")
_COMMON = {
    "the",
    "this",
    "it",
    "its",
    "there",
    "while",
    "although",
    "however",
    "each",
    "most",
    "many",
    "some",
    "patients",
    "one",
    "another",
    "pros",
    "cons",
    "yes",
    "no",
    "for",
    "if",
    "with",
    "light",
    "laser",
    "that",
}


_PROPER = re.compile(r"(?<=[a-z,;]\s)([A-Z][A-Za-z0-9]*(?:\s+[A-Z][A-Za-z0-9]*){0,3})\b")


_WHAT_IS = re.compile(
    r"^what\s+(?:is|are)\s+(?:an?\s+|the\s+)?((?:[A-Z][\w'-]*)(?:\s+(?:[A-Z][\w'-]*|\([A-Z0-9-]+\)|of|and|for)){0,6})\s*\?$",
    re.IGNORECASE,
)


def _asked_about(units: list[Unit]) -> tuple[str, Unit] | None:
    """The name a question heading asks about in capitals ("What is Endovenous Laser Ablation (EVLA)?"), else a name
    written in capitals inside a sentence ("Unlike peels, NIR Skin Tightening targets …") that the page's headings
    ask about too ("How long do the results of NIR skin tightening last?")."""
    for u in units:
        m = next((m for h in u.block.section if (m := _WHAT_IS.match(h))), None)
        if m and all(w.strip("()")[:1].isupper() or w in ("of", "and", "for") for w in m[1].split()):
            return m[1], u
    headings = list(dict.fromkeys(h.lower() for u in units for h in u.block.section))
    for u in units:
        for m in _PROPER.finditer(u.text):
            asking = [h for h in headings if re.search(rf"\b{re.escape(m[1].lower())}\b", h)]
            if m[1].split()[0].lower() not in _COMMON and len(asking) >= (1 if " " in m[1] else 2):
                return m[1], u  # one capitalised word must be asked about twice ("What happens during a Botox …")
    return None


def _widest(word: str, units: list[Unit]) -> str:
    """The capitalised name a word most often heads ("Carbon Peel" for "Carbon"), when it does so twice: a name
    keeps all its words."""
    runs = Counter(
        m[0] for u in units for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?:\s+[A-Z][a-z0-9]+)+(?![\w-])", u.text)
    )
    best = runs.most_common(1)
    return best[0][0] if best and best[0][1] >= 2 else word


def name_from_text(units: list[Unit]) -> tuple[str, Unit] | None:
    """The treatment a page without a usable title is about: the subject of its first defining sentence
    ("X is a … treatment"), else a capitalised name its headings ask about, else the capitalised word it names
    most often (at least three times)."""
    for u in units:
        m = _DEFINES.match(u.text)
        if (
            m
            and any(w.strip(".,;:") in _KIND_WORDS for w in u.text[m.end() :].lower().split()[:8])
            and m[1].split()[0].lower() not in _COMMON
        ):
            return capitalise(m[1]), u
    if (by_question := _asked_about(units)) is not None:
        return by_question
    counts: Counter[str] = Counter()
    first: dict[str, Unit] = {}
    # a word capitalised inside a sentence too ("Since Microdermabrasion removes …"), not only as its first word
    inside = {w for u in units for w in re.findall(r"(?<=[a-z0-9,;:)]\s)[A-Z][A-Za-z0-9]+(?![\w-])", u.text)}
    imperatives = lexicon.data()["advice"]["imperatives"]
    for u in units:
        for word in re.findall(r"(?<![\w-])[A-Z][A-Za-z0-9]+(?![\w-])", u.text):
            if word.lower() not in _COMMON and word.lower() not in imperatives and word in inside:
                counts[word] += 1
                first.setdefault(word, u)
    if counts and counts.most_common(1)[0][1] >= 3:
        word = counts.most_common(1)[0][0]
        return _widest(word, units), first[word]
    topics: Counter[str] = Counter()  # else the longest word two or more of its headings ask about
    asked: set[str] = set()
    for u in units:
        for heading in (h for h in u.block.section if h not in asked):
            asked.add(heading)
            for word in set(re.findall(r"\b[a-z]{7,}\b", heading.lower())):
                topics[word] += 1
                first.setdefault(word, u)
    if topics and topics.most_common(1)[0][1] >= 2:
        word = topics.most_common(1)[0][0]
        return capitalise(word), first[word]
    return None
