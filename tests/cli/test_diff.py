"""kg diff names every changed fact and nothing else; kg build --check says what is stale."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

EDITS = [  # (old, new) in data/articles/mesotherapy.yaml
    ("    - name: Bruising\n      frequency: common", "    - name: Bruising\n      frequency: rare"),
    ("    - condition: Diabetes\n", ""),
    ("    - name: Amino acids\n", "    - name: Amino acids\n    - name: Collagen\n      purpose: skin firmness\n"),
    ("Drink enough water and eat a healthy diet.", "Drink plenty of water."),
    ("  category: cosmetic\n", "  category: medical\n"),
    ("      body_areas: [Scalp]", "      body_areas: [Scalp, Beard]"),
]
EXPECTED = [
    "mesotherapy",
    "  adverse effect 'Bruising': frequency common → rare",
    "  aftercare instruction 2: text 'Drink enough water and eat a healthy diet.' → 'Drink plenty of water.'",
    "  contraindication 'Diabetes' removed",
    "  indication 'Hair loss': body area 'Beard' added",
    "  ingredient use 'Collagen' added (purpose 'skin firmness')",
    "  treatment 'Mesotherapy': category cosmetic → medical",
    "6 changes in 1 article",
]


def _change_facts(data: Path) -> None:
    path = data / "articles/mesotherapy.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=medkg tests", "-c", "user.email=tests@invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def two_revisions(kg: Callable[..., Result], data: Path, tmp_path: Path) -> Path:
    """A git repository whose last two commits hold the sample's exports before and after EDITS."""
    _git(tmp_path, "init", "-q")
    assert kg("build", "--data", data).exit_code == 0
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "sample")
    _change_facts(data)
    assert kg("build", "--data", data).exit_code == 0
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "edits")
    return tmp_path


def test_diff_between_two_revisions_names_every_changed_fact_and_nothing_else(
    kg: Callable[..., Result], two_revisions: Path
) -> None:
    result = kg("diff", "HEAD~1", "HEAD")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == EXPECTED


def test_diff_of_folders_and_files_agrees_and_reverses(kg: Callable[..., Result], two_revisions: Path) -> None:
    subprocess.run(
        ["git", "worktree", "add", "-q", "old", "HEAD~1"], cwd=two_revisions, check=True, capture_output=True
    )
    folders = kg("diff", "old/exports", "exports").stdout
    assert folders.splitlines() == EXPECTED
    assert kg("diff", "old/exports/mesotherapy.ttl", "exports/mesotherapy.ttl").stdout == folders
    backwards = kg("diff", "exports/kg.nq", "old/exports/kg.nq").stdout.splitlines()
    assert "  contraindication 'Diabetes' added" in backwards
    assert "  adverse effect 'Bruising': frequency rare → common" in backwards
    assert len(backwards) == len(EXPECTED)


def test_markdown_and_json(kg: Callable[..., Result], two_revisions: Path) -> None:
    markdown = kg("diff", "HEAD~1", "HEAD", "--format", "markdown").stdout
    assert markdown.startswith("### medkg: 6 changes in 1 article\n\n#### `mesotherapy`\n")
    assert "- contraindication 'Diabetes' removed\n" in markdown
    assert "```mermaid\nflowchart LR\n" in markdown and "Bruising (rare, minor)" in markdown
    doc = json.loads(kg("diff", "HEAD~1", "HEAD", "--format", "json").stdout)
    assert doc["version"] == "1"
    [article] = doc["articles"]
    assert article["slug"] == "mesotherapy" and article["status"] == "changed"
    assert ["  " + c["message"] for c in article["changes"]] == EXPECTED[1:-1]
    assert article["changes"][0] == {
        "subject": "adverse effect 'Bruising'",
        "property": "frequency",
        "kind": "changed",
        "old": "common",
        "new": "rare",
        "message": "adverse effect 'Bruising': frequency common → rare",
    }


def test_build_check_says_what_is_stale(kg: Callable[..., Result], data: Path, tmp_path: Path) -> None:
    assert kg("build", "--data", data).exit_code == 0
    _change_facts(data)
    result = kg("build", "--data", data, "--check")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "  changed: exports/kg.nq" in lines  # streamed, never held in memory: the article files say what changed
    jsonld = lines.index("  changed: exports/mesotherapy.jsonld")
    assert " triples to add, " in lines[jsonld + 1] and "about https://getlabtest.com/" in lines[jsonld + 1]
    ttl = lines.index("  changed: exports/mesotherapy.ttl")
    assert lines[ttl + 1 : ttl + 7] == ["    " + line for line in EXPECTED[1:-1]]
    assert lines[-1] == "exports is stale: run 'kg build' and commit the result"
