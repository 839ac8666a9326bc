"""JUnit XML for CI test-report views: a test suite per facts file, a test case per rule family.

A case fails when it has findings at or above the report's threshold (--fail-on); findings
below it are listed in the case's system-out, so nothing is hidden. A finding said alike on many pages
is listed once more, with its count, in the system-out of a first suite without test cases (`REPEATED`).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from operator import attrgetter
from xml.etree import ElementTree as ET

from kg.core.findings import FAMILIES, Finding
from kg.core.result import Result
from kg.reports.context import RenderContext
from kg.reports.repeated import gather
from kg.reports.text import repeated_lines

REPEATED = "medkg: repeated on many pages"  # the first suite's name, when a finding is said alike on many pages


def _text(findings: list[Finding]) -> str:
    return "\n".join(
        f"{f.where}: {f.severity.label}: {f.field + ': ' if f.field else ''}{f.message}"
        f"{'  [' + f.rule + ']' if f.rule else ''}"
        for f in findings
    )


def render(result: Result, ctx: RenderContext) -> str:
    files = {p.file: p.slug for p in result.pages()}
    named: set[str] = set()
    for f in result.sorted():
        files.setdefault(f.file, "")
        named.add(f.family)
    families = list(FAMILIES) + sorted(named - set(FAMILIES))
    by_file = groupby(result.sorted(), key=attrgetter("file"))  # in file order, as the suites
    threshold = ctx.threshold
    root = ET.Element("testsuites", name="medkg")
    repeated, _ = gather(result.rows, singles=False)
    if repeated:  # no test case: the suites' counts stay those of the facts files
        gathered = ET.SubElement(root, "testsuite", name=REPEATED, tests="0", failures="0", errors="0")
        heading = "Said alike on many pages (each place is in its own suite too):"
        ET.SubElement(gathered, "system-out").text = "\n".join([heading, *repeated_lines(repeated)])
    total = failed = 0
    group: tuple[str, Iterator[Finding]] | None = next(by_file, None)
    for file in sorted(files):
        mine = list(group[1]) if group is not None and group[0] == file else []
        if mine:
            group = next(by_file, None)
        suite = ET.SubElement(root, "testsuite", name=files[file] or file)
        suite_failed = 0
        for family in families:
            found = [f for f in mine if f.family == family]
            case = ET.SubElement(suite, "testcase", classname=file, name=family)
            failing = [f for f in found if f.severity >= threshold]
            if failing:
                suite_failed += 1
                failure = ET.SubElement(
                    case,
                    "failure",
                    type=f"medkg.{family}",
                    message=f"{len(failing)} finding(s) at or above {threshold.label}",
                )
                failure.text = _text(failing)
            passing = [f for f in found if f.severity < threshold]
            if passing:
                ET.SubElement(case, "system-out").text = _text(passing)
        suite.set("tests", str(len(families)))
        suite.set("failures", str(suite_failed))
        suite.set("errors", "0")
        total += len(families)
        failed += suite_failed
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
