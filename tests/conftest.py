from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypedDict

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import settings

from kg.cli.main import main
from kg.extract import extract, render_yaml
from kg.load.facts import Source, check

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CASES = TESTS / "cases"  # fixtures as data: a site of its own, corpus articles, shape fixtures, extract inputs
DATA = TESTS / "data"  # third-party files tests read (schema.org 30.0, SARIF schema, the seed article), with sources

# No property test is timed: Hypothesis's 200 ms deadline per example is a timing assertion, and one failed on a
# loaded machine (906 ms for a SQL-backed example while a 100k build ran). Speed is measured in benchmarks/.
settings.register_profile("untimed", deadline=None)
settings.load_profile("untimed")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A writable copy of the tests' own site (tests/cases/site), so tests never depend on data/."""
    target = tmp_path / "data"
    shutil.copytree(CASES / "site", target)
    return target


@pytest.fixture
def drafted(tmp_path: Path) -> Callable[[str], dict[str, Any]]:
    """Drafts a plain-text page of our own and gives the drafted treatment; every draft is schema-valid and every
    quote is in the page."""

    def draft(text: str) -> dict[str, Any]:
        path = tmp_path / "page.txt"
        path.write_text(text, encoding="utf-8")
        made = extract(path)
        assert check(Source("page.txt", yaml.safe_load(render_yaml(made)), {}, ""), "article") == []
        assert all(q in made.document.text for q in made.quotes())
        treatment: dict[str, Any] = made.data["treatment"]
        return treatment

    return draft


@pytest.fixture
def kg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Result]:
    """Run the `kg` CLI in-process from tmp_path, returning click's Result (exit_code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (for 'nothing was written' assertions)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class JsonFinding(TypedDict):
    """One finding as `--format json` writes it (docs/report.schema.json)."""

    severity: str
    file: str
    line: int
    column: int
    field: str
    message: str
    node: str
    rule: str
    family: str


def json_findings(stdout: str) -> list[JsonFinding]:
    """The findings of a `--format json` report."""
    found: list[JsonFinding] = json.loads(stdout)["findings"]
    return found


def stricter_gate_may_refuse(value: object) -> bool:
    """Whether a parsed document holds what only jsonschema accepts, so the fast gate (jsonschema-rs)
    may refuse a file jsonschema finds valid (jsonschema then decides): a non-ASCII decimal digit (Rust's
    `\\d` is ASCII, Python's Unicode), a lone surrogate (not UTF-8: jsonschema-rs cannot read the string)
    or a float that is not finite (Rust's `number` refuses NaN)."""
    if isinstance(value, dict):
        return any(stricter_gate_may_refuse(k) or stricter_gate_may_refuse(v) for k, v in value.items())
    if isinstance(value, list):
        return any(stricter_gate_may_refuse(v) for v in value)
    if isinstance(value, str):
        return any((c.isdecimal() and not c.isascii()) or "\ud800" <= c <= "\udfff" for c in value)
    return isinstance(value, float) and not math.isfinite(value)
