"""`kg extract`: drafts from the seed article and from three articles in other styles (tests/cases/extract)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from conftest import CASES, DATA
from hypothesis import given
from hypothesis import strategies as st

from kg.extract import extract, render_yaml
from kg.extract.text import sentences, split_items
from kg.load.facts import Source, check, load_corpus

FIXTURES = CASES / "extract"
SEED = DATA / "seed" / "mesotherapy-article.txt"


def _draft(name: str) -> dict[str, Any]:
    return extract(FIXTURES / name).data


def _effects(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(a["name"], a["frequency"], a["seriousness"]) for a in data["treatment"]["adverse_effects"]]


@pytest.mark.parametrize("article", [SEED, *sorted(p for p in FIXTURES.iterdir() if p.is_file())], ids=lambda p: p.name)
def test_draft_is_schema_valid_and_every_quote_is_verbatim(article: Path) -> None:
    draft = extract(article)
    text = render_yaml(draft)
    data = yaml.safe_load(text)
    assert data["draft"] is True
    assert check(Source(article.name, data, {}, ""), "article") == []
    assert draft.quotes() and all(q in draft.document.text for q in draft.quotes())
    if article.suffix == ".txt":  # plain text: the quotes are in the file itself
        raw = article.read_text(encoding="utf-8")
        assert all(q in raw for q in draft.quotes())


def test_seed_draft_is_refused_until_the_mark_is_deleted(kg: Callable[..., Result], data: Path) -> None:
    out = data / "articles" / "seed.yaml"
    result = kg("extract", SEED, "--out", out, "--slug", "seed")
    assert result.exit_code == 0, result.stderr
    assert "then delete 'draft: true'" in result.stderr
    assert kg("validate", "--data", data).exit_code == 2
    assert "this facts file is a draft" in kg("validate", "--data", data).stderr
    out.write_text(out.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    corpus = load_corpus(data)
    assert [a.slug for a in corpus.articles] == ["mesotherapy", "seed"]


def test_existing_out_file_is_never_overwritten(kg: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "facts.yaml"
    out.write_text("reviewed\n", encoding="utf-8")
    result = kg("extract", SEED, "--out", out)
    assert result.exit_code == 2
    assert result.stderr == f"error: {out}: already exists; choose another --out or delete the file first\n"
    assert out.read_text(encoding="utf-8") == "reviewed\n"


def test_missing_article_and_bad_slug_exit_2(kg: Callable[..., Result], tmp_path: Path) -> None:
    missing = kg("extract", tmp_path / "nope.txt")
    assert missing.exit_code == 2 and "cannot read: No such file or directory" in missing.stderr
    assert kg("extract", SEED, "--slug", "Bad Slug").exit_code == 2


def test_html_chrome_is_ignored() -> None:
    data = _draft("microneedling.html")
    page, t = data["page"], data["treatment"]
    assert page["headline"] == "Microneedling: What It Treats and How to Heal"
    assert [c["name"] for c in page["breadcrumb"]] == ["Home", "Skin treatments"]
    assert [k["name"] for k in page["keywords"]] == ["microneedling", "acne scars"]
    text = render_yaml(extract(FIXTURES / "microneedling.html"))
    for chrome in ("Book now", "Share this article", "Copy link", "Chemical peels", "children under 12", "analytics"):
        assert chrome not in text
    assert (t["name"], t["category"], t["invasiveness"]) == ("Microneedling", "cosmetic", "minimally-invasive")
    assert [(i["condition"], i["body_areas"]) for i in t["indications"]] == [
        ("Acne scars", ["Cheeks", "Forehead"]),
        ("Wrinkles", ["Face", "Neck"]),
        ("Stretch marks", ["Thighs", "Abdomen"]),
    ]
    assert _effects(data) == [
        ("Redness", "common", "unknown"),
        ("Swelling", "common", "unknown"),
        ("Tightness of the skin", "common", "unknown"),
        ("Skin infection", "rare", "unknown"),
        ("Lasting changes in skin colour", "rare", "unknown"),
    ]
    assert [c["condition"] for c in t["contraindications"]] == [
        "Active acne",
        "Eczema on the treated area",
        "Tendency to form keloid scars",
    ]
    assert t["procedure"]["duration"] == {
        "min": 45,
        "max": 60,
        "unit": "minute",
        "source": {"section": "During the Procedure", "quote": "A session usually takes 45-60 minutes."},
    }
    assert [a.get("duration") for a in t["aftercare"]] == [
        {"min": 24, "max": 24, "unit": "hour"},
        None,
        {"min": 2, "max": 2, "unit": "week"},
    ]
    assert [q["question"] for q in data["faq"]] == ["Does microneedling hurt?", "How many sessions will I need?"]


def test_markdown_article() -> None:
    data = _draft("chemical-peel.md")
    t = data["treatment"]
    assert (data["slug"], t["name"], t["category"]) == ("chemical-peel", "Chemical Peel", "cosmetic")
    assert [c["name"] for c in data["page"]["breadcrumb"]] == ["Home", "Skin"]
    assert [(i["name"], i["purpose"]) for i in t["ingredients"]] == [
        ("Glycolic acid", "exfoliation"),
        ("Salicylic acid", "oily skin"),
        ("Trichloroacetic acid", "deeper peels"),
    ]
    assert _effects(data) == [
        ("Stinging", "common", "unknown"),
        ("Redness", "common", "unknown"),
        ("Peeling", "common", "unknown"),
        ("Scarring", "rare", "serious"),
        ("Infection", "rare", "serious"),
    ]
    assert [i["condition"] for i in t["indications"]] == ["Hyperpigmentation", "Dull skin"]
    assert [q["question"] for q in data["faq"]] == ["Is a chemical peel painful?", "Can I wear make-up afterwards?"]
    assert "Microneedling" not in render_yaml(extract(FIXTURES / "chemical-peel.md"))


def test_plain_text_page_without_faq() -> None:
    data = _draft("cryotherapy.txt")
    t = data["treatment"]
    assert "faq" not in data
    assert (t["name"], t["category"]) == ("Cryotherapy", "medical")
    assert [(i["condition"], i["body_areas"]) for i in t["indications"]] == [
        ("Warts", ["Hands", "Feet"]),
        ("Skin tags", ["Neck"]),
        ("Actinic keratoses", ["Face"]),
    ]
    assert _effects(data) == [
        ("Pain", "common", "minor"),
        ("Redness", "common", "minor"),
        ("Blistering", "common", "minor"),
        ("Lighter patches of skin", "uncommon", "unknown"),
    ]
    assert [c["condition"] for c in t["contraindications"]] == ["Cold urticaria", "Poor circulation"]
    assert [s["text"] for s in t["procedure"]["steps"]] == [
        "The clinician sprays liquid nitrogen onto the growth.",
        "Lets the skin thaw.",
    ]
    assert [k["name"] for k in data["page"]["keywords"]] == ["cryotherapy", "wart removal"]
    assert "Laser hair removal" not in render_yaml(extract(FIXTURES / "cryotherapy.txt"))


@given(st.lists(st.text(alphabet="abcdefgh XYZ.?!", min_size=1, max_size=30), min_size=1, max_size=6))
def test_sentences_and_items_are_exact_slices(parts: list[str]) -> None:
    text = " ".join(parts)
    assert all(s in text for s in sentences(text))
    assert all(i in text for i in split_items(text))


_LINES = st.sampled_from(
    [
        "Side Effects",
        "Aftercare",
        "Frequently Asked Questions",
        "Who Should Avoid It",
        "Treatment Areas",
        "During the Procedure",
        "Does it hurt?",
        "  • Face and neck (for wrinkles)",
        "- Avoid sun for 2 days",
        "Common side effects include redness, swelling and itching.",
        "Rarely, serious infection can occur.",
        "It is not suitable for people with diabetes or pregnant women.",
        "The session takes 20-30 minutes.",
        "Ingredients include retinol for renewal and vitamin C.",
        "Share:",
        "tag one",
        "Recommended",
        "icon",
        "1. Home",
        "A plain sentence about nothing.",
        "Peeling fades within 3-5 days.",
    ]
)


@given(st.lists(_LINES, min_size=1, max_size=25), st.sampled_from(["a.txt", "a.md", "a.html"]))
def test_any_article_gives_a_schema_valid_draft_with_verbatim_quotes(lines: list[str], name: str) -> None:
    title = "Laser Resurfacing: A Guide"
    if name.endswith(".md"):
        text = "\n\n".join([f"# {title}", *(f"## {x}" if len(x.split()) < 4 else x for x in lines)])
    elif name.endswith(".html"):
        text = "".join(
            [f"<h1>{title}</h1>", *(f"<h2>{x}</h2>" if len(x.split()) < 4 else f"<p>{x}</p>" for x in lines)]
        )
    else:
        text = "\n\n".join([title, *lines])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        draft = extract(path)
    data = yaml.safe_load(render_yaml(draft))
    assert check(Source(name, data, {}, ""), "article") == []
    assert all(q in draft.document.text for q in draft.quotes())
