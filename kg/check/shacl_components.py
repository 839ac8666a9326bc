"""SHACL Core's constraint components for the compiled engine (kg.check.shacl), one small function each.

Each component is compiled from one value of its parameter on a shape (`sh:minCount 1` → a Check);
COMPONENTS lists them in the order their results are reported. A Check is given the data, the focus
node and its value nodes, and yields one Failure per failing value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Protocol

from pyshacl.rdfutil.compare import compare_literal
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.check.shacl_data import SH, Data, Unsupported

Failure = tuple[Node | None, Node | None]
"""(value, path override) of one failure; value None for count-style failures (the focus node is
reported on node shapes), path None for the shape's own path."""

_FAILED: tuple[Failure, ...] = ((None, None),)
_PASSED: tuple[Failure, ...] = ()


@dataclass(frozen=True)
class Check:
    test: Callable[[Data, Node, list[Node]], Iterable[Failure]]
    """(data, focus node, value nodes) → the failures."""
    component: Node | None = None
    """Set for sh:or / sh:xone, whose branches explain the failure."""


class Shapes(Protocol):
    """What components need of the engine: the shapes graph, and validation against another shape."""

    @property
    def g(self) -> Graph: ...

    def conforms_to(self, shape: Node, data: Data, node: Node) -> bool: ...


Component = Callable[[Shapes, Node, Node], Check | None]
"""(engine, shape node, the parameter's value) → its Check, or None when the value turns it off."""


def _each(test: Callable[[Data, Node], bool], component: Node | None = None) -> Check:
    """A component that judges every value node on its own."""
    def failures(data: Data, focus: Node, values: list[Node]) -> Iterator[Failure]:
        return ((v, None) for v in values if not test(data, v))
    return Check(failures, component)


def _members(g: Graph, rdf_list: Node) -> list[Node]:
    return list(Collection(g, rdf_list))


# --- value type ---------------------------------------------------------------------------------

def _class(_: Shapes, __: Node, cls: Node) -> Check:
    return _each(lambda data, v: data.is_instance(v, cls))


_NATIVE: dict[Node, tuple[type, ...]] = {
    XSD.string: (str,), RDF.langString: (str,), XSD.integer: (int,), XSD.float: (float,),
    XSD.decimal: (Decimal,), XSD.boolean: (bool,), XSD.date: (date,), XSD.time: (time,),
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
    elif not ((v.datatype is None and v.language is None and dt == XSD.string) or (dt == RDF.langString
                                                                                   and v.language)):
        return False
    native = _NATIVE.get(dt)
    if native is None:
        return True
    if dt in (XSD.string, RDF.langString):
        return isinstance(v.value, (str, bytes))
    if dt == XSD.date:  # datetime is a subclass of date in Python; pySHACL accepts either
        return isinstance(v.value, date)
    return isinstance(v.value, native)


def _datatype(_: Shapes, __: Node, dt: Node) -> Check:
    return _each(lambda data, v: _datatype_ok(v, dt))


_KINDS: dict[Node, tuple[type[Node], ...]] = {
    SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,), SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal), SH.IRIOrLiteral: (URIRef, Literal),
}


def _node_kind(_: Shapes, __: Node, kind: Node) -> Check:
    kinds = _KINDS[kind]
    return _each(lambda data, v: isinstance(v, kinds))


# --- cardinality --------------------------------------------------------------------------------

def _min_count(_: Shapes, __: Node, bound: Node) -> Check:
    lo = int(str(bound))
    return Check(lambda data, focus, values: _FAILED if len(values) < lo else _PASSED)


def _max_count(_: Shapes, __: Node, bound: Node) -> Check:
    hi = int(str(bound))
    return Check(lambda data, focus, values: _FAILED if len(values) > hi else _PASSED)


# --- value range --------------------------------------------------------------------------------

_compare_literal: Callable[[Literal, Literal], int] = compare_literal  # pySHACL leaves it unannotated


