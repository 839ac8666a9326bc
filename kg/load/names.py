"""The sanity gate for entity names (drafted or written by hand): a name is a name, not a piece of a sentence.

Checked on every treatment, condition, body area, ingredient, agent, adverse effect, contraindication and compared
treatment: no leading '#', no trailing punctuation, balanced parentheses, 2 to 120 characters and at most 12 words,
no pronoun or sentence opener ("You don't need", "Why we …", "Redness it causes"), no auxiliary verb first (the
rest of a clause: "Is best for those …"), no dangling joining word at either end ("For laser hair removal",
"Redness and"), no finite verb inside ("Possible side effects include redness"), not only qualifiers ("Usually
mild", "Short-lived"). Each problem is a violation on the field to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.core.findings import Finding
from kg.load.located import Located
from kg.load.model import AdverseEffect, Agent, Comparison, Contraindication, Indication, Ingredient, Treatment

MIN_CHARS, MAX_CHARS, MAX_WORDS = 2, 120, 12
_OPENERS = {
    "you",
    "your",
    "we",
    "our",
    "they",
    "it",
    "it's",
    "its",
    "this",
    "that",
    "these",
    "those",
    "which",
    "who",
    "why",
    "when",
    "if",
    "because",
    "so",
    "but",
    "while",
    "although",
    "there",
    "here",
    "i",
    "he",
    "she",
    "for",
    "to",
    "of",
    "from",
    "and",
    "or",
    "as",
    "than",
    "then",
    "also",
    "however",
    # an auxiliary or a copula first: the rest of a clause ("is best for those …", "can make the skin …")
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "can",
    "could",
    "may",
    "might",
    "will",
    "would",
    "should",
    "must",
    "do",
    "does",
    "did",
}
_ENDERS = {
    "and",
    "or",
    "of",
    "the",
    "a",
    "an",
    "to",
    "with",
    "for",
    "in",
    "on",
    "at",
    "by",
    "from",
    "that",
    "which",
    "is",
    "are",
    "be",
    "can",
    "may",
    "will",
    "should",
    "need",
    "don't",
    "can't",
}
_PRONOUNS = {"you", "we", "they", "i", "he", "she", "it", "don't", "can't", "won't", "doesn't", "isn't"}
# a finite verb inside a name makes it a clause ("Possible side effects include redness", "Skin is red")
_FINITE = {"include", "includes", "is", "are", "was", "were", "can", "may", "might", "will", "would", "should", "must"}
# words that only qualify: a name made of them alone names nothing ("Usually mild", "Short-lived")
_QUALIFIERS = {
    "usually",
    "often",
    "generally",
    "typically",
    "normally",
    "sometimes",
    "rarely",
    "very",
    "quite",
    "mild",
    "mildly",
    "minimal",
    "minor",
    "moderate",
    "severe",
    "slight",
    "brief",
    "short-lived",
    "long-lasting",
    "temporary",
    "transient",
    "common",
    "rare",
    "possible",
    "and",
}
_FIELDS: dict[type[Located], tuple[str, ...]] = {
    Treatment: ("name",),
    Indication: ("condition",),
    Ingredient: ("name",),
    Agent: ("name",),
    AdverseEffect: ("name",),
    Contraindication: ("condition",),
    Comparison: ("treatment",),
}


def problem(name: str) -> str | None:
    """Why a text is not a name, or None when it is one."""
    text = name.strip()
    words = re.findall(r"[\w'-]+", text.lower().replace("\u2019", "'"))
    if text.startswith("#"):
        return "starts with '#' (a heading or comment marker)"
    if not MIN_CHARS <= len(text) <= MAX_CHARS or len(words) > MAX_WORDS:
        return (
            f"is {len(text)} characters and {len(words)} words; a name has {MIN_CHARS}-{MAX_CHARS} characters "
            f"and at most {MAX_WORDS} words"
        )
    if re.search(r"[.,;:!?\u2026-]$", text) and not re.search(r"\b[A-Za-z]{1,4}\.$", text):
        return "ends with punctuation, as a piece of a sentence does"
    if text.count("(") != text.count(")"):
        return "has an unmatched parenthesis, as a piece of a sentence does"
    if not words:
        return "has no words"
    if words[0] in _OPENERS or words[-1] in _ENDERS or _PRONOUNS & set(words):
        return "reads as a piece of a sentence (a pronoun, a verb first, or a joining word at its start or end)"
    relative = {"that", "which", "who", "whose", "when"}  # "Skin that is sunburned": a name with its own clause
    if verb := next((w for i, w in enumerate(words[1:]) if w in _FINITE and words[i] not in relative), None):
        return f"reads as a clause (the verb {verb!r} inside it)"
    if set(words) <= _QUALIFIERS:
        return "only qualifies (no noun: how mild, how often, how long)"
    return None


def findings(node: Located) -> Iterator[Finding]:
    """Violations for the names of one model object, each on its field."""
    for field in _FIELDS.get(type(node), ()):
        value = getattr(node, field)
        if isinstance(value, str) and (why := problem(value)) is not None:
            yield node.at.child(field).finding(
                f"{value!r} is not a name: it {why}; write the name alone (e.g. 'Redness', 'Pregnancy')",
                rule="schema:name",
            )
    if isinstance(node, Indication):
        for i, area in enumerate(node.body_areas):
            if (why := problem(area)) is not None:
                yield node.at.child("body_areas", i).finding(
                    f"{area!r} is not a body area's name: it {why}; write the area alone (e.g. 'Face')",
                    rule="schema:name",
                )
