"""Report formats: each one is read back by the consumer it is made for (JSON Schema, the OASIS
SARIF schema, a JUnit parser, the GitHub annotation syntax, headless Chromium)."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from browser import dump_dom, serve
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft4Validator, Draft202012Validator
from junitparser import Failure, JUnitXml

from kg.core.findings import Finding, Severity
from kg.core.options import RunOptions
from kg.core.result import Result
from kg.flow.build import validate
from kg.flow.built import Checked
from kg.reports import github, text
from kg.reports.context import RenderContext
from kg.reports.registry import RENDERERS

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Checked:
    """The sample (warnings, an info) plus a second article with a facts-file violation, with the
    html report's pictures and JSON-LD."""
    data = tmp_path_factory.mktemp("reports") / "data"
    shutil.copytree(REPO / "data", data)
    for other in (data / "articles").glob("*.yaml"):  # the sample alone: counts below are the sample's
        if other.name != "mesotherapy.yaml":
            other.unlink()
    text = (data / "articles/mesotherapy.yaml").read_text(encoding="utf-8")
    (data / "articles/broken.yaml").write_text(
        text.replace("slug: mesotherapy", "slug: broken").replace("frequency: common", "frequency: often", 1),
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(data.parent)  # file names in findings are relative to the working directory
        return validate(Path("data"), RunOptions(), illustrate=True)


def test_json_validates_against_the_shipped_schema(checked: Checked) -> None:
    schema = json.loads((REPO / "docs/report.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    doc = json.loads(RENDERERS["json"](checked.result, RenderContext()))
    Draft202012Validator(schema).validate(doc)
    assert doc["summary"]["violations"] == 1 and doc["failed"] is True and doc["fail_on"] == "violation"
    assert [p["slug"] for p in doc["pages"]] == ["mesotherapy"]
    assert [f.file for f in checked.result.problems] == ["data/articles/broken.yaml"]


def test_sarif_validates_against_the_oasis_schema_with_physical_locations(checked: Checked) -> None:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    report = checked.result
    doc = json.loads(RENDERERS["sarif"](report, RenderContext(source_prefix="site/")))
    Draft4Validator(schema).validate(doc)
    run = doc["runs"][0]
    results = run["results"]
    assert len(results) == len(list(report.sorted()))
    first = results[0]
    f = next(report.sorted())
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": f"site/{f.file}", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": f.line, "startColumn": f.column},
    }
    assert {r["level"] for r in results} == {"error", "warning", "note"}
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == sorted({r["ruleId"] for r in results})
    for r in results:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]


def test_junit_has_a_case_per_file_and_family_and_fails_at_the_threshold(checked: Checked, tmp_path: Path) -> None:
    report = checked.result
    path = tmp_path / "junit.xml"
    path.write_text(RENDERERS["junit"](report, RenderContext()), encoding="utf-8")
    suites = {s.name: s for s in JUnitXml.fromfile(str(path))}
    assert set(suites) == {"data/articles/broken.yaml", "mesotherapy", "data/site.yaml"}
    cases = {case.name: case for case in suites["mesotherapy"]}
    assert set(cases) == {"facts", "medkg", "schemaorg", "google"}
    assert all(case.is_passed for case in cases.values())  # warnings only: below --fail-on violation
    broken = {case.name: case for case in suites["data/articles/broken.yaml"]}
    failure = broken["facts"].result[0]
    assert isinstance(failure, Failure) and "'often' is not one of" in (failure.text or "")

    path.write_text(RENDERERS["junit"](report, RenderContext(Severity.WARNING)), encoding="utf-8")
    cases = {case.name: case for case in {s.name: s for s in JUnitXml.fromfile(str(path))}["mesotherapy"]}
    assert not cases["medkg"].is_passed and not cases["google"].is_passed and cases["facts"].is_passed


def test_github_annotations_name_file_line_column() -> None:
    f = Finding("data/a b.yaml", 12, 7, Severity.WARNING, "50% done,\nnext: line", "page.x", "", "sosh:X", "schemaorg")
    assert github.render(Result([f]), RenderContext()) == (
        "::warning file=data/a b.yaml,line=12,col=7,title=medkg sosh%3AX%3A page.x::50%25 done,%0Anext: line\n"
    )


