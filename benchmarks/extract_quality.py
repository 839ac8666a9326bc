"""Recall and precision of `kg extract` on the evaluation set (tests/cases/extract/eval/), per category and page.

    python -m benchmarks.extract_quality [--set dev|heldout|seen|all] [--pages DIR] [--misses]
    python -m benchmarks.extract_quality --article ARTICLE [--facts REVIEWED.yaml]   # one article, a reviewed file

Each page is drafted with `kg extract`; the draft's facts are sorted into the categories of the hand-made fact
lists (`drafted`), and every drafted fact is compared with the reference facts of its category (`matches`):

- **names** (treatment name, indication, body area, agent, adverse effect, contraindication, FAQ question,
  comparison): both sides are normalised (case, accents, punctuation, plurals, British/American spelling, filler
  words such as "certain", "mild", "temporary"); a drafted name matches a reference fact when rapidfuzz's
  `token_sort_ratio` with the reference fact, or with one of its head phrases (the words before the first
  comma, colon, bracket or dash, and each part of that head split at "and"/"or"), is at least THRESHOLD.
- **statements** (description, mechanism, outcome, course, recovery, aftercare, preparation, candidacy,
  regulatory, cost, conflict): a drafted statement matches when its quote contains the reference quote
  (rapidfuzz `partial_ratio` ≥ QUOTE_THRESHOLD, so a re-fetched page's changed quote marks or spaces still
  match), or its normalised text scores ≥ THRESHOLD against the reference fact.

Recall = reference facts matched by at least one drafted fact of their category; precision = drafted facts that
match at least one reference fact of their category (a drafted sentence may state two facts of the list). A
draft that fails counts as no facts. Run on demand; tests/unit/test_extract_quality.py tests the scorer.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

from kg.core.errors import KgError
from kg.extract import extract

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO / "tests" / "cases" / "extract" / "eval"
SEED_FACTS = Path("data/articles/mesotherapy.yaml")  # reviewed from tests/data/seed/mesotherapy-article.txt
THRESHOLD = 85  # token_sort_ratio of normalised names: "Hyperpigmentations" ~ "hyperpigmentation", not "pigmentation"
QUOTE_THRESHOLD = 90  # partial_ratio of a reference quote inside a drafted quote
SETS = ("dev", "heldout", "seen")  # seen: former held-out pages whose score the developer has seen
NAMES = (
    "treatment_name",
    "indication",
    "body_area",
    "ingredient_or_agent",
    "adverse_effect",
    "contraindication",
    "faq_question",
    "comparison",
)
STATEMENTS = (
    "description",
    "mechanism",
    "outcome",
    "course",
    "recovery",
    "aftercare",
    "preparation",
    "candidacy",
    "procedure",
    "regulatory",
    "cost",
    "conflict",
)
CATEGORIES = NAMES + STATEMENTS
_SPELLING = {
    "ageing": "aging",
    "colour": "color",
    "localised": "localized",
    "anaesthetic": "anesthetic",
    "haemorrhage": "hemorrhage",
    "tumour": "tumor",
    "oedema": "edema",
    "moisturiser": "moisturizer",
}
_FILLER = {
    "a",
    "an",
    "the",
    "of",
    "and",
    "or",
    "to",
    "for",
    "with",
    "in",
    "on",
    "at",
    "is",
    "are",
    "be",
    "may",
    "can",
    "your",
    "any",
    "by",
    "from",
    "very",
    "mild",
    "minor",
    "temporary",
    "certain",
    "some",
    "other",
    "such",
    "as",
    "especially",
    "including",
    "e",
    "g",
}
_HEAD = re.compile(r"\s*(?:[,:;(]|\s[-\u2013\u2014]\s)")
_PARTS = re.compile(r"\s+(?:and|or)\s+")


@dataclass(frozen=True)
class Fact:
    """A fact of a category: a reference fact (text = the fact in own words) or a drafted one."""

    category: str
    text: str
    quote: str = ""


@dataclass(frozen=True)
class Page:
    slug: str
    set: str
    url: str
    facts: tuple[Fact, ...]


@dataclass
class Tally:
    reference: int = 0
    found: int = 0  # reference facts matched
    drafted: int = 0
    correct: int = 0  # drafted facts that match
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.reference += other.reference
        self.found += other.found
        self.drafted += other.drafted
        self.correct += other.correct
        self.misses += other.misses
        self.wrong += other.wrong


def _word(w: str) -> str:
    w = _SPELLING.get(w, w)
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


def norm(text: str) -> str:
    """Lowercase words without accents, punctuation, filler words and plural endings."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain.replace("-", " "))
    return " ".join(_word(w) for w in words if w not in _FILLER)


def heads(text: str) -> list[str]:
    """The reference fact, its head phrase and the parts of that head joined by "and"/"or"."""
    head = _HEAD.split(text, maxsplit=1)[0]
    return [text, head, *_PARTS.split(head)]


