"""Serializers: schema.org JSON-LD, its HTML <script> snippet, Turtle and N-Quads.

All output is deterministic: nodes, properties and values are sorted, there are no blank nodes
and no timestamps, so the same graph always gives the same bytes.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, XSD, Literal, URIRef
from rdflib.term import Node

from kg.core import resources
from kg.graph.iris import SCHEMA
from kg.graph.terms import XSD_STRING, Triple, nt_line, nt_lines

CONTEXT_URL = "https://schema.org"
_INTEGER, _BOOLEAN, _RDF_TYPE = str(XSD.integer), str(XSD.boolean), RDF.type
_INTEGER_TEXT = re.compile(r"-?(0|[1-9][0-9]*)")
CONTEXT_FILE = "schemaorg/schemaorgcontext.jsonld"
_TYPES = frozenset({_RDF_TYPE})


@cache
def schema_context() -> dict[str, Any]:
    """The bundled schema.org context (release 30.0); never fetched."""
    context: dict[str, Any] = resources.json_file("ontology", CONTEXT_FILE)
    return context


@cache
def _terms() -> dict[str, tuple[str, str | None]]:
    """schema.org property IRI → (context term, type coercion as an absolute IRI or '@id')."""
    ctx = schema_context()["@context"]
    vocab = ctx["@vocab"]
    out: dict[str, tuple[str, str | None]] = {}
    for term, definition in ctx.items():
        if term.startswith("@") or not isinstance(definition, dict) or "@id" not in definition:
            continue
        iri = definition["@id"].replace("schema:", vocab, 1)
        coercion = definition.get("@type")
        if coercion and coercion != "@id":
            coercion = coercion if ":" in coercion else vocab + coercion
        if iri.startswith(vocab) and iri[len(vocab) :] == term:
            out[iri] = (term, coercion)
    return out


JsonValue = str | int | bool | dict[str, str]
"""One value of a JSON-LD property: a compacted IRI or literal, or a value object."""


def _json_value(o: Node, coercion: str | None) -> JsonValue:
    if type(o) is URIRef:
        return str(o) if coercion == "@id" else {"@id": str(o)}
    assert isinstance(o, Literal), f"blank nodes are not exported: {o!r}"
    text = str(o)
    if o._language:  # the slots, not the properties: this runs for every value of every export
        return {"@value": text, "@language": o._language}
    if coercion == "@id":
        return {"@value": text}  # a literal where the context expects an IRI must not be coerced
    datatype = str(o._datatype) if o._datatype else None
    if coercion:
        return text if datatype == coercion else {"@value": text, "@type": datatype or XSD_STRING}
    if datatype is None or datatype == XSD_STRING:
        return text
    if datatype == _INTEGER and _INTEGER_TEXT.fullmatch(text):
        return int(text)
    if datatype == _BOOLEAN and text in ("true", "false"):
        return text == "true"
    return {"@value": text, "@type": datatype}


def _sort_key(value: JsonValue) -> tuple[int, str]:
    if isinstance(value, str):
        return (0, value)
    return (1, json.dumps(value, sort_keys=True, ensure_ascii=False))


def jsonld(graph: Iterable[Triple]) -> dict[str, Any]:
    """A schema.org graph as compact JSON-LD with `"@context": "https://schema.org"`."""
    terms = _terms()
    vocab = str(SCHEMA)
    nodes: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in graph:
        assert isinstance(s, URIRef), f"blank nodes are not exported: {s!r}"
        if p in _TYPES:  # a set compares hashes first; `p ==` is rdflib's Python __eq__
            cls = str(o)
            nodes[str(s)]["@type"].append(cls[len(vocab) :] if cls.startswith(vocab) else cls)
            continue
        term, coercion = terms.get(str(p), (str(p), None))
        nodes[str(s)][term].append(_json_value(o, coercion))
    out = []
    for iri in sorted(nodes):
        node: dict[str, Any] = {"@id": iri}
        for key, values in nodes[iri].items():
            values = sorted(values, key=_sort_key)
            node[key] = values[0] if len(values) == 1 else values
        out.append(node)
    return {"@context": CONTEXT_URL, "@graph": out}


def jsonld_text(graph: Iterable[Triple]) -> str:
    return _indented(jsonld(graph), "")


_encode_string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes for a str


def _indented(value: Any, indent: str) -> str:
    """`json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)` for what JSON-LD holds (objects,
    arrays, text, integers, booleans): the standard library writes indented JSON in Python, a generator
    per level; the same text written here costs half."""
    if isinstance(value, str):
        return _encode_string(value)
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        members = ",\n".join(f"{inner}{_encode_string(k)}: {_indented(v, inner)}" for k, v in sorted(value.items()))
        return f"{{\n{members}\n{indent}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = ",\n".join(inner + _indented(v, inner) for v in value)
        return f"[\n{items}\n{indent}]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    raise TypeError(f"not a JSON-LD value: {value!r}")


_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029]")


def script_safe(text: str) -> str:
    """JSON text made inert inside <script>: no string can close the element or open a comment.
    The characters replaced only occur inside JSON strings, where their escapes mean the same."""
    return _SCRIPT_UNSAFE.sub(lambda m: _SCRIPT_ESCAPES[m.group()], text)


def html_snippet_text(json_text: str) -> bytes:
    return f'<script type="application/ld+json">\n{script_safe(json_text)}\n</script>\n'.encode()


# --- N-Triples terms, Turtle and N-Quads -------------------------------------------------------


def nquads_of_lines(graph: str, lines: Iterable[str]) -> bytes:
    """N-Triples lines as one named graph in N-Quads, lines sorted."""
    suffix = f"<{graph}> .\n"
    return "".join(sorted({line[:-2] + suffix for line in lines})).encode("utf-8")  # "s p o .\n" → "s p o <g> .\n"


def nquads(graph: str, triples: Iterable[Triple]) -> bytes:
    """One named graph as N-Quads, lines sorted."""
    return nquads_of_lines(graph, (nt_line(t) for t in triples))


_TYPE_LINK = f" <{_RDF_TYPE}> "


def _types_first(line: str) -> tuple[str, bool, str]:
    """Sort key of an N-Triples line: by subject, its rdf:type statements first (Turtle's `a` leads)."""
    subject = line[: line.index(" ")]
    return subject, not line.startswith(_TYPE_LINK, len(subject)), line


class Turtle:
    """Deterministic Turtle, written by Oxigraph's serialiser from sorted N-Triples lines (~5x faster
    than the Python writer it replaces): subjects in order, each with its types first, then its
    properties and values in order; prefixed names where the prefixes allow; a blank line between subjects."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = dict(sorted(prefixes.items()))
        self.head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.prefixes.items())

    def block(self, lines: list[str]) -> str:
        """Sorted N-Triples lines (see `nt_lines`) as Turtle statements, without the prefix lines."""
        if not lines:
            return ""
        text = "".join(sorted(lines, key=_types_first)).encode("utf-8")
        triples = ox.parse(text, format=ox.RdfFormat.N_TRIPLES, lenient=True)  # lenient: lines medkg wrote
        turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=self.prefixes)
        assert turtle is not None, "without an output, Oxigraph returns the bytes"
        statements = turtle.decode("utf-8").split("\n")
        del statements[: next(i for i, line in enumerate(statements) if not line.startswith("@prefix "))]
        # a literal's line breaks are escaped, so a line that does not start with a tab starts a subject
        return "\n".join(f"\n{line}" if line and line[0] != "\t" and i else line for i, line in enumerate(statements))

    def document(self, sections: list[tuple[str, Iterable[Triple]]]) -> bytes:
        return self.document_of_lines([(title, nt_lines(triples)) for title, triples in sections])

    def document_of_lines(self, sections: list[tuple[str, list[str]]]) -> bytes:
        """Sections of N-Triples lines, each under its comment, after the prefixes."""
        body = "".join(f"\n# {title}\n\n{self.block(lines)}" for title, lines in sections)
        return (self.head + body).encode("utf-8")
