"""schema.org conformance of any published graph, checked against the real vocabulary (release 30.0).

The vocabulary is the compact file ontology/schemaorg/vocab-30.0.json, derived from the release's
Turtle by scripts/derive_schemaorg.py. The checks follow what schema.org itself says, including its
leniency: a text string is accepted where a thing is expected ("some data is better than none"), a
URL where the range allows one, a Role node in place of a value. Results are Findings of the family
"schemaorg-vocab", located by the same locator as the SHACL results.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from rdflib import RDF, XSD, Literal
from rdflib.term import Node

from kg.core import resources
from kg.core.findings import Finding, Severity
from kg.graph.iris import SCHEMA, SCHEMA_HTTPS
from kg.graph.iris import normalise as normalise  # its home is iris.py; audits and benchmarks read it here
from kg.graph.terms import Triple, is_iri

if TYPE_CHECKING:
    from kg.graph.locate import Locator

FAMILY = "schemaorg-vocab"
VOCAB_FILE = "schemaorg/vocab-30.0.json"
RETIRED_FILE = "schemaorg/retired.json"
HTTP = str(SCHEMA)

# Quantities whose values schema.org writes as text ("7 ft", "PT30M"): text is their normal form.
_TEXT_VALUED = frozenset({"Distance", "Duration", "Energy", "Mass"})
_DATATYPE_ROOTS = frozenset({"Text", "Number", "Boolean", "Date", "DateTime", "Time"})
_DATE = re.compile(r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
_ZONE = r"(Z|[+-]\d{2}:?\d{2})?"
_DATETIME = re.compile(_DATE.pattern + r"T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?" + _ZONE)
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?" + _ZONE)
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:\S+")
_BOOLEAN = re.compile(r"true|false|True|False|https?://schema\.org/(True|False)")
_LEXICAL = {
    "Date": _DATE,
    "DateTime": _DATETIME,
    "Time": _TIME,
    "Integer": _INTEGER,
    "Number": _NUMBER,
    "Float": _NUMBER,
    "URL": _URL,
    "Boolean": _BOOLEAN,
}
# rdflib's RDF.x / XSD.x build a term on each access; `p in` a one-member set compares hashes first
_TYPES = frozenset({RDF.type})
_XSD_BOOLEAN, _XSD_ANY_URI, _XSD_DATES = XSD.boolean, XSD.anyURI, (XSD.date, XSD.dateTime)
_NUMERIC_XSD = {
    XSD.integer: "Integer",
    XSD.int: "Integer",
    XSD.long: "Integer",
    XSD.decimal: "Number",
    XSD.double: "Number",
    XSD.float: "Number",
}


class Vocabulary:
    """The derived vocabulary, with superclass closures computed on demand and kept."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.release: str = data["release"]
        self.types: dict[str, dict[str, Any]] = data["types"]
        self.properties: dict[str, dict[str, Any]] = data["properties"]
        self.members: dict[str, dict[str, Any]] = data["members"]
        self._ancestors: dict[str, frozenset[str]] = {}

    def ancestors(self, name: str) -> frozenset[str]:
        """The type and all its superclasses."""
        if name not in self._ancestors:
            out, todo = {name}, [name]
            while todo:
                for parent in self.types.get(todo.pop(), {}).get("super", []):
                    if parent not in out:
                        out.add(parent)
                        todo.append(parent)
            self._ancestors[name] = frozenset(out)
        return self._ancestors[name]

    def reach(self, names: set[str]) -> frozenset[str]:
        return frozenset().union(*(self.ancestors(n) for n in names)) if names else frozenset()

    def is_datatype(self, name: str) -> bool:
        return bool(self.ancestors(name) & _DATATYPE_ROOTS)

    def did_you_mean(self, name: str, pool: dict[str, Any]) -> str:
        """' Did you mean schema:X?' for the closest term of the pool, or nothing when none is close."""
        folded = {n.lower(): n for n in pool}
        # 0.8: close enough for typos, while 'indication' must not suggest its opposite 'contraindication' (0.77)
        close = (
            [folded[name.lower()]]
            if name.lower() in folded
            else difflib.get_close_matches(name, list(pool), n=1, cutoff=0.8)
        )
        return f" Did you mean schema:{close[0]}?" if close else ""


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary(resources.json_file("ontology", VOCAB_FILE))


