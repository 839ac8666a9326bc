"""Rules of `kg extract` for topic pages (a title that names a section and the treatment), list leads, advice
items, agents with dose and timing, and names that never fail a draft. Every snippet is written for its test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.core.errors import InputError
from kg.extract import extract, naming, render_yaml
from kg.extract.advice import advises
from kg.extract.blocks import Block
from kg.extract.classify import areas
from kg.extract.units import Unit
from kg.load.facts import Source, check
from kg.load.model import Agent
from kg.load.names import findings


def _draft(tmp_path: Path, text: str, name: str = "page.txt") -> tuple[dict[str, Any], str]:
    """The draft of an article and its YAML; it is schema-valid and every quote is in the article."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    draft = extract(path)
    rendered = render_yaml(draft)
    assert check(Source(name, yaml.safe_load(rendered), {}, ""), "article") == []
    assert all(q in draft.document.text for q in draft.quotes())
    return draft.data, rendered


@pytest.mark.parametrize(
    ("title", "name", "kinds"),
    [
        ("Contra-indications for Laser Skin Tightening", "Laser Skin Tightening", ["contraindications"]),
        ("What is the recovery time after a chemical peel?", "Chemical peel", ["aftercare"]),
        ("Who is a good candidate for microneedling?", "Microneedling", ["candidates"]),
        ("Am I not a good candidate for Cryolipolysis?", "Cryolipolysis", ["contraindications", "candidates"]),
        ("Microneedling: Frequently Asked Questions", "Microneedling", []),
        ("About Cryolipolysis", "Cryolipolysis", []),
        ("Cryolipolysis Aftercare", "Cryolipolysis", ["aftercare"]),
        ("What will my thread lift post-procedure routine look like?", "Thread lift", ["aftercare"]),
        ("Side effects of lip fillers and how to avoid them", "Lip fillers", ["risks"]),
        ("Glow Peel: What You Need to Know", "Glow Peel", []),
        ("Laser Hair Removal for Dark Skin", "Laser Hair Removal", []),
    ],
)
def test_a_topic_title_names_the_treatment_and_the_section(title: str, name: str, kinds: list[str]) -> None:
    named = naming.from_title(title)
    assert named is not None and named.name == name
    assert naming.page_kinds(named.topic) == kinds if named.topic else kinds == []


def test_a_first_sentence_with_a_topic_names_the_treatment() -> None:
    named = naming.from_lead("The recovery time after a thread lift can vary from patient to patient.")
    assert named is not None and (named.name, naming.page_kinds(named.topic)) == ("Thread lift", ["aftercare"])
    assert naming.from_lead("The clinic opened in a quiet street and can seat ten.") is None


def test_a_long_title_name_is_shortened_and_the_header_says_so(tmp_path: Path) -> None:
    data, rendered = _draft(
        tmp_path,
        "What is the recovery time after a PDO (made of a polydioxanone absorbable suture material) thread lift?\n\n"
        "Swelling settles within a week.\n",
    )
    assert data["treatment"]["name"] == "PDO thread lift"
    assert "# NOTE: the treatment name was shortened from the title's" in rendered


def test_a_page_with_no_usable_name_is_drafted_under_its_file_name(tmp_path: Path) -> None:
    data, rendered = _draft(
        tmp_path,
        "is it normal to feel a little sore during the second half of the appointment\n\n"
        "A little soreness is common and passes.\n",
        name="sore-appointment.txt",
    )
    assert data["treatment"]["name"] == "Sore appointment"
    assert "# NOTE: no treatment name was found in the article" in rendered


def test_a_title_naming_a_section_makes_the_untitled_list_that_section(tmp_path: Path) -> None:
    data, _ = _draft(
        tmp_path,
        "Contra-indications for Glow Peel\n\nThe peel should not be done if any of these apply to you:\n"
        "1. Isotretinoin within the last 6 months because the skin heals slowly.\n"
        "2. Weakened immunity (ex. lupus, HIV) may slow healing.\n"
        "3. Pregnant or breastfeeding women should wait.\n"
        "4. Keratosis pilaris (rough bumps) on the area\n",
    )
    assert data["treatment"]["name"] == "Glow Peel"
    assert [c["condition"] for c in data["treatment"]["contraindications"]] == [
        "Isotretinoin within the last 6 months",
        "Weakened immunity",
        "Pregnancy",
        "Breastfeeding",
        "Keratosis pilaris (rough bumps) on the area",
    ]


def test_the_sentence_leading_a_list_decides_its_section(tmp_path: Path) -> None:
    data, _ = _draft(
        tmp_path,
        "Who is a good candidate for Glow Peel?\n\nYou need to meet a few requirements. Here they are:\n"
        "- You are over 18 years old.\n- You have realistic expectations.\n\n"
        "Some people are not candidates for the peel. They include people with:\n"
        "- Active cold sores\n- Very thin skin\n\n"
        "Your skin type should not have changed much since your last peel.\n",
    )
    t = data["treatment"]
    assert [g["text"] for g in t["candidates"]["good"]] == [
        "You are over 18 years old.",
        "You have realistic expectations.",
    ]
    assert [c["condition"] for c in t["contraindications"]] == ["Active cold sores", "Very thin skin"]
    assert "not_good" not in t["candidates"]  # the sentence leading the list names its section, no fact of its own


