"""SHACL Core's constraint components for the compiled engine (kg.check.shacl), one small function each.

Each component is compiled from one value of its parameter on a shape (`sh:minCount 1` → a Test);
COMPONENTS lists them, with their sh:sourceConstraintComponent, in the order their results are
reported. A Test is given the data, the focus node and its value nodes, and yields one Failure per
validation result.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import NamedTuple, Protocol

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.check.shacl_data import SH, Data, IllFormed, Unsupported
from kg.check.shacl_query import is_true
from kg.check.shacl_values import compare


class Failure(NamedTuple):
    """One validation result of a constraint."""

    value: Node | None
    """sh:value; None where the component reports none (sh:minCount, sh:hasValue …)."""
    path: Node | None = None
    """sh:resultPath where it is not the shape's own path (sh:closed, SPARQL's ?path)."""
    messages: tuple[Literal, ...] | None = None
    """sh:resultMessage where it is not the shape's sh:message (SHACL-SPARQL)."""


_FAILED: tuple[Failure, ...] = (Failure(None),)
_PASSED: tuple[Failure, ...] = ()

Test = Callable[[Data, Node, list[Node]], Iterable[Failure]]
"""(data, focus node, value nodes) → the failures."""


@dataclass(frozen=True)
class Check:
    test: Test
    component: Node
    """sh:sourceConstraintComponent of its results."""
    constraint: Node | None = None
    """sh:sourceConstraint of its results (the sh:sparql value of a SPARQL-based constraint)."""


class Shapes(Protocol):
    """What components need of the engine: the shapes graph, and validation against another shape."""

    @property
    def g(self) -> Graph: ...

    def conforms_to(self, shape: Node, data: Data, node: Node) -> bool: ...


Component = Callable[[Shapes, Node, Node], Test | None]
"""(engine, shape node, the parameter's value) → its Test, or None when the value turns it off."""


def _each(test: Callable[[Data, Node], bool]) -> Test:
    """A component that judges every value node on its own."""

    def failures(data: Data, focus: Node, values: list[Node]) -> Iterator[Failure]:
        return (Failure(v) for v in values if not test(data, v))

    return failures


def _members(g: Graph, rdf_list: Node) -> list[Node]:
    return list(Collection(g, rdf_list))


# --- value type ---------------------------------------------------------------------------------


def _class(_: Shapes, __: Node, cls: Node) -> Test:
    return _each(lambda data, v: data.is_instance(v, cls))


_NATIVE: dict[Node, tuple[type, ...]] = {
    XSD.string: (str,),
    RDF.langString: (str,),
    XSD.integer: (int,),
    XSD.float: (float,),
    XSD.decimal: (Decimal,),
    XSD.boolean: (bool,),
    XSD.date: (date,),
    XSD.time: (time,),
    XSD.dateTime: (datetime,),
}


def _datatype_ok(v: Node, dt: Node) -> bool:
    """The same test pySHACL applies: matching datatype, well-formed, and a native value where known."""
    if not isinstance(v, Literal):
        return False
    if v.datatype == dt:
        if getattr(v, "ill_typed", None) is True:
            return False
    elif dt == RDFS.Literal or (dt == RDFS.Datatype and v.datatype):
        return True
    elif not (
        (v.datatype is None and v.language is None and dt == XSD.string) or (dt == RDF.langString and v.language)
    ):
        return False
    native = _NATIVE.get(dt)
    if native is None:
        return True
    if dt in (XSD.string, RDF.langString):
        return isinstance(v.value, (str, bytes))
    if dt == XSD.date:  # datetime is a subclass of date in Python; pySHACL accepts either
        return isinstance(v.value, date)
    return isinstance(v.value, native)


def _datatype(_: Shapes, __: Node, dt: Node) -> Test:
    return _each(lambda data, v: _datatype_ok(v, dt))


_KINDS: dict[Node, tuple[type[Node], ...]] = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}


def _node_kind(_: Shapes, n: Node, kind: Node) -> Test:
    if kind not in _KINDS:
        raise IllFormed(f"shape {n}: sh:nodeKind {kind} is not a node kind")
    kinds = _KINDS[kind]
    return _each(lambda data, v: isinstance(v, kinds))


# --- cardinality --------------------------------------------------------------------------------


def _min_count(_: Shapes, __: Node, bound: Node) -> Test:
    lo = _integer(bound)
    return lambda data, focus, values: _FAILED if len(values) < lo else _PASSED


def _max_count(_: Shapes, __: Node, bound: Node) -> Test:
    hi = _integer(bound)
    return lambda data, focus, values: _FAILED if len(values) > hi else _PASSED


def _integer(bound: Node) -> int:
    try:
        return int(str(bound))
    except ValueError:
        raise IllFormed(f"{bound!r} is not an integer") from None


# --- value range --------------------------------------------------------------------------------


def _compare(v: Node, bound: Node, ok: Callable[[int], bool]) -> bool:
    """Whether v compares to bound as `ok` asks (incomparable terms never do)."""
    order = compare(v, bound)
    return order is not None and ok(order)


