"""Indications, ingredients, adverse effects and contraindications, found with the lexicon's cues.

Each is drafted as an object of the facts model (kg/load/model.py), so its fields are the schema's.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TypeVar

from kg.extract import lexicon
from kg.extract.advice import advice
from kg.extract.text import capitalise, cut_at_enders, durations, is_vague, sentences, split_items, strip_prefixes
from kg.extract.units import Unit
from kg.load import names
from kg.load.model import (
    CONTRAINDICATION_KIND_VALUES,
    AdverseEffect,
    Contraindication,
    ContraindicationKind,
    Frequency,
    Indication,
    Ingredient,
    Provenance,
    Seriousness,
)

E = TypeVar("E", bound=str)
_MAX_NAME_WORDS = 6
_FREQUENCIES: tuple[Frequency, ...] = ("rare", "uncommon", "common")  # the order cues are tried in
_SERIOUSNESS: tuple[Seriousness, ...] = ("serious", "minor")


def provenance(u: Unit, quote: str | None = None) -> Provenance:
    """Where a drafted fact comes from: the unit's section and its words."""
    return Provenance.from_data(u.source(quote))


def _name(item: str, *, cut: bool = True, words: int = _MAX_NAME_WORDS) -> str | None:
    item = item.strip(" .;:")
    item = cut_at_enders(item) if cut else item
    if is_vague(re.sub(r"^(?:and|or)\s+", "", item)):
        return None
    item = strip_prefixes(item)
    if not item or is_vague(item) or len(item.split()) > words or not re.search(r"[A-Za-z]", item):
        return None
    return capitalise(item) if names.problem(item) is None else None  # never draft a fragment as a name


def condition_for(text: str) -> str | None:
    """The lexicon's name for the concern a phrase names ("anti-aging" → "Skin ageing")."""
    best: tuple[int, str] | None = None
    for name, synonyms in lexicon.data()["conditions"].items():
        m = lexicon.find(synonyms, text)
        if m and (best is None or m.end() - m.start() > best[0]):
            best = (m.end() - m.start(), name)
    return best[1] if best else None


def _areas(text: str) -> list[str]:
    pattern = lexicon.phrase_re(tuple(lexicon.data()["body_areas"]))
    return list(dict.fromkeys(capitalise(m[0].lower()) for m in pattern.finditer(text)))


def _after(text: str, openers: list[str], start: int, gap: int = 6) -> int | None:
    """Where a list begins: after the first opener that follows `start` within `gap` words."""
    m = lexicon.phrase_re(tuple(openers)).search(text, start)
    if m is None or len(text[start : m.start()].split()) > gap:
        return None
    return m.end()


def _list_after(
    text: str, cues: list[str], openers: list[str], *, immediate: tuple[str, ...] = ()
) -> tuple[str, int] | None:
    """The phrase list a cue introduces in a sentence, and the offset where it starts."""
    cue = lexicon.find(cues, text)
    if cue is None:
        return None
    begin = cue.end() if cue[0].lower().endswith(immediate) else _after(text, openers, cue.end())
    if begin is None:
        return None
    rest = text[begin:].strip()
    return (rest, begin) if rest else None


def indications(units: list[Unit]) -> list[Indication]:
    """List items of an indications section: body areas, purpose, condition."""
    out: dict[str, Indication] = {}
    for u in units:
        if u.block.kind != "item" or u.kind != "indications":
            continue
        m = re.search(r"\(\s*(?:for|to treat|to)\s+([^)]+)\)|\s(?:for|to treat)\s+(.+)$", u.text)
        purpose = (m[1] or m[2]).strip(" .") if m else None
        head = u.text[: m.start()] if m else u.text
        areas = _areas(head)
        condition = condition_for(purpose or "") or condition_for(u.text)
        if condition is None:
            condition = capitalise(purpose) if purpose else (None if areas else _name(head))
        if condition is None:
            continue
        fact = Indication(condition=condition, purpose=purpose or None, body_areas=tuple(areas), source=provenance(u))
        out.setdefault(condition.lower(), fact)
    return list(out.values())


