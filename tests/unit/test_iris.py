"""Every IRI medkg writes parses in rdflib and in pyoxigraph, whatever file names and facts it is made
from; no text can break out of an IRI (issue [hardening] 3)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from kg.export.dataset import source_iri, void_graph_iri
from kg.graph.iris import Minter, iri_path, iri_problem, iri_segment

SLUG = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}\Z")
HOST = st.from_regex(r"\A[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5}){1,2}\Z")
SEGMENT = st.text(st.characters(codec="utf-8"), max_size=12).map(iri_segment)
BASE = st.builds(
    lambda scheme, host, port, path: f"{scheme}://{host}{port}/{''.join(s + '/' for s in path)}",
    st.sampled_from(["http", "https"]),
    HOST,
    st.sampled_from(["", ":8080"]),
    st.lists(SEGMENT.filter(bool), max_size=3),
)
# File names: anything but '/' and NUL, undecodable bytes (surrogate escapes) included.
FILE_NAME = st.text(st.characters(exclude_characters="/\x00"), min_size=1, max_size=40)
PIECES = [
    *"ab:/#?%[]@!$&'()*+,;=._~-09AFz\u00e9\u6587 <>\"{}|\\^`\n\t\u00a0",
    "\u202e",
    "\ud800",
    "\ufffe",
    "\U000e0001",
    "%41",
    "%zz",
    "http://",
    "https://h.org",
    "x:",
    ":80",
    "[::1]",
]
IRI_ISH = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


def parses_in_both(iri: str) -> None:
    """pyoxigraph (strict RFC 3987) and rdflib (N-Triples and Turtle) read `iri` back unchanged."""
    assert ox.NamedNode(iri).value == iri
    line = f"<{iri}> <http://example.org/p> <{iri}> .\n"
    assert [q.subject.value for q in ox.parse(line, ox.RdfFormat.N_TRIPLES)] == [iri]
    for fmt in ("nt", "turtle"):
        g = Graph().parse(data=line, format=fmt)
        assert list(g.subjects()) == [URIRef(iri)]


@settings(max_examples=300)
@given(BASE, FILE_NAME)
@example("https://getlabtest.com/", "x> a <urn:evil:Injected> . <urn:z.yaml")
@example("https://getlabtest.com/", "my article \u00e9 \u6587.yaml")
@example("https://getlabtest.com/", "100%zz\n\t\u202e\udcff.yaml")
def test_a_file_name_always_gives_one_valid_iri(base: str, name: str) -> None:
    for relative in (name, f"articles/{name}"):
        iri = source_iri(base, relative)
        assert iri_problem(iri) is None
        parses_in_both(iri)
        parses_in_both(iri + "#sha256")
        assert iri.count("/") == source_iri(base, "x").count("/") + relative.count("/")  # no segment smuggled in


@settings(max_examples=200)
@given(st.text(st.characters(codec="utf-8"), max_size=20), st.text(st.characters(codec="utf-8"), max_size=20))
def test_distinct_names_give_distinct_segments(a: str, b: str) -> None:
    assert (iri_segment(a) == iri_segment(b)) == (a == b)
    assert (iri_path(a) == iri_path(b)) == (a == b)


@settings(max_examples=200)
@given(BASE, SLUG, st.sampled_from(["treatment", "condition", "ingredient", "organization"]))
def test_every_minted_iri_parses_in_both(base: str, slug: str, kind: str) -> None:
    assert iri_problem(base, base=True) is None
    mint = Minter(base)
    for iri in (
        mint.entity(kind, slug),
        mint.page(slug),
        mint.graph(slug),
        void_graph_iri(base),
        f"{base}dataset",
        f"{mint.page(slug)}#faq-1",
    ):
        assert iri_problem(iri) is None
        parses_in_both(iri)


@settings(max_examples=1000)
@given(IRI_ISH)
@example("https://e.com/#/")
@example("https://e.com/%zz")
@example("http://e.com:x/")
def test_what_iri_problem_accepts_both_parsers_accept(text: str) -> None:
    """`iri_problem` is the check facts IRIs go through (base_iri, url): never looser than the parsers."""
    if iri_problem(text) is None:
        parses_in_both(text)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("https://getlabtest.com/#/", "must not have a '#' fragment"),
        ("https://getlabtest.com/?x=1/", "must not have a '#' fragment or a '?' query"),
        ("https://getlabtest.com/%zz/", "'%' not followed by two hexadecimal digits"),
        ("https://getlabtest.com/a b/", "contains a space"),
        ("https://getlabtest.com/a\n", "control character U+000A"),
        ("getlabtest.com/", "not an absolute IRI"),
        ("https://getlabtest.com:port/", "a port that is not a number"),
    ],
)
def test_iri_problems_are_named(text: str, problem: str) -> None:
    found = iri_problem(text, base=True)
    assert found is not None and problem in found
