"""Microdata and RDFa on a page, read by extruct and checked like JSON-LD.

extruct hands each microdata item over as a JSON-LD object (`uniform=True`) and RDFa as expanded
JSON-LD; each becomes a Block of its own syntax, so its graph joins the page graph and its findings
name `microdata[i]` / `rdfa[i]` and the line of the element that starts it (`itemtype=` / `typeof=`).
Only schema.org statements are kept from RDFa (its processor also reports the page's own vocabulary
use, `rdfa:usesVocabulary`, and XHTML roles, which are not structured data).
"""

from __future__ import annotations

import re
from typing import Any

import extruct
from rdflib import RDF, Graph

from kg.audit.blocks import Block

_SCHEMA = re.compile(r"https?://schema\.org/")


def type_names(item: Any) -> list[str]:
    """The local names of an item's types."""
    if not isinstance(item, dict):
        return []
    given = item.get("@type")
    return [str(t).rsplit("/", 1)[-1] for t in ([given] if isinstance(given, str) else given or [])]


def _position(text: str, syntax: str, types: list[str], after: int) -> tuple[int, int, int]:
    """Line, column and offset of the element that starts an item (the first not yet used)."""
    attribute = "itemtype" if syntax == "microdata" else "typeof"
    names = "|".join(re.escape(t) for t in types) or r"[^\"']+"
    m = re.compile(attribute + r"""\s*=\s*["'][^"']*\b(?:""" + names + r")\b", re.IGNORECASE).search(text, after)
    if not m:
        return 1, 1, after
    return text.count("\n", 0, m.start()) + 1, m.start() - text.rfind("\n", 0, m.start()), m.end()


def blocks(text: str, url: str) -> list[Block]:
    """One Block per top-level microdata item and per typed schema.org RDFa node."""
    found = extruct.extract(text, base_url=url, syntaxes=["microdata", "rdfa"], uniform=True, errors="ignore")
    out: list[Block] = []
    for syntax in ("microdata", "rdfa"):
        after = 0
        for item in found.get(syntax) or []:
            if not isinstance(item, dict):
                continue
            types = type_names(item)
            if syntax == "rdfa" and not any(_SCHEMA.match(str(k)) for k in [*item, *(item.get("@type") or [])]):
                continue
            line, column, after = _position(text, syntax, types, after)
            index = sum(1 for b in out if b.syntax == syntax) + 1
            out.append(Block(index, line, column, "", item, syntax=syntax))
    return out


def schema_only(g: Graph) -> Graph:
    """The schema.org statements of a graph (RDFa's vocabulary bookkeeping left out)."""
    kept = Graph(bind_namespaces="none")
    for s, p, o in g:
        if _SCHEMA.match(str(p)) or (p == RDF.type and _SCHEMA.match(str(o))):
            kept.add((s, p, o))
    return kept
