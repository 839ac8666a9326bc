"""`kg extract` rules for aftercare and recovery told in running prose ([extract2] round 4), each on a snippet of
our own: imperative advice, bullets run together in one line, "pre- and post-", how effects pass and when work
resumes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kg.extract.advice import advice, passes
from kg.extract.naming import topic_only
from kg.extract.text import sentences, split_items

Drafted = Callable[[str], dict[str, Any]]


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


def test_imperative_prose_and_bullets_in_a_line_are_aftercare(drafted: Drafted) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "Next steps\n\n"
        "Avoid saunas and hot baths for two days. Please call the clinic if the puffiness gets worse.\n"
        "However, it is advisable to skip make-up until the next morning.\n"
        "∙ Sleep on your back ∙ Use a gentle cleanser ∙ Limit alcohol.\n"
        "Call us today to book your next visit.\n"
    )
    aftercare = [a["text"] for a in drafted(page)["aftercare"]]
    assert aftercare == [
        "Avoid saunas and hot baths for two days.",
        "Please call the clinic if the puffiness gets worse.",
        "However, it is advisable to skip make-up until the next morning.",
        "Sleep on your back",
        "Use a gentle cleanser",
        "Limit alcohol.",
    ]


def test_pre_and_post_advice_is_both_a_preparation_and_an_aftercare_step(drafted: Drafted) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "Avoid retinol creams pre- and post-treatment for three days.\n"
    )
    treatment = drafted(page)
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


def test_recovery_is_the_paragraph_saying_most_about_it_and_effects_pass_in_another(drafted: Drafted) -> None:
    page = (
        "Nosefix\n\n"
        "Nosefix is a surgical procedure that reshapes the nose.\n\n"
        "You can return to work after about ten days.\n\n"
        "You go home the same day with a light cast. Soft splints help to reduce swelling in the first week. "
        "The scar is well hidden.\n\n"
        "The main swelling will decrease in about two weeks.\n"
    )
    recovery = drafted(page)["recovery"]
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


def test_returning_to_work_after_treatment_is_recovery_not_aftercare(drafted: Drafted) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "Is there downtime?\n\n"
        "You can return to work or your daily routine straight after treatment.\n"
    )
    treatment = drafted(page)
    assert treatment["recovery"]["summary"] == "You can return to work or your daily routine straight after treatment."
    assert "aftercare" not in treatment


def test_effects_your_skin_may_experience_lose_when_and_why(drafted: Drafted) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "Your skin may experience warmth, tightness, or flaking. You may experience tingling during the session.\n"
        "You may have some bruising around your eyes depending on the technique.\n"
    )
    names = [e["name"] for e in drafted(page)["adverse_effects"]]
    assert names == ["Warmth", "Tightness", "Flaking", "Tingling", "Bruising around your eyes"]


def test_effects_it_is_normal_to_feel_and_effects_written_with_a_slash(drafted: Drafted) -> None:
    assert split_items("soreness/pain") == ["soreness", "pain"]
    assert split_items("your arm and/or hand") == ["your arm and/or hand"]
    page = (
        "Glowlift\n\n"
        "Glowlift is a gentle tightening treatment for loose skin.\n\n"
        "It is normal to feel some slight warmth as the probe heats the skin.\n"
        "You will experience aching/tenderness where the probe passed.\n"
        "They may have some itching from the dressing.\n"
    )
    names = [e["name"] for e in drafted(page)["adverse_effects"]]
    assert names == ["Slight warmth", "Aching", "Tenderness where the probe passed", "Itching"]


def test_an_aftercare_item_advises_in_a_later_sentence_or_after_a_condition(drafted: Drafted) -> None:
    assert advice("If the wrap feels tight, remove the outer layer.") and advice("Once home, rest for a day.")
    assert not advice("For mild pain, we suggest a cold pack.")  # what the clinic suggests, said of itself
    page = (
        "Vein Sealing\n\n"
        "Vein Sealing is a gentle treatment for spider veins.\n\n"
        "After your treatment:\n\n"
        "  • Some oozing on the bandage is expected. If it soaks through, hold a clean pad on the spot.\n"
        "  • The leg feels tight for a day.\n"
    )
    treatment = drafted(page)
    assert [a["text"] for a in treatment["aftercare"]] == [
        "Some oozing on the bandage is expected. If it soaks through, hold a clean pad on the spot."
    ]


def test_a_whole_sentence_in_a_list_no_heading_names_is_a_statement(drafted: Drafted) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "There are a few drawbacks. Here are some:\n"
        "- Glowpeel can be costly.\n"
        "- The results are not permanent.\n"
        "- Fine lines\n"
    )
    assert [o["text"] for o in drafted(page)["outcomes"]] == ["The results are not permanent."]


def test_advice_that_speaks_only_of_before_is_preparation_and_a_verb_names_no_concern(drafted: Drafted) -> None:
    page = (
        "Glowpeel Care Instructions\n\n"
        "Glowpeel is a gentle process used to reduce fine lines, treat acne, and alleviate sun damage.\n\n"
        "If you want a peel, don't use harsh scrubs for a week before.\n"
        "Stay out of the sun for two days after treatment.\n"
    )
    treatment = drafted(page)
    assert treatment["name"] == "Glowpeel"  # "Care Instructions" is what the page is, not the treatment
    assert [i["condition"] for i in treatment["indications"]] == ["Fine lines", "Acne", "Sun damage"]
    assert [p["text"] for p in treatment["procedure"]["preparation"]] == [
        "If you want a peel, don't use harsh scrubs for a week before."
    ]
    assert [a["text"] for a in treatment["aftercare"]] == ["Stay out of the sun for two days after treatment."]


def test_advice_for_days_after_is_aftercare_even_under_a_what_happens_heading(drafted: Drafted) -> None:
    page = (
        "Glowpeel\n\n"
        "Glowpeel is a gentle resurfacing treatment for dull skin.\n\n"
        "What happens during a session?\n\n"
        "Your clinician cleanses the skin and applies the peel.\n"
        "For two days, do not rub your face. Stay still while the peel works.\n"
    )
    treatment = drafted(page)
    assert [a["text"] for a in treatment["aftercare"]] == ["For two days, do not rub your face."]
    steps = [s["text"] for s in treatment["procedure"]["steps"]]
    assert "For two days, do not rub your face." not in steps and "Stay still while the peel works." in steps


def test_a_blog_intro_says_nothing_of_recovery_and_a_tie_goes_to_the_paragraph_giving_a_time(drafted: Drafted) -> None:
    page = (
        "Scalp Refill Recovery Time\n\n"
        "Many people are concerned about the downtime of a scalp refill. Let's discuss how long recovery takes.\n\n"
        "The scalp heals quickly after this procedure.\n\n"
        "Most patients resume routine activities in 2 to 5 days.\n"
    )
    recovery = drafted(page)["recovery"]
    assert recovery["summary"] == "Most patients resume routine activities in 2 to 5 days."


def test_a_risks_list_item_names_its_effect_past_how_often_and_when_and_two_bullets_in_a_line(drafted: Drafted) -> None:
    assert topic_only("Side effects and Possible side effects")
    page = (
        "Vein Sealing\n\n"
        "Vein Sealing is a gentle treatment for spider veins.\n\n"
        "Possible side effects\n"
        "• Right after treatment, the skin becomes raised and itchy.\n"
        "• Bruising at the needle sites, which settles in 2-4 weeks.\n"
        "• Very rarely \u2013 a skin ulcer. • Very rarely \u2013 an allergic reaction to the solution.\n"
    )
    names = [e["name"] for e in drafted(page)["adverse_effects"]]
    assert names == ["Bruising", "Skin ulcer", "Allergic reaction"]


def test_after_a_weak_cue_only_items_that_start_with_a_symptom_are_effects(drafted: Drafted) -> None:
    page = (
        "Nosefix\n\n"
        "Nosefix is a surgical procedure that reshapes the nose.\n\n"
        "Although there will be swelling and bruising around the eyes, you go home the same day.\n"
        "Inside the nose, there will be soft splints that help to reduce swelling.\n"
        "You may notice some numbness of the tip.\n"
    )
    names = [e["name"] for e in drafted(page)["adverse_effects"]]
    assert names == ["Swelling", "Bruising around the eyes", "Numbness of the tip"]


def test_how_long_recovery_takes_names_no_effect(drafted: Drafted) -> None:
    page = (
        "Scalp Refill\n\n"
        "Scalp Refill is a surgical procedure with some short term side effects; the recovery is also not long.\n"
    )
    assert "adverse_effects" not in drafted(page)
