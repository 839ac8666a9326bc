"""The fast schema gate (jsonschema-rs) and jsonschema agree on which facts are valid: random mutations of a
valid facts file, values that differ between Rust's and Python's regexes included."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from conftest import REPO, stricter_gate_may_refuse
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.load.facts import _validator
from kg.load.gate import gate_passes

SAMPLE = yaml.safe_load((REPO / "data/articles/mesotherapy.yaml").read_text(encoding="utf-8"))
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            " ",
            "common",
            "often",
            "https://x.org/a b",
            "https://x.org/",
            "2026-05-07",
            "2026-05-07T10:00:00",
            "x" * 5001,
            "Bad Slug",
            "a--b",
            "\x1c",
            "\x85",
            " \u2028",
            "\ud800",
            "\u0663",
            "2026-\u0660\u0665-07",
            "https://x.org/\x1f",
            float("nan"),
            10**30,
        ]
    ),
    st.text(alphabet=st.sampled_from(" \t\n\x0b\x1c\x1f\x85\xa0\u2028\u3000a1-/:"), max_size=6),
    st.lists(st.text(max_size=5), max_size=2),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=2),
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*path, i))
    return out


PATHS = _paths(SAMPLE)[1:]


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        doc = doc[part]
    doc[path[-1]] = value


@settings(max_examples=300)
@given(
    edits=st.lists(st.tuples(st.sampled_from(PATHS), VALUES), min_size=1, max_size=3),
    extra=st.sampled_from([None, "page", "treatment", ""]),
)
def test_gate_agrees_with_jsonschema(edits: list[tuple[tuple[Any, ...], Any]], extra: str | None) -> None:
    doc = copy.deepcopy(SAMPLE)
    for path, value in edits:
        try:
            _set(doc, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit replaced a parent
    if extra is not None and isinstance(doc.get(extra, doc), dict):
        doc.get(extra, doc)["unknown_field"] = 1
    fast, slow = gate_passes("article", doc), _validator("article").is_valid(doc)
    assert slow or not fast, "the gate let through a file jsonschema refuses"
    assert fast == slow or stricter_gate_may_refuse(doc)
