"""Generated data graphs against medkg's own shapes: the default engine and pySHACL give the same
results (focus node, path, value, source shape, source constraint component, severity, as a multiset).

Hypothesis builds small graphs from the vocabulary of each shape family (shapes/medkg.ttl,
shapes/schemaorg.ttl, shapes/google/*.ttl): instances of the classes the shapes target or require,
values of the properties their paths and pair constraints name, drawn from named nodes, blank nodes,
the sh:in and sh:hasValue members of the shapes, and literals of many kinds (plain, language-tagged,
numbers, ill-typed, dates, URLs). The number of examples is bounded so that the module runs in a few
seconds.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.check import shacl_needs
from kg.check.families import _pyshacl_shapes, results, shapes
from kg.check.shacl import Result
from kg.core import profiles
from kg.core.options import Engine

SH = Namespace("http://www.w3.org/ns/shacl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
EX = Namespace("https://example.org/generated/")
FAMILIES = ["medkg", "schemaorg", *(p.name for p in profiles.available())]
EXAMPLES = {"medkg": 25, "schemaorg": 25}  # per family; Google profiles 15: pySHACL parses SPARQL per focus node
# (about 5 s for the module on an idle machine, nearly all of it in pySHACL; runs of 300 examples per family
# found no difference either)

LITERALS: list[Node] = [
    Literal("text"),
    Literal(""),
    Literal("Some words", lang="en"),
    Literal("Quelques mots", lang="fr"),
    Literal("text", datatype=XSD.string),
    Literal("1", datatype=XSD.integer),
    Literal("0", datatype=XSD.integer),
    Literal("-3", datatype=XSD.integer),
    Literal("12", datatype=XSD.integer),
    Literal("2.5", datatype=XSD.decimal),
    Literal("1.0E3", datatype=XSD.double),
    Literal("NaN", datatype=XSD.double),
    Literal("01", datatype=XSD.integer),
    Literal("true", datatype=XSD.boolean),
    Literal("abc", datatype=XSD.integer),
    Literal("2026-11-25", datatype=XSD.date),
    Literal("2026-11-25T10:00:00Z", datatype=XSD.dateTime),
    Literal("not a date", datatype=XSD.date),
    Literal("https://example.org/image.png", datatype=XSD.anyURI),
    Literal("https://example.org/page"),
    Literal("P2M", datatype=XSD.duration),
    Literal("E37"),
    Literal("600"),
]


def _path_predicates(g: Graph, path: Node) -> set[Node]:
    if isinstance(path, URIRef):
        return {path}
    if (path, RDF.first, None) in g:
        return {p for member in Collection(g, path) for p in _path_predicates(g, member)}
    return {p for _, inner in g.predicate_objects(path) for p in _path_predicates(g, inner)}


@cache
def vocabulary(family: str) -> tuple[list[Node], dict[Node | None, list[Node]], list[Node]]:
    """Classes, the predicates the shapes of each class constrain (every predicate for classes of no
    shape), and listed values (sh:in, sh:hasValue) of a shape family."""
    g = shapes(family)
    classes = {o for p in (SH.targetClass, SH["class"]) for o in g.objects(None, p)}
    everything = {p for path in g.objects(None, SH.path) for p in _path_predicates(g, path)}
    everything |= {
        o
        for p in (SH.targetSubjectsOf, SH.targetObjectsOf, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
        for o in g.objects(None, p)
    }
    in_queries = {URIRef(iri) for q in g.objects(None, SH.select) for iri in re.findall(r"<(http[^>]+)>", str(q))}
    everything |= in_queries
    by_class: dict[Node | None, list[Node]] = {}
    for cls in classes:
        shaped = set(g.subjects(SH.targetClass, cls))
        found = {
            p
            for s in shaped
            for prop in g.objects(s, SH.property)
            for path in g.objects(prop, SH.path)
            for p in _path_predicates(g, path)
        }
        if any((s, SH.sparql, None) in g for s in shaped):
            found |= in_queries
        by_class[cls] = sorted(found or everything, key=str)
    by_class[None] = sorted(everything, key=str)  # untyped nodes: image objects, quantitative values …
    listed = {o for o in g.objects(None, SH.hasValue)} | {
        m for head in g.objects(None, SH["in"]) for m in Collection(g, head)
    }
    return sorted(classes, key=str), by_class, sorted(listed, key=str)


@st.composite
def data_graphs(draw: st.DrawFn, family: str) -> Graph:
    """A few nodes, typed with classes of the family, with values for the properties its shapes check."""
    classes, by_class, listed = vocabulary(family)
    subjects: list[Node] = [EX[f"n{i}"] for i in range(draw(st.integers(1, 4)))]
    subjects += [BNode(f"b{i}") for i in range(draw(st.integers(0, 2)))]
    objects = st.sampled_from([*subjects, *LITERALS, *listed, EX.other])
    g = Graph(bind_namespaces="none")
    for s in subjects:
        types = draw(st.lists(st.sampled_from(classes), max_size=2, unique=True))
        g.addN((s, RDF.type, cls, g) for cls in types)
        for predicates in [by_class[cls] for cls in types] or [by_class[None]]:
            for p in draw(st.lists(st.sampled_from(predicates), max_size=6, unique=True)):
                g.addN((s, p, o, g) for o in draw(st.lists(objects, min_size=1, max_size=2)))
    return g


def _keys(found: list[Result], family: str) -> Counter[tuple[Node | None, ...]]:
    """The compared fields; blank nodes of the shapes graph (paths, SPARQL constraints) by structure."""
    graphs = (shapes(family), _pyshacl_shapes(family))

    def shape_node(node: Node | None) -> Node | None:
        if not isinstance(node, BNode) or all((node, None, None) not in g for g in graphs):
            return node
        g = next(g for g in graphs if (node, None, None) in g)
        return Literal(
            " ".join(sorted(f"{p} {o if not isinstance(o, BNode) else '_'}" for p, o in g.predicate_objects(node)))
        )

    return Counter(
        (r.focus, shape_node(r.path), r.value, r.shape, r.component, r.severity, shape_node(r.constraint))
        for r in found
    )


@pytest.mark.parametrize("family", FAMILIES)
def test_generated_graphs_give_the_same_results(family: str) -> None:
    @settings(
        max_examples=EXAMPLES.get(family, 15),
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data_graphs(family))
    def check(g: Graph) -> None:
        native = _keys(results(list(g), family, Engine.NATIVE), family)
        reference = _keys(results(g, family, Engine.PYSHACL), family)
        assert native == reference, "\n".join(
            [
                "native only:",
                *map(str, (native - reference).elements()),
                "pyshacl only:",
                *map(str, (reference - native).elements()),
                "graph:",
                g.serialize(format="nt"),
            ]
        )

    check()


@pytest.mark.parametrize("profile", [p.name for p in profiles.available()])
def test_generated_graphs_give_the_same_results_with_queries_skipped(
    profile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each SPARQL query analysed before its first run (kg.check.shacl_needs): skipped where a graph cannot match it."""
    monkeypatch.setattr(shacl_needs, "ANALYSE_AFTER", 0)
    test_generated_graphs_give_the_same_results(profile)