def matches(drafted: Fact, reference: Fact) -> bool:
    if drafted.category != reference.category:
        return False
    if drafted.category in NAMES:
        name = norm(drafted.text)
        return bool(name) and any(fuzz.token_sort_ratio(name, norm(h)) >= THRESHOLD for h in heads(reference.text))
    quote = drafted.quote or drafted.text
    if (
        reference.quote
        and len(reference.quote) <= len(quote) + 5
        and fuzz.partial_ratio(reference.quote.lower(), quote.lower()) >= QUOTE_THRESHOLD
    ):
        return True
    if not reference.quote:  # a reviewed file's paraphrase: the content words must mostly be the same
        return fuzz.token_set_ratio(norm(drafted.text), norm(reference.text)) >= THRESHOLD
    return fuzz.token_sort_ratio(norm(drafted.text), norm(reference.text)) >= THRESHOLD


def _quote(item: Any) -> str:
    source = item.get("source") if isinstance(item, dict) else None
    return str(source["quote"]) if isinstance(source, dict) else ""


def _texts(category: str, items: Any, key: str = "text") -> Iterator[Fact]:
    for item in items or []:
        if isinstance(item, dict):
            yield Fact(category, str(item[key]), _quote(item))
        else:
            yield Fact(category, str(item))


def _course(t: dict[str, Any]) -> Iterator[Fact]:
    course = t.get("course") or {}
    for key in ("sessions", "interval"):
        if course.get(key):
            yield Fact("course", str(course[key].get("as_written") or key), _quote(course[key]))
    if course.get("maintenance"):
        yield Fact("course", course["maintenance"], _quote(course))
    proc = t.get("procedure") or {}
    if proc.get("duration"):
        duration = proc["duration"]
        yield Fact("course", duration.get("as_written") or duration.get("note") or "duration", _quote(duration))


def _candidacy(t: dict[str, Any]) -> Iterator[Fact]:
    cand = t.get("candidates") or {}
    yield from (Fact("candidacy", cand[k], _quote(cand)) for k in ("suitable", "assessment") if cand.get(k))
    for key in ("good", "not_good"):
        yield from _texts("candidacy", cand.get(key))


_AGENT_STEP = {"numbing": "preparation", "pre-medication": "preparation", "aftercare": "aftercare"}


def drafted(data: dict[str, Any]) -> list[Fact]:
    """The facts of a draft (the facts format), in the reference lists' categories. Page chrome (keywords,
    breadcrumb, headline) is not scored; procedure steps have no reference category and count as drafted. An agent
    taken before or after the session is a preparation or aftercare fact ("numbing cream before"), others are
    agents. The body areas of indications and of outcomes ("smoother skin on the neck") are body area facts. A fact
    drafted twice (same category, text and quote) counts once."""
    t: dict[str, Any] = data.get("treatment") or {}
    out: list[Fact] = []
    if t.get("name"):
        out.append(Fact("treatment_name", t["name"], _quote(t)))
    if t.get("description"):
        out.append(Fact("description", t["description"], _quote(t)))
    out += _texts("mechanism", t.get("claimed_mechanisms"))
    out += _texts("outcome", t.get("claimed_outcomes"))
    out += _texts("outcome", t.get("outcomes"))
    out += [Fact("body_area", a, _quote(o)) for o in t.get("outcomes") or [] for a in o.get("body_areas") or []]
    for i in t.get("indications") or []:
        if i.get("condition"):  # an indication may name only body areas
            out.append(Fact("indication", i["condition"], _quote(i)))
        out += [Fact("body_area", a, _quote(i)) for a in i.get("body_areas") or []]
    out += _texts("ingredient_or_agent", t.get("ingredients"), "name")
    for agent in t.get("agents") or []:
        out.append(Fact(_AGENT_STEP.get(agent["role"], "ingredient_or_agent"), agent["name"], _quote(agent)))
    out += _texts("adverse_effect", t.get("adverse_effects"), "name")
    out += _texts("contraindication", t.get("contraindications"), "condition")
    proc = t.get("procedure") or {}
    out += _texts("preparation", proc.get("preparation"))
    out += _texts("procedure", proc.get("steps"))
    out += _course(t)
    rec = t.get("recovery") or {}
    if rec.get("summary"):
        out.append(Fact("recovery", rec["summary"], _quote(rec)))
    if rec.get("side_effects_resolve"):
        out.append(Fact("recovery", "side effects resolve", _quote(rec["side_effects_resolve"])))
    out += _texts("aftercare", t.get("aftercare"))
    out += _candidacy(t)
    out += _texts("comparison", t.get("comparisons"), "treatment")
    for r in t.get("regulatory") or []:
        out.append(Fact("regulatory", " ".join(filter(None, (r["status"], r.get("for_use")))), _quote(r)))
    for c in t.get("conflicts") or []:
        quotes = " ".join(_quote(s) or str(s) for s in c["statements"])
        out.append(Fact("conflict", c.get("note") or quotes, quotes))
    out += _texts("faq_question", data.get("faq"), "question")
    return list(dict.fromkeys(out))


