"""The benchmark peer's LinkML schema (benchmarks/peer/medkg_peer/facts.yaml) against medkg's JSON Schema of
the facts files (shapes/facts.schema.json): the same objects, fields, required fields, enums, list bounds
and code formats, so the peer's row loads and validates the same format as `kg build` when the format grows.
The peer itself runs only in its own venv (benchmarks/README.md); this reads the two files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
FACTS: dict[str, Any] = json.loads((REPO / "shapes" / "facts.schema.json").read_text(encoding="utf-8"))
PEER: dict[str, Any] = yaml.safe_load((REPO / "benchmarks/peer/medkg_peer/facts.yaml").read_text(encoding="utf-8"))
CLASSES: dict[str, Any] = PEER["classes"]


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow `$ref`s, and an `allOf` that only adds a pattern to a `$ref` (base_iri)."""
    while True:
        if "$ref" in node:
            node = FACTS["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        elif "allOf" in node and "properties" not in node and "$ref" in node["allOf"][0]:
            node = node["allOf"][0]
        else:
            return node


def _item(node: dict[str, Any]) -> dict[str, Any]:
    """A field's value, or its list's item; of `a string or an object`, the object."""
    node = _resolve(node)
    if node.get("type") == "array":
        node = _resolve(node["items"])
    objects = [_resolve(n) for n in node.get("anyOf", []) if "properties" in _resolve(n)]
    return objects[0] if objects else node


def _objects() -> Iterator[tuple[str, dict[str, Any], str]]:
    """Every object of the facts format (by its path) with the peer class that stands for it."""
    todo = [("site", FACTS["$defs"]["site"], "Site"), ("article", FACTS["$defs"]["article"], "Article")]
    while todo:
        path, node, name = todo.pop()
        yield path, node, name
        for field, sub in node["properties"].items():
            item = _item(sub)
            attribute = CLASSES[name]["attributes"].get(field)
            if "properties" in item and attribute is not None:
                todo.append((f"{path}.{field}", item, attribute["range"]))


def test_every_object_has_the_same_fields_in_the_peer_schema() -> None:
    wrong = [
        f"{path} ({name}): {sorted(set(node['properties']) ^ set(CLASSES[name]['attributes']))}"
        for path, node, name in _objects()
        if set(node["properties"]) != set(CLASSES[name]["attributes"])
    ]
    assert wrong == []


def test_required_fields_are_required_in_the_peer_schema() -> None:
    wrong = []
    for path, node, name in _objects():
        required = {field for field, spec in CLASSES[name]["attributes"].items() if spec.get("required")}
        if required != set(node.get("required", [])):
            wrong.append(f"{path}: {sorted(required)} vs {sorted(node.get('required', []))}")
    assert wrong == []


def test_every_peer_class_stands_for_an_object_of_the_format() -> None:
    assert {name for _, _, name in _objects()} == set(CLASSES)


def test_enums_and_list_bounds_match() -> None:
    wrong = []
    for path, node, name in _objects():
        for field, sub in node["properties"].items():
            spec, value, item = CLASSES[name]["attributes"][field], _resolve(sub), _item(sub)
            if "enum" in item and set(PEER["enums"][spec["range"]]["permissible_values"]) != set(item["enum"]):
                wrong.append(f"{path}.{field}: values of {spec['range']}")
            bounds = (value.get("minItems"), value.get("maxItems"))
            if value.get("type") == "array" and bounds != (
                spec.get("minimum_cardinality"),
                spec.get("maximum_cardinality"),
            ):
                wrong.append(f"{path}.{field}: {bounds} items")
    assert wrong == []


def test_fields_taking_a_string_or_an_object_take_either_in_the_peer_schema() -> None:
    either = {
        f"{path}.{field}"
        for path, node, _ in _objects()
        for field, sub in node["properties"].items()
        if len(_resolve(_resolve(sub).get("items", sub)).get("anyOf", [])) == 2
    }
    unions = {
        f"{path}.{field}"
        for path, node, name in _objects()
        for field in node["properties"]
        if len(CLASSES[name]["attributes"][field].get("any_of", [])) == 2
    }
    assert unions == either
    assert "article.treatment.procedure.steps" in either


def test_each_code_system_has_the_same_format() -> None:
    formats = {
        case["if"]["properties"]["system"]["const"]: case["then"]["properties"]["code"]["pattern"]
        for case in FACTS["$defs"]["code"]["allOf"]
    }
    rules = {
        rule["preconditions"]["slot_conditions"]["system"]["equals_string"]: rule["postconditions"]["slot_conditions"][
            "code"
        ]["pattern"]
        for rule in CLASSES["Code"]["rules"]
    }
    assert rules == formats
    assert set(formats) == set(PEER["enums"]["CodeSystem"]["permissible_values"])
