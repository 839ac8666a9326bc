"""JSON-LD → RDF with PyLD, offline: schema.org contexts resolve to the bundled copy.

Used to prove that an export expands to exactly the graph medkg built, and to read JSON-LD
written by others. Any other remote context is refused, never fetched.
"""

from __future__ import annotations

from typing import Any

from pyld import jsonld as pyld
from rdflib import Dataset, Graph
from rdflib.exceptions import ParserError

from kg.core.errors import InputError
from kg.export.serialize import schema_context

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


def _innermost(error: BaseException) -> str:
    """PyLD wraps the real reason in layers of generic errors; the innermost message names it."""
    while (inner := error.__cause__ or getattr(error, "cause", None)) is not None:
        error = inner
    return str(error.args[0]) if error.args else str(error)


def _first_bad(nquads: str) -> str:
    for line in nquads.splitlines():
        try:
            Dataset().parse(data=line, format="nquads")
        except ParserError:
            return line if len(line) <= 200 else line[:197] + "..."
    return "(none found line by line)"


def to_graph(document: Any, base: str | None = None) -> Graph:
    """The RDF graph a JSON-LD document denotes (its default graph and named graphs merged); relative
    IRIs resolve against `base` (the page URL when auditing)."""
    options: dict[str, Any] = {"format": "application/n-quads", "documentLoader": _loader}
    if base is not None:
        options["base"] = base
    try:
        nquads = pyld.to_rdf(document, options)
    except pyld.JsonLdError as e:
        raise InputError(f"JSON-LD cannot be expanded: {_innermost(e)}") from None
    dataset = Dataset(default_union=True)
    try:
        dataset.parse(data=nquads, format="nquads")
    except ParserError:
        raise InputError(f"JSON-LD expands to statements that are not valid RDF, e.g. {_first_bad(nquads)}; "
                         "check the IRIs and language tags (no spaces or other forbidden characters)") from None
    g = Graph(bind_namespaces="none")
    for triple in dataset.triples((None, None, None)):
        g.add(triple)
    return g
