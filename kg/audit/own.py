"""Whose node is it: medkg's own nodes get advice about medkg facts; other publishers' nodes get
the rule alone. And where in the JSON a node is: a JSONPath (RFC 9535 normalized path) per finding.

A node is medkg's own when its IRI starts with one of the `own` prefixes (by default the base IRI
and site URL of the project's data/site.yaml) or when the export given with `--against` describes it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin

from rdflib import URIRef

from kg.core.findings import Finding

# "…: in medkg facts, add `page.image` …" / "…: medkg publishes each `page.breadcrumb` entry that way."
_ADVICE = re.compile(r":\s*(?:in medkg facts\b|medkg (?:publishes|numbers)\b).*\Z", re.DOTALL)
_FAQ_ADVICE = re.compile(r"\s*Keep the `faq` section[^;]*;[^.]*\.")


def is_own(node: str, prefixes: Collection[str], subjects: Collection[str] = ()) -> bool:
    return bool(node) and (node in subjects or any(node.startswith(p) for p in prefixes if p))


def without_advice(finding: Finding) -> Finding:
    """The finding with its medkg-facts advice removed (for a node another publisher wrote)."""
    message = _FAQ_ADVICE.sub("", _ADVICE.sub(".", finding.message))
    return finding if message == finding.message else replace(finding, message=message)


def fit(findings: list[Finding], prefixes: Collection[str], subjects: Collection[str] = ()) -> list[Finding]:
    """Facts advice only on medkg's own nodes (and on findings about no node, e.g. a whole block)."""
    return [f if not f.node or is_own(f.node, prefixes, subjects) else without_advice(f) for f in findings]


def _walk(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from _walk(item, f"{path}[{_quote(key)}]")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")


def _quote(key: str) -> str:
    return "'" + key.replace("\\", "\\\\").replace("'", "\\'") + "'"


def json_path(value: Any, node: URIRef, base: str = "", prop: str = "") -> str:
    """The normalized JSONPath of the object that describes `node` ('$' when none does), then `prop`."""
    best = ""
    for path, obj in _walk(value, "$"):
        given = obj.get("@id")
        if isinstance(given, str) and str(node) in (given, urljoin(base, given)):
            if len(obj) > 1:
                best = path
                break
            best = best or path
    if not best:
        return "$"
    if prop:
        key = next((k for k in _described(value, best) if k == prop or k.endswith(("/" + prop, ":" + prop))), "")
        if key:
            return f"{best}[{_quote(key)}]"
    return best


def _described(value: Any, path: str) -> list[str]:
    for p, obj in _walk(value, "$"):
        if p == path:
            return list(obj)
    return []
