"""Findings that repeat across pages, gathered: the same rule and message on 9,812 pages is one entry
with a count and a few of its places, not 9,812 lines (a site-wide template gap, such as the Google
profile's missing author, says the same thing on every page).

Reports for people (text, html, GitHub annotations) show each repeated finding once; the machine
formats (json, sarif, junit) keep every location.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kg.core.findings import Finding, Severity

AT_LEAST = 3  # pages with the same finding before it is shown once for all of them
SAMPLE = 5  # places shown of a repeated finding


@dataclass(frozen=True)
class Repeated:
    """One finding (severity, rule, field, message but for the nodes it names) and every place it
    occurs, in report order."""

    findings: tuple[Finding, ...]

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def worded_alike(self) -> bool:
        """False when the pages name their own nodes in the message (the first page's is shown)."""
        return all(f.message == self.first.message for f in self.findings)

    @property
    def pages(self) -> int:
        return len({f.file for f in self.findings})

    def places(self, sample: int = SAMPLE) -> str:
        """'a.yaml:3:1, b.yaml:3:1, … and 9,807 more'."""
        shown = ", ".join(f.where for f in self.findings[:sample])
        more = len(self.findings) - sample
        return shown + (f" and {more:,} more" if more > 0 else "")


_NODE = re.compile(r"<[^<>\s]*>")


def _key(f: Finding) -> tuple[Severity, str, str, str]:
    """Alike: the same but for the nodes named in <…> (each page names its own)."""
    return (f.severity, f.rule, f.field, _NODE.sub("<…>", f.message))


def gather(findings: Iterable[Finding], at_least: int = AT_LEAST) -> tuple[list[Repeated], list[Finding]]:
    """The findings said alike on `at_least` pages or more (most severe first, then by rule), and the
    others, in the order given."""
    groups: dict[tuple[Severity, str, str, str], list[Finding]] = defaultdict(list)
    ordered = list(findings)
    for f in ordered:
        groups[_key(f)].append(f)
    repeated = {k for k, g in groups.items() if len({f.file for f in g}) >= at_least}
    gathered = [Repeated(tuple(groups[k])) for k in sorted(repeated, key=lambda k: (-k[0], k[1], k[2], k[3]))]
    return gathered, [f for f in ordered if _key(f) not in repeated]
