"""Assemble the draft facts file: read the article, run every rule, write YAML with a review header."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.core.errors import InputError
from kg.extract import lexicon, medical, process, read_html, read_markdown, read_text
from kg.extract.blocks import Document
from kg.extract.units import Unit, units
from kg.graph.iris import slugify

READERS = {"html": read_html.read, "markdown": read_markdown.read, "text": read_text.read}
_SUFFIXES = {".html": "html", ".htm": "html", ".xhtml": "html", ".md": "markdown", ".markdown": "markdown"}
_TITLE_QUESTION = re.compile(r"^(?:what|how)\s+(?:is|are|does|do)\s+(.+?)\??$", re.IGNORECASE)
_TITLE_NOISE = re.compile(r"(?:\s+(?:treatment|treatments|procedure|procedures|explained|guide|overview))+$",
                          re.IGNORECASE)


@dataclass
class Draft:
    """A drafted facts file (`data`), the article it was read from, and that article's visible text."""

    data: dict[str, Any]
    article: str
    format: str
    document: Document

    def quotes(self) -> list[str]:
        """Every `source.quote` of the draft, in file order."""
        found: list[str] = []

        def walk(v: Any) -> None:
            if isinstance(v, dict):
                if isinstance(v.get("source"), dict):
                    found.append(v["source"]["quote"])
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)

        walk(self.data)
        return found


def detect_format(path: Path, text: str) -> str:
    if path.suffix.lower() in _SUFFIXES:
        return _SUFFIXES[path.suffix.lower()]
    head = text.lstrip()[:500].lower()
    return "html" if head.startswith(("<!doctype html", "<html")) or "<body" in head else "text"


def treatment_name(title: str) -> str:
    head = re.split(r"\s*[:|\u2013\u2014]\s*|\s+-\s+", title, maxsplit=1)[0].strip()
    if m := _TITLE_QUESTION.match(head):
        head = m[1]
    head = re.split(r"\s+for\s+", head, maxsplit=1)[0]
    return _TITLE_NOISE.sub("", head).strip() or head


def _treatment(found: list[Unit], name: str) -> dict[str, Any]:
    t: dict[str, Any] = {"name": name}
    opening = re.compile(rf"^(?:{re.escape(name)})\w*\s+(?:is|are)\s+(?:a|an|the)?\b", re.IGNORECASE)
    intro = next((u for u in found if u.block.kind == "paragraph" and opening.match(u.text)), None)
    if intro is not None:
        t["description"] = intro.text
        for key in ("category", "invasiveness"):
            for value, cues in lexicon.cue(key).items():
                if lexicon.has(cues, intro.text):
                    t[key] = value
                    break
        t["source"] = intro.source()
    return t


def _page(doc: Document) -> dict[str, Any]:
    page: dict[str, Any] = {"headline": doc.title}
    if doc.description:
        page["description"] = doc.description
    if doc.keywords:
        page["keywords"] = [{"name": k, "source": {"section": "(tags)", "quote": k}} for k in doc.keywords]
    if doc.breadcrumb:
        page["breadcrumb"] = [{"name": c, "source": {"section": "(breadcrumb)", "quote": c}} for c in doc.breadcrumb]
    page["source"] = {"section": "(title)", "quote": doc.title}
    return page


def extract(path: Path, slug: str | None = None) -> Draft:
    """Draft the facts of one article file. Raises InputError when it cannot be read or has no title."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: the article is not UTF-8 text (byte {e.start})") from None
    fmt = detect_format(path, text)
    doc = READERS[fmt](text)
    if not doc.title:
        raise InputError(f"{path}: no title found: the article needs a first heading (a title line, `# Title` or <h1>)")
    name = treatment_name(doc.title)
    found = units(doc)
    treatment = _treatment(found, name)
    parts: list[tuple[str, Any]] = [
        ("indications", medical.indications(found)),
        ("ingredients", medical.ingredients(found)),
        ("adverse_effects", medical.adverse_effects(found)),
        ("contraindications", medical.contraindications(found)),
        ("procedure", process.procedure(found)),
        ("recovery", process.recovery(found)),
        ("aftercare", process.aftercare(found)),
        ("candidates", process.candidates(found)),
        ("comparisons", process.comparisons(found, doc, name)),
    ]
    for key, value in parts:
        if value:
            treatment[key] = value
    if "source" in treatment:
        treatment["source"] = treatment.pop("source")
    data: dict[str, Any] = {"slug": slug or slugify(name), "draft": True, "page": _page(doc), "treatment": treatment}
    qa = process.faq(doc)
    if qa:
        data["faq"] = qa
    return Draft(data, str(path), fmt, doc)


_HEADER = """\
# DRAFT facts written by `kg extract` from {article} ({fmt}).
#
# Nothing here is reviewed. For each fact, read its `source.quote` (the exact words of the article
# it was drafted from, under the heading `source.section`) and correct, complete or delete the
# fact. Facts the rules cannot draft (image, dates, authors, mechanisms, sessions …) are missing:
# add them from the article. Then delete the line `draft: true` below: `kg build` and
# `kg validate` refuse this file until you do. The `source` fields may stay; medkg does not publish them.
"""


class _Dumper(yaml.SafeDumper):
    """Block-style YAML; long texts stay on one line so a quote can be searched for as written."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def render_yaml(draft: Draft) -> str:
    body = yaml.dump(draft.data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000,
                     default_flow_style=False)
    return _HEADER.format(article=Path(draft.article).name, fmt=draft.format) + body


