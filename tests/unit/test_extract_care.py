"""`kg extract` rules for aftercare and recovery told in running prose ([extract2] round 4), each on a snippet of
our own: imperative advice, bullets run together in one line, "pre- and post-", how effects pass and when work
resumes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kg.extract import extract, render_yaml
from kg.extract.advice import advice, passes
from kg.extract.naming import Named, from_title, topic_only
from kg.extract.text import sentences, split_items
from kg.load.facts import Source, check


def _draft(tmp_path: Path, text: str) -> dict[str, Any]:
    """The drafted treatment of a plain-text page; the draft is schema-valid and every quote is in the page."""
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    draft = extract(path)
    assert check(Source("page.txt", yaml.safe_load(render_yaml(draft)), {}, ""), "article") == []
    assert all(q in draft.document.text for q in draft.quotes())
    treatment: dict[str, Any] = draft.data["treatment"]
    return treatment


def test_bullets_run_together_in_one_line_are_sentences_of_their_own() -> None:
    assert sentences("∙ Sleep on your back ∙ Use a mild cleanser ∙ Limit coffee.") == [
        "Sleep on your back",
        "Use a mild cleanser",
        "Limit coffee.",
    ]
    assert sentences("Rest well. Then walk • not too far") == ["Rest well.", "Then walk", "not too far"]
    assert sentences("A 4.5 mm probe is used.") == ["A 4.5 mm probe is used."]


def test_advice_opens_with_an_imperative_or_says_what_is_advisable_but_promotion_is_none() -> None:
    assert advice("Avoid saunas for two days.") and advice("Please call the clinic if the puffiness grows.")
    assert advice("However, it is advisable to skip make-up until morning.")
    assert advice("Harsh scrubs should be avoided for a week.")
    assert advice("Your main responsibilities will be to rest and keep your head up.")
    assert not advice("Call us today to book your first session.")
    assert not advice("Keep in mind that every skin heals at its own pace.")
    assert not advice("Makeup can be worn the next day.") and not advice("The skin heals in a week.")


def test_imperative_prose_and_bullets_in_a_line_are_aftercare(tmp_path: Path) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "Next steps\n\n"
        "Avoid saunas and hot baths for two days. Please call the clinic if the puffiness gets worse.\n"
        "However, it is advisable to skip make-up until the next morning.\n"
        "∙ Sleep on your back ∙ Use a gentle cleanser ∙ Limit alcohol.\n"
        "Call us today to book your next visit.\n"
    )
    aftercare = [a["text"] for a in _draft(tmp_path, page)["aftercare"]]
    assert aftercare == [
        "Avoid saunas and hot baths for two days.",
        "Please call the clinic if the puffiness gets worse.",
        "However, it is advisable to skip make-up until the next morning.",
        "Sleep on your back",
        "Use a gentle cleanser",
        "Limit alcohol.",
    ]


def test_pre_and_post_advice_is_both_a_preparation_and_an_aftercare_step(tmp_path: Path) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "Avoid retinol creams pre- and post-treatment for three days.\n"
    )
    treatment = _draft(tmp_path, page)
    said = "Avoid retinol creams pre- and post-treatment for three days."
    assert [a["text"] for a in treatment["aftercare"]] == [said]
    assert [p["text"] for p in treatment["procedure"]["preparation"]] == [said]


def test_how_effects_pass_is_recovery_not_an_outcome() -> None:
    assert passes("The main puffiness will decrease in about a week.".replace("puffiness", "swelling"))
    assert passes("These sensations usually settle within an hour.")
    assert passes("Most people notice mild redness, which typically fades within a day.")
    assert passes("Soft splints help to reduce swelling in the first days.")
    assert not passes("The treatment can reduce redness caused by rosacea.")
    assert not passes("This resolves in a few days.")  # the effect it means is named before: its duration
    assert passes("This sensation is temporary and only lasts while the probe is on.")


def test_recovery_is_the_paragraph_saying_most_about_it_and_effects_pass_in_another(tmp_path: Path) -> None:
    page = (
        "Nosefix\n\n"
        "Nosefix is a surgical procedure that reshapes the nose.\n\n"
        "You can return to work after about ten days.\n\n"
        "You go home the same day with a light cast. Soft splints help to reduce swelling in the first week. "
        "The scar is well hidden.\n\n"
        "The main swelling will decrease in about two weeks.\n"
    )
    recovery = _draft(tmp_path, page)["recovery"]
    assert recovery["summary"] == (
        "You go home the same day with a light cast. Soft splints help to reduce swelling in the first week."
    )
    assert recovery["side_effects_resolve"] == {
        "min": 2,
        "max": 2,
        "unit": "week",
        "as_written": "two weeks",
        "source": {"section": "(introduction)", "quote": "The main swelling will decrease in about two weeks."},
    }


def test_returning_to_work_after_treatment_is_recovery_not_aftercare(tmp_path: Path) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "Is there downtime?\n\n"
        "You can return to work or your daily routine straight after treatment.\n"
    )
    treatment = _draft(tmp_path, page)
    assert treatment["recovery"]["summary"] == "You can return to work or your daily routine straight after treatment."
    assert "aftercare" not in treatment


def test_effects_your_skin_may_experience_lose_when_and_why(tmp_path: Path) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "Your skin may experience warmth, tightness, or flaking. You may experience tingling during the session.\n"
        "You may have some bruising around your eyes depending on the technique.\n"
    )
    names = [e["name"] for e in _draft(tmp_path, page)["adverse_effects"]]
    assert names == ["Warmth", "Tightness", "Flaking", "Tingling", "Bruising around your eyes"]


def test_a_stated_session_count_comes_before_repeated_sessions_and_a_few_weeks_apart_is_an_interval(
    tmp_path: Path,
) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "Repeated sessions give a brighter look over two months.\n\n"
        "Most people need 3 to 5 sessions, spaced a few weeks apart. Monthly sessions help maintain the glow.\n"
    )
    course = _draft(tmp_path, page)["course"]
    assert course["sessions"]["as_written"] == "3 to 5 sessions"
    assert course["interval"] == {
        "unit": "week",
        "approximate": True,
        "as_written": "a few weeks apart",
        "source": {"section": "(introduction)", "quote": "Most people need 3 to 5 sessions, spaced a few weeks apart."},
    }
    assert course["maintenance"] == "Monthly sessions help maintain the glow."


def test_a_bullet_mark_alone_on_its_line_starts_the_item_on_the_next(tmp_path: Path) -> None:
    page = (
        "Glowlight\n\n"
        "Glowlight is a gentle light treatment. Using red light, this technique helps:\n"
        "-\ntreat acne\n-\nreduce inflammation\n"
    )
    conditions = [i["condition"] for i in _draft(tmp_path, page)["indications"]]
    assert conditions == ["Acne", "Inflammation"]


def test_an_untitled_answer_page_is_named_by_the_capitalised_name_its_questions_ask_about(tmp_path: Path) -> None:
    page = (
        "Does it hurt?\n"
        "Most people feel a mild warmth as the probe passes over the skin.\n"
        "How long do the results of deep glow lifting last?\n"
        "Results can last for months. Unlike peels, Deep Glow Lifting works below the surface.\n"
        "When will I see the results?\n"
        "Results show within weeks and keep improving.\n"
    )
    assert _draft(tmp_path, page)["name"] == "Deep Glow Lifting"


def test_this_treatment_is_a_describes_it_and_avoiding_products_containing_acids_names_no_ingredient(
    tmp_path: Path,
) -> None:
    page = (
        "Vein Sealing for Spider Veins\n\n"
        "This gentle treatment is an outpatient procedure done under ultrasound guidance.\n"
        "Heat from the probe seals the vein closed.\n"
        "Products containing acids should be avoided on the leg for a week.\n"
    )
    treatment = _draft(tmp_path, page)
    assert (
        treatment["description"] == "This gentle treatment is an outpatient procedure done under ultrasound guidance."
    )
    assert treatment["claimed_mechanisms"] == ["Heat from the probe seals the vein closed."]
    assert "ingredients" not in treatment
    assert [a["text"] for a in treatment["aftercare"]] == [
        "Products containing acids should be avoided on the leg for a week."
    ]


def test_effects_it_is_normal_to_feel_and_effects_written_with_a_slash(tmp_path: Path) -> None:
    assert split_items("soreness/pain") == ["soreness", "pain"]
    assert split_items("your arm and/or hand") == ["your arm and/or hand"]
    page = (
        "Glowlift\n\n"
        "Glowlift is a gentle tightening treatment for loose skin.\n\n"
        "It is normal to feel some slight warmth as the probe heats the skin.\n"
        "You will experience aching/tenderness where the probe passed.\n"
        "They may have some itching from the dressing.\n"
    )
    names = [e["name"] for e in _draft(tmp_path, page)["adverse_effects"]]
    assert names == ["Slight warmth", "Aching", "Tenderness where the probe passed", "Itching"]


def test_a_sentence_about_upkeep_is_the_course_not_an_outcome(tmp_path: Path) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "Your skin looks smoother straight away.\n"
        "For longer lasting results, plan monthly Glowpeel sessions.\n"
    )
    treatment = _draft(tmp_path, page)
    assert [o["text"] for o in treatment["outcomes"]] == ["Your skin looks smoother straight away."]
    assert treatment["course"]["maintenance"] == "For longer lasting results, plan monthly Glowpeel sessions."


def test_an_aftercare_item_advises_in_a_later_sentence_or_after_a_condition(tmp_path: Path) -> None:
    assert advice("If the wrap feels tight, remove the outer layer.") and advice("Once home, rest for a day.")
    assert not advice("For mild pain, we suggest a cold pack.")  # what the clinic suggests, said of itself
    page = (
        "Vein Sealing\n\n"
        "Vein Sealing is a gentle treatment for spider veins.\n\n"
        "After your treatment:\n\n"
        "  • Some oozing on the bandage is expected. If it soaks through, hold a clean pad on the spot.\n"
        "  • The leg feels tight for a day.\n"
    )
    treatment = _draft(tmp_path, page)
    assert [a["text"] for a in treatment["aftercare"]] == [
        "Some oozing on the bandage is expected. If it soaks through, hold a clean pad on the spot."
    ]


def test_a_whole_sentence_in_a_list_no_heading_names_is_a_statement(tmp_path: Path) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "There are a few drawbacks. Here are some:\n"
        "- Glowpeel can be costly.\n"
        "- The results are not permanent.\n"
        "- Fine lines\n"
    )
    assert [o["text"] for o in _draft(tmp_path, page)["outcomes"]] == ["The results are not permanent."]


def test_advice_that_speaks_only_of_before_is_preparation_and_a_verb_names_no_concern(tmp_path: Path) -> None:
    page = (
        "Glowpeel Care Instructions\n\n"
        "Glowpeel is a gentle process used to reduce fine lines, treat acne, and alleviate sun damage.\n\n"
        "If you want a peel, don't use harsh scrubs for a week before.\n"
        "Stay out of the sun for two days after treatment.\n"
    )
    treatment = _draft(tmp_path, page)
    assert treatment["name"] == "Glowpeel"  # "Care Instructions" is what the page is, not the treatment
    assert [i["condition"] for i in treatment["indications"]] == ["Fine lines", "Acne", "Sun damage"]
    assert [p["text"] for p in treatment["procedure"]["preparation"]] == [
        "If you want a peel, don't use harsh scrubs for a week before."
    ]
    assert [a["text"] for a in treatment["aftercare"]] == ["Stay out of the sun for two days after treatment."]


def test_an_untitled_answer_page_is_named_by_what_is_x_when_x_is_a_name(tmp_path: Path) -> None:
    page = (
        "Are spider veins harmful?\n"
        "Spider veins are mostly a cosmetic concern, though some people find them itchy.\n"
        "What is Radiofrequency Vein Closure (RFVC)?\n"
        "It is a minimally invasive procedure done in our clinic. A thin probe heats the vein from inside.\n"
        "How long does the procedure take?\n"
        "The procedure takes approximately 40 minutes.\n"
    )
    treatment = _draft(tmp_path, page)
    assert treatment["name"] == "Radiofrequency Vein Closure (RFVC)"
    assert treatment["procedure"]["duration"]["source"]["quote"] == "The procedure takes approximately 40 minutes."


def test_advice_for_days_after_is_aftercare_even_under_a_what_happens_heading(tmp_path: Path) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "What happens during a session?\n\n"
        "Your clinician cleanses the skin and applies the peel.\n"
        "For two days, do not rub your face. Stay still while the peel works.\n"
    )
    treatment = _draft(tmp_path, page)
    assert [a["text"] for a in treatment["aftercare"]] == ["For two days, do not rub your face."]
    steps = [s["text"] for s in treatment["procedure"]["steps"]]
    assert "For two days, do not rub your face." not in steps and "Stay still while the peel works." in steps


def test_a_question_title_names_what_it_asks_about() -> None:
    asked = from_title("Does teeth whitening cause sensitivity or any side effects?")
    assert asked is not None and asked.name == "Teeth whitening" and asked.topic  # the page is about its risks
    assert from_title("How long do laser hair removal results last?") == Named("Laser hair removal")
    pre = "Pre-Care Instructions: Glowpeel"
    assert from_title(pre) == Named("Glowpeel", pre)  # a page of preparation


def test_a_blog_intro_says_nothing_of_recovery_and_a_tie_goes_to_the_paragraph_giving_a_time(tmp_path: Path) -> None:
    page = (
        "Scalp Refill Recovery Time\n\n"
        "Many people are concerned about the downtime of a scalp refill. Let's discuss how long recovery takes.\n\n"
        "The scalp heals quickly after this procedure.\n\n"
        "Most patients resume routine activities in 2 to 5 days.\n"
    )
    recovery = _draft(tmp_path, page)["recovery"]
    assert recovery["summary"] == "Most patients resume routine activities in 2 to 5 days."


def test_a_risks_list_item_names_its_effect_past_how_often_and_when_and_two_bullets_in_a_line(tmp_path: Path) -> None:
    assert topic_only("Side effects and Possible side effects")
    page = (
        "Vein Sealing\n\n"
        "Vein Sealing is a gentle treatment for spider veins.\n\n"
        "Possible side effects\n"
        "• Right after treatment, the skin becomes raised and itchy.\n"
        "• Bruising at the needle sites, which settles in 2-4 weeks.\n"
        "• Very rarely \u2013 a skin ulcer. • Very rarely \u2013 an allergic reaction to the solution.\n"
    )
    names = [e["name"] for e in _draft(tmp_path, page)["adverse_effects"]]
    assert names == ["Bruising", "Skin ulcer", "Allergic reaction"]


def test_a_word_only_capitalised_as_a_sentence_start_names_no_treatment(tmp_path: Path) -> None:
    page = "Very often the legs feel heavy.\nVery rarely a vein comes back.\nVery few people need a second session.\n"
    draft = _draft(tmp_path, page)
    assert draft["name"] == "Page"  # the file's name, with a note: "Very" is no name


def test_a_topic_line_first_then_the_name_and_before_items_of_an_aftercare_list_are_preparation(
    tmp_path: Path,
) -> None:
    page = (
        "Post Care Instructions\n\n"
        "Glow peel\n\n"
        "  • Avoid sunbeds for 10 days before your treatment.\n"
        "  • Avoid the sun for 10 days after the peel.\n"
        "  • Do not pick flaking skin.\n"
    )
    treatment = _draft(tmp_path, page)
    assert treatment["name"] == "Glow peel"
    assert [p["text"] for p in treatment["procedure"]["preparation"]] == [
        "Avoid sunbeds for 10 days before your treatment."
    ]
    assert [a["text"] for a in treatment["aftercare"]] == [
        "Avoid the sun for 10 days after the peel.",
        "Do not pick flaking skin.",
    ]


def test_after_a_weak_cue_only_items_that_start_with_a_symptom_are_effects(tmp_path: Path) -> None:
    page = (
        "Nosefix\n\n"
        "Nosefix is a surgical procedure that reshapes the nose.\n\n"
        "Although there will be swelling and bruising around the eyes, you go home the same day.\n"
        "Inside the nose, there will be soft splints that help to reduce swelling.\n"
        "You may notice some numbness of the tip.\n"
    )
    names = [e["name"] for e in _draft(tmp_path, page)["adverse_effects"]]
    assert names == ["Swelling", "Bruising around the eyes", "Numbness of the tip"]


def test_how_long_recovery_takes_names_no_effect(tmp_path: Path) -> None:
    page = (
        "Scalp Refill\n\n"
        "Scalp Refill is a surgical procedure with some short term side effects; the recovery is also not long.\n"
    )
    assert "adverse_effects" not in _draft(tmp_path, page)


def test_not_safe_if_you_take_or_have_lists_contraindications(tmp_path: Path) -> None:
    page = (
        "Glowlight\n\n"
        "Glowlight is a gentle light treatment for acne.\n\n"
        "It is not safe if you take photosensitising drugs or have an active skin infection.\n"
    )
    conditions = [c["condition"] for c in _draft(tmp_path, page)["contraindications"]]
    assert conditions == ["Photosensitising drugs", "Active skin infection"]


def test_a_name_from_a_title_in_capitals_is_written_as_the_text_writes_it(tmp_path: Path) -> None:
    page = "GLOW THERAPY\n\nGlow therapy is a gentle light treatment for acne.\n"
    assert _draft(tmp_path, page)["name"] == "Glow therapy"


def test_an_outcome_keeps_the_body_areas_it_names(tmp_path: Path) -> None:
    page = (
        "Glowlift\n\n"
        "Glowlift is a gentle tightening treatment for loose skin.\n\n"
        "It leaves the neck and jawline firmer.\n"
    )
    outcomes = _draft(tmp_path, page)["outcomes"]
    assert [(o["text"], o["body_areas"]) for o in outcomes] == [
        ("It leaves the neck and jawline firmer.", ["Neck", "Jawline"])
    ]


def test_a_sentence_that_sets_the_treatment_against_others_names_comparisons(tmp_path: Path) -> None:
    page = (
        "Glowlift\n\n"
        "Glowlift is a gentle tightening treatment for loose skin.\n\n"
        "Unlike peels or dermabrasion, Glowlift leaves the surface untouched.\n"
        "Glowlift alternatives like Thermage and Ultherapy can cost more.\n"
    )
    comparisons = _draft(tmp_path, page)["comparisons"]
    assert [c["treatment"] for c in comparisons] == ["Peels", "Dermabrasion", "Thermage", "Ultherapy"]
    assert comparisons[0]["points"][0]["text"] == "Unlike peels or dermabrasion, Glowlift leaves the surface untouched."
