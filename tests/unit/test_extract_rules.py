"""The drafting rules of `kg extract`, each on a small article written for this test (no third-party text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from kg.extract import extract, quantities, render_yaml
from kg.extract.blocks import Block
from kg.extract.classify import category, concerns, continued
from kg.extract.read_html import read as read_html
from kg.extract.units import Unit
from kg.load.facts import Source, check
from kg.load.model import Quantity


def _draft(tmp_path: Path, text: str, name: str = "page.txt") -> dict[str, Any]:
    """The draft of an article; it is schema-valid and every quote is in the article."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    draft = extract(path)
    data = yaml.safe_load(render_yaml(draft))
    assert check(Source(name, data, {}, ""), "article") == []
    assert all(q in draft.document.text for q in draft.quotes())
    return draft.data


def _unit(text: str, section: tuple[str, ...] = ()) -> Unit:
    return Unit(text, Block("paragraph", text, 0, section), 0)


def test_html_main_content_is_found_by_trafilatura_not_by_class_names() -> None:
    page = (
        "<html><head><title>Glow Peel | Clinic</title><meta name='description' content='All about the glow peel.'>"
        "</head><body><nav><a href='/'>Home</a> <a href='/book'>Book a visit</a></nav>"
        "<ol class='breadcrumb'><li>Home</li><li>Peels</li></ol>"
        "<div id='cookie-notice'>We use cookies to improve this site. Accept all cookies to continue.</div>"
        "<article><h1>Glow Peel</h1><p>The glow peel is a gentle acid peel for dull skin and uneven texture that "
        "takes about thirty minutes in the clinic.</p><h2>Side effects</h2><p>Common side effects include redness "
        "and flaking that settle within two days.</p><dl><dt>Does it sting?</dt><dd>Most people feel a short warm "
        "tingle while the acid works.</dd></dl></article>"
        "<footer><p>Copyright Glow Clinic. All rights reserved. Call us today for a free consultation.</p></footer>"
        "</body></html>"
    )
    doc = read_html(page)
    assert doc.title == "Glow Peel" and doc.breadcrumb == ["Home", "Peels"]
    assert doc.description == "All about the glow peel."
    text = " ".join(b.text for b in doc.blocks)
    assert "cookies" not in text and "Copyright" not in text and "Book a visit" not in text
    assert ("heading", "Does it sting?") in [(b.kind, b.text) for b in doc.blocks]  # a <dt> question


def test_a_tiny_page_without_main_content_is_read_whole() -> None:
    doc = read_html("<h1>Cupping</h1><p>Cupping leaves round marks.</p>")
    assert doc.title == "Cupping" and [b.text for b in doc.blocks] == ["Cupping leaves round marks."]


def test_session_counts_intervals_and_doses_keep_the_words() -> None:
    assert quantities.sessions("most people need two to three sessions") == Quantity(
        min=2, max=3, as_written="two to three sessions"
    )
    assert quantities.sessions("often more than one treatment is needed").min == 2  # type: ignore[union-attr]
    assert quantities.sessions("a touch-up is a treatment or two").as_written == "a treatment or two"  # type: ignore[union-attr]
    assert quantities.sessions("just a single session").max == 1  # type: ignore[union-attr]
    assert quantities.sessions("Multiple sessions may be needed").as_written == "Multiple sessions"  # type: ignore[union-attr]
    assert quantities.sessions("the session takes an hour") is None
    interval = quantities.interval("spaced four to six weeks apart")
    assert (interval.min, interval.max, interval.unit) == (4, 6, "week")  # type: ignore[union-attr]
    assert quantities.per("top up once a year").unit == "year"  # type: ignore[union-attr]
    dose = quantities.dose("do not take more than 200 mg a day")
    assert (dose.min, dose.max, dose.unit, dose.as_written) == (200, None, "mg", "more than 200 mg")  # type: ignore[union-attr]


@given(st.integers(0, 999), st.integers(0, 999), st.sampled_from(["-", " to ", "\u2013"]))
def test_a_session_range_round_trips(low: int, high: int, dash: str) -> None:
    text = f"Plan on {low}{dash}{high} sessions."
    found = quantities.sessions(text)
    if low > high:
        assert found is None
    else:
        assert found is not None and (found.min, found.max) == (low, high) and (found.as_written or "?") in text


def test_course_maintenance_and_conflicting_counts(tmp_path: Path) -> None:
    data = _draft(
        tmp_path,
        "Glow Peel\n\nMost people need two to three sessions spaced four weeks apart. "
        "The results fade slowly. Later, 4-6 sessions are required for the best result.\n\n"
        "Most people book a touch-up once a year. This is usually a single session.\n",
    )
    course = data["treatment"]["course"]
    assert course["sessions"] == {
        "min": 2,
        "max": 3,
        "as_written": "two to three sessions",
        "source": {
            "section": "(introduction)",
            "quote": "Most people need two to three sessions spaced four weeks apart.",
        },
    }
    assert course["interval"]["as_written"] == "four weeks apart"
    assert course["maintenance"] == "Most people book a touch-up once a year. This is usually a single session."
    assert course["maintenance_interval"] == {"min": 1, "max": 1, "unit": "year", "as_written": "once a year"}
    [conflict] = data["treatment"]["conflicts"]
    assert conflict["note"] == "The number of sessions is stated as 'two to three sessions' and as '4-6 sessions'"