def load(path: Path) -> Page:
    entry = yaml.safe_load(path.read_text(encoding="utf-8"))
    facts = tuple(Fact(f["category"], str(f["fact"]), str(f["quote"])) for f in entry["facts"])
    return Page(entry["slug"], entry["set"], entry["url"], facts)


def score(reference: tuple[Fact, ...], draft: list[Fact]) -> dict[str, Tally]:
    """Per category: reference facts, how many were found, drafted facts, how many are right."""
    out = {c: Tally() for c in CATEGORIES}
    for r in reference:
        tally = out.setdefault(r.category, Tally())
        tally.reference += 1
        if any(matches(d, r) for d in draft):
            tally.found += 1
        else:
            tally.misses.append(r.text)
    for d in draft:
        tally = out.setdefault(d.category, Tally())
        tally.drafted += 1
        if any(matches(d, r) for r in reference):
            tally.correct += 1
        else:
            tally.wrong.append(d.text)
    return out


def draft_of(page: Path) -> list[Fact]:
    try:
        return drafted(extract(page).data)
    except KgError:
        return []


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def _row(name: str, t: Tally) -> str:
    return (
        f"| {name} | {t.reference} | {t.found} | {_pct(t.found, t.reference)} | {t.drafted} | {t.correct} "
        f"| {_pct(t.correct, t.drafted)} |"
    )


_HEADER = "| {} | reference | found | recall | drafted | right | precision |\n|---|---:|---:|---:|---:|---:|---:|"


def report(pages: list[Page], folder: Path, *, misses: bool = False) -> tuple[str, dict[str, Tally]]:
    """The per-page and per-category tables of one set, and the per-category tallies."""
    per_category: dict[str, Tally] = {c: Tally() for c in CATEGORIES}
    lines = [_HEADER.format("page")]
    total = Tally()
    for page in pages:
        text = folder / f"{page.slug}.txt"
        tallies = score(page.facts, draft_of(text))
        page_total = Tally()
        for category, t in tallies.items():
            per_category.setdefault(category, Tally()).add(t)
            page_total.add(t)
        total.add(page_total)
        lines.append(_row(page.slug, page_total))
    lines.append(_row("**all**", total))
    lines += ["", _HEADER.format("category")]
    lines += [_row(c, t) for c, t in per_category.items() if t.reference or t.drafted]
    if misses:
        for c, t in per_category.items():
            lines += [f"missed {c}: {m}" for m in t.misses] + [f"wrong {c}: {w}" for w in t.wrong]
    return "\n".join(lines), per_category


def against_facts(article: Path, facts: Path, *, misses: bool = False) -> str:
    """The per-category table of one article drafted and compared with a reviewed facts file (its facts, in the same
    categories, are the reference; they carry no quotes, so statements match by their text)."""
    reference = tuple(Fact(f.category, f.text) for f in drafted(yaml.safe_load(facts.read_text(encoding="utf-8"))))
    tallies = score(reference, draft_of(article))
    lines = [_HEADER.format("category"), *(_row(c, t) for c, t in tallies.items() if t.reference or t.drafted)]
    total = Tally()
    for t in tallies.values():
        total.add(t)
    lines.append(_row("**all**", total))
    if misses:
        lines += [f"missed {c}: {m}" for c, t in tallies.items() for m in t.misses]
        lines += [f"wrong {c}: {w}" for c, t in tallies.items() for w in t.wrong]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.extract_quality", description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=(*SETS, "all"), default="all")
    parser.add_argument("--pages", type=Path, default=EVAL / "pages", help="folder of <slug>.txt page texts")
    parser.add_argument("--misses", action="store_true", help="list every missed and every wrong fact")
    parser.add_argument("--article", type=Path, help="score one article against a reviewed facts file (--facts)")
    parser.add_argument("--facts", type=Path, default=SEED_FACTS, help=f"reviewed facts file (default {SEED_FACTS})")
    args = parser.parse_args(argv)
    if args.article:
        print(against_facts(args.article, args.facts, misses=args.misses))
        return 0
    pages = [load(p) for p in sorted(EVAL.glob("*.yaml")) if args.set == "all" or load(p).set == args.set]
    if not pages:  # between rounds, before a new round's held-out pages are listed
        print(f"error: the evaluation set has no {args.set} pages", file=sys.stderr)
        return 2
    absent = [p.slug for p in pages if not (args.pages / f"{p.slug}.txt").exists()]
    if absent:
        print(
            f"error: no page text for {', '.join(absent)} in {args.pages}: run python scripts/fetch_eval_pages.py",
            file=sys.stderr,
        )
        return 3
    for name in SETS:
        if args.set in (name, "all") and any(p.set == name for p in pages):
            table, _ = report([p for p in pages if p.set == name], args.pages, misses=args.misses)
            print(f"## {name}\n\n{table}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