def _local(term: Node) -> str | None:
    return term[len(HTTP) :] if is_iri(term) and str.startswith(term, HTTP) else None


def _fits(text: str, datatype: str) -> bool:
    """Whether a lexical form is a valid value of a schema.org datatype."""
    pattern = _LEXICAL.get(datatype)
    return True if pattern is None else bool(pattern.fullmatch(text.strip()))


def _literal_kinds(o: Literal) -> tuple[set[str], bool]:
    """The schema.org datatypes a literal can stand for, and whether it is typed (not plain text)."""
    text = str(o)
    if o.datatype in _NUMERIC_XSD:
        kind = _NUMERIC_XSD[o.datatype]
        return ({"Integer", "Number"} if kind == "Integer" or _INTEGER.fullmatch(text) else {"Number", "Float"}), True
    if o.datatype == _XSD_BOOLEAN:
        return {"Boolean"}, True
    local = _local(o.datatype) if o.datatype is not None else None
    if o.datatype in _XSD_DATES or local in ("Date", "DateTime", "Time"):
        # the schema.org context coerces e.g. datePublished to Date whatever the lexical form says
        return {d for d in ("Date", "DateTime", "Time") if _fits(text, d)} or {"invalid date"}, True
    if local == "URL" or o.datatype == _XSD_ANY_URI:
        return {"URL", "Text"}, True
    return {"Text"}, False


def _what(kinds: set[str]) -> str:
    """A literal's kind in words: 'a number', 'a date-time' …"""
    for kind, words in (
        ("Boolean", "a boolean"),
        ("DateTime", "a date-time"),
        ("Date", "a date"),
        ("Time", "a time"),
        ("Integer", "an integer"),
        ("Number", "a number"),
        ("URL", "a URL"),
    ):
        if kind in kinds:
            return words
    return "text"


def _short(names: set[str] | list[str] | frozenset[str]) -> str:
    return ", ".join(sorted(names)) or "nothing"


