"""Assemble the draft facts file: read the article, run every rule, write YAML with a review header.

The draft is built from the facts model's classes (kg/load/model.py): its fields are the schema's, in schema order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import yaml

from kg.core.errors import InputError
from kg.extract import (
    agents,
    classify,
    course,
    lexicon,
    medical,
    naming,
    process,
    prose,
    read_html,
    read_markdown,
    read_text,
)
from kg.extract.blocks import Document
from kg.extract.medical import provenance
from kg.extract.text import capitalise
from kg.extract.units import Unit, units
from kg.graph.iris import slugify
from kg.load.located import NOWHERE, At
from kg.load.model import (
    CATEGORY_VALUES,
    INVASIVENESS_VALUES,
    AdverseEffect,
    AftercareItem,
    Article,
    BreadcrumbItem,
    Candidates,
    Comparison,
    FaqItem,
    Indication,
    Ingredient,
    Keyword,
    Page,
    Procedure,
    Provenance,
    Recovery,
    Treatment,
)

READERS = {"html": read_html.read, "markdown": read_markdown.read, "text": read_text.read}
_SUFFIXES = {".html": "html", ".htm": "html", ".xhtml": "html", ".md": "markdown", ".markdown": "markdown"}
E = TypeVar("E", bound=str)
T = TypeVar("T")


@dataclass
class Draft:
    """A drafted facts file (`data`), the article it was read from, and that article's visible text."""

    data: dict[str, Any]
    article: str
    format: str
    document: Document
    notes: tuple[str, ...] = ()  # what the reviewer must know beyond the facts (a name shortened or not found)

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


def _cued(key: str, values: tuple[E, ...], text: str) -> E | None:
    """The first value, in the lexicon's order, whose cue words the text contains."""
    allowed = {v: v for v in values}
    for value, cues in lexicon.cue(key).items():
        if value in allowed and lexicon.has(cues, text):
            return allowed[value]
    return None


# "This minimally invasive treatment is an outpatient procedure …": the page says what it is without its name
_THIS_IS = re.compile(
    r"^(?:this|the)\s+(?:[\w-]+\s+){0,3}?(?:treatment|procedure|therapy|technique)\s+(?:is|are)\s+(?:a|an)\s",
    re.IGNORECASE,
)


def _treatment(found: list[Unit], name: str) -> Treatment:
    """The treatment's name, and what its opening sentence ("X is a …", else "This … treatment is a …") says."""
    opening = re.compile(
        rf"^(?:(?:an?|the)\s+)?(?:{re.escape(name)})\w*{classify.ALIAS}\s+(?:is|are)\s+(?:a|an|the)?\b", re.IGNORECASE
    )
    intro = next((u for u in found if u.block.kind == "paragraph" and opening.match(u.text)), None)
    intro = intro or next((u for u in found if u.block.kind == "paragraph" and _THIS_IS.match(u.text)), None)
    if intro is None:
        return Treatment(name=name)
    return Treatment(
        name=name,
        description=intro.text,
        category=_cued("category", CATEGORY_VALUES, intro.text),
        invasiveness=_cued("invasiveness", INVASIVENESS_VALUES, intro.text),
        source=provenance(intro),
    )


def _page(doc: Document, name: str) -> Page:
    """The page part; a page without a title line gets the treatment's name as its headline, to review."""
    title = doc.title or name
    return Page(
        headline=title,
        description=doc.description or None,
        keywords=tuple(Keyword(name=k, source=Provenance(section="(tags)", quote=k)) for k in doc.keywords),
        breadcrumb=tuple(
            BreadcrumbItem(name=c, source=Provenance(section="(breadcrumb)", quote=c)) for c in doc.breadcrumb
        ),
        source=Provenance(section="(title)", quote=doc.title) if doc.title else None,
    )


def _unique(effects: list[AdverseEffect]) -> tuple[AdverseEffect, ...]:
    """Each effect once, by name, as the first rule found it."""
    first: dict[str, AdverseEffect] = {}
    for e in effects:
        first.setdefault(e.name.lower(), e)
    return tuple(first.values())


def _indications(found: list[Unit], title: str) -> tuple[Indication, ...]:
    """The indications of the sections, then the concern the title names ("… for Varicose Veins")."""
    listed = {i.condition.lower(): i for i in medical.indications(found) if i.condition}
    named = medical.title_indication(title) if title else None
    if named is not None and named.condition:
        listed.setdefault(named.condition.lower(), named)
    return tuple(listed.values())