def _compare(v: Node, bound: Node, ok: Callable[[int], bool]) -> bool:
    if not isinstance(v, Literal) or not isinstance(bound, Literal):
        return False
    try:
        return ok(_compare_literal(v, bound))
    except (TypeError, ValueError):
        return False


def _range(ok: Callable[[int], bool]) -> Component:
    """sh:minExclusive and the like: `ok` judges compare_literal(value, bound) (-1, 0 or 1)."""
    def component(_: Shapes, __: Node, bound: Node) -> Check:
        return _each(lambda data, v: _compare(v, bound, ok))
    return component


# --- string-based -------------------------------------------------------------------------------

def _min_length(_: Shapes, __: Node, bound: Node) -> Check:
    lo = int(str(bound))
    return _each(lambda data, v: not isinstance(v, BNode) and len(str(v)) >= lo)


def _max_length(_: Shapes, __: Node, bound: Node) -> Check:
    hi = int(str(bound))
    return _each(lambda data, v: not isinstance(v, BNode) and len(str(v)) <= hi)


def _pattern(shapes: Shapes, n: Node, pattern: Node) -> Check:
    flags = str(shapes.g.value(n, SH.flags) or "")
    regex = re.compile(str(pattern), sum(getattr(re, f.upper()) for f in flags if f in "imsx"))
    return _each(lambda data, v: not isinstance(v, BNode) and regex.search(str(v)) is not None)


def _language_in(shapes: Shapes, _: Node, languages: Node) -> Check:
    allowed = [str(x).lower() for x in _members(shapes.g, languages)]

    def ok(data: Data, v: Node) -> bool:
        if not isinstance(v, Literal) or not v.language:
            return False
        lang = v.language.lower()
        return any(lang == x or lang.startswith(x + "-") for x in allowed)
    return _each(ok)


def _unique_lang(_: Shapes, __: Node, flag: Node) -> Check | None:
    def failures(data: Data, focus: Node, values: list[Node]) -> tuple[Failure, ...]:
        langs = [v.language.lower() for v in values if isinstance(v, Literal) and v.language]
        return _FAILED if len(langs) != len(set(langs)) else _PASSED
    return Check(failures) if flag == Literal(True) else None


# --- other values and property pairs ------------------------------------------------------------

def _in(shapes: Shapes, _: Node, values: Node) -> Check:
    members = set(_members(shapes.g, values))
    return _each(lambda data, v: v in members)


def _has_value(_: Shapes, __: Node, value: Node) -> Check:
    return Check(lambda data, focus, values: _PASSED if value in values else _FAILED)


def _equals(_: Shapes, __: Node, p: Node) -> Check:
    def failures(data: Data, focus: Node, values: list[Node]) -> Iterator[Failure]:
        theirs = data.objects(focus, p)
        return ((v, None) for v in [*[v for v in values if v not in theirs], *[v for v in theirs if v not in values]])
    return Check(failures)


def _disjoint(_: Shapes, __: Node, p: Node) -> Check:
    def failures(data: Data, focus: Node, values: list[Node]) -> Iterator[Failure]:
        return ((v, None) for v in values if v in data.objects(focus, p))
    return Check(failures)


def _less(ok: Callable[[int], bool]) -> Component:
    """sh:lessThan and sh:lessThanOrEquals: every value against every value of the other property."""
    def component(_: Shapes, __: Node, p: Node) -> Check:
        def failures(data: Data, focus: Node, values: list[Node]) -> Iterator[Failure]:
            return ((v, None) for v in values for w in data.objects(focus, p) if not _compare(v, w, ok))
        return Check(failures)
    return component


# --- logical and shape-based --------------------------------------------------------------------

def _not(shapes: Shapes, _: Node, inner: Node) -> Check:
    return _each(lambda data, v: not shapes.conforms_to(inner, data, v))


def _node(shapes: Shapes, _: Node, inner: Node) -> Check:
    return _each(lambda data, v: shapes.conforms_to(inner, data, v))


def _and(shapes: Shapes, _: Node, members: Node) -> Check:
    listed = _members(shapes.g, members)
    return _each(lambda data, v: all(shapes.conforms_to(x, data, v) for x in listed))


