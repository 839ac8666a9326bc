"""The per-page table of `kg audit`: the pieces each page carries and, per Google search feature,
whether the page is eligible for its rich result and why not.

Eligibility follows Google's own split: a feature is *not eligible* when its piece is missing or a
required property is missing (a violation of the feature's rules; a breadcrumb entry without `item`
too — Google requires it, medkg only warns because the fix is a URL only the site owner knows);
*eligible* otherwise, with the recommended properties still missing listed (warnings). FAQ rich
results are no longer shown (2026-05-07): never eligible.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from kg.audit.audit import Audited
from kg.audit.merged import PIECES, pieces
from kg.check.conformance import normalise
from kg.core.findings import Severity
from kg.graph.terms import to_graph

# feature: (piece it needs, rule-name prefixes of its Google rules)
FEATURES = {
    "Article": ("Article", ("Article-", "Author-")),
    "Breadcrumb": ("BreadcrumbList", ("BreadcrumbList-", "BreadcrumbItem", "audit:duplicate-position")),
    "Organization": ("Organization", ("Organization-", "ImageObject-")),
    "FAQ": ("FAQPage", ("FAQPage-",)),
}
_REQUIRED_WARNINGS = ("BreadcrumbItem-item",)


@dataclass
class Row:
    page: str
    error: str = ""
    blocks: dict[str, int] = field(default_factory=dict)  # syntax -> count
    pieces: dict[str, int] = field(default_factory=dict)
    features: dict[str, dict[str, Any]] = field(default_factory=dict)  # eligible: bool, why: [str]
    counts: dict[str, int] = field(default_factory=dict)


def _rule_name(rule: str) -> str:
    return rule.split(":", 1)[1] if rule.startswith("google-") else rule


def row(audited: Audited) -> Row:
    r = Row(
        audited.source, audited.error, counts={s.label: audited.result.count(s) for s in sorted(Severity, reverse=True)}
    )
    doc = audited.document
    if doc is None:
        return r
    for b in doc.blocks:
        r.blocks[b.syntax] = r.blocks.get(b.syntax, 0) + 1
    r.pieces = pieces(to_graph(normalise(doc.graph)))
    for feature, (piece, prefixes) in FEATURES.items():
        mine = [f for f in audited.result.sorted() if _rule_name(f.rule).startswith(prefixes)]
        blocking = sorted(
            {
                _rule_name(f.rule)
                for f in mine
                if f.severity == Severity.VIOLATION or _rule_name(f.rule) in _REQUIRED_WARNINGS
            }
        )
        missing = sorted({_rule_name(f.rule) for f in mine if f.severity == Severity.WARNING} - set(blocking))
        if not r.pieces.get(piece):
            r.features[feature] = {"eligible": False, "why": [f"no {piece}"]}
        elif feature == "FAQ":
            r.features[feature] = {"eligible": False, "why": ["Google shows no FAQ rich results since 2026-05-07"]}
        else:
            names = ", ".join(m.split("-", 1)[-1] for m in missing)
            r.features[feature] = {
                "eligible": not blocking,
                "why": blocking or ([f"recommended, missing: {names}"] if missing else []),
            }
    return r


def render(rows: list[Row], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"pages": [vars(r) for r in rows]}, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(rows)
    return _text(rows)


def _cells(r: Row) -> list[str]:
    blocks = "/".join(str(r.blocks.get(s, 0)) for s in ("jsonld", "microdata", "rdfa"))
    feats = ["yes" if r.features[f]["eligible"] else "no" for f in FEATURES] if r.features else ["-"] * len(FEATURES)
    return [
        r.page,
        blocks,
        *(str(r.pieces.get(p, 0)) for p in PIECES),
        *feats,
        "/".join(str(r.counts.get(s, 0)) for s in ("violation", "warning", "info")),
    ]


_HEAD = ["page", "ld/md/rdfa", *PIECES, *(f"{f}?" for f in FEATURES), "V/W/I"]


def _text(rows: list[Row]) -> str:
    table = [_HEAD, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(_HEAD))]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in table]
    for r in rows:
        if r.error:
            out.append(f"{r.page}: not audited: {r.error}")
        for feature, verdict in r.features.items():
            if verdict["why"]:
                state = "eligible" if verdict["eligible"] else "not eligible"
                out.append(f"{r.page}: {feature}: {state} ({'; '.join(verdict['why'])})")
    return "\n".join(out) + "\n"


def _csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "page",
            "error",
            "jsonld",
            "microdata",
            "rdfa",
            *PIECES,
            *(c for f in FEATURES for c in (f"{f} eligible", f"{f} why")),
            "violations",
            "warnings",
            "infos",
        ]
    )
    for r in rows:
        writer.writerow(
            [
                r.page,
                r.error,
                *(r.blocks.get(s, 0) for s in ("jsonld", "microdata", "rdfa")),
                *(r.pieces.get(p, 0) for p in PIECES),
                *(
                    c
                    for f in FEATURES
                    for c in (
                        ("yes" if r.features[f]["eligible"] else "no", "; ".join(r.features[f]["why"]))
                        if r.features
                        else ("", "")
                    )
                ),
                r.counts.get("violation", 0),
                r.counts.get("warning", 0),
                r.counts.get("info", 0),
            ]
        )
    return buffer.getvalue()