def _range(ok: Callable[[int], bool]) -> Component:
    """sh:minExclusive and the like: `ok` judges compare(value, bound) (-1, 0 or 1)."""

    def component(_: Shapes, __: Node, bound: Node) -> Test:
        return _each(lambda data, v: _compare(v, bound, ok))

    return component


# --- string-based -------------------------------------------------------------------------------


def _min_length(_: Shapes, __: Node, bound: Node) -> Test:
    lo = _integer(bound)
    return _each(lambda data, v: not isinstance(v, BNode) and len(str(v)) >= lo)


def _max_length(_: Shapes, __: Node, bound: Node) -> Test:
    hi = _integer(bound)
    return _each(lambda data, v: not isinstance(v, BNode) and len(str(v)) <= hi)


def _pattern(shapes: Shapes, n: Node, pattern: Node) -> Test:
    flags = str(shapes.g.value(n, SH.flags) or "")
    try:
        regex = re.compile(str(pattern), sum(getattr(re, f.upper()) for f in flags if f in "imsx"))
    except re.error as e:
        raise IllFormed(f"shape {n}: sh:pattern {pattern!s} is not a regular expression: {e}") from e
    return _each(lambda data, v: not isinstance(v, BNode) and regex.search(str(v)) is not None)


def _language_in(shapes: Shapes, _: Node, languages: Node) -> Test:
    allowed = [str(x).lower() for x in _members(shapes.g, languages)]

    def ok(data: Data, v: Node) -> bool:
        if not isinstance(v, Literal) or not v.language:
            return False
        lang = v.language.lower()
        return any(lang == x or lang.startswith(x + "-") for x in allowed)

    return _each(ok)


def _unique_lang(_: Shapes, __: Node, flag: Node) -> Test | None:
    """One result per language tag that two or more value nodes share."""

    def failures(data: Data, focus: Node, values: list[Node]) -> list[Failure]:
        langs = Counter(v.language.lower() for v in values if isinstance(v, Literal) and v.language)
        return [Failure(None) for n in langs.values() if n > 1]

    return failures if is_true(flag) else None


# --- other values and property pairs ------------------------------------------------------------


def _in(shapes: Shapes, _: Node, values: Node) -> Test:
    members = set(_members(shapes.g, values))
    return _each(lambda data, v: v in members)


def _has_value(_: Shapes, __: Node, value: Node) -> Test:
    """No sh:value, on node shapes too (the W3C suite's hasValue-001, data-shapes issue #111)."""
    return lambda data, focus, values: _PASSED if value in values else _FAILED


def _equals(_: Shapes, __: Node, p: Node) -> Test:
    def failures(data: Data, focus: Node, values: list[Node]) -> Iterator[Failure]:
        theirs = data.objects(focus, p)
        return (Failure(v) for v in [*[v for v in values if v not in theirs], *[v for v in theirs if v not in values]])

    return failures


def _disjoint(_: Shapes, __: Node, p: Node) -> Test:
    def failures(data: Data, focus: Node, values: list[Node]) -> Iterator[Failure]:
        return (Failure(v) for v in values if v in data.objects(focus, p))

    return failures


def _less(ok: Callable[[int], bool]) -> Component:
    """sh:lessThan and sh:lessThanOrEquals: one result per pair of a value and a value of the other
    property that are not in order, incomparable pairs included."""

    def component(_: Shapes, __: Node, p: Node) -> Test:
        def failures(data: Data, focus: Node, values: list[Node]) -> Iterator[Failure]:
            return (Failure(v) for v in values for w in data.objects(focus, p) if not _compare(v, w, ok))

        return failures

    return component


# --- logical and shape-based --------------------------------------------------------------------


def _not(shapes: Shapes, _: Node, inner: Node) -> Test:
    return _each(lambda data, v: not shapes.conforms_to(inner, data, v))


def _node(shapes: Shapes, _: Node, inner: Node) -> Test:
    return _each(lambda data, v: shapes.conforms_to(inner, data, v))


def _and(shapes: Shapes, _: Node, members: Node) -> Test:
    listed = _members(shapes.g, members)
    return _each(lambda data, v: all(shapes.conforms_to(x, data, v) for x in listed))


def _or(shapes: Shapes, _: Node, members: Node) -> Test:
    listed = _members(shapes.g, members)
    return _each(lambda data, v: any(shapes.conforms_to(x, data, v) for x in listed))


def _xone(shapes: Shapes, _: Node, members: Node) -> Test:
    listed = _members(shapes.g, members)
    return _each(lambda data, v: sum(shapes.conforms_to(x, data, v) for x in listed) == 1)


