"""Both schema validators agree on every value, and a pattern is a whole-value match: a trailing
newline passed jsonschema (Python's `$`) while the fast gate refused it (issue [hardening] 5)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import CASES, stricter_gate_may_refuse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.core import resources
from kg.load import facts, gate, yamlloc
from kg.load.facts import SCHEMA_NAME
from kg.load.patterns import python_pattern, rust_pattern


def _patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "pattern" and isinstance(v, str)] + [
            p for v in node.values() for p in _patterns(v)
        ]
    if isinstance(node, list):
        return [p for v in node for p in _patterns(v)]
    return []


PATTERNS = sorted(set(_patterns(resources.json_file("shapes", SCHEMA_NAME))))
CONTAINS = {"\\S", "/$"}  # the patterns that test part of a value (has text; ends with '/'), not all of it


def test_every_other_pattern_is_anchored_at_both_ends() -> None:
    """ECMA-262 anchors (the schema's dialect, portable to editors); the loader reads `$` as `\\Z`."""
    for pattern in PATTERNS:
        if pattern not in CONTAINS:
            assert pattern.startswith("^") and pattern.endswith("$"), pattern
            assert python_pattern(pattern).endswith("\\Z")


@pytest.mark.parametrize(
    ("pattern", "python"),
    [
        ("^[a-z]+$", "^[a-z]+\\Z"),
        ("/$", "/\\Z"),
        ("^a[$]b\\$c$", "^a[$]b\\$c\\Z"),
        ("\\S", "\\S"),
        ("^[^\\]$]x$", "^[^\\]$]x\\Z"),
    ],
)
def test_python_pattern(pattern: str, python: str) -> None:
    assert python_pattern(pattern) == python


def _load(path: Path) -> Any:
    return yamlloc.parse(path.read_text(encoding="utf-8"))[0]


SITE, ARTICLE = _load(CASES / "site/site.yaml"), _load(CASES / "site/articles/mesotherapy.yaml")
CODE = {"system": "mesh", "code": "D008658"}
# Where each pattern lives in a facts file: (definition, path, pattern, value that matches).
FIELDS = [
    ("site", ("base_iri",), "^https?://", "https://getlabtest.com/"),
    ("site", ("language",), "^[a-zA-Z]{2,3}", "en"),
    ("article", ("slug",), "^[a-z0-9]+", "mesotherapy"),
    ("article", ("url",), "^https?://", "https://getlabtest.com/mesotherapy"),
    ("article", ("page", "headline"), "\\S", "Mesotherapy"),
    ("article", ("page", "date_published"), "^\\d{4}-", "2024-01-01"),
    ("article", ("treatment", "codes", 0, "code"), "^D[0-9]{6}", "D008658"),
]
TAILS = st.sampled_from(["", "\n", "\r\n", " ", "\t", "\u2028", "\x00", "x"])


def _document(definition: str, path: tuple[str | int, ...], value: str) -> Any:
    doc = copy.deepcopy(SITE if definition == "site" else ARTICLE)
    if path[:2] == ("treatment", "codes"):
        doc["treatment"]["codes"] = [dict(CODE)]
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return doc


def _verdicts(definition: str, document: Any) -> tuple[bool, bool]:
    """(jsonschema-rs accepts, jsonschema accepts): the two validators medkg runs, as it runs them."""
    fast = gate.gate_passes(definition, document)
    slow = not any(True for _ in facts._validator(definition).iter_errors(document))
    return fast, slow


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIELDS), st.one_of(st.text(max_size=12), st.just("")), TAILS, TAILS)
@example(FIELDS[1], "en", "", "\n")
@example(FIELDS[5], "2024-01-01", "", "\n")
@example(FIELDS[2], "mesotherapy", "\n", "")
def test_both_validators_agree_on_every_value(
    field: tuple[str, tuple[str | int, ...], str, str], text: str, head: str, tail: str
) -> None:
    definition, path, _, good = field
    for value in (head + text + tail, head + good + tail, good + tail):
        document = _document(definition, path, value)
        fast, slow = _verdicts(definition, document)
        assert slow or not fast, f"{path}={value!r}: the gate let through what jsonschema refuses"
        assert fast == slow or stricter_gate_may_refuse(document), f"{path}={value!r}: gate {fast}, jsonschema {slow}"


@settings(max_examples=60)
@given(st.sampled_from([f for f in FIELDS if f[2] != "\\S"]), st.sampled_from(["\n", "\r\n", "\n\n", " \n"]))
def test_no_anchored_field_takes_a_trailing_newline(
    field: tuple[str, tuple[str | int, ...], str, str], tail: str
) -> None:
    definition, path, _, good = field
    assert _verdicts(definition, _document(definition, path, good)) == (True, True)
    assert _verdicts(definition, _document(definition, path, good + tail)) == (False, False)


@settings(max_examples=100)
@given(
    st.sampled_from([p for p in PATTERNS if p not in CONTAINS]).flatmap(
        lambda p: st.tuples(st.just(p), st.from_regex(python_pattern(p), fullmatch=True))
    )
)
def test_generated_matches_pass_both_and_their_newline_twins_pass_neither(case: tuple[str, str]) -> None:
    """The patterns themselves, compiled as each validator compiles them."""
    import jsonschema_rs
    from jsonschema import Draft202012Validator

    pattern, value = case
    fast = jsonschema_rs.validator_for({"type": "string", "pattern": rust_pattern(pattern)})
    slow = Draft202012Validator({"type": "string", "pattern": python_pattern(pattern)})
    for candidate, expected in ((value, True), (value + "\n", False)):
        assert slow.is_valid(candidate) == expected, (pattern, candidate)
        verdict = fast.is_valid(candidate)
        assert verdict == expected or (stricter_gate_may_refuse(candidate) and not verdict), (pattern, candidate)
        assert bool(re.search(python_pattern(pattern), candidate)) == expected