class _Checker:
    def __init__(self, graph: Collection[Triple], locate: Locator) -> None:
        self.g, self.locate, self.v = graph, locate, vocabulary()
        self.findings: list[Finding] = []
        self.types: dict[Node, set[str]] = {}
        for s, _, o in (t for t in graph if t[1] in _TYPES):
            if (name := _local(o)) is not None and name in self.v.types:
                self.types.setdefault(s, set()).add(name)

    def add(self, severity: Severity, focus: Node, path: Node | None, rule: str, message: str) -> None:
        file, line, column, field = self.locate(focus, path)
        self.findings.append(
            Finding(file, line, column, severity, message, field, str(focus), f"schemaorg:{rule}", FAMILY)
        )

    def status(self, focus: Node, path: Node, kind: str, name: str, entry: dict[str, Any]) -> None:
        if entry.get("supersededBy"):
            new = " or ".join(f"schema:{n}" for n in entry["supersededBy"])
            self.add(
                Severity.WARNING,
                focus,
                path,
                "superseded",
                f"The {kind} schema:{name} is superseded in schema.org {self.v.release}: use {new} instead.",
            )
        if entry.get("pending"):
            self.add(
                Severity.INFO,
                focus,
                path,
                "pending",
                f"The {kind} schema:{name} is pending in schema.org {self.v.release} (a proposal under review, "
                "which may change); consumers may ignore it.",
            )

    def run(self) -> list[Finding]:
        """Every finding, sorted (so the graph is read in any order: the checks keep no state)."""
        for s, p, o in self.g:
            if _local(s) is not None:
                continue  # statements about schema.org terms themselves are not data
            if p in _TYPES:
                self.check_type(s, o)
                continue
            prop = _local(p)
            if prop is None:
                continue
            entry = self.v.properties.get(prop)
            if entry is None and self.annotation(s, prop):
                continue
            if entry is None:
                self.unknown_property(s, p, prop)
                continue
            self.status(s, p, "property", prop, entry)
            self.check_domain(s, p, prop, entry)
            self.check_range(s, p, prop, entry, o)
        return sorted(set(self.findings))

    def check_type(self, s: Node, o: Node) -> None:
        name = _local(o)
        if name is None:
            return
        if name in self.v.types:
            self.status(s, RDF.type, "type", name, self.v.types[name])
            return
        did = self.v.did_you_mean(name, self.v.types)
        self.add(
            Severity.VIOLATION,
            s,
            RDF.type,
            "unknown-type",
            f"schema:{name} is not a type in schema.org {self.v.release}.{did} Use a type from "
            "https://schema.org/docs/full.html.",
        )

    def annotation(self, s: Node, prop: str) -> bool:
        """`<property>-input` / `<property>-output` on an Action: schema.org's input and output annotations
        (https://schema.org/docs/actions.html, "Part 4"), e.g. a SearchAction's `query-input`."""
        base, _, kind = prop.rpartition("-")
        return (
            kind in ("input", "output")
            and base in self.v.properties
            and "Action" in self.v.reach(self.types.get(s, set()))
        )

    def unknown_property(self, s: Node, p: Node, prop: str) -> None:
        retired = resources.json_file("ontology", RETIRED_FILE)["properties"].get(prop)
        if retired is not None:
            instead = f" Instead, {retired['instead']}." if "instead" in retired else " Remove it."
            self.add(
                Severity.VIOLATION,
                s,
                p,
                "unknown-property",
                f"schema:{prop} was removed from schema.org in release {retired['removedIn']} and is not a "
                f"property in schema.org {self.v.release} (consumers ignore it).{instead}",
            )
            return
        did = self.v.did_you_mean(prop, self.v.properties)
        self.add(
            Severity.VIOLATION,
            s,
            p,
            "unknown-property",
            f"schema:{prop} is not a property in schema.org {self.v.release} (consumers ignore it).{did} "
            "Remove it or use a current property.",
        )

    def check_domain(self, s: Node, p: Node, prop: str, entry: dict[str, Any]) -> None:
        own = self.types.get(s, set())
        if not own or not entry["domains"]:
            return
        reach = self.v.reach(own)
        if "Role" in reach or reach & set(entry["domains"]):
            return
        self.add(
            Severity.VIOLATION,
            s,
            p,
            "domain",
            f"schema:{prop} is not a property of {_short(own)} in schema.org {self.v.release}; it is declared "
            f"for {_short(entry['domains'])} (or their subtypes). Type the node as one of those, or move the "
            "value to a property the type has.",
        )

    def check_range(self, s: Node, p: Node, prop: str, entry: dict[str, Any], o: Node) -> None:
        ranges = set(entry["ranges"])
        if isinstance(o, Literal):
            self.check_literal(s, p, prop, o, ranges)
            return
        name = _local(o)
        if name is not None:
            self.check_term(s, p, prop, name, ranges)
            return
        own = self.types.get(o, set())
        if own:
            reach = self.v.reach(own)
            if reach & ranges or "Role" in reach or "URL" in ranges:
                return  # a node of the range, a Role standing for the value, or any IRI as a URL
            self.add(
                Severity.VIOLATION,
                s,
                p,
                "range",
                f"The value of schema:{prop} is a {_short(own)}, but {self.expects(ranges)}. "
                "Link a node of one of those types, or use the property schema.org defines for this kind of value.",
            )
        elif ranges and all(self.v.is_datatype(r) and "Text" not in self.v.ancestors(r) for r in ranges):
            self.add(
                Severity.VIOLATION,
                s,
                p,
                "range",
                f"The value of schema:{prop} is a link to a node, but {self.expects(ranges)}: write the value itself.",
            )

    def expects(self, ranges: set[str]) -> str:  # written only for a finding: most values fit
        return f"schema.org {self.v.release} expects {_short(ranges)}"

    def check_literal(self, s: Node, p: Node, prop: str, o: Literal, ranges: set[str]) -> None:
        kinds, typed = _literal_kinds(o)
        shown = str(o) if len(str(o)) <= 40 else str(o)[:37] + "..."
        if typed:
            if kinds & self.v.reach(ranges):
                return
            if "invalid date" not in kinds and ("Text" in ranges or ranges & _TEXT_VALUED):
                return  # a number or date where schema.org also takes text
            what = "not a valid date or time" if "invalid date" in kinds else _what(kinds)
            self.add(
                Severity.VIOLATION,
                s,
                p,
                "range",
                f"The value {shown!r} of schema:{prop} is {what}, but {self.expects(ranges)}. "
                "Write a value of that kind.",
            )
            return
        if str(o).startswith((HTTP, SCHEMA_HTTPS)) and "/" not in str(o).split("schema.org/", 1)[1]:
            self.check_term(s, p, prop, str(o).split("schema.org/", 1)[1], ranges, as_text=True)
            return
        if any(r != "URL" and "Text" in self.v.ancestors(r) for r in ranges):
            return  # text where schema.org expects text
        if any(not self.v.is_datatype(r) for r in ranges):
            return  # text where schema.org expects a thing: accepted ("some data is better than none")
        if not any(_fits(str(o), d) for r in ranges for d in self.v.ancestors(r) - {"Text"}):
            self.add(
                Severity.WARNING,
                s,
                p,
                "range",
                f"The text {shown!r} of schema:{prop} is not a valid {' or '.join(sorted(ranges))}; "
                f"{self.expects(ranges)}. Write it in that format (ISO 8601 for dates and times).",
            )

    def check_term(self, s: Node, p: Node, prop: str, name: str, ranges: set[str], *, as_text: bool = False) -> None:
        """A schema.org term as a value: an enumeration member, or (a mistake) a type."""
        given = "as text" if as_text else "as a link"
        if name in self.v.members:
            member = self.v.members[name]
            self.status(s, p, "enumeration member", name, member)
            if not self.v.reach(set(member["types"])) & ranges and not ranges & {"URL", "Text", "Thing"}:
                self.add(
                    Severity.WARNING if as_text else Severity.VIOLATION,
                    s,
                    p,
                    "range",
                    f"schema:{name} (given {given}) is a member of {_short(member['types'])}, "
                    f"but {self.expects(ranges)}: use a member or node of the expected type, "
                    "or the property made for this value.",
                )
            return
        if name in self.v.types:
            fits = bool(self.v.ancestors(name) & ranges)
            advice = (
                f'to say the value is a {name}, write a node of that type ({{"@type": "{name}"}}).'
                if fits
                else f"schema:{name} is not one of them."
            )
            self.add(
                Severity.WARNING,
                s,
                p,
                "type-as-value",
                f"The value of schema:{prop} is the schema.org type schema:{name} given {given} as if it were "
                f"a value; {self.expects(ranges)}: {advice}",
            )
            return
        did, expected = self.v.did_you_mean(name, self.v.members), self.expects(ranges)
        self.add(
            Severity.VIOLATION,
            s,
            p,
            "unknown-member",
            f"schema:{name} is not a term of schema.org {self.v.release}.{did} {expected[0].upper()}{expected[1:]}.",
        )


def check(graph: Iterable[Triple], locate: Locator, *, normalised: bool = False) -> list[Finding]:
    """Conformance findings for a schema.org graph (http or https namespace; `normalised`: the caller
    made it http already, so it is not scanned again)."""
    return _Checker(graph if normalised and isinstance(graph, set) else normalise(graph), locate).run()