def _qualified(ok: Callable[[int, int], bool]) -> Component:
    """sh:qualifiedMinCount and sh:qualifiedMaxCount (`ok` judges the count against the bound): the
    value nodes that conform to sh:qualifiedValueShape, and with sh:qualifiedValueShapesDisjoint true
    to none of the sibling shapes, are counted. Without sh:qualifiedValueShape there is no constraint
    (the W3C suite's node/qualified-001)."""

    def component(shapes: Shapes, n: Node, bound: Node) -> Test | None:
        g, limit = shapes.g, _integer(bound)
        qualified = list(g.objects(n, SH.qualifiedValueShape))
        if len(qualified) > 1:
            raise Unsupported(f"shape {n} has several values of {SH.qualifiedValueShape}", n)
        if not qualified:
            return None
        q = qualified[0]
        siblings = _siblings(g, n, q) if is_true(g.value(n, SH.qualifiedValueShapesDisjoint)) else []

        def counts(data: Data, v: Node) -> bool:
            return shapes.conforms_to(q, data, v) and not any(shapes.conforms_to(s, data, v) for s in siblings)

        def failures(data: Data, focus: Node, values: list[Node]) -> tuple[Failure, ...]:
            return _PASSED if ok(sum(counts(data, v) for v in values), limit) else _FAILED

        return failures

    return component


def _siblings(g: Graph, n: Node, q: Node) -> list[Node]:
    """The qualified value shapes of the property shapes next to n (under the same parents), but q."""
    found = {
        s
        for parent in g.subjects(SH.property, n)
        for prop in g.objects(parent, SH.property)
        for s in g.objects(prop, SH.qualifiedValueShape)
    }
    return sorted(found - {q}, key=str)


def _closed(shapes: Shapes, n: Node, flag: Node) -> Test | None:
    if not is_true(flag):
        return None
    g = shapes.g
    allowed: set[Node | None] = {g.value(p, SH.path) for p in g.objects(n, SH.property)}
    for ignored in g.objects(n, SH.ignoredProperties):
        allowed |= set(_members(g, ignored))

    def failures(data: Data, focus: Node, values: list[Node]) -> Iterator[Failure]:
        return (
            Failure(o, p) for v in values for p, objs in data.out.get(v, {}).items() if p not in allowed for o in objs
        )

    return failures


COMPONENTS: tuple[tuple[URIRef, URIRef, Component], ...] = (
    (SH["class"], SH.ClassConstraintComponent, _class),
    (SH.datatype, SH.DatatypeConstraintComponent, _datatype),
    (SH.nodeKind, SH.NodeKindConstraintComponent, _node_kind),
    (SH.minCount, SH.MinCountConstraintComponent, _min_count),
    (SH.maxCount, SH.MaxCountConstraintComponent, _max_count),
    (SH.minExclusive, SH.MinExclusiveConstraintComponent, _range(lambda c: c > 0)),
    (SH.minInclusive, SH.MinInclusiveConstraintComponent, _range(lambda c: c >= 0)),
    (SH.maxExclusive, SH.MaxExclusiveConstraintComponent, _range(lambda c: c < 0)),
    (SH.maxInclusive, SH.MaxInclusiveConstraintComponent, _range(lambda c: c <= 0)),
    (SH.minLength, SH.MinLengthConstraintComponent, _min_length),
    (SH.maxLength, SH.MaxLengthConstraintComponent, _max_length),
    (SH.pattern, SH.PatternConstraintComponent, _pattern),
    (SH.languageIn, SH.LanguageInConstraintComponent, _language_in),
    (SH.uniqueLang, SH.UniqueLangConstraintComponent, _unique_lang),
    (SH["in"], SH.InConstraintComponent, _in),
    (SH.hasValue, SH.HasValueConstraintComponent, _has_value),
    (SH.equals, SH.EqualsConstraintComponent, _equals),
    (SH.disjoint, SH.DisjointConstraintComponent, _disjoint),
    (SH.lessThan, SH.LessThanConstraintComponent, _less(lambda c: c < 0)),
    (SH.lessThanOrEquals, SH.LessThanOrEqualsConstraintComponent, _less(lambda c: c <= 0)),
    (SH["not"], SH.NotConstraintComponent, _not),
    (SH.node, SH.NodeConstraintComponent, _node),
    (SH["and"], SH.AndConstraintComponent, _and),
    (SH["or"], SH.OrConstraintComponent, _or),
    (SH.xone, SH.XoneConstraintComponent, _xone),
    (SH.qualifiedMinCount, SH.QualifiedMinCountConstraintComponent, _qualified(lambda count, lo: count >= lo)),
    (SH.qualifiedMaxCount, SH.QualifiedMaxCountConstraintComponent, _qualified(lambda count, hi: count <= hi)),
    (SH.closed, SH.ClosedConstraintComponent, _closed),
)
"""Each parameter with its component and its compiler, in the order the engine reports their results."""

PARAMETERS = frozenset(parameter for parameter, _, _ in COMPONENTS) | {
    SH.flags,
    SH.ignoredProperties,
    SH.qualifiedValueShape,
    SH.qualifiedValueShapesDisjoint,
}
"""Every parameter of SHACL Core's components."""


def compile_checks(shapes: Shapes, n: Node) -> list[Check]:
    """The checks of shape n: one per value of each constraint parameter it has."""
    return [
        Check(test, iri)
        for parameter, iri, component in COMPONENTS
        for value in shapes.g.objects(n, parameter)
        if (test := component(shapes, n, value)) is not None
    ]
