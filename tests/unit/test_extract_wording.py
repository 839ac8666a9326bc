"""`kg extract` rules for wording that varies from site to site ([extract2] round 3), each on a snippet of our own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kg.extract import extract, render_yaml
from kg.extract.naming import topic_only
from kg.load.facts import Source, check


def _draft(tmp_path: Path, text: str) -> dict[str, Any]:
    """The draft of a plain-text page; it is schema-valid and every quote is in the page."""
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    draft = extract(path)
    assert check(Source("page.txt", yaml.safe_load(render_yaml(draft)), {}, ""), "article") == []
    assert all(q in draft.document.text for q in draft.quotes())
    return draft.data


def test_a_first_line_that_only_names_a_topic_is_a_heading_not_the_title(tmp_path: Path) -> None:
    assert topic_only("THE PROCEDURE") and topic_only("Risks and side effects") and topic_only("What to expect")
    assert not topic_only("Blading Aftercare") and not topic_only("Blading")
    page = (
        "HOW IT IS DONE\n"
        "Your clinician will cleanse the skin and then glide a sterile blade over the cheeks.\n"
        "Risks\n"
        "Blading is a quick procedure. Blading suits most skin types.\n"
    )
    data = _draft(tmp_path, page)
    assert data["treatment"]["name"] == "Blading"  # "… procedure." defines it, full stop and all
    steps = data["treatment"]["procedure"]["steps"]
    assert [s["text"] for s in steps] == [
        "Your clinician will cleanse the skin.",
        "Glide a sterile blade over the cheeks.",
    ]
    assert {s["source"]["section"] for s in steps} == {"HOW IT IS DONE"}


def test_a_site_section_line_is_chrome_and_what_to_expect_after_is_aftercare(tmp_path: Path) -> None:
    page = (
        "Our Services\n\n"
        "Radiofrequency Closure for Spider Veins\n\n"
        "A thin probe is placed into the vein under ultrasound guidance.\n\n"
        "What to expect after Radiofrequency Closure:\n\n"
        "  • Keep the bandage dry for 48 hours.\n"
        "  • Walk for 15 minutes every two hours.\n"
        "  • Remember to elevate your leg in the evening.\n"
        "  • The bandage feels tight at first.\n"
    )
    data = _draft(tmp_path, page)
    assert data["treatment"]["name"] == "Radiofrequency Closure"
    assert [a["text"] for a in data["treatment"]["aftercare"]] == [
        "Keep the bandage dry for 48 hours.",
        "Walk for 15 minutes every two hours.",
        "Remember to elevate your leg in the evening.",
    ]
    steps = data["treatment"]["procedure"]["steps"]  # the list after "What to expect after" holds no step
    assert [s["text"] for s in steps] == ["A thin probe is placed into the vein under ultrasound guidance."]


def test_effects_lose_when_and_where_and_clauses_and_how_often(tmp_path: Path) -> None:
    page = (
        "Glowpeel\n"
        "Side effects\n"
        "Side effects may include mild flaking on your skin in the first few days after the peel.\n"
        "Some people develop blisters or feel like the skin is tight in the two or three days after a session.\n"
        "If you develop a burn from the peel, your doctor will treat it.\n"
        "These are real side effects, but they are VERY rare.\n"
        "Crusting and itching are rare after a peel.\n"
        "Another possible side effect is a dark patch in the treated area, which fades.\n"
    )
    effects = _draft(tmp_path, page)["treatment"]["adverse_effects"]
    assert [e["name"] for e in effects] == [
        "Mild flaking",
        "Blisters",
        "Dark patch",
        "Crusting",
        "Itching",
    ]
    assert [e["frequency"] for e in effects[3:]] == ["rare", "rare"]


def test_an_aftercare_step_names_an_effect_only_when_it_says_you_experience_it(tmp_path: Path) -> None:
    page = (
        "Vein Sealing\n"
        "After your treatment\n"
        "  • You may experience swelling in your calf.  Remember to elevate your leg.\n"
        "  • You will experience bruising along the vein.\n"
        "  • You may have questions for the nurse.\n"
        "  • Keep the dressing on for two days and then take it off.\n"
    )
    treatment = _draft(tmp_path, page)["treatment"]
    assert [e["name"] for e in treatment["adverse_effects"]] == ["Swelling in your calf", "Bruising along the vein"]
    assert "outcomes" not in treatment  # the sentence that names an effect is not also a statement


def test_a_question_is_no_statement_and_asks_with_an_exclamation_mark(tmp_path: Path) -> None:
    page = (
        "Brow Lift\n"
        "A brow lift is a surgical procedure that raises the brows.\n"
        "The results of a brow lift last for years. But how do you know if the results would suit you? "
        "Ask at the consultation.\n"
        "Frequently Asked Questions\n"
        "Does that mean I need it every year?!\n"
        "Not always, since results last about a year.\n"
    )
    data = _draft(tmp_path, page)
    assert [o["text"] for o in data["treatment"]["outcomes"]] == ["The results of a brow lift last for years."]
    assert [q["question"] for q in data["faq"]] == ["Does that mean I need it every year?!"]
    assert data["faq"][0]["answer"] == "Not always, since results last about a year."


def test_not_a_candidate_if_you_have_lists_contraindications_each_of_its_own_kind(tmp_path: Path) -> None:
    page = (
        "Skin Needling\n"
        "Skin needling is a treatment that punctures the skin with fine needles.\n"
        "Who should not have it?\n"
        "You are not a candidate for skin needling if you have psoriasis, a recent sunburn or a bleeding disorder.\n"
    )
    found = _draft(tmp_path, page)["treatment"]["contraindications"]
    assert [(c["condition"], c.get("kind")) for c in found] == [
        ("Psoriasis", None),
        ("Recent sunburn", "temporary"),
        ("Bleeding disorder", None),
    ]
    assert all(c["source"]["quote"].startswith("You are not a candidate") for c in found)


def test_if_you_have_concerns_then_it_could_help_names_indications(tmp_path: Path) -> None:
    page = (
        "Hydrafacial\n"
        "Hydrafacial is a treatment that cleans and hydrates the skin.\n"
        "If you have clogged pores, fine lines and sun damage then a hydrafacial can help you.\n"
        "If you have questions, our staff can help.\n"
    )
    found = _draft(tmp_path, page)["treatment"]["indications"]
    assert [i["condition"] for i in found] == ["Clogged pores", "Fine lines", "Sun damage"]


def test_a_title_names_the_concern_after_for_only_when_it_is_one(tmp_path: Path) -> None:
    body = "\nA thin fibre heats the vein from inside and closes it.\n"
    vein = _draft(tmp_path, "Laser Ablation for Varicose Veins" + body)["treatment"]
    assert vein["name"] == "Laser Ablation"
    assert vein["indications"] == [
        {"condition": "Varicose veins", "source": {"section": "(title)", "quote": "Varicose Veins"}}
    ]
    dark = _draft(tmp_path, "Laser Ablation for Dark Skin" + body)["treatment"]
    assert "indications" not in dark


def test_steps_told_in_prose_outside_a_procedure_section(tmp_path: Path) -> None:
    page = (
        "Vein Glue\n"
        "Vein glue is an outpatient procedure performed using ultrasound.\n"
        "After numbing the skin, the surgeon inserts a thin catheter into the vein and then glue is applied to the "
        "vein wall.\n"
        "It should be performed by a vascular surgeon.\n"
        "Most people walk out the same day.\n"
    )
    steps = _draft(tmp_path, page)["treatment"]["procedure"]["steps"]
    assert [s["text"] for s in steps] == [
        "After numbing the skin, the surgeon inserts a thin catheter into the vein.",
        "Glue is applied to the vein wall.",
    ]


def test_the_most_common_effects_and_a_procedure_step_that_says_after(tmp_path: Path) -> None:
    page = (
        "Lip Flip\n"
        "Lip flip is a treatment that relaxes the lip muscle.\n"
        "During the procedure\n"
        "Your injector places four small injections. After the treatment, your injector will apply an ice pack.\n"
        "Side effects\n"
        "Swelling and tenderness are the most common.\n"
    )
    treatment = _draft(tmp_path, page)["treatment"]
    assert [(e["name"], e["frequency"]) for e in treatment["adverse_effects"]] == [
        ("Swelling", "common"),
        ("Tenderness", "common"),
    ]
    assert "aftercare" not in treatment
    assert [s["text"] for s in treatment["procedure"]["steps"]][-1] == (
        "After the treatment, your injector will apply an ice pack."
    )


def test_a_run_of_restrictions_in_an_answer_is_aftercare_and_sunscreen_advice_too(tmp_path: Path) -> None:
    page = (
        "Are there any restrictions after filler?\n"
        "Yes, no exercise x 24 hours, no facials for 2 weeks. No alcohol beforehand is best.\n"
        "Is sun a problem?\n"
        "In the weeks after, don't go out without wearing sunscreen on your face.\n"
        "Does filler hurt?\n"
        "Most people feel little, with no pain for the rest of the day.\n"
    )
    care = _draft(tmp_path, page)["treatment"]["aftercare"]
    assert [(a["text"], a.get("duration")) for a in care] == [
        ("No exercise x 24 hours.", {"min": 24, "max": 24, "unit": "hour"}),
        ("No facials for 2 weeks.", {"min": 2, "max": 2, "unit": "week"}),
        ("In the weeks after, don't go out without wearing sunscreen on your face.", None),
    ]


def test_only_an_answers_first_sentence_takes_the_category_of_its_question(tmp_path: Path) -> None:
    page = (
        "Glow Peel\n\n"
        "How long do the results last?\n"
        "That depends on your skin. Our clinic opened in 2019.\n"
        "Is the peel painful?\n"
        "A warm tingle is felt.\n"
    )
    data = _draft(tmp_path, page)
    assert [o["text"] for o in data["treatment"]["outcomes"]] == ["That depends on your skin."]
