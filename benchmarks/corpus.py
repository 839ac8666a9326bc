"""A seeded synthetic corpus shaped like real articles.

List lengths spread around the sample's; ingredients, conditions and body areas are drawn from
shared pools so the same entity appears in many articles; a few per cent of articles carry a
deliberate violation (an adverse effect without frequency, or a condition both indicated and
contraindicated). Texts are synthetic, not medical claims: this data is for timing only.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

import yaml

CONDITIONS = [f"Condition {i}" for i in range(400)]
INGREDIENTS = [f"Ingredient {i}" for i in range(150)]
AREAS = ["Face", "Neck", "Abdomen", "Flanks", "Thighs", "Buttocks", "Scalp", "Arms", "Back", "Chest", "Hands"]
WORDS = [
    "treatment", "session", "skin", "area", "patient", "result", "recovery", "effect", "practitioner",
    "injection", "care", "week", "day", "solution", "layer", "tissue", "comfort", "swelling", "cream",
    "needle", "review", "health", "advice", "risk", "benefit",
]


def _text(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def _spread(rng: random.Random, centre: int) -> int:
    return max(1, round(rng.gauss(centre, centre / 3)))


def article(i: int, rng: random.Random, violation_rate: float = 0.03) -> dict[str, Any]:
    conditions = rng.sample(CONDITIONS, 24)
    indications, adverse, contra = conditions[:_spread(rng, 4)], conditions[8:8 + _spread(rng, 6)], \
        conditions[16:16 + _spread(rng, 6)]
    a: dict[str, Any] = {
        "slug": f"treatment-{i:06d}",
        "page": {
            "headline": f"Treatment {i}: " + _text(rng, 5, 10),
            "description": _text(rng, 15, 30),
            "keywords": sorted({rng.choice(WORDS) + " " + rng.choice(WORDS) for _ in range(_spread(rng, 12))}),
            "image": {"caption": _text(rng, 8, 16)},
            "breadcrumb": [{"name": "Home"}, {"name": "News"}, {"name": "Health"}],
            "related_articles": [{"headline": _text(rng, 6, 12)} for _ in range(_spread(rng, 3))],
        },
        "treatment": {
            "name": f"Treatment {i}",
            "description": _text(rng, 20, 40),
            "category": rng.choice(["cosmetic", "medical"]),
            "invasiveness": rng.choice(["non-invasive", "minimally-invasive", "invasive"]),
            "claimed_mechanisms": [_text(rng, 4, 8) for _ in range(_spread(rng, 4))],
            "indications": [{"condition": c, "purpose": _text(rng, 2, 5),
                             "body_areas": rng.sample(AREAS, _spread(rng, 2))} for c in indications],
            "ingredients": [{"name": n, "purpose": _text(rng, 2, 4)}
                            for n in rng.sample(INGREDIENTS, _spread(rng, 6))],
            "adverse_effects": [{"name": c, "frequency": rng.choice(["common", "uncommon", "rare"]),
                                 "seriousness": rng.choice(["minor", "serious"])} for c in adverse],
            "contraindications": [{"condition": c} for c in contra],
            "procedure": {"preparation": [_text(rng, 6, 14) for _ in range(2)],
                          "steps": [_text(rng, 6, 14) for _ in range(_spread(rng, 3))],
                          "duration": {"min": 30, "max": 60, "unit": "minute"}, "sessions": "multiple"},
            "recovery": {"summary": _text(rng, 5, 10),
                         "side_effects_resolve": {"min": 24, "max": 48, "unit": "hour"}},
            "aftercare": [{"text": _text(rng, 5, 10)} for _ in range(_spread(rng, 5))],
            "comparisons": [{"treatment": f"Treatment {rng.randrange(10_000)}",
                             "points": [_text(rng, 6, 12) for _ in range(3)]}],
        },
        "faq": [{"question": _text(rng, 8, 16).rstrip(".") + "?", "answer": _text(rng, 20, 45)}
                for _ in range(_spread(rng, 5))],
    }
    if rng.random() < violation_rate:
        if rng.random() < 0.5:
            del a["treatment"]["adverse_effects"][0]["frequency"]
        else:
            a["treatment"]["contraindications"].append({"condition": indications[0]})
    return a


def write(folder: Path, n: int, seed: int = 7, violation_rate: float = 0.03) -> Path:
    """Write data/site.yaml and n articles under folder; returns the data folder."""
    rng = random.Random(seed)
    data = folder / "data"
    (data / "articles").mkdir(parents=True, exist_ok=True)
    (data / "site.yaml").write_text(yaml.safe_dump({"base_iri": "https://example.org/", "language": "en",
                                                    "publisher": {"name": "Example Health"}}), encoding="utf-8")
    for i in range(n):
        doc = article(i, rng, violation_rate)
        (data / "articles" / f"{doc['slug']}.yaml").write_text(
            yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return data


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--violations", type=float, default=0.03, help="share of articles with a violation")
    args = parser.parse_args()
    print(write(args.folder, args.n, args.seed, args.violations))