def title_indication(title: str) -> Indication | None:
    """The concern a title names after "for" ("Laser Ablation for Varicose Veins"), when the lexicon knows it; a
    title's other uses ("… for Dark Skin") name who it is for, not what it treats."""
    m = re.search(r"\sfor\s+(.+)$", title, re.IGNORECASE)
    condition = condition_for(m[1]) if m else None
    if m is None or condition is None:
        return None
    quote = m[1].strip(" ?!.:")
    return Indication(condition=condition, source=Provenance(section="(title)", quote=quote))


def ingredients(units: list[Unit]) -> list[Ingredient]:
    out: dict[str, Ingredient] = {}
    for u in units:
        if advice(u.text):
            continue  # "Avoid products containing acids": what not to use, not what the treatment contains
        found = _list_after(
            u.text,
            lexicon.cue("ingredients"),
            lexicon.cue("ingredient_list_openers"),
            immediate=(" of", "containing", "contains", "with", "such as"),
        )
        if found is None:
            continue
        for item in split_items(found[0], on_or=False):
            name_part, _, purpose = item.partition(" for ")
            name = _name(name_part)
            if name is None or lexicon.has(lexicon.data()["body_areas"], name):
                continue
            fact = out.setdefault(name.lower(), Ingredient(name=name, source=provenance(u)))
            if purpose and fact.purpose is None:
                out[name.lower()] = replace(fact, purpose=purpose.strip(" ."), source=provenance(u))
    return list(out.values())


def _level(kind: str, text: str, order: tuple[E, ...]) -> E | None:
    for value in order:
        if lexicon.has(lexicon.cue(kind, value), text):
            return value
    return None


def _as_written(kind: str, text: str, value: str | None) -> str | None:
    """The article's own words for a controlled value found in `text` ("most people" for common)."""
    found = lexicon.find(lexicon.cue(kind, value), text) if value else None
    return found[0] if found else None


# when or where an effect is felt, not its name: "whiteheads on their skin in the day or two after …"
_WHEN_OR_WHERE = re.compile(
    r"\s+(?:on|in)\s+(?:your|their|the)\s+(?:skin|face)\b.*$|\s+in\s+(?:the|your|their)\s+(?:[\w-]+\s+){0,3}?areas?\b.*$"
    r"|\s+(?:in|during|within|over|for)\s+(?:the|a|an|\d+)\s+(?:[\w-]+\s+){0,4}?(?:hours?|days?|weeks?)\b.*$"
    r"|\s+(?:after|following|from|during|depending\s+on|if|when|whether)\s+.*$|(?<=[.;!?])\s.*$"
    r"|\s+as\s+(?:the|your|their|it|they|you)\b.*$",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"(?:feel|feels|look|looks|seem|seems|notice|see|be|become|get|find)\b", re.IGNORECASE)
_HOW_OFTEN = re.compile(
    r"(?:(?:very|quite|fairly|extremely|relatively)\s+)*(?:rare|uncommon|common|normal|expected|mild|minor|serious|severe"
    r"|temporary)",
    re.IGNORECASE,
)
_HOW_COMMON = re.compile(
    r"(?:^|,\s+)(?:(?:yes|no|but|and|however),?\s+)?([a-z][\w ,-]{2,60}?)(?:,\s+especially\b[^,]*?)?,?\s+"
    r"(?:(?:is|are)\s+(?:the\s+most\s+|very\s+|quite\s+|fairly\s+)?(common|normal|expected|usual|typical|uncommon|rare)"
    r"|(?:may|can|might|could)\s+(occur|happen|develop))\b",  # "Mild redness and peeling may occur": how often unsaid
    re.IGNORECASE,
)
_COMMON = ("common", "normal", "expected", "usual", "typical")