def _decode(text: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m[1]], text)


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


def test_html_report_is_self_contained_and_renders_the_findings(checked: Checked, tmp_path: Path) -> None:
    page = RENDERERS["html"](checked.result, RenderContext(illustrations=checked.illustrations))
    refs = _Refs()
    refs.feed(page)
    assert refs.refs == []  # nothing loaded from anywhere
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    with serve(tmp_path) as base:
        dom = dump_dom(base + "report.html")
    findings = list(checked.result.sorted())
    assert dom.count('<tr class="finding">') == len(findings)
    for f in findings:
        assert f"<code>{f.where}</code>" in dom
    assert '"@context": "https://schema.org"' in dom  # the JSON-LD
    if shutil.which("dot"):
        assert "<svg" in dom and "Allergic reaction (rare, serious)" in dom
    else:
        assert "Graphviz is not installed" in dom and "flowchart LR" in dom


def test_text_is_grouped_by_file_with_a_summary_and_no_colour_off_a_tty(checked: Checked) -> None:
    plain = text.render(checked.result, RenderContext())
    assert "\033[" not in plain
    files = [line for line in plain.splitlines() if not line.startswith("  ")]
    assert files == [
        "data/articles/broken.yaml",
        "data/articles/mesotherapy.yaml",
        "data/site.yaml",
        "1 article, 610 triples, 1 violations, 13 warnings, 2 infos",
    ]
    assert "\033[31mviolation\033[0m" in text.render(checked.result, RenderContext(colour=True))


def test_one_registry_feeds_the_format_choices() -> None:
    import click

    from kg.cli.build import build, validate

    for command in (build, validate):
        fmt = next(p for p in command.params if p.name == "fmt")
        assert isinstance(fmt.type, click.Choice)
        assert sorted(fmt.type.choices) == sorted(RENDERERS) == ["github", "html", "json", "junit", "sarif", "text"]


def _on_pages(n: int) -> list[Finding]:
    """The same Google warning on n pages, and a left-out note naming each page's own node."""
    same = [
        Finding(f"a/p{i}.yaml", 3, 3, Severity.WARNING, "Name the author.", "page", "", "g:author") for i in range(n)
    ]
    own = [
        Finding(
            f"a/p{i}.yaml", 9, 5, Severity.INFO, f"Left out <https://x.org/p{i}#img>.", "page.image", "", "left-out"
        )
        for i in range(n)
    ]
    return same + own


def test_a_finding_on_many_pages_is_shown_once_with_its_count_in_text() -> None:
    one = Finding("a/p0.yaml", 5, 1, Severity.VIOLATION, "Broken.", "x", "", "own")
    report = text.render(Result([*_on_pages(9812), one]), RenderContext()).splitlines()
    assert report == [
        "a/p0.yaml",
        "  a/p0.yaml:5:1: violation: x: Broken.  [own]",
        "Repeated on many pages (each shown once):",
        "  warning: page: Name the author.  [g:author]",
        "    on 9,812 pages: a/p0.yaml:3:3, a/p1.yaml:3:3, a/p10.yaml:3:3, a/p100.yaml:3:3, a/p1000.yaml:3:3 "
        "and 9,807 more",
        "  info: page.image: Left out <https://x.org/p0#img>.  [left-out]",
        "    on 9,812 pages (as said of the first; each names its own nodes): a/p0.yaml:9:5, a/p1.yaml:9:5, "
        "a/p10.yaml:9:5, a/p100.yaml:9:5, a/p1000.yaml:9:5 and 9,807 more",
        "0 articles, 0 triples, 1 violations, 9812 warnings, 9812 infos",
    ]


def test_two_pages_alike_are_still_listed_each() -> None:
    report = text.render(Result(_on_pages(2)), RenderContext())
    assert "Repeated" not in report and report.count("Name the author.") == 2


