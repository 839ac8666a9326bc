"""`kg extract` rules for names, course, comparisons and what lists and prose name ([extract2] round 4), each on a
snippet of our own: untitled answer pages, question titles, titles in capitals, "This … treatment is a …", stated
session counts and upkeep, "Unlike X, …", contraindications "not safe if you …", the body areas of an outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kg.extract.naming import Named, from_title

Drafted = Callable[[str], dict[str, Any]]


def test_a_stated_session_count_comes_before_repeated_sessions_and_a_few_weeks_apart_is_an_interval(
    drafted: Drafted,
) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "Repeated sessions give a brighter look over two months.\n\n"
        "Most people need 3 to 5 sessions, spaced a few weeks apart. Monthly sessions help maintain the glow.\n"
    )
    course = drafted(page)["course"]
    assert course["sessions"]["as_written"] == "3 to 5 sessions"
    assert course["interval"] == {
        "unit": "week",
        "approximate": True,
        "as_written": "a few weeks apart",
        "source": {"section": "(introduction)", "quote": "Most people need 3 to 5 sessions, spaced a few weeks apart."},
    }
    assert course["maintenance"] == "Monthly sessions help maintain the glow."


def test_a_bullet_mark_alone_on_its_line_starts_the_item_on_the_next(drafted: Drafted) -> None:
    page = (
        "Glowlight\n\n"
        "Glowlight is a gentle light treatment. Using red light, this technique helps:\n"
        "-\ntreat acne\n-\nreduce inflammation\n"
    )
    conditions = [i["condition"] for i in drafted(page)["indications"]]
    assert conditions == ["Acne", "Inflammation"]


def test_an_untitled_answer_page_is_named_by_the_capitalised_name_its_questions_ask_about(drafted: Drafted) -> None:
    page = (
        "Does it hurt?\n"
        "Most people feel a mild warmth as the probe passes over the skin.\n"
        "How long do the results of deep glow lifting last?\n"
        "Results can last for months. Unlike peels, Deep Glow Lifting works below the surface.\n"
        "When will I see the results?\n"
        "Results show within weeks and keep improving.\n"
    )
    assert drafted(page)["name"] == "Deep Glow Lifting"


def test_this_treatment_is_a_describes_it_and_avoiding_products_containing_acids_names_no_ingredient(
    drafted: Drafted,
) -> None:
    page = (
        "Vein Sealing for Spider Veins\n\n"
        "This gentle treatment is an outpatient procedure done under ultrasound guidance.\n"
        "Heat from the probe seals the vein closed.\n"
        "Products containing acids should be avoided on the leg for a week.\n"
    )
    treatment = drafted(page)
    assert (
        treatment["description"] == "This gentle treatment is an outpatient procedure done under ultrasound guidance."
    )
    assert treatment["claimed_mechanisms"] == ["Heat from the probe seals the vein closed."]
    assert "ingredients" not in treatment
    assert [a["text"] for a in treatment["aftercare"]] == [
        "Products containing acids should be avoided on the leg for a week."
    ]


def test_a_sentence_about_upkeep_is_the_course_not_an_outcome(drafted: Drafted) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "Your skin looks smoother straight away.\n"
        "For longer lasting results, plan monthly Glowpeel sessions.\n"
    )
    treatment = drafted(page)
    assert [o["text"] for o in treatment["outcomes"]] == ["Your skin looks smoother straight away."]
    assert treatment["course"]["maintenance"] == "For longer lasting results, plan monthly Glowpeel sessions."


def test_an_untitled_answer_page_is_named_by_what_is_x_when_x_is_a_name(drafted: Drafted) -> None:
    page = (
        "Are spider veins harmful?\n"
        "Spider veins are mostly a cosmetic concern, though some people find them itchy.\n"
        "What is Radiofrequency Vein Closure (RFVC)?\n"
        "It is a minimally invasive procedure done in our clinic. A thin probe heats the vein from inside.\n"
        "How long does the procedure take?\n"
        "The procedure takes approximately 40 minutes.\n"
    )
    treatment = drafted(page)
    assert treatment["name"] == "Radiofrequency Vein Closure (RFVC)"
    assert treatment["procedure"]["duration"]["source"]["quote"] == "The procedure takes approximately 40 minutes."


def test_a_question_title_names_what_it_asks_about() -> None:
    asked = from_title("Does teeth whitening cause sensitivity or any side effects?")
    assert asked is not None and asked.name == "Teeth whitening" and asked.topic  # the page is about its risks
    assert from_title("How long do laser hair removal results last?") == Named("Laser hair removal")
    pre = "Pre-Care Instructions: Glowpeel"
    assert from_title(pre) == Named("Glowpeel", pre)  # a page of preparation


def test_a_word_only_capitalised_as_a_sentence_start_names_no_treatment(drafted: Drafted) -> None:
    page = "Very often the legs feel heavy.\nVery rarely a vein comes back.\nVery few people need a second session.\n"
    draft = drafted(page)
    assert draft["name"] == "Page"  # the file's name, with a note: "Very" is no name


def test_a_topic_line_first_then_the_name_and_before_items_of_an_aftercare_list_are_preparation(
    drafted: Drafted,
) -> None:
    page = (
        "Post Care Instructions\n\n"
        "Glow peel\n\n"
        "  • Avoid sunbeds for 10 days before your treatment.\n"
        "  • Avoid the sun for 10 days after the peel.\n"
        "  • Do not pick flaking skin.\n"
    )
    treatment = drafted(page)
    assert treatment["name"] == "Glow peel"
    assert [p["text"] for p in treatment["procedure"]["preparation"]] == [
        "Avoid sunbeds for 10 days before your treatment."
    ]
    assert [a["text"] for a in treatment["aftercare"]] == [
        "Avoid the sun for 10 days after the peel.",
        "Do not pick flaking skin.",
    ]


def test_not_safe_if_you_take_or_have_lists_contraindications(drafted: Drafted) -> None:
    page = (
        "Glowlight\n\n"
        "Glowlight is a gentle light treatment for acne.\n\n"
        "It is not safe if you take photosensitising drugs or have an active skin infection.\n"
    )
    conditions = [c["condition"] for c in drafted(page)["contraindications"]]
    assert conditions == ["Photosensitising drugs", "Active skin infection"]


def test_a_name_from_a_title_in_capitals_is_written_as_the_text_writes_it(drafted: Drafted) -> None:
    page = "GLOW THERAPY\n\nGlow therapy is a gentle light treatment for acne.\n"
    assert drafted(page)["name"] == "Glow therapy"


def test_an_outcome_keeps_the_body_areas_it_names(drafted: Drafted) -> None:
    page = (
        "Glowlift\n\n"
        "Glowlift is a gentle tightening treatment for loose skin.\n\n"
        "It leaves the neck and jawline firmer.\n"
    )
    outcomes = drafted(page)["outcomes"]
    assert [(o["text"], o["body_areas"]) for o in outcomes] == [
        ("It leaves the neck and jawline firmer.", ["Neck", "Jawline"])
    ]


def test_a_sentence_that_sets_the_treatment_against_others_names_comparisons(drafted: Drafted) -> None:
    page = (
        "Glowlift\n\n"
        "Glowlift is a gentle tightening treatment for loose skin.\n\n"
        "Unlike peels or dermabrasion, Glowlift leaves the surface untouched.\n"
        "Glowlift alternatives like Thermage and Ultherapy can cost more.\n"
    )
    comparisons = drafted(page)["comparisons"]
    assert [c["treatment"] for c in comparisons] == ["Peels", "Dermabrasion", "Thermage", "Ultherapy"]
    assert comparisons[0]["points"][0]["text"] == "Unlike peels or dermabrasion, Glowlift leaves the surface untouched."
