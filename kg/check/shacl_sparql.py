"""SHACL-SPARQL for the compiled engine (kg.check.shacl): SPARQL-based constraints (sh:sparql), and
the tests the validators of SPARQL-based constraint components (kg.check.shacl_custom) run.

Queries are prepared by kg.check.shacl_query when the shapes are compiled. Each solution of a SELECT
becomes one result as SHACL's "Mapping of Solution Bindings to Result Properties" says: focus node
$this, path ?path (an IRI) or the shape's, value ?value or the value node (the focus node of a node
shape), messages the shape's sh:message, else ?message, else the constraint's (or the validator's, or
the component's) sh:message with {?var} and {$var} filled in. Identical solutions give one result.
A solution with ?failure true is a ValidationFailure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.check.shacl_components import Check, Failure, Test
from kg.check.shacl_data import SH, SHAPES_GRAPH, Data, IllFormed, ValidationFailure, sparql_path
from kg.check.shacl_query import Query, is_true, prefixes, prepare, substitute_path

__all__ = ["CONSTRAINT_VARIABLES", "Solutions", "ask_test", "fixed", "query_text", "select_test", "sparql_checks"]

CONSTRAINT_VARIABLES = frozenset({"this", "shapesGraph", "currentShape"})
"""The variables pre-bound in every SHACL-SPARQL query."""
_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def _messages(templates: list[Node], row: Mapping[str, Node]) -> tuple[Literal, ...]:
    """Messages with {?var} and {$var} replaced by the values of the solution (language tags kept)."""
    out = []
    for m in sorted(templates, key=str):
        if isinstance(m, Literal):
            text = _TEMPLATE.sub(lambda x: str(row[x[1]]) if x[1] in row else x[0], str(m))
            out.append(Literal(text, lang=m.language) if m.language else Literal(text))
    return tuple(out)


@dataclass(frozen=True)
class Solutions:
    """How one prepared query is run for a shape, and how its solutions become results."""

    query: Query
    fixed: Mapping[str, Node]  # pre-bound values but $this and $value: $currentShape, $shapesGraph, parameters
    node_shape: bool
    shape_messages: tuple[Literal, ...]
    messages: list[Node]  # the constraint's, validator's or component's sh:message (templates)
    parameters: Mapping[str, Node]

    def failures(self, data: Data, focus: Node) -> Iterator[Failure]:
        """The results of a SELECT (none, without running it, when the data cannot match it)."""
        if not self.query.may_match(data):
            return
        seen: set[frozenset[tuple[str, Node]]] = set()
        for row in data.solutions(self.text(focus)):
            if is_true(row.get("failure")):
                raise ValidationFailure(f"a SPARQL query reported a failure at focus node {focus}")
            key = frozenset(row.items())
            if key in seen:
                continue
            seen.add(key)
            path = row.get("path")
            value = row.get("value", focus if self.node_shape else None)
            yield Failure(value, path if isinstance(path, URIRef) else None, self.result_messages(row))

    def text(self, focus: Node, value: Node | None = None) -> str:
        """The query with its variables pre-bound for a focus node (and a value node)."""
        if not self.query.bound:
            return self.query.text({})
        return self.query.text({**self.fixed, "this": focus, **({"value": value} if value is not None else {})})

    def result_messages(self, row: Mapping[str, Node]) -> tuple[Literal, ...] | None:
        """The messages of one result; None for the shape's own, copied as they are."""
        values = {**self.parameters, **row}
        if self.shape_messages:
            return _messages(list(self.shape_messages), values) if _has_template(self.shape_messages) else None
        message = row.get("message")
        if isinstance(message, Literal):
            return (message,)
        return _messages(self.messages, values)


def _has_template(messages: tuple[Literal, ...]) -> bool:
    return any(_TEMPLATE.search(str(m)) for m in messages)


def query_text(g: Graph, holder: Node, predicate: URIRef, shape: Node) -> str:
    """The one query of a constraint or validator, with its prefixes and $PATH written in."""
    texts = list(g.objects(holder, predicate))
    if len(texts) != 1 or not isinstance(texts[0], Literal):
        raise IllFormed(f"{holder} (of shape {shape}) needs exactly one {predicate} string")
    path = g.value(shape, SH.path)
    where = f"{predicate} of {holder} (shape {shape})"
    return substitute_path(prefixes(g, holder) + str(texts[0]), sparql_path(g, path) if path else None, where)


def fixed(shape: Node, parameters: Mapping[str, Node]) -> dict[str, Node]:
    """The pre-bound values that do not change with the focus node."""
    return {"currentShape": shape, "shapesGraph": SHAPES_GRAPH, **parameters}


def sparql_checks(g: Graph, shape: Node, shape_messages: tuple[Literal, ...]) -> list[Check]:
    """The SPARQL-based constraints of a shape (its sh:sparql values)."""
    checks = []
    for constraint in sorted(g.objects(shape, SH.sparql), key=str):
        if is_true(g.value(constraint, SH.deactivated)):
            continue
        where = f"SPARQL constraint {constraint} of shape {shape}"
        query = prepare(query_text(g, constraint, SH.select, shape), CONSTRAINT_VARIABLES, where)
        solutions = Solutions(
            query,
            fixed(shape, {}),
            g.value(shape, SH.path) is None,
            shape_messages,
            list(g.objects(constraint, SH.message)),
            {},
        )
        checks.append(Check(select_test(solutions), SH.SPARQLConstraintComponent, constraint))
    return checks


def select_test(solutions: Solutions) -> Test:
    """A SELECT: one result per solution."""

    def failures(data: Data, focus: Node, values: list[Node]) -> Iterator[Failure]:
        return solutions.failures(data, focus)

    return failures


def ask_test(solutions: Solutions) -> Test:
    """An ASK validator: one result for each value node for which the query is false."""

    def failures(data: Data, focus: Node, values: list[Node]) -> Iterator[Failure]:
        for v in values:
            if next(data.solutions(solutions.text(focus, v)), None) is None:
                yield Failure(v, None, solutions.result_messages({"this": focus, "value": v}))

    return failures