def stated_effects(units: list[Unit]) -> list[AdverseEffect]:
    """Effects a sentence says are common or rare ("tooth sensitivity, especially to cold, is common"), when the
    phrase names a symptom of the lexicon; how long they last from the next sentence ("this resolves in 2-10 days")."""
    out = []
    for i, u in enumerate(units):
        m = _HOW_COMMON.search(u.text)
        phrase = re.sub(r"^(?:mild|slight|minor|some|temporary)\s+", "", m[1], flags=re.IGNORECASE) if m else ""
        if m is None or not lexicon.has(lexicon.data()["symptoms"], phrase):
            continue
        nxt = units[i + 1] if i + 1 < len(units) and units[i + 1].block is u.block else None
        lasts = durations(nxt.text) if nxt and lexicon.has(lexicon.cue("side_effects_resolve"), nxt.text) else []
        said = (m[2] or "").lower()
        frequency: Frequency = (
            "unknown" if not said else "common" if said in _COMMON else "rare" if said == "rare" else "uncommon"
        )
        out += [
            AdverseEffect(
                name=name,
                frequency=frequency,
                frequency_as_written=m[2],
                seriousness="minor" if re.match(r"mild|slight|minor", m[1], re.IGNORECASE) else "unknown",
                temporary=True if lasts else None,
                duration=lasts[0].drafted() if lasts else None,
                source=provenance(u),
            )
            for name in (_name(item) for item in split_items(phrase))  # "Infection and scarring are rare"
            if name is not None
        ]
    return out


_OFTEN = re.compile(
    r"(?:(?:very|quite|fairly|extremely)\s+)?(?:rare|uncommon|common|occasional|frequent)(?:ly)?|often|sometimes|seldom",
    re.IGNORECASE,
)
_WHEN = re.compile(
    r"^(?:(?:immediately|right|just)\s+)?(?:after|following|during|within|in\s+the\s+first)\b", re.IGNORECASE
)


def _item_head(item: str) -> str:
    """What an item of a risks list names: its head before a dash, colon, bracket or comma, past a head that only
    says how often or when ("Very rarely - ulceration …", "Immediately following treatment, the veins …")."""
    parts = [p.strip() for p in re.split(r"\s[-\u2013\u2014]\s|[:(,.]", item) if p.strip()]
    for part in parts:
        if not (_HOW_OFTEN.fullmatch(part) or _OFTEN.fullmatch(part) or _WHEN.match(part)):
            return "" if re.match(r"the\s", part, re.IGNORECASE) else part  # "the veins become …" says what changes
    return parts[0] if parts else item


def _said_effects(u: Unit) -> tuple[list[str], str] | None:
    """The effects a sentence lists after a cue ("side effects include", "you may experience"), with its words before
    them; after a weak cue ("you may notice", "there will be") only the items that start with a symptom of the
    lexicon."""
    # "If you develop a scar, …" says what is done about an effect, not that the treatment causes it
    conditional = re.match(r"(?:if|when|should)\b", u.text, re.IGNORECASE)
    in_section = lexicon.cue("adverse_effects_in_section") if u.kind == "risks" and not conditional else []
    openers = lexicon.cue("list_openers")
    immediate = ("experience", "cause", "some", *lexicon.cue("adverse_effects_in_section"))
    found = _list_after(u.text, lexicon.cue("adverse_effects") + in_section, openers, immediate=immediate)
    # an aftercare step names no effect unless it says so ("you may experience swelling", "picking can cause
    # scarring")
    if found is not None and (
        u.kind not in ("aftercare", "preparation")
        or re.search(r"side effect|\bexperience\b|\b(?:can|may|could)\s+cause\b", u.text, re.I)
    ):
        return split_items(_WHEN_OR_WHERE.sub("", found[0])), u.text[: found[1]]
    weak = lexicon.cue("adverse_effects_weak")
    found = _list_after(u.text, weak, openers, immediate=tuple(weak))
    if found is None or conditional:
        return None
    symptom = lexicon.phrase_re(tuple(lexicon.data()["symptoms"]))
    named = (
        re.sub(r"^(?:some|mild|slight|minor|temporary|a little)\s+", "", i, flags=re.I) for i in split_items(found[0])
    )
    items = [i for i in named if (m := symptom.match(i)) and m.start() == 0]  # "swelling and bruising", not "splints …"
    return ([_WHEN_OR_WHERE.sub("", i) for i in items], u.text[: found[1]]) if items else None


