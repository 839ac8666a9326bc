"""JSON-LD → RDF with PyLD, offline: schema.org contexts resolve to the bundled copy.

Used to prove that an export expands to exactly the graph medkg built, and to read JSON-LD
written by others. Any other remote context is refused, never fetched.
"""

from __future__ import annotations

import re
from typing import Any

from pyld import jsonld as pyld
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.core.errors import InputError
from kg.export.serialize import schema_context
from kg.graph.terms import Triple

SCHEMA_CONTEXT_URLS = frozenset(
    {
        "https://schema.org",
        "https://schema.org/",
        "http://schema.org",
        "http://schema.org/",
        "https://schema.org/docs/jsonldcontext.jsonld",
        "http://schema.org/docs/jsonldcontext.jsonld",
        "https://schema.org/docs/jsonldcontext.json",
        "http://schema.org/docs/jsonldcontext.json",
    }
)


def _loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url in SCHEMA_CONTEXT_URLS:
        # "tag": "static" lets PyLD keep the resolved context across documents (its shared cache); without
        # it every document re-canonicalises the whole schema.org context: ~0.1 s per JSON-LD block
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": schema_context(),
            "tag": "static",
        }
    raise pyld.JsonLdError(
        f"remote context {url} is not bundled and is never fetched",
        "loading remote context failed",
        code="loading remote context failed",
    )


def _innermost(error: BaseException) -> str:
    """PyLD wraps the real reason in layers of generic errors; the innermost message names it."""
    while (inner := error.__cause__ or getattr(error, "cause", None)) is not None:
        error = inner
    return str(error.args[0]) if error.args else str(error)


# what an N-Quads reader takes as an IRI (rdflib's rule): lenient on purpose, pages in the wild carry
# `{search_term_string}` in SearchAction targets, and later stages cope with them (kg.graph.terms.to_ox)
_IRI = re.compile(r'[^:]+:[^\s"<>]*\Z')
_LANGUAGE = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*\Z")
_XSD_STRING = str(XSD.string)
_IRIS: dict[str, URIRef] = {}  # IRIs already checked and built (the same few thousand recur block after block)


class _NotRdf(Exception):
    pass


def _quad(quad: dict[str, Any]) -> str:
    line: str = pyld.JsonLdProcessor.to_nquad(quad, None).rstrip("\n")
    return line if len(line) <= 200 else line[:197] + "..."


def to_triples(document: Any, base: str | None = None) -> list[Triple]:
    """The triples a JSON-LD document denotes (its default graph and named graphs merged), straight
    from PyLD's expansion (no N-Quads text in between); relative IRIs resolve against `base` (the page
    URL when auditing). Blank nodes are fresh for each call: documents never share one."""
    options: dict[str, Any] = {"documentLoader": _loader}
    if base is not None:
        options["base"] = base
    try:
        dataset = pyld.to_rdf(document, options)
    except pyld.JsonLdError as e:
        raise InputError(f"JSON-LD cannot be expanded: {_innermost(e)}") from None
    blank: dict[str, BNode] = {}

    def term(t: dict[str, str]) -> Node:
        kind, value = t["type"], t["value"]
        if kind == "IRI":
            iri = _IRIS.get(value)
            if iri is None:
                if not _IRI.match(value):
                    raise _NotRdf
                iri = URIRef(value)
                if len(_IRIS) < 100_000:  # bounded: vocabulary IRIs repeat, page IRIs are many
                    _IRIS[value] = iri
            return iri
        if kind == "blank node":
            node = blank.get(value)
            if node is None:
                node = blank[value] = BNode()
            return node
        if (language := t.get("language")) is not None:
            if not _LANGUAGE.match(language):
                raise _NotRdf
            return Literal(value, lang=language)
        datatype = t.get("datatype")
        return Literal(value) if datatype in (None, _XSD_STRING) else Literal(value, datatype=URIRef(datatype))

    triples: list[Triple] = []
    for quads in dataset.values():
        for quad in quads:
            if None in (quad.get("subject"), quad.get("predicate"), quad.get("object")):
                continue  # a value JSON-LD drops (e.g. a list item that is no IRI): PyLD leaves a hole
            try:
                triples.append((term(quad["subject"]), term(quad["predicate"]), term(quad["object"])))
            except _NotRdf:
                raise InputError(
                    f"JSON-LD expands to statements that are not valid RDF, e.g. {_quad(quad)}; "
                    "check the IRIs and language tags (no spaces or other forbidden characters)"
                ) from None
    return triples


def to_graph(document: Any, base: str | None = None) -> Graph:
    """The RDF graph a JSON-LD document denotes (see `to_triples`)."""
    g = Graph(bind_namespaces="none")
    g.addN((s, p, o, g) for s, p, o in to_triples(document, base))
    return g