def test_machine_formats_keep_every_location_and_people_formats_gather() -> None:
    result = Result(_on_pages(40))
    assert len(json.loads(RENDERERS["json"](result, RenderContext()))["findings"]) == 80
    assert len(json.loads(RENDERERS["sarif"](result, RenderContext()))["runs"][0]["results"]) == 80
    annotations = github.render(result, RenderContext()).splitlines()
    assert len(annotations) == 10  # the first 5 places of each of the two findings
    assert annotations[0].endswith("::Name the author. (the same on 40 pages; `--format json` lists every one)")
    page = RENDERERS["html"](result, RenderContext())
    assert page.count('<tr class="repeated">') == 2 and "40 pages: <code>a/p0.yaml:3:3" in page
    assert '<tr class="finding">' not in page


FIRST_FIVE = ["a/p0.yaml", "a/p1.yaml", "a/p10.yaml", "a/p11.yaml", "a/p12.yaml"]  # report order


def test_json_adds_each_finding_said_on_many_pages_once_with_its_counts() -> None:
    schema = json.loads((REPO / "docs/report.schema.json").read_text(encoding="utf-8"))
    doc = json.loads(RENDERERS["json"](Result(_on_pages(40)), RenderContext()))
    Draft202012Validator(schema).validate(doc)
    author, image = doc["repeated"]  # most severe first
    assert author == {
        "severity": "warning",
        "rule": "g:author",
        "family": "",
        "field": "page",
        "message": "Name the author.",
        "worded_alike": True,
        "findings": 40,
        "pages": 40,
        "first": [{"file": file, "line": 3, "column": 3} for file in FIRST_FIVE],
    }
    assert image["message"] == "Left out <https://x.org/p0#img>." and image["worded_alike"] is False
    assert (image["severity"], image["findings"], image["pages"]) == ("info", 40, 40)
    assert json.loads(RENDERERS["json"](Result(_on_pages(2)), RenderContext()))["repeated"] == []


def test_sarif_adds_them_to_the_runs_property_bag_and_stays_valid() -> None:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    doc = json.loads(RENDERERS["sarif"](Result(_on_pages(40)), RenderContext(source_prefix="site/")))
    Draft4Validator(schema).validate(doc)
    author, image = doc["runs"][0]["properties"]["repeated"]
    assert (author["ruleId"], author["level"], author["message"]) == (
        "g:author",
        "warning",
        {"text": "page: Name the author."},
    )
    assert (author["results"], author["pages"], author["wordedAlike"]) == (40, 40, True)
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"] for loc in author["firstLocations"]]
    assert uris == [f"site/{file}" for file in FIRST_FIVE]
    assert (image["level"], image["wordedAlike"]) == ("note", False)
    few = json.loads(RENDERERS["sarif"](Result(_on_pages(2)), RenderContext()))
    assert few["runs"][0]["properties"] == {"repeated": []}


def test_junit_lists_them_in_a_first_suite_without_cases(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(RENDERERS["junit"](Result(_on_pages(40)), RenderContext()), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    first, *files = list(xml)
    assert first.name == "medkg: repeated on many pages" and first.tests == 0 and list(first) == []
    out = ElementTree.parse(path).findtext("testsuite/system-out") or ""  # the first suite's
    assert out.splitlines()[1:3] == [
        "  warning: page: Name the author.  [g:author]",
        "    on 40 pages: a/p0.yaml:3:3, a/p1.yaml:3:3, a/p10.yaml:3:3, a/p11.yaml:3:3, a/p12.yaml:3:3 and 35 more",
    ]
    assert len(files) == 40 and xml.tests == sum(s.tests for s in files) == 40 * 4
    path.write_text(RENDERERS["junit"](Result(_on_pages(2)), RenderContext()), encoding="utf-8")
    assert [s.name for s in JUnitXml.fromfile(str(path))] == ["a/p0.yaml", "a/p1.yaml"]


def test_kg_help_lists_each_command_as_its_own_help_says() -> None:
    """`kg --help` lists commands without importing them: from a table that must match them."""
    import click

    from kg.cli.main import COMMANDS, main

    ctx = click.Context(main)
    for name, (_, _, start) in COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name and command.help is not None
        assert " ".join(command.help.split("\n\n")[0].split()) == start
        for limit in range(45, 75):
            assert click.Command(name, help=start).get_short_help_str(limit) == command.get_short_help_str(limit)