_THEY_INCLUDE = re.compile(r"^(?:they|these(?:\s+effects)?)\s+(?:\w+\s+)?(?:include|includes)\s+(.+)$", re.IGNORECASE)


def _they_include(u: Unit, before: Unit | None) -> tuple[list[str], str] | None:
    """ "They may include redness, …" after a sentence about side effects: the effects that sentence spoke of."""
    m = _THEY_INCLUDE.match(u.text)
    if m is None or before is None or before.block is not u.block:
        return None
    if not lexicon.has(lexicon.cue("adverse_effects"), before.text):
        return None
    return split_items(_WHEN_OR_WHERE.sub("", m[1].rstrip("."))), u.text[: m.start(1)]


def adverse_effects(units: list[Unit]) -> list[AdverseEffect]:
    """Effects listed after a cue ("side effects include", "risks … can include") or as items of a
    risks section; frequency, seriousness and temporariness from the words around them."""
    out: dict[str, AdverseEffect] = {}
    for i, u in enumerate(units):
        if u.block.kind == "item" and u.kind == "risks":
            candidates, prefix = [_item_head(u.text)], u.text
        elif (said := _said_effects(u) or _they_include(u, units[i - 1] if i else None)) is not None:
            candidates, prefix = said
        else:
            continue
        frequency = _level("frequency", prefix, _FREQUENCIES) or _level("frequency", u.text, _FREQUENCIES)
        seriousness = _level("seriousness", prefix, _SERIOUSNESS) or _level("seriousness", u.text, _SERIOUSNESS)
        temporary = lexicon.has(lexicon.cue("temporary"), u.text)
        words = _as_written("frequency", prefix, frequency) or _as_written("frequency", u.text, frequency)
        # schema.org's seriousAdverseOutcome only where the article says life-threatening or hospital care
        outcome = True if re.search(r"life[- ]threatening|hospital", u.text, re.IGNORECASE) else None
        for item in candidates:
            where = re.search(
                r"\s(?:at|around|on|near|over)\s+(?:the\s+)?(?:injection|treatment|treated|needle)\b.*$", item
            )
            core = item[: where.start()] if where else item
            core = re.sub(r"^(?:temporary|short-lived|transient)\s+", "", core.strip(), flags=re.IGNORECASE)
            # "feel like your skin is scraped" is a clause, "VERY rare" says how often, "also not long" says how
            # long: none names an effect
            told = (
                _CLAUSE.match(core) or _HOW_OFTEN.fullmatch(core) or re.match(r"(?:also\s+)?(?:not|no)\b", core, re.I)
            )
            name = None if told else _name(core)
            if name is None or name.lower() in out:
                continue
            out[name.lower()] = AdverseEffect(
                name=name,
                frequency=frequency or "unknown",
                frequency_as_written=words,
                seriousness=seriousness or "unknown",
                serious_outcome=outcome,
                temporary=True if temporary and seriousness != "serious" else None,
                location=where[0].strip() if where else None,
                source=provenance(u),
            )
    return list(out.values())


def _states(item: str) -> list[str]:
    """The states an entry names ("pregnant or breastfeeding" → Pregnancy, Breastfeeding)."""
    return [str(name) for name, words in lexicon.data()["states"].items() if lexicon.has(words, item)]


_CLASS_EXAMPLES = re.compile(r"\bsuch as\s+(.+?)(?:,?\s+(?:can|may|might|could|will|should|are|is|which)\b|[.;]|$)")
_WITH_VERDICT = re.compile(r"^(?:With|For|If you have)\s+(.+?),?\s+(?:the\s+)?\w+(?:\s+\w+)?\s+(?:is|will be)\s", re.I)


def _kind(text: str) -> ContraindicationKind | None:
    """How strongly it applies, from the lexicon's cue words (absolute first)."""
    for kind in CONTRAINDICATION_KIND_VALUES:
        cues = lexicon.data()["contraindication_kinds"].get(kind)
        if cues and lexicon.has(cues, text):
            return kind
    return None


