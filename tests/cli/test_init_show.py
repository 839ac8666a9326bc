"""kg init writes a schema-valid draft with every section; kg show draws the article's graph."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st

from kg.core import resources
from kg.core.errors import InputError
from kg.export import picture
from kg.load.facts import check, load_corpus, read


def _keys(schema: dict[str, Any], node: dict[str, Any], root: dict[str, Any]) -> set[str]:
    """Every field name the article schema allows, at any depth."""
    if "$ref" in node:
        return _keys(schema, root["$defs"][node["$ref"].rsplit("/", 1)[-1]], root)
    out = set(node.get("properties", {}))
    for child in [*node.get("properties", {}).values(), node.get("items", {}), *node.get("allOf", [])]:
        if isinstance(child, dict) and child:
            out |= _keys(schema, child, root)
    return out


def test_init_writes_a_valid_draft_naming_every_field(kg: Callable[..., Result], data: Path) -> None:
    result = kg("init", "new-article", "--data", data)
    assert result.exit_code == 0, result.stderr
    path = data / "articles/new-article.yaml"
    source = read(path)
    found = check(source, "article")  # valid against the schema as written; the name gate flags the placeholders,
    assert {f.rule for f in found} <= {"schema:name"} and all("TODO" in f.message for f in found)  # so none ships
    assert source.data["draft"] is True and source.data["slug"] == "new-article"
    schema = resources.json_file("shapes", "facts.schema.json")
    text = path.read_text(encoding="utf-8")
    missing = sorted(k for k in _keys(schema, schema["$defs"]["article"], schema) if f"{k}:" not in text)
    assert missing == []
    with pytest.raises(InputError) as refused:
        load_corpus(data)
    assert sorted({f.rule for f in refused.value.findings}) == ["draft", "schema:name"]
    assert kg("init", "new-article", "--out", "-").stdout == text


def test_show_mermaid_puts_the_treatment_in_the_centre_with_ontology_labels(kg: Callable[..., Result]) -> None:
    out = kg("show", "mesotherapy", "--data", REPO / "data").stdout
    lines = out.splitlines()
    assert lines[:2] == ["flowchart LR", '  n0(["Mesotherapy"])']
    assert '  n0 -->|"has adverse effect"| n5' in lines and '  n5["Allergic reaction (rare, serious)"]' in lines
    assert '  n1 -->|"about"| n0' in lines and '  n1 -->|"publisher"| n3' in lines
    assert '  n1 -->|"is part of"| n2' in lines  # the WebSite of data/site.yaml
    assert "  class n5,n7,n8 serious" in lines and "  class n6,n9,n10 minor" in lines
    edges = [line for line in lines if "-->" in line]
    # page: about, is part of, publisher; treatment: effects, contra, ind, ingr, comp
    assert len(edges) == 3 + 6 + 6 + 4 + 6 + 1
    assert not any("indicated for" in e or "uses ingredient" in e for e in edges)  # chain shortcuts left out


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_show_svg_uses_graphviz(kg: Callable[..., Result]) -> None:
    result = kg("show", "mesotherapy", "--data", REPO / "data", "--format", "svg")
    assert result.exit_code == 0
    assert "<svg" in result.stdout and "Infection (rare, serious)" in result.stdout
    assert 'fill="#f8d7da"' in result.stdout  # serious adverse effects are coloured


_MERMAID_LINE = re.compile(r'^  n\d+(\["[^"]*"\]|\(\["[^"]*"\]\))$|^  n\d+ -->\|"[^"]*"\| n\d+$')


@given(st.text(max_size=60), st.text(max_size=30))
def test_mermaid_labels_are_escaped(label: str, edge: str) -> None:
    pic = picture.Picture(
        (picture.Box("n0", label, "treatment"), picture.Box("n1", label, "serious")), (picture.Arrow("n0", "n1", edge),)
    )
    lines = picture.mermaid(pic).splitlines()
    assert lines[0] == "flowchart LR"
    for line in lines[1:4]:
        assert _MERMAID_LINE.match(line), line
    body = lines[1][len('  n0(["') : -len('"])')]
    assert re.sub(r"#(\d+);", lambda m: chr(int(m[1])), body) == label


@given(st.text(max_size=60))
def test_dot_labels_are_escaped(label: str) -> None:
    text = picture.dot_text(label)
    assert "\n" not in text and not re.search(r'(?<!\\)(\\\\)*"', text)  # no unescaped quote ends the string
    unescaped = re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m[1], m[1]), text)
    assert unescaped == label.replace("\r", "")