def _ingredients(found: list[Unit]) -> tuple[Ingredient, ...]:
    """The ingredients a section or cue lists, else the products a session uses or applies (a page that lists what
    its product contains has said what it is made of)."""
    return tuple(medical.ingredients(found)) or tuple(agents.products(found))


def _one(make: Callable[[Any, At], T], value: Mapping[str, Any]) -> T | None:
    """A drafted part (procedure, recovery …) as a model object; None when nothing was found."""
    return make(value, NOWHERE) if value else None


def extract(path: Path, slug: str | None = None) -> Draft:
    """Draft the facts of one article file. Raises InputError when it cannot be read or has no text."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: the article is not UTF-8 text (byte {e.start})") from None
    fmt = detect_format(path, text)
    doc = READERS[fmt](text)
    if not doc.blocks and not doc.title:
        raise InputError(f"{path}: the article has no text to draft facts from")
    named = _named(doc, path)
    doc.topic = named.topic
    found = units(doc)
    name = named.name
    treatment = replace(
        _treatment(found, name),
        indications=_indications(found, doc.title),
        ingredients=_ingredients(found),
        adverse_effects=_unique(medical.adverse_effects(found) + medical.stated_effects(found)),
        contraindications=tuple(medical.contraindications(found)),
        procedure=_one(Procedure.from_data, process.procedure(found)),
        recovery=_one(Recovery.from_data, process.recovery(found)),
        aftercare=tuple(
            AftercareItem.from_data(item) for item in process.aftercare(found) + process.restrictions(found)
        ),
        candidates=_one(Candidates.from_data, process.candidates(found)),
        comparisons=tuple(Comparison.from_data(item) for item in process.comparisons(found, doc, name)),
    )
    treatment = prose.complete(treatment, found)
    made, conflicts = course.course(found)
    treatment = replace(
        treatment,
        course=made,
        regulatory=course.regulatory(found),
        agents=tuple(agents.agents(found)),
        conflicts=conflicts,
        none_stated=course.none_stated(found),
    )
    article = Article(
        slug=slug or slugify(name),
        draft=True,
        page=_page(doc, name),
        treatment=treatment,
        faq=tuple(FaqItem.from_data(item) for item in process.faq(doc)),
    )
    return Draft(article.to_data(), str(path), fmt, doc, tuple(n for n in (named.note,) if n))


def _named(doc: Document, path: Path) -> naming.Named:
    """The treatment's name: from a title ("Contra-indications for X" names X), else from a first sentence that
    names a topic, else from the sentence that defines it or the name the page uses most; a page where none of
    these gives a usable name is drafted under its file's name, with a note that says so (a draft never fails
    on a name)."""
    lead = next((b.text for b in doc.blocks if b.kind == "paragraph"), doc.description)
    named = (naming.from_title(doc.title) if doc.title else None) or naming.from_lead(lead)
    if named is not None and named.name.isupper():  # a title in capitals ("LED THERAPY"): as the text writes it
        body = " ".join(b.text for b in doc.blocks)
        found = re.search(rf"(?<!\w){re.escape(named.name)}(?!\w)", body, re.IGNORECASE)
        return replace(named, name=found[0]) if found and not found[0].isupper() else named
    if named is not None:
        return named
    by_text = classify.name_from_text(units(doc))
    if by_text is not None and naming.usable(by_text[0]):
        return naming.Named(by_text[0])
    return naming.Named(
        capitalise(path.stem.replace("-", " ").replace("_", " ")),
        note="no treatment name was found in the article (title, first sentence or a defining sentence): "
        "the name is the file's name; write the treatment's name",
    )


_HEADER = """\
# DRAFT facts written by `kg extract` from {article} ({fmt}).
#
# Nothing here is reviewed. For each fact, read its `source.quote` (the exact words of the article
# it was drafted from, under the heading `source.section`) and correct, complete or delete the
# fact. Facts the rules cannot draft (image, dates, authors, costs …) are missing:
# add them from the article. Then delete the line `draft: true` below: `kg build` and
# `kg validate` refuse this file until you do. The `source` fields may stay; medkg does not publish them.
"""


class _Dumper(yaml.SafeDumper):
    """Block-style YAML; long texts stay on one line so a quote can be searched for as written."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def render_yaml(draft: Draft) -> str:
    body = yaml.dump(
        draft.data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False
    )
    notes = "".join(f"# NOTE: {n}.\n" for n in draft.notes)
    return _HEADER.format(article=Path(draft.article).name, fmt=draft.format) + notes + body