_ENTRY_CLAUSE = re.compile(
    r"\s+(?:because|due to|as a result|since)\b|,?\s+(?:may|can|might|could|will|must|again|primarily|especially)\b"
)


_EXAMPLES = re.compile(r"\s*\((?:e\.g\.|ex\.|eg|i\.e\.|such as|including|like)[^)]*\)", re.IGNORECASE)


def _entry_head(entry: str) -> str:
    """What an unlabelled list entry names: its first sentence up to a clause that says why or what follows
    ("Chemotherapy within last 6 months because of …" → "Chemotherapy within last 6 months")."""
    first = sentences(entry)[0] if entry.strip() else entry
    m = _ENTRY_CLAUSE.search(first)
    head = first[: m.start()] if m and m.start() > 0 else first
    return _EXAMPLES.sub("", head).strip(" ,.;:")  # "(ex. HIV, AIDS)" gives examples; "(cone-shaped cornea)" stays


def _listed(u: Unit) -> list[tuple[str, str]]:
    """(item, the words that decide its kind) of one entry of a contraindication list: "Medications - … such as
    antibiotics and acne medications" gives the examples, "Pregnant women - …" the label, "With Type 1 Diabetes
    and Lupus the treatment is a definite no" the conditions that sentence names."""
    label, _, rest = [*re.split(r"\s*(:|\s[-\u2013\u2014]\s)\s*", u.text, maxsplit=1), "", ""][:3]
    out: list[tuple[str, str]] = []
    examples = _CLASS_EXAMPLES.search(rest) if lexicon.has(lexicon.data()["class_labels"], label) else None
    cue = lexicon.find(lexicon.cue("contraindications"), rest)
    if examples:
        said = next(s for s in sentences(rest) if examples[1] in s)
        out += [(re.sub(r"\s*\([^)]*\)", "", i), said) for i in split_items(examples[1], on_or=False)]
    elif cue and not _states(label):
        out += [(i, rest) for i in split_items(re.split(r"[.;]", rest[cue.end() :])[0], on_or=False)]
    else:
        out.append((_entry_head(label) if not rest else label, rest or label))
    for sentence in sentences(rest):
        if (m := _WITH_VERDICT.match(sentence)) and _kind(sentence) == "absolute":
            out += [(i, sentence) for i in split_items(m[1], on_or=False)]
    return out


def contraindications(units: list[Unit]) -> list[Contraindication]:
    out: dict[str, Contraindication] = {}
    for u in units:
        if u.kind in ("aftercare", "preparation", "procedure"):
            continue
        if u.block.kind == "item" and u.kind == "contraindications":
            items = _listed(u)
        else:
            cue = lexicon.find(lexicon.cue("contraindications"), u.text)
            if (
                cue is None
                or (cue[0].lower().endswith(" have") and re.match(r"\s+\w+(?:ed|en)\b", u.text[cue.end() :]))
                or (
                    re.search(r"\byou\s+$", u.text[: cue.start()], re.I)
                    and re.match(r"\s+\w+ing\b", u.text[cue.end() :])
                )
            ):
                continue  # "should not have changed": a perfect tense; "you should avoid using …": advice
            begin = _after(u.text, lexicon.cue("contraindication_openers"), cue.end()) or cue.end()
            # each item's kind from its own words and the words before the list ("a recent cold sore" is temporary)
            items = [(i, f"{u.text[:begin]} {i}") for i in split_items(u.text[begin:])]
        for item, words in items:
            who = re.sub(r"\s+(?:women|people|patients|individuals|mothers)$", "", item)
            named: list[str | None] = [*_states(item)] or [_name(who, cut=False, words=_MAX_NAME_WORDS + 2)]
            for name in named:  # a state, or the entry's words ("skin that is sunburned or …")
                if name is not None and name.lower() not in out:
                    out[name.lower()] = Contraindication(condition=name, kind=_kind(words), source=provenance(u))
    return list(out.values())
