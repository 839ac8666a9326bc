"""A picture of one article's graph: the treatment at the centre, edges labelled with the
ontology's property labels, adverse effects coloured by seriousness.

Mermaid needs nothing installed and renders in pull-request comments; DOT and SVG use Graphviz
(`dot`), which medkg calls only when asked for SVG.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.core.errors import InputError, OutputError
from kg.graph import naming, ontology
from kg.graph.iris import MEDKG as M

GRAPHVIZ_MISSING = "Graphviz is not installed; use {format} mermaid or install graphviz"
# Seriousness → (style class, fill, stroke); the label also says it in words, so colour is never the only cue.
STYLES = {
    "treatment": ("#dbe9ff", "#1f4e99"),
    "article": ("#f2f2f2", "#666666"),
    "entity": ("#ffffff", "#555555"),
    "serious": ("#f8d7da", "#b00020"),
    "minor": ("#fff3cd", "#a06b00"),
    "unknown": ("#e9e9e9", "#777777"),
}
_SERIOUSNESS: dict[Node | None, str] = {M.Serious: "serious", M.Minor: "minor", M.SeriousnessUnknown: "unknown"}


@dataclass(frozen=True)
class Box:
    id: str
    label: str
    style: str


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    label: str


@dataclass(frozen=True)
class Picture:
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]


def _label(g: Graph, node: Node) -> tuple[str, str]:
    """Box text and style of a node next to the treatment."""
    text = naming.name(g, node) or ""
    if naming.medkg_class(g, node) == M.AdverseEffect:
        seriousness = g.value(node, M.seriousness)
        frequency = g.value(node, M.frequency)
        facts = [ontology.label(t) for t in (frequency, seriousness) if isinstance(t, URIRef)]
        return (f"{text} ({', '.join(facts)})" if facts else text), _SERIOUSNESS.get(seriousness, "unknown")
    return text, "entity"


def build(g: Graph, page: URIRef) -> Picture:
    """The treatment and every named node it links to, plus the page with the people and the
    publisher it names (not its own parts: FAQ, breadcrumb, related articles)."""
    treatment = g.value(page, M.about)
    boxes: dict[Node, Box] = {}
    arrows: list[Arrow] = []

    def box(node: Node, text: str, style: str) -> str:
        if node not in boxes:
            boxes[node] = Box(f"n{len(boxes)}", text, style)
        return boxes[node].id

    centre = box(treatment, naming.name(g, treatment) or "treatment", "treatment") if treatment else ""
    article = box(page, naming.name(g, page) or str(page), "article")
    for subject, sid in ((page, article), (treatment, centre)):
        if subject is None:
            continue
        links = []
        for p, o in g.predicate_objects(subject):
            if p in ontology.shortcuts() or not isinstance(o, URIRef) or o == subject:
                continue
            if naming.medkg_class(g, o) is None or naming.name(g, o) is None or o.startswith(f"{page}#"):
                continue  # enum values are shown in labels; texts and page parts would only clutter it
            links.append((ontology.label(p), *_label(g, o), o))
        for prop, text, style, o in sorted(links, key=lambda t: (t[0], t[1], str(t[3]))):
            if o == treatment:
                arrows.append(Arrow(sid, centre, prop))
                continue
            arrows.append(Arrow(sid, box(o, text, style), prop))
    return Picture(tuple(boxes.values()), tuple(arrows))


_MERMAID_UNSAFE = re.compile('[#"<>&`\\\\\x00-\x1f\x7f-\x9f\u2028\u2029]')  # markup, quotes, line breaks


def mermaid_text(text: str) -> str:
    """Label text for a quoted Mermaid label: risky characters become #code; entity codes."""
    return _MERMAID_UNSAFE.sub(lambda m: f"#{ord(m.group())};", text)


def mermaid(p: Picture) -> str:
    lines = ["flowchart LR"]
    for b in p.boxes:
        shape = ('(["', '"])') if b.style == "treatment" else ('["', '"]')
        lines.append(f"  {b.id}{shape[0]}{mermaid_text(b.label)}{shape[1]}")
    for a in p.arrows:
        lines.append(f'  {a.source} -->|"{mermaid_text(a.label)}"| {a.target}')
    for style, (fill, stroke) in STYLES.items():
        members = [b.id for b in p.boxes if b.style == style]
        if members:
            lines.append(f"  classDef {style} fill:{fill},stroke:{stroke},color:#111111")
            lines.append(f"  class {','.join(members)} {style}")
    return "\n".join(lines) + "\n"


def dot_text(text: str) -> str:
    """A DOT double-quoted string body: backslash (label escapes such as \\N), quotes and line breaks."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")


def dot(p: Picture) -> str:
    centre = next((b.id for b in p.boxes if b.style == "treatment"), p.boxes[0].id if p.boxes else "")
    lines = [
        "digraph medkg {",
        f'  layout=twopi; root="{centre}"; overlap=false; ranksep=2.2;',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
    ]
    for b in p.boxes:
        fill, stroke = STYLES[b.style]
        lines.append(
            f'  {b.id} [label="{dot_text(b.label)}", fillcolor="{fill}", color="{stroke}"'
            + (", penwidth=2" if b.style in ("treatment", "serious") else "")
            + "];"
        )
    for a in p.arrows:
        lines.append(f'  {a.source} -> {a.target} [label="{dot_text(a.label)}"];')
    return "\n".join(lines) + "\n}\n"


def svg(dot_source: str) -> str:
    """Render DOT with Graphviz; InputError (usage) where it is not installed."""
    binary = shutil.which("dot")
    if binary is None:
        raise InputError.about(GRAPHVIZ_MISSING)
    try:
        run = subprocess.run([binary, "-Tsvg"], input=dot_source, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise OutputError(f"Graphviz failed: {e}") from None
    if run.returncode != 0:
        raise OutputError(f"Graphviz failed: {run.stderr.strip()[:500]}")
    return run.stdout


def has_graphviz() -> bool:
    return shutil.which("dot") is not None
