"""JSON-LD → RDF with PyLD, offline: schema.org contexts resolve to the bundled copy.

Used to prove that an export expands to exactly the graph medkg built, and to read JSON-LD
written by others. Any other remote context is refused, never fetched.
"""

from __future__ import annotations

from typing import Any

from pyld import jsonld as pyld
from rdflib import Dataset, Graph

from kg.errors import InputError
from kg.serialize import schema_context

SCHEMA_CONTEXT_URLS = frozenset({
    "https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/",
    "https://schema.org/docs/jsonldcontext.jsonld", "http://schema.org/docs/jsonldcontext.jsonld",
    "https://schema.org/docs/jsonldcontext.json", "http://schema.org/docs/jsonldcontext.json",
})


def _loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url in SCHEMA_CONTEXT_URLS:
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": schema_context()}
    raise pyld.JsonLdError(f"remote context {url} is not bundled and is never fetched", "loading remote context failed",
                           code="loading remote context failed")


def to_graph(document: Any, base: str | None = None) -> Graph:
    """The RDF graph a JSON-LD document denotes (its default graph and named graphs merged); relative
    IRIs resolve against `base` (the page URL when auditing)."""
    options: dict[str, Any] = {"format": "application/n-quads", "documentLoader": _loader}
    if base is not None:
        options["base"] = base
    try:
        nquads = pyld.to_rdf(document, options)
    except pyld.JsonLdError as e:
        raise InputError(f"JSON-LD cannot be expanded: {e}") from None
    dataset = Dataset(default_union=True)
    dataset.parse(data=nquads, format="nquads")
    g = Graph(bind_namespaces="none")
    for triple in dataset.triples((None, None, None)):
        g.add(triple)
    return g
