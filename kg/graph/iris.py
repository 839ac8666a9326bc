"""Identifiers: ontology namespaces and the IRI conventions for site and page nodes.

Site-wide entities live under `<base>id/<kind>/<slug>` so the same ingredient in two articles
is one node; an explicit `id:` in the facts pins the slug. People get an opaque key (a hash of the
name) unless the facts pin one: an IRI never spells a person's name. Items known only by their text
(FAQ entries, aftercare instructions, procedure steps) are keyed by a hash of that text (the
question, for an FAQ entry), so reordering them keeps every IRI. Page nodes are the page URL and
fragments of it (`#breadcrumb`, `#faq-<key>` …).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from rdflib import Literal, Namespace, URIRef
from rdflib.term import Node

from kg.core.iri import iri_path, iri_problem, iri_segment, text_of
from kg.graph.terms import Triple, iri, is_blank, is_iri

__all__ = [
    "MEDKG",
    "ONTOLOGY_IRI",
    "SCHEMA",
    "SCHEMA_HTTPS",
    "Minter",
    "iri_path",
    "iri_problem",
    "iri_segment",
    "normalise",
    "slugify",
    "text_of",
]


class _Memo(Namespace):
    """A Namespace whose terms are built once, as the process's one object for each (`terms.iri`): rdflib
    builds and checks a new URIRef on every attribute access, which the mapper does thousands of times
    per article."""

    def term(self, name: str) -> URIRef:
        return iri(str(self) + name)

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = self.term(name)
        self.__dict__[name] = term
        return term


MEDKG = _Memo("https://w3id.org/medkg#")
ONTOLOGY_IRI = "https://w3id.org/medkg"
SCHEMA = _Memo("http://schema.org/")  # the namespace the schema.org JSON-LD context expands to
SCHEMA_HTTPS = "https://schema.org/"

_HTTP = str(SCHEMA)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _norm(term: Node) -> Node:
    if isinstance(term, URIRef) and term.startswith(SCHEMA_HTTPS):
        return URIRef(_HTTP + term[len(SCHEMA_HTTPS) :])
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype).startswith(SCHEMA_HTTPS):
        return Literal(str(term), datatype=URIRef(_HTTP + str(term.datatype)[len(SCHEMA_HTTPS) :]))
    return term


def _https(term: Node) -> bool:
    """Whether `_norm` would rewrite a term: an https://schema.org/ IRI or literal datatype."""
    if is_iri(term):
        return str.startswith(term, SCHEMA_HTTPS)  # str's: rdflib's URIRef.startswith is a Python call
    return (
        not is_blank(term)
        and isinstance(term, Literal)
        and term._datatype is not None
        and str.startswith(term._datatype, SCHEMA_HTTPS)
    )


def normalise(graph: Iterable[Triple]) -> set[Triple]:
    """The same triples with https://schema.org/ terms written in the http namespace medkg publishes.
    A set without such a term comes back as it is (the same object; treat it as read-only): the scan
    costs a fraction of a rebuild, and the views medkg projects never have one."""
    if isinstance(graph, set) and not any(_https(s) or _https(p) or _https(o) for s, p, o in graph):
        return graph
    return {(_norm(s), _norm(p), _norm(o)) for s, p, o in graph}


def slugify(name: str) -> str:
    """ASCII slug of a name; names with no Latin letters or digits get a stable hash slug."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = _NON_ALNUM.sub("-", ascii_name).strip("-")[:80].strip("-")
    return slug or "x-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


class Minter:
    """Mints the IRIs of one site."""

    def __init__(self, base_iri: str) -> None:
        self.base = base_iri

    def entity(self, kind: str, slug: str) -> str:
        return f"{self.base}id/{kind}/{slug}"

    def page(self, slug: str, url: str | None = None) -> str:
        return url or f"{self.base}articles/{slug}"

    def graph(self, slug: str) -> str:
        """Named graph holding one article's triples in kg.nq and in stores."""
        return f"{self.base}graph/{slug}"


def text_key(text: str) -> str:
    """The key of an item known by its text: the same wherever the item moves (case and spacing aside)."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()[:12]


def person_key(name: str) -> str:
    """An opaque key for a person the facts name without an `id`: no IRI spells a person's name."""
    return "p-" + hashlib.sha256(" ".join(name.split()).encode("utf-8")).hexdigest()[:16]


def unique_keys(keys: list[str]) -> list[str]:
    """Keys made unique by a suffix on repeats (two items with the same text stay two nodes)."""
    seen: dict[str, int] = {}
    out = []
    for k in keys:
        seen[k] = seen.get(k, 0) + 1
        out.append(k if seen[k] == 1 else f"{k}-{seen[k]}")
    return out
