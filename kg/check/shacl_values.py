"""Ordering of RDF terms as SHACL's value range and property pair components need it.

sh:minExclusive, sh:minInclusive, sh:maxExclusive, sh:maxInclusive, sh:lessThan and sh:lessThanOrEquals
are defined by SPARQL's `<` and `<=`: where those raise an error — an IRI or blank node, an ill-typed
literal, a string against a number, a language-tagged string — the values are incomparable, and an
incomparable value is a validation result, whatever the operand order.

Comparable pairs: numbers of any XSD numeric type with each other (NaN with nothing), plain and
xsd:string literals with each other (by code point), booleans with each other, and xsd:dateTime
(with xsd:dateTimeStamp), xsd:date and xsd:time each with its own kind when both or neither carry a
timezone (XPath leaves the other case indeterminate, SPARQL makes it an error).
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from rdflib import XSD, Literal
from rdflib.term import Node

__all__ = ["compare"]

_NUMERIC = frozenset(
    XSD[name]
    for name in [
        "integer",
        "decimal",
        "float",
        "double",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "positiveInteger",
    ]
)
_KIND = {XSD.string: "string", XSD.boolean: "boolean", XSD.dateTime: "dateTime", XSD.dateTimeStamp: "dateTime"}
_KIND |= {XSD.date: "date", XSD.time: "time"}
_TYPES: dict[str, tuple[type, ...]] = {
    "number": (int, float, Decimal),
    "string": (str,),
    "boolean": (bool,),
    "dateTime": (datetime,),
    "date": (date,),
    "time": (time,),
}


def _kind(v: Literal) -> str | None:
    """The comparison family of a well-typed literal, None where SPARQL's `<` is an error."""
    if v.language:
        return None
    if v.datatype is None:
        return "string"
    if getattr(v, "ill_typed", None) is True:
        return None
    kind = "number" if v.datatype in _NUMERIC else _KIND.get(v.datatype)
    if kind is None or not isinstance(v.value, _TYPES[kind]):
        return None
    if kind == "date" and isinstance(v.value, datetime):
        return None
    return kind


def _sign(a: Any, b: Any) -> int:
    return int(a > b) - int(a < b)


def compare(a: Node, b: Node) -> int | None:
    """-1, 0 or 1 as `a` is less than, equal to or greater than `b`; None when they are incomparable."""
    if not isinstance(a, Literal) or not isinstance(b, Literal):
        return None
    kind = _kind(a)
    if kind is None or kind != _kind(b):
        return None
    if kind == "string":
        return _sign(str(a), str(b))
    x, y = a.value, b.value
    if kind == "number":
        if isinstance(x, float) or isinstance(y, float):
            x, y = float(x), float(y)
            if math.isnan(x) or math.isnan(y):
                return None
        return _sign(x, y)
    if kind in ("dateTime", "time") and (x.tzinfo is None) != (y.tzinfo is None):
        return None
    return _sign(x, y)