def _or(shapes: Shapes, _: Node, members: Node) -> Check:
    listed = _members(shapes.g, members)
    return _each(lambda data, v: any(shapes.conforms_to(x, data, v) for x in listed), SH.OrConstraintComponent)


def _xone(shapes: Shapes, _: Node, members: Node) -> Check:
    listed = _members(shapes.g, members)
    return _each(lambda data, v: sum(shapes.conforms_to(x, data, v) for x in listed) == 1,
                 SH.XoneConstraintComponent)


def _sparql(shapes: Shapes, n: Node, constraint: Node) -> Check:
    """A SPARQL-based constraint: one result per solution, as pySHACL reports them (focus $this,
    path ?path or the shape's, value ?value or, on node shapes, the focus node)."""
    g = shapes.g
    select = g.value(constraint, SH.select)
    if select is None or any(g.objects(constraint, SH.message)) or g.value(constraint, SH.deactivated):
        raise Unsupported(f"SPARQL constraint of {n}: only sh:select without its own messages is supported", n)
    if any("{?" in str(m) or "{$" in str(m) for m in g.objects(n, SH.message)):
        raise Unsupported(f"shape {n}: message templates are not supported", n)
    query = str(select)
    if "$PATH" in query:
        path = g.value(n, SH.path)
        if not isinstance(path, URIRef):
            raise Unsupported(f"shape {n}: $PATH needs a predicate path", n)
        query = query.replace("$PATH", f"<{path}>")

    def failures(data: Data, focus: Node, values: list[Node]) -> Iterator[Failure]:
        seen: set[Failure] = set()
        for row in data.select(query, focus):
            found = (None, None) if "failure" in row else (row.get("value"), row.get("path"))
            if found not in seen:
                seen.add(found)
                yield found
    return Check(failures)


def _closed(shapes: Shapes, n: Node, flag: Node) -> Check | None:
    if flag != Literal(True):
        return None
    g = shapes.g
    allowed: set[Node | None] = {g.value(p, SH.path) for p in g.objects(n, SH.property)}
    for ignored in g.objects(n, SH.ignoredProperties):
        allowed |= set(_members(g, ignored))

    def failures(data: Data, focus: Node, values: list[Node]) -> Iterator[Failure]:
        return ((o, p) for v in values for p, objs in data.out.get(v, {}).items() if p not in allowed for o in objs)
    return Check(failures)


COMPONENTS: tuple[tuple[URIRef, Component], ...] = (
    (SH["class"], _class),
    (SH.datatype, _datatype),
    (SH.nodeKind, _node_kind),
    (SH.minCount, _min_count),
    (SH.maxCount, _max_count),
    (SH.minExclusive, _range(lambda c: c > 0)),
    (SH.minInclusive, _range(lambda c: c >= 0)),
    (SH.maxExclusive, _range(lambda c: c < 0)),
    (SH.maxInclusive, _range(lambda c: c <= 0)),
    (SH.minLength, _min_length),
    (SH.maxLength, _max_length),
    (SH.pattern, _pattern),
    (SH.languageIn, _language_in),
    (SH.uniqueLang, _unique_lang),
    (SH["in"], _in),
    (SH.hasValue, _has_value),
    (SH.equals, _equals),
    (SH.disjoint, _disjoint),
    (SH.lessThan, _less(lambda c: c < 0)),
    (SH.lessThanOrEquals, _less(lambda c: c <= 0)),
    (SH["not"], _not),
    (SH.node, _node),
    (SH["and"], _and),
    (SH["or"], _or),
    (SH.xone, _xone),
    (SH.sparql, _sparql),
    (SH.closed, _closed),
)
"""Each parameter with its component, in the order the engine reports their results."""


def compile_checks(shapes: Shapes, n: Node) -> list[Check]:
    """The checks of shape n: one per value of each constraint parameter it has."""
    return [check for parameter, component in COMPONENTS for value in shapes.g.objects(n, parameter)
            if (check := component(shapes, n, value)) is not None]
