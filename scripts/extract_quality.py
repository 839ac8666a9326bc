"""Recall and precision of `kg extract` on an article whose reviewed facts file exists.

    python scripts/extract_quality.py [ARTICLE FACTS]
    (default: ../shared/seed/mesotherapy-article.txt against data/articles/mesotherapy.yaml)

Facts are compared per category after normalising case, punctuation, British/American spelling,
plurals and cue words (mild, temporary …) that the two files may place differently. Names must
be equal after normalising; free texts (steps, aftercare) match when their content words overlap
(Dice ≥ 0.5), because the reviewed file paraphrases what the draft quotes. Each draft fact
matches at most one reviewed fact. Run on demand; nothing here is asserted by the test suite.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.extract import extract  # noqa: E402

_SPELLING = {"ageing": "aging", "localised": "localized", "anaesthetic": "anesthetic", "haemorrhage": "hemorrhage"}
_IGNORED = {
    "a",
    "an",
    "the",
    "mild",
    "minor",
    "temporary",
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
    "will",
    "may",
    "can",
    "your",
    "any",
    "by",
    "from",
    "then",
    "very",
    "many",
    "multiple",
}


def _word(w: str) -> str:
    w = _SPELLING.get(w, w)
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def norm(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("-", " "))
    return " ".join(_word(w) for w in words if w not in _IGNORED)


def _stem(w: str) -> str:
    for suffix in ("ing", "ed", "ment", "ly", "e"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: -len(suffix)]
            break
    return w[:6]


def _tokens(text: str) -> set[str]:
    return {_stem(w) for w in norm(text).split()}


def similar(a: str, b: str) -> bool:
    ta, tb = _tokens(a), _tokens(b)
    return bool(ta and tb) and 2 * len(ta & tb) / (len(ta) + len(tb)) >= 0.5


def match(reference: list[Any], draft: list[Any], same: Callable[[Any, Any], bool]) -> int:
    used: set[int] = set()
    hits = 0
    for r in reference:
        for i, d in enumerate(draft):
            if i not in used and same(r, d):
                used.add(i)
                hits += 1
                break
    return hits


def _text(item: Any) -> str:
    return item["text"] if isinstance(item, dict) else item


def _name(item: Any) -> str:
    return item["name"] if isinstance(item, dict) else item


def categories(facts: dict[str, Any]) -> dict[str, tuple[list[Any], Callable[[Any, Any], bool]]]:
    t, page = facts.get("treatment", {}), facts.get("page", {})
    proc = t.get("procedure", {})
    eq: Callable[[Any, Any], bool] = lambda a, b: a == b  # noqa: E731
    return {
        "indications": ([norm(i["condition"]) for i in t.get("indications", [])], eq),
        "body areas": ([norm(a) for i in t.get("indications", []) for a in i.get("body_areas", [])], eq),
        "ingredients + purpose": (
            [(norm(i["name"]), norm(i.get("purpose", ""))) for i in t.get("ingredients", [])],
            eq,
        ),
        "adverse effects + frequency + seriousness": (
            [(norm(a["name"]), a.get("frequency"), a.get("seriousness")) for a in t.get("adverse_effects", [])],
            eq,
        ),
        "contraindications": ([norm(c["condition"]) for c in t.get("contraindications", [])], eq),
        "aftercare": ([_text(a) for a in t.get("aftercare", [])], similar),
        "procedure steps (preparation + steps)": (
            [_text(s) for s in [*proc.get("preparation", []), *proc.get("steps", [])]],
            similar,
        ),
        "FAQ questions": ([norm(q["question"]) for q in facts.get("faq", [])], eq),
        "keywords": ([norm(_name(k)) for k in page.get("keywords", [])], eq),
        "breadcrumb": ([norm(c["name"]) for c in page.get("breadcrumb", [])], eq),
    }


def compare(reference: dict[str, Any], draft: dict[str, Any]) -> Iterable[tuple[str, int, int, int]]:
    ref, got = categories(reference), categories(draft)
    for name, (items, same) in ref.items():
        drafted = got[name][0]
        yield name, len(items), len(drafted), match(items, drafted, same)


def main(argv: list[str]) -> int:
    seed = next(
        (p / "shared" / "seed" / "mesotherapy-article.txt" for p in REPO.parents if (p / "shared" / "seed").is_dir()),
        Path("../shared/seed/mesotherapy-article.txt"),
    )
    article = Path(argv[0]) if argv else seed
    facts = Path(argv[1]) if len(argv) > 1 else REPO / "data" / "articles" / "mesotherapy.yaml"
    reference = yaml.safe_load(facts.read_text(encoding="utf-8"))
    draft = extract(article).data
    print("| category | reviewed | drafted | matched | recall | precision |\n|---|---:|---:|---:|---:|---:|")
    total = [0, 0, 0]
    for name, n_ref, n_draft, hits in compare(reference, draft):
        total = [total[0] + n_ref, total[1] + n_draft, total[2] + hits]
        recall = f"{hits / n_ref:.0%}" if n_ref else "-"
        precision = f"{hits / n_draft:.0%}" if n_draft else "-"
        print(f"| {name} | {n_ref} | {n_draft} | {hits} | {recall} | {precision} |")
    print(f"| **all** | {total[0]} | {total[1]} | {total[2]} | {total[2] / total[0]:.0%} | {total[2] / total[1]:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