NUMBERS = ["2", "111.5", "112", "+1", ".5", "5.", "NaN", "INF", "-INF", "sNaN", "1.0E3", "1e2", "abc", ""]
SCHEMA = Namespace("http://schema.org/")


@pytest.mark.parametrize("profile", [p.name for p in profiles.available()])
@pytest.mark.parametrize("datatype", [XSD.double, XSD.string])
def test_the_google_profiles_read_numbers_as_sparql_does_in_both_engines(profile: str, datatype: URIRef) -> None:
    """The profiles cast breadcrumb positions and logo sizes with xsd:decimal(STR(…)). rdflib's SPARQL
    took "NaN" and "INF" as Python Decimals (then pySHACL crashed with decimal.InvalidOperation), where
    SPARQL allows only the xsd:decimal lexical form: the queries say so, and both engines agree."""
    g = Graph(bind_namespaces="none")
    lexical = {}  # as rdflib keeps it (it normalises some: "1e2"^^xsd:double is "100.0")
    for i, text in enumerate(NUMBERS):
        value = Literal(text, datatype=datatype)
        lexical[i] = str(value)
        trail, first, later, org, logo = (EX[f"{name}{i}"] for name in ("trail", "first", "later", "org", "logo"))
        g.add((trail, RDF.type, SCHEMA.BreadcrumbList))
        g.add((trail, SCHEMA.itemListElement, first))
        g.add((trail, SCHEMA.itemListElement, later))
        g.add((first, SCHEMA.position, value))
        g.add((later, SCHEMA.position, Literal("100", datatype=XSD.integer)))
        g.add((org, RDF.type, SCHEMA.Organization))
        g.add((org, SCHEMA.logo, logo))
        g.add((logo, SCHEMA.width, value))
    native = _keys(results(list(g), profile, Engine.NATIVE), profile)
    assert _keys(results(g, profile, Engine.PYSHACL), profile) == native
    numbers = {i: float(s) for i, s in lexical.items() if re.fullmatch(r"[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)", s)}
    small = {r[0] for r in native.elements() if str(r[3]).endswith("Organization-logoSize")}
    assert small == {EX[f"org{i}"] for i, n in numbers.items() if n < 112}
    unlinked = {r[0] for r in native.elements() if str(r[3]).endswith("BreadcrumbItem-item")}
    assert unlinked == {EX[f"first{i}"] for i, n in numbers.items() if n < 100} | {
        EX[f"later{i}"] for i, n in numbers.items() if n > 100
    }