def test_items_of_an_aftercare_list_advise_or_state() -> None:
    assert advises("Avoid saunas for a week.")
    assert advises("Don\u2019t pick at the crusts.")
    assert advises("Showering: your practitioner will advise you when to wet the area.")
    assert advises("Daily life: you can resume light work the next day.")
    assert not advises("Redness: the redness fades over a few days.")
    assert not advises("Final look: you should start seeing the final result after three months.")


def test_stated_items_of_an_aftercare_list_are_statements(tmp_path: Path) -> None:
    data, _ = _draft(
        tmp_path,
        "Glow Peel Aftercare\n\nWeek one:\n- Sun: Avoid direct sun for two weeks.\n"
        "- Results: Visible results appear after the skin has flaked, in about a week.\n",
    )
    t = data["treatment"]
    assert [a["text"] for a in t["aftercare"]] == ["Sun: Avoid direct sun for two weeks."]
    assert [o["text"] for o in t["outcomes"]] == [
        "Results: Visible results appear after the skin has flaked, in about a week."
    ]


def test_aftercare_from_items_and_from_prose(tmp_path: Path) -> None:
    data, _ = _draft(
        tmp_path,
        "Glow Peel\n\nYour clinician may prescribe a soothing balm for the first nights. "
        "You will have a follow-up appointment a week later.\n\nAftercare:\n- Avoid make-up for a day.\n",
    )
    assert [a["text"] for a in data["treatment"]["aftercare"]] == [
        "Avoid make-up for a day.",
        "Your clinician may prescribe a soothing balm for the first nights.",
        "You will have a follow-up appointment a week later.",
    ]


def test_agents_with_dose_and_timing_and_none_to_avoid(tmp_path: Path) -> None:
    data, _ = _draft(
        tmp_path,
        "Glow Peel\n\nA numbing cream is applied 30 minutes before the peel. "
        "For soreness afterwards, take paracetamol. If you need more than 1000 mg a day, call us. "
        "Avoid aspirin for a week. People with sensitive skin get a milder peeling agent.\n",
    )
    agents = {a["name"]: a for a in data["treatment"]["agents"]}
    assert sorted(agents) == ["Numbing cream", "Paracetamol", "Peeling agent"]
    assert agents["Numbing cream"]["role"] == "numbing"
    assert agents["Numbing cream"]["timing"] == {
        "when": "before",
        "offset": {"min": 30, "max": 30, "unit": "minute", "as_written": "30 minutes"},
        "as_written": "30 minutes before",
    }
    assert agents["Paracetamol"]["role"] == "aftercare"
    assert agents["Paracetamol"]["dose"] == {"min": 1000.0, "unit": "mg", "as_written": "more than 1000 mg"}
    assert agents["Paracetamol"]["source"]["quote"] == (
        "For soreness afterwards, take paracetamol. If you need more than 1000 mg a day, call us."
    )
    assert agents["Peeling agent"]["role"] == "other"


def test_areas_shared_by_a_preposition_and_the_body_in_general() -> None:
    text = "It is also used on other parts of the body with loose skin, such as above the elbows or knees."
    assert areas(text) == ["Above the elbows", "Above the knees"]


def test_a_concern_with_an_owner_is_the_concern(tmp_path: Path) -> None:
    data, _ = _draft(
        tmp_path,
        "Glow Peel\n\nSome clinics use it off-label on other parts of the body with loose skin, such as the abdomen.\n",
    )
    [indication] = data["treatment"]["indications"]
    assert (indication["condition"], indication["body_areas"]) == ("Loose skin", ["Abdomen"])


def test_the_name_gate_checks_agents() -> None:
    agent = Agent(name="Take it before bed", role="aftercare")
    assert [f.message for f in findings(agent)] == [
        "'Take it before bed' is not a name: it reads as a piece of a sentence (a pronoun, a verb first, or a "
        "joining word at its start or end); write the name alone (e.g. 'Redness', 'Pregnancy')"
    ]


def _unit(text: str) -> Unit:
    return Unit(text, Block("item", text, 0, ()), 0, lead="Some people are not candidates. They include:")


def test_a_lead_sentence_outranks_the_heading() -> None:
    assert _unit("Very thin skin").kind == "contraindications"


def test_a_lead_sentence_names_its_section_by_its_first_section_phrase(tmp_path: Path) -> None:
    data, _ = _draft(
        tmp_path,
        "Glow Peel\n\nAftercare\n\nHealing is quick. Following these aftercare steps matters for fewer side effects:\n"
        "- Avoid saunas for two days\n",
    )
    assert [a["text"] for a in data["treatment"]["aftercare"]] == ["Avoid saunas for two days."]
    assert "adverse_effects" not in data["treatment"]


def test_an_article_without_text_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"empty\.txt: the article has no text to draft facts from$"):
        extract(path)


def test_a_last_line_that_looks_like_a_heading_is_text(tmp_path: Path) -> None:
    data, _ = _draft(
        tmp_path,
        "Glow Peel\n\nGlow Peel is a light chemical peel for dull skin.\n\nHow long does the glow last?\n\n"
        "Most people keep the glow for about four weeks after",
    )
    assert [(f["question"], f["answer"]) for f in data["faq"]] == [
        ("How long does the glow last?", "Most people keep the glow for about four weeks after")
    ]
