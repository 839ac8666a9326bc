"""The typed facts model: generated from the schema (and not stale), every object with its file position."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import CASES, REPO

from kg.core.errors import InputError
from kg.extract import extract
from kg.load.facts import Source, check, load_article, load_corpus, read
from kg.load.located import NOWHERE, At
from kg.load.model import FREQUENCY_VALUES, AdverseEffect, Article, Code, Duration, Provenance, SourcedText
from scripts import gen_model

SCHEMA = json.loads((REPO / "shapes/facts.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", [gen_model.MODEL, gen_model.TEMPLATE], ids=lambda p: p.name)
def test_generated_files_match_the_schema(path: Path) -> None:
    expected = gen_model.outputs(SCHEMA)[path]
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path.relative_to(REPO)} is stale: shapes/facts.schema.json is the source of the facts format; "
        f"run `{gen_model.COMMAND}` to regenerate kg/load/model.py and templates/article.yaml"
    )


def _line_of(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    """1-based line and column of the first `needle` on or after line `after`."""
    for number, line in enumerate(text.splitlines(), 1):
        if number >= after and needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


def test_every_object_knows_its_field_path_and_position() -> None:
    path = REPO / "data/articles/mesotherapy.yaml"
    text = path.read_text(encoding="utf-8")
    article = load_article(path)
    assert isinstance(article, Article)
    effect = article.treatment.adverse_effects[2]
    assert effect.at.path == ("treatment", "adverse_effects", 2)
    assert effect.of("frequency").path == ("treatment", "adverse_effects", 2, "frequency")
    assert effect.of("frequency").dotted == "treatment.adverse_effects[2].frequency"
    line, _ = _line_of(text, f"- name: {effect.name}")
    assert effect.at.position.line == line
    assert effect.of("frequency").position.line == _line_of(text, "frequency:", line)[0]
    assert str(effect.of("frequency")).startswith(f"{article.source.file}:{effect.of('frequency').position.line}:")
    finding = effect.of("seriousness").finding("a message", rule="test")
    assert (finding.line, finding.field) == (
        _line_of(text, "seriousness:", line)[0],
        "treatment.adverse_effects[2].seriousness",
    )
    step = article.treatment.procedure.steps[1] if article.treatment.procedure else None
    assert step is not None and step.bare and step.of("text") == step.at  # a bare text is its own `text`
    assert article.of("treatment").path == ("treatment",)
    assert article.treatment.of("alternate_names", 0).path == ("treatment", "alternate_names", 0)


def test_the_model_holds_every_stated_fact() -> None:
    """to_data gives back what the file says: nothing stated is dropped or changed by the model."""
    for path in [
        REPO / "data/articles/mesotherapy.yaml",
        *(CASES / "site/articles").glob("*.yaml"),
        *(CASES / "corpus").glob("*.yaml"),
    ]:
        source = read(path)
        assert check(source, "article") == []
        assert Article.from_source(source).to_data() == source.data, path


def test_drafts_round_trip_through_the_model() -> None:
    draft = extract(REPO / "tests/data/seed/mesotherapy-article.txt")
    article = Article.from_data(draft.data)
    assert article.to_data() == draft.data
    effects = article.treatment.adverse_effects
    assert effects and all(isinstance(e, AdverseEffect) and e.frequency in FREQUENCY_VALUES for e in effects)
    assert {p.quote for p in article.walk() if isinstance(p, Provenance)} == set(draft.quotes())


def test_equality_ignores_where_a_value_was_written() -> None:
    here = At(Source("a.yaml", None, {}, ""), ("treatment", "aftercare", 0))
    assert SourcedText(text="Rest.", at=here) == SourcedText(text="Rest.")
    assert SourcedText.from_data("Rest.", here).plain() == "Rest."
    assert SourcedText.from_data({"text": "Rest."}, here).plain() == {"text": "Rest."}
    assert SourcedText.from_data({"text": "Rest."}, here).of("text").path == (*here.path, "text")
    assert Duration(min=1, max=2, unit="day").at is NOWHERE


def test_semantic_rules_run_on_the_model(data: Path) -> None:
    path = data / "articles/mesotherapy.yaml"
    doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["treatment"]["recovery"]["side_effects_resolve"] = {"min": 3, "max": 2, "unit": "day"}
    doc["treatment"]["codes"] = [{"system": "snomed-ct", "code": "123456"}]
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    found = load_article(path)
    assert isinstance(found, list)
    assert sorted((f.rule, f.field) for f in found) == [
        ("schema:check-digit", "treatment.codes[0].code"),
        ("schema:range", "treatment.recovery.side_effects_resolve.min"),
    ]
    with pytest.raises(InputError) as refused:
        load_corpus(data)
    assert "problem" in str(refused.value)
    assert Code(system="snomed-ct", code="123456").of("code").path == ("code",)


def test_the_generator_refuses_a_field_name_the_model_cannot_hold() -> None:
    schema = copy.deepcopy(SCHEMA)
    schema["$defs"]["duration"]["properties"]["at"] = {"type": "integer"}
    with pytest.raises(ValueError, match="cannot be a Python attribute"):
        gen_model.model_code(schema)


def test_a_new_schema_field_reaches_the_model_and_the_template() -> None:
    """Adding a fact is one schema edit: the model and the template follow (the mapping rule is separate)."""
    schema = copy.deepcopy(SCHEMA)
    effect = schema["$defs"]["adverse_effect"]
    effect["properties"]["recurs_after"] = {
        "$ref": "#/$defs/duration",
        "description": "when it may come back",
        "examples": [{"min": 1, "max": 3, "unit": "day"}],
    }
    outputs = {p.name: text for p, text in gen_model.outputs(schema).items()}
    namespace: dict[str, Any] = {}
    exec(compile(outputs["model.py"], "model.py", "exec"), namespace)  # our own generated code, as the schema gives it
    effect_cls = namespace["AdverseEffect"]
    made = effect_cls.from_data({"name": "Bruising", "recurs_after": {"min": 1, "max": 3, "unit": "day"}})
    assert (made.recurs_after.max, made.of("recurs_after").path) == (3, ("recurs_after",))
    assert "# recurs_after: {min: 1, max: 3, unit: day}" in outputs["article.yaml"]
