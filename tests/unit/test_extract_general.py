"""`kg extract` rules of [extract2] round 5, each on a snippet of our own: a question answered by bulleted
sentences, "Q:"/"A:" marks, names read from definitions, titles and "After getting X,", the name gate's clauses and
qualifiers, indications after "such as", body areas of a treatment sentence, procedure steps in the passive voice,
mechanisms, products, effects in prose and aftercare, spaced courses, preparation and benefits lists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kg.extract.draft import extract
from kg.extract.naming import from_title
from kg.load.names import problem

Drafted = Callable[[str], dict[str, Any]]


def test_a_question_answered_by_one_bulleted_sentence_is_a_question_and_its_answer(tmp_path: Path) -> None:
    page = (
        "Glow peel\n\nGlow peel questions\n\n"
        "What is a glow peel?\n\n- A glow peel is a skincare treatment that brightens dull skin with fruit acids.\n\n"
        "Does a glow peel hurt?\n\n- Most people feel a light tingling that fades within minutes.\n\n"
        "Are there any side effects?\n\n- Possible side effects include redness, dryness and mild itching.\n"
    )
    path = tmp_path / "page.txt"
    path.write_text(page, encoding="utf-8")
    data = extract(path).data
    assert [q["question"] for q in data["faq"]] == [
        "What is a glow peel?",
        "Does a glow peel hurt?",
        "Are there any side effects?",
    ]
    assert data["faq"][1]["answer"] == "Most people feel a light tingling that fades within minutes."
    treatment = data["treatment"]
    assert treatment["name"] == "Glow peel"  # "A glow peel is a …": the article is not part of the name
    assert [e["name"] for e in treatment["adverse_effects"]] == ["Redness", "Dryness", "Mild itching"]


def test_a_bulleted_list_under_a_question_stays_a_list(drafted: Drafted) -> None:
    page = (
        "Glow peel\n\nGlow peel is a gentle skincare treatment for dull skin.\n\n"
        "Who should not have a glow peel?\n\n- Pregnancy\n- Active cold sores\n- Recent sunburn\n"
    )
    assert [c["condition"] for c in drafted(page)["contraindications"]] == [
        "Pregnancy",
        "Active cold sores",
        "Recent sunburn",
    ]


def test_a_name_keeps_all_its_words_and_an_also_known_as_definition_names_it(drafted: Drafted) -> None:
    page = (
        "A Velvet Peel, also known as a Velvet Laser Peel, is a gentle procedure that brightens the skin.\n"
        "Many people book a Velvet Peel before an event. A Velvet Peel leaves the skin smooth.\n"
    )
    assert drafted(page)["name"] == "Velvet Peel"


def test_an_imperative_never_names_the_treatment_and_after_getting_x_names_x(drafted: Drafted) -> None:
    page = (
        "Aftercare\n\nAfter getting brow tinting, follow these aftercare tips so the colour lasts:\n\n"
        "- Avoid water: Keep the brows dry for a day.\n- Avoid makeup: Avoid brow pencils for two days.\n"
        "- Avoid heat: Avoid saunas and Avoid hot showers for two days.\n"
    )
    assert drafted(page)["name"] == "Brow tinting"


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Possible side effects include redness", "reads as a clause (the verb 'include' inside it)"),
        ("Skin is red", "reads as a clause (the verb 'is' inside it)"),
        ("Usually mild", "only qualifies (no noun: how mild, how often, how long)"),
        ("Short-lived", "only qualifies (no noun: how mild, how often, how long)"),
    ],
)
def test_the_name_gate_refuses_clauses_and_bare_qualifiers(name: str, why: str) -> None:
    assert problem(name) == why


@pytest.mark.parametrize("name", ["Skin that is sunburned or peeling", "Mild itching", "Temporary hyperpigmentation"])
def test_the_name_gate_keeps_relative_clauses_and_qualified_nouns(name: str) -> None:
    assert problem(name) is None


def test_concerns_after_such_as_and_the_areas_a_treatment_is_performed_on(drafted: Drafted) -> None:
    page = (
        "Glow peel\n\nGlow peel is a gentle skincare treatment for the skin.\n\n"
        "Glow peels can address many skin concerns such as acne, fine lines and sun damage.\n\n"
        "Glow peels are usually performed on the face, neck and chest, and on other body areas.\n"
    )
    indications = drafted(page)["indications"]
    assert [i.get("condition") for i in indications] == ["Acne", "Fine lines", "Sun damage", None]
    assert indications[3]["body_areas"] == ["Face", "Neck", "Chest"]


def test_steps_told_in_the_passive_voice_are_procedure_steps(drafted: Drafted) -> None:
    page = (
        "Blue light therapy\n\nBlue light therapy is a gentle light treatment for sun damage.\n\n"
        "Blue light therapy involves the application of a cream that makes the skin sensitive to light. "
        "After an hour, the area is illuminated with blue light for ten minutes. "
        "It is considered safe when performed by a trained nurse.\n"
    )
    steps = [s["text"] for s in drafted(page)["procedure"]["steps"]]
    assert steps == [
        "Blue light therapy involves the application of a cream that makes the skin sensitive to light.",
        "After an hour, the area is illuminated with blue light for ten minutes.",
    ]


def test_an_also_known_as_definition_describes_and_what_a_session_applies_is_an_ingredient(drafted: Drafted) -> None:
    page = (
        "A Velvet Peel, also known as a Satin Peel, is a gentle procedure that uses a warm clay mask on the skin. "
        "Your provider then soothes the skin with a substance like honey.\n\n"
        "Aftercare\n\nApply a rich cream at home for three days.\n"
    )
    treatment = drafted(page)
    assert treatment["description"].startswith("A Velvet Peel, also known as a Satin Peel, is a gentle procedure")
    assert [i["name"] for i in treatment["ingredients"]] == ["Warm clay mask", "Honey"]


def test_effects_that_may_occur_and_effects_they_include_after_a_side_effects_sentence(drafted: Drafted) -> None:
    page = (
        "Glow peel\n\nGlow peel is a gentle skincare treatment for dull skin.\n\n"
        "Side effects of a glow peel are usually mild and short-lived. They may include temporary tightness, "
        "mild itching, and flaking. Slight stinging and warmth may occur for an hour.\n"
    )
    effects = {e["name"]: (e["frequency"], e["seriousness"]) for e in drafted(page)["adverse_effects"]}
    assert effects == {
        "Tightness": ("unknown", "minor"),
        "Mild itching": ("unknown", "minor"),
        "Flaking": ("unknown", "minor"),
        "Stinging": ("unknown", "minor"),
        "Warmth": ("unknown", "minor"),
    }


def test_spaced_sessions_are_the_course_and_recommended_avoidance_is_aftercare(drafted: Drafted) -> None:
    page = (
        "Glow peel\n\nGlow peel is a gentle skincare treatment for dull skin.\n\n"
        "For the best results, three treatments are booked about a month apart. "
        "Your nurse will send pre-treatment instructions for best results. "
        "It is generally recommended to avoid swimming for a day after a glow peel.\n"
    )
    treatment = drafted(page)
    assert treatment["course"]["interval"]["as_written"] == "about a month apart"
    assert "outcomes" not in treatment
    assert [s["text"] for s in treatment["procedure"]["preparation"]] == [
        "Your nurse will send pre-treatment instructions for best results."
    ]
    assert [a["text"] for a in treatment["aftercare"]] == [
        "It is generally recommended to avoid swimming for a day after a glow peel."
    ]


def test_a_step_that_says_how_it_works_is_a_mechanism_and_else_the_definition_is(drafted: Drafted) -> None:
    defined = "Glow peel is a skincare treatment that applies a fruit acid to the skin to exfoliate dull skin."
    assert drafted(f"Glow peel\n\n{defined}\n")["claimed_mechanisms"] == [defined]
    step = "A warm light is then used to heat the skin, stimulating collagen production."
    assert drafted(f"Glow peel\n\n{defined} {step}\n")["claimed_mechanisms"] == [step]


def test_these_effects_resolve_after_a_side_effects_sentence_says_how_long_they_last(drafted: Drafted) -> None:
    page = (
        "Glow peel\n\nGlow peel is a gentle skincare treatment for dull skin.\n\n"
        "Side effects of a glow peel are mild. They may include redness and dryness. "
        "These effects usually resolve within 3 days.\n"
    )
    resolve = drafted(page)["recovery"]["side_effects_resolve"]
    assert (resolve["max"], resolve["unit"]) == (3, "day")
    assert resolve["source"]["quote"] == "These effects usually resolve within 3 days."


def test_what_an_aftercare_step_says_can_cause_is_an_effect(drafted: Drafted) -> None:
    page = (
        "Glow peel\n\nGlow peel is a gentle skincare treatment for dull skin.\n\nAftercare\n\n"
        "- Leave flakes alone: Do not pull at flaking skin, as this can cause blotches or scarring.\n"
        "- Stay cool: Skip saunas for two days.\n"
    )
    assert [e["name"] for e in drafted(page)["adverse_effects"]] == ["Blotches", "Scarring"]


def test_a_q_and_a_page_keeps_its_title_and_a_benefits_list_gives_outcomes(drafted: Drafted) -> None:
    page = (
        "Velvet Light Facial\n\nWhat is a velvet light facial?\nIt is a gentle light treatment for dull skin.\n\n"
        "Benefits\n- Smoother skin texture\n- Smaller pores\n\n"
        "Does it hurt?\nMost people feel only mild warmth.\n\n"
        "How long does it take?\nAbout 30 minutes.\n"
    )
    treatment = drafted(page)
    assert treatment["name"] == "Velvet Light Facial"
    assert [o["text"] for o in treatment["outcomes"]] == ["Smoother skin texture", "Smaller pores"]


def test_any_passive_step_is_a_step_and_an_effect_loses_how_long_it_lasts(drafted: Drafted) -> None:
    page = (
        "Silk thread lift\n\nSilk thread lift is a minimally invasive procedure for loose skin.\n\n"
        "Fine threads are then carefully inserted under the skin with a cannula. "
        "You may experience swelling and mild tenderness for a few days.\n"
    )
    treatment = drafted(page)
    assert [s["text"] for s in treatment["procedure"]["steps"]] == [
        "Fine threads are then carefully inserted under the skin with a cannula."
    ]
    assert [e["name"] for e in treatment["adverse_effects"]] == ["Swelling", "Mild tenderness"]


def test_q_and_a_marks_are_not_part_of_the_question_or_its_answer(tmp_path: Path) -> None:
    page = (
        "Velvet Light FAQ\n\nQ: What is Velvet Light?\nA: Velvet Light is a gentle light treatment for dull skin.\n\n"
        "Q: Who should not have it?\nA: It is not recommended during pregnancy.\n\n"
        "Q: Does it hurt?\nA: Most people feel only mild warmth.\n"
    )
    path = tmp_path / "page.txt"
    path.write_text(page, encoding="utf-8")
    data = extract(path).data
    assert (data["faq"][0]["question"], data["faq"][0]["answer"]) == (
        "What is Velvet Light?",
        "Velvet Light is a gentle light treatment for dull skin.",
    )
    assert [c["condition"] for c in data["treatment"]["contraindications"]] == ["Pregnancy"]


def test_a_preparation_item_is_one_piece_of_advice_and_listed_effects_that_are_normal_are_effects(
    drafted: Drafted,
) -> None:
    page = (
        "Brow lamination\n\nWhat is normal?\n"
        "Some redness, dryness and light flaking are normal during the first week.\n\n"
        "Before your appointment\n"
        "1. Do not drink coffee 24 hours before your appointment.\n2. Avoid tanning for one week before.\n"
    )
    treatment = drafted(page)
    assert [s["text"] for s in treatment["procedure"]["preparation"]] == [
        "Do not drink coffee 24 hours before your appointment.",
        "Avoid tanning for one week before.",
    ]
    assert [e["name"] for e in treatment["adverse_effects"]] == ["Redness", "Dryness", "Light flaking"]


@pytest.mark.parametrize(
    ("title", "name"),
    [("Avoid Touching", None), ("Keep the area clean", None), ("Protect your skin after a glow peel", "Glow peel")],
)
def test_an_imperative_title_names_only_what_it_advises_after(title: str, name: str | None) -> None:
    named = from_title(title)
    assert (named.name if named else None) == name


def test_a_faqs_title_names_the_treatment_and_improvements_are_outcomes_and_popular_areas_are_areas(
    drafted: Drafted,
) -> None:
    page = (
        "FAQ's of Glow peels\n\nWhat is a glow peel?\nGlow peels are a gentle cosmetic treatment for dull skin.\n\n"
        "How long do results last?\nImprovements can be seen for many months after treatment.\n\n"
        "Where can it be used?\nThe most popular areas are the face, neck & chest.\n"
    )
    treatment = drafted(page)
    assert treatment["name"] == "Glow peels"
    assert [o["text"] for o in treatment["outcomes"]] == ["Improvements can be seen for many months after treatment."]
    assert treatment["indications"][-1]["body_areas"] == ["Face", "Neck", "Chest"]


def test_advice_to_avoid_doing_something_names_no_contraindication(drafted: Drafted) -> None:
    page = (
        "Glow peel\n\nGlow peel is a gentle skincare treatment for dull skin.\n\n"
        "During healing you should avoid using retinols for five days. "
        "You should not have a glow peel if you are pregnant.\n"
    )
    assert [c["condition"] for c in drafted(page)["contraindications"]] == ["Pregnancy"]
