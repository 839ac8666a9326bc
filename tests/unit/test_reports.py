"""Report formats: each one is read back by the consumer it is made for (JSON Schema, the OASIS
SARIF schema, a JUnit parser, the GitHub annotation syntax, headless Chromium)."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import dump_dom, serve
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft4Validator, Draft202012Validator
from junitparser import Failure, JUnitXml

from kg.core.findings import Finding, Report, Severity
from kg.flow.pipeline import Build, check, illustrate
from kg.load.facts import load_valid
from kg.reports import github, render

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The sample (warnings, an info) plus a second article with a facts-file violation."""
    data = tmp_path_factory.mktemp("reports") / "data"
    shutil.copytree(REPO / "data", data)
    text = (data / "articles/mesotherapy.yaml").read_text(encoding="utf-8")
    (data / "articles/broken.yaml").write_text(
        text.replace("slug: mesotherapy", "slug: broken").replace("frequency: common", "frequency: often", 1),
        encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(data.parent)  # file names in findings are relative to the working directory
        corpus, bad = load_valid(Path("data"))
        result = check(corpus)
    result.report.extend(bad)
    result.data = data  # type: ignore[attr-defined]
    return result


def test_json_validates_against_the_shipped_schema(checked: Build) -> None:
    schema = json.loads((REPO / "docs/report.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    doc = json.loads(render.as_json(checked.report))
    Draft202012Validator(schema).validate(doc)
    assert doc["summary"]["violations"] == 1 and doc["failed"] is True and doc["fail_on"] == "violation"
    assert [p["slug"] for p in doc["pages"]] == ["mesotherapy"]


def test_sarif_validates_against_the_oasis_schema_with_physical_locations(checked: Build) -> None:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    report = checked.report
    report.source_prefix = "site/"
    try:
        doc = json.loads(render.RENDERERS["sarif"](report))
    finally:
        report.source_prefix = ""
    Draft4Validator(schema).validate(doc)
    run = doc["runs"][0]
    results = run["results"]
    assert len(results) == len(report.sorted())
    first = results[0]
    f = report.sorted()[0]
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": f"site/{f.file}", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": f.line, "startColumn": f.column}}
    assert {r["level"] for r in results} == {"error", "warning", "note"}
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == sorted({r["ruleId"] for r in results})
    for r in results:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]


def test_junit_has_a_case_per_file_and_family_and_fails_at_the_threshold(checked: Build,
                                                                         tmp_path: Path) -> None:
    report = checked.report
    path = tmp_path / "junit.xml"
    path.write_text(render.RENDERERS["junit"](report), encoding="utf-8")
    suites = {s.name: s for s in JUnitXml.fromfile(str(path))}
    assert set(suites) == {"data/articles/broken.yaml", "mesotherapy", "data/site.yaml"}
    cases = {case.name: case for case in suites["mesotherapy"]}
    assert set(cases) == {"facts", "medkg", "schemaorg", "google"}
    assert all(case.is_passed for case in cases.values())  # warnings only: below --fail-on violation
    broken = {case.name: case for case in suites["data/articles/broken.yaml"]}
    failure = broken["facts"].result[0]
    assert isinstance(failure, Failure) and "'often' is not one of" in (failure.text or "")

    report.threshold = Severity.WARNING
    try:
        path.write_text(render.RENDERERS["junit"](report), encoding="utf-8")
    finally:
        report.threshold = Severity.VIOLATION
    cases = {case.name: case for case in {s.name: s for s in JUnitXml.fromfile(str(path))}["mesotherapy"]}
    assert not cases["medkg"].is_passed and not cases["google"].is_passed and cases["facts"].is_passed


def test_github_annotations_name_file_line_column() -> None:
    f = Finding("data/a b.yaml", 12, 7, Severity.WARNING, "50% done,\nnext: line", "page.x", "", "sosh:X", "schemaorg")
    assert github.render(Report([f])) == (
        "::warning file=data/a b.yaml,line=12,col=7,title=medkg sosh%3AX%3A page.x::50%25 done,%0Anext: line\n")


def _decode(text: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m[1]],
                  text)


@given(st.text())
def test_github_escaping_round_trips_and_cannot_end_a_value(text: str) -> None:
    prop, data = github.escape_property(text), github.escape_data(text)
    assert not set(prop) & set(",:\r\n") and not set(data) & set("\r\n")
    assert _decode(prop) == text and _decode(data) == text


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [f"{tag} {k}={v}" for k, v in attrs if k in ("src", "href", "xlink:href") and v]
        if tag in ("script", "link", "iframe", "object", "embed"):
            self.refs.append(tag)


def test_html_report_is_self_contained_and_renders_the_findings(checked: Build, tmp_path: Path) -> None:
    illustrate(checked.report, checked.data)  # type: ignore[attr-defined]
    page = render.RENDERERS["html"](checked.report)
    refs = _Refs()
    refs.feed(page)
    assert refs.refs == []  # nothing loaded from anywhere
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    with serve(tmp_path) as base:
        dom = dump_dom(base + "report.html")
    findings = checked.report.sorted()
    assert dom.count('<tr class="finding">') == len(findings)
    for f in findings:
        assert f"<code>{f.where}</code>" in dom
    assert '"@context": "https://schema.org"' in dom  # the JSON-LD
    if shutil.which("dot"):
        assert "<svg" in dom and "Allergic reaction (rare, serious)" in dom
    else:
        assert "Graphviz is not installed" in dom and "flowchart LR" in dom


def test_text_is_grouped_by_file_with_a_summary_and_no_colour_off_a_tty(checked: Build) -> None:
    plain = render.text(checked.report)
    assert "\033[" not in plain
    files = [line for line in plain.splitlines() if not line.startswith("  ")]
    assert files == ["data/articles/broken.yaml", "data/articles/mesotherapy.yaml", "data/site.yaml",
                     "1 article, 527 triples, 1 violations, 13 warnings, 1 infos"]
    assert "\033[31mviolation\033[0m" in render.text(checked.report, colour=True)
