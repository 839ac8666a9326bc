"""A seeded synthetic corpus shaped like real articles.

List lengths spread around the sample's; ingredients, conditions and body areas are drawn from
shared pools so the same entity appears in many articles; every article uses the statements of the
current model (a course with a session range, a timed preparation step, an outcome with its onset, the
article's frequency words); a few per cent of articles carry a deliberate violation (a condition both
indicated and contraindicated; what an article does not state is never one). Texts are synthetic, not
medical claims: this data is for timing only.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from kg.load.model import (
    CATEGORY_VALUES,
    FREQUENCY_VALUES,
    INVASIVENESS_VALUES,
    SERIOUSNESS_VALUES,
    AdverseEffect,
    AftercareItem,
    Article,
    BreadcrumbItem,
    Comparison,
    Contraindication,
    Course,
    Duration,
    FaqItem,
    Image,
    Indication,
    Ingredient,
    Keyword,
    Outcome,
    Page,
    Procedure,
    Quantity,
    Recovery,
    RelatedArticle,
    SourcedText,
    Timing,
    Treatment,
)

CONDITIONS = [f"Condition {i}" for i in range(400)]
INGREDIENTS = [f"Ingredient {i}" for i in range(150)]
AREAS = ["Face", "Neck", "Abdomen", "Flanks", "Thighs", "Buttocks", "Scalp", "Arms", "Back", "Chest", "Hands"]
WORDS = [
    "treatment",
    "session",
    "skin",
    "area",
    "patient",
    "result",
    "recovery",
    "effect",
    "practitioner",
    "injection",
    "care",
    "week",
    "day",
    "solution",
    "layer",
    "tissue",
    "comfort",
    "swelling",
    "cream",
    "needle",
    "review",
    "health",
    "advice",
    "risk",
    "benefit",
]
FREQUENCIES = tuple(f for f in FREQUENCY_VALUES if f != "unknown")  # the synthetic articles always state one
SERIOUSNESS = tuple(s for s in SERIOUSNESS_VALUES if s != "unknown")


def _text(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def _texts(rng: random.Random, n: int, low: int, high: int) -> tuple[SourcedText, ...]:
    return tuple(SourcedText(text=_text(rng, low, high), bare=True) for _ in range(n))


def _spread(rng: random.Random, centre: int) -> int:
    return max(1, round(rng.gauss(centre, centre / 3)))


def _page(i: int, rng: random.Random) -> Page:
    return Page(
        headline=f"Treatment {i}: " + _text(rng, 5, 10),
        description=_text(rng, 15, 30),
        keywords=tuple(
            Keyword(name=k, bare=True)
            for k in sorted({rng.choice(WORDS) + " " + rng.choice(WORDS) for _ in range(_spread(rng, 12))})
        ),
        image=Image(caption=_text(rng, 8, 16)),
        breadcrumb=tuple(BreadcrumbItem(name=name) for name in ("Home", "News", "Health")),
        related_articles=tuple(RelatedArticle(headline=_text(rng, 6, 12)) for _ in range(_spread(rng, 3))),
    )


def _treatment(i: int, rng: random.Random, indications: list[str], adverse: list[str], contra: list[str]) -> Treatment:
    return Treatment(
        name=f"Treatment {i}",
        description=_text(rng, 20, 40),
        category=rng.choice(CATEGORY_VALUES),
        invasiveness=rng.choice(INVASIVENESS_VALUES),
        claimed_mechanisms=tuple(_text(rng, 4, 8) for _ in range(_spread(rng, 4))),
        indications=tuple(
            Indication(condition=c, purpose=_text(rng, 2, 5), body_areas=tuple(rng.sample(AREAS, _spread(rng, 2))))
            for c in indications
        ),
        ingredients=tuple(
            Ingredient(name=n, purpose=_text(rng, 2, 4)) for n in rng.sample(INGREDIENTS, _spread(rng, 6))
        ),
        adverse_effects=tuple(_effect(c, rng.choice(FREQUENCIES), rng.choice(SERIOUSNESS)) for c in adverse),
        contraindications=tuple(Contraindication(condition=c) for c in contra),
        procedure=Procedure(
            preparation=_timed(_texts(rng, 2, 6, 14)),
            steps=_texts(rng, _spread(rng, 3), 6, 14),
            duration=Duration(min=30, max=60, unit="minute"),
            sessions="multiple",
        ),
        course=Course(
            sessions=Quantity(min=3, max=6, as_written="3 to 6 sessions"), interval=Duration(min=4, max=6, unit="week")
        ),
        outcomes=(Outcome(text="Visible results", onset=Duration(min=2, max=4, unit="week", approximate=True)),),
        recovery=Recovery(summary=_text(rng, 5, 10), side_effects_resolve=Duration(min=24, max=48, unit="hour")),
        aftercare=tuple(AftercareItem(text=_text(rng, 5, 10)) for _ in range(_spread(rng, 5))),
        comparisons=(Comparison(treatment=f"Treatment {rng.randrange(10_000)}", points=_texts(rng, 3, 6, 12)),),
    )


def _effect(name: str, frequency: Any, seriousness: Any) -> AdverseEffect:
    """An adverse effect with its controlled frequency and the article's own words for it."""
    return AdverseEffect(
        name=name,
        frequency=frequency,
        frequency_as_written=f"{frequency} in the article's words",
        seriousness=seriousness,
    )


def _timed(steps: tuple[SourcedText, ...]) -> tuple[SourcedText, ...]:
    """The first preparation step timed before the session ("stop X 48 hours before")."""
    first = replace(steps[0], bare=False, timing=Timing(when="before", offset=Duration(min=48, max=48, unit="hour")))
    return (first, *steps[1:])


def article(i: int, rng: random.Random, violation_rate: float = 0.03) -> dict[str, Any]:
    """One synthetic article, as the facts file holds it (built with the facts model's classes)."""
    conditions = rng.sample(CONDITIONS, 24)
    indications, adverse, contra = (
        conditions[: _spread(rng, 4)],
        conditions[8 : 8 + _spread(rng, 6)],
        conditions[16 : 16 + _spread(rng, 6)],
    )
    page = _page(i, rng)  # (the order of the calls is the order of the random draws)
    a = Article(
        slug=f"treatment-{i:06d}",
        page=page,
        treatment=_treatment(i, rng, indications, adverse, contra),
        faq=tuple(
            FaqItem(question=_text(rng, 8, 16).rstrip(".") + "?", answer=_text(rng, 20, 45))
            for _ in range(_spread(rng, 5))
        ),
    )
    if rng.random() < violation_rate:
        t = a.treatment
        clashing = indications[0] if rng.random() < 0.5 else indications[-1]  # (one draw, as before)
        t = replace(t, contraindications=(*t.contraindications, Contraindication(condition=clashing)))
        a = replace(a, treatment=t)
    return a.to_data()


def write(folder: Path, n: int, seed: int = 7, violation_rate: float = 0.03) -> Path:
    """Write data/site.yaml and n articles under folder; returns the data folder."""
    rng = random.Random(seed)
    data = folder / "data"
    (data / "articles").mkdir(parents=True, exist_ok=True)
    (data / "site.yaml").write_text(
        yaml.safe_dump({"base_iri": "https://example.org/", "language": "en", "publisher": {"name": "Example Health"}}),
        encoding="utf-8",
    )
    for i in range(n):
        doc = article(i, rng, violation_rate)
        (data / "articles" / f"{doc['slug']}.yaml").write_text(
            yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    return data


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--violations", type=float, default=0.03, help="share of articles with a violation")
    args = parser.parse_args()
    print(write(args.folder, args.n, args.seed, args.violations))