def test_regulatory_status_and_what_the_article_says_is_empty(tmp_path: Path) -> None:
    data = _draft(
        tmp_path,
        "Glow Peel\n\nThe peel device is FDA-cleared to treat fine lines on the face. Some clinics use it off-label "
        "on the hands.\n\nThere are no side effects worth mentioning. It is not without contraindications.\n",
    )
    t = data["treatment"]
    assert [(r["status"], r.get("authority"), r.get("for_use")) for r in t["regulatory"]] == [
        ("cleared", "FDA", "treat fine lines on the face"),
        ("off-label", None, None),
    ]
    assert list(t["none_stated"]) == ["adverse_effects"]  # "not without contraindications" says nothing


def test_candidacy_good_and_not_good_by_negation(tmp_path: Path) -> None:
    data = _draft(
        tmp_path,
        "Glow Peel\n\nThe peel is best for people with dull skin who want a quick refresh. "
        "People with very thin skin may not be suitable candidates for the peel.\n",
    )
    cand = data["treatment"]["candidates"]
    assert [g["text"] for g in cand["good"]] == ["The peel is best for people with dull skin who want a quick refresh."]
    assert [g["text"] for g in cand["not_good"]] == [
        "People with very thin skin may not be suitable candidates for the peel."
    ]


def test_contraindication_list_entries_and_their_kinds(tmp_path: Path) -> None:
    data = _draft(
        tmp_path,
        "Glow Peel\n\nWho is not a good candidate for the glow peel?\n"
        "Pregnant women \u2013 Wait until after the birth before a first peel.\n"
        "Medicines \u2013 Some medicines, such as retinoids (vitamin A creams) and blood thinners, can increase "
        "the risk of irritation. With Psoriasis and Eczema on the face the peel is a definite no.\n"
        "Recent sunburn \u2013 The peel should not be performed on skin that is sunburned or peeling.\n",
    )
    assert [(c["condition"], c.get("kind")) for c in data["treatment"]["contraindications"]] == [
        ("Pregnancy", "temporary"),
        ("Retinoids", "relative"),
        ("Blood thinners", "relative"),
        ("Psoriasis", "absolute"),
        ("Eczema on the face", "absolute"),
        ("Skin that is sunburned or peeling", "temporary"),
    ]


def test_outcomes_with_onset_full_effect_and_permanence(tmp_path: Path) -> None:
    data = _draft(
        tmp_path,
        "Glow Peel\n\nYou may notice smoother skin after 3-5 days, and the full improvement shows within 2 weeks. "
        "The results are temporary.\n",
    )
    first, second = data["treatment"]["outcomes"]
    assert (first["onset"]["as_written"], first["full_effect"]["as_written"]) == ("3-5 days", "2 weeks")
    assert second["permanence"] == "temporary"


def test_statement_category_reported_claims_and_continued_sentences() -> None:
    assert category(_unit("It can give good results and promotes collagen production.")) == "outcome"
    assert category(_unit("This injury promotes collagen production and better results.")) == "mechanism"
    assert category(_unit("The price is $300, and the results last a year.")) == "cost"  # a marked category
    text = "The laser works by heating the hair root. This heat damages the follicle. Results vary."
    block = Block("paragraph", text)
    units = [
        Unit(s, block, 0) for s in ("The laser works by heating the hair root.", "This heat damages the follicle.")
    ]
    assert [u.text for _, u in continued(units)] == [
        "The laser works by heating the hair root. This heat damages the follicle."
    ]


def test_an_answer_takes_the_category_of_its_question(tmp_path: Path) -> None:
    data = _draft(
        tmp_path,
        "Glow Peel\n\nHow long do the results last?\nThat depends on your skin and on sun exposure.\n"
        "Is the peel painful?\nA warm tingle is felt.\n",
    )
    assert [o["text"] for o in data["treatment"]["outcomes"]] == ["That depends on your skin and on sun exposure."]


def test_concerns_keep_conjoined_phrases_and_drop_clauses_and_places() -> None:
    assert [n for n, _ in concerns(_unit("It helps reduce unwanted facial and body hair permanently."))] == [
        "Unwanted facial and body hair"
    ]
    assert [n for n, _ in concerns(_unit("The peel helps reduce redness as the skin heals and acne on the chin."))] == [
        "Redness",
        "Acne",
    ]
    assert [n for n, _ in concerns(_unit("Patients treated for sagging of the midface were happy."))] == [
        "Sagging of the midface"
    ]


def test_stated_effects_and_steps_before_and_after(tmp_path: Path) -> None:
    data = _draft(
        tmp_path,
        "Glow Peel\n\nIs it normal to sting?\nYes, mild stinging, especially on the cheeks, is common during the peel. "
        "For most people this fades in 1-2 hours.\n\nAvoid strong sun for at least 2 weeks before and after the "
        "treatment to protect the skin.\n",
    )
    [effect] = data["treatment"]["adverse_effects"]
    assert (effect["name"], effect["frequency"], effect["duration"]["as_written"]) == (
        "Stinging",
        "common",
        "1-2 hours",
    )
    quote = "Avoid strong sun for at least 2 weeks before and after the treatment to protect the skin."
    assert [p["text"] for p in data["treatment"]["procedure"]["preparation"]] == [quote]
    assert [a["text"] for a in data["treatment"]["aftercare"]] == [quote]
