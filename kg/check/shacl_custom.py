"""SPARQL-based constraint components for the compiled engine (kg.check.shacl).

A constraint component is a node of SHACL type sh:ConstraintComponent (rdfs:subClassOf* counts) with
sh:parameter declarations; a shape that has values for all its mandatory parameters declares one
constraint per combination of those values (optional parameters left unbound when absent). Its
validator is the component's sh:nodeValidator (node shapes) or sh:propertyValidator (property shapes),
else its sh:validator; an ASK validator tests each value node with $value pre-bound, a SELECT one
reports its solutions. Every parameter is pre-bound under its name (the local name of its sh:path).

SHACL says a constraint without a suitable validator is ignored; this engine refuses it instead
(Unsupported, naming the shape and the component), so that a constraint it cannot run is never a pass.
Components in the sh: namespace are SHACL Core's, compiled by kg.check.shacl_components.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from kg.check.shacl_components import Check
from kg.check.shacl_data import SH, IllFormed, Unsupported
from kg.check.shacl_query import is_true, prepare
from kg.check.shacl_sparql import CONSTRAINT_VARIABLES, Solutions, ask_test, fixed, query_text, select_test

__all__ = ["Components"]

_RESERVED = frozenset({"this", "shapesGraph", "currentShape", "path", "PATH", "value"})


@dataclass(frozen=True)
class _Parameter:
    path: URIRef
    name: str  # the SPARQL variable: the local name of the path
    optional: bool


@dataclass(frozen=True)
class _Component:
    node: Node
    parameters: tuple[_Parameter, ...]


def _local_name(iri: Node) -> str:
    m = re.search(r"[A-Za-z_][A-Za-z0-9_\-.]*$", str(iri))
    return m.group().rstrip(".") if m else ""


def _is_component(g: Graph, node: Node) -> bool:
    """A SHACL instance of sh:ConstraintComponent: rdf:type/rdfs:subClassOf* reaches it."""
    todo, seen = list(g.objects(node, RDF.type)), set()
    while todo:
        cls = todo.pop()
        if cls == SH.ConstraintComponent:
            return True
        if cls not in seen:
            seen.add(cls)
            todo += g.objects(cls, RDFS.subClassOf)
    return False


def _parameters(g: Graph, component: Node) -> tuple[_Parameter, ...]:
    found = []
    for declaration in sorted(g.objects(component, SH.parameter), key=str):
        paths = list(g.objects(declaration, SH.path))
        if len(paths) != 1 or not isinstance(paths[0], URIRef):
            raise IllFormed(f"a parameter of constraint component {component} needs one sh:path IRI")
        name = _local_name(paths[0])
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or name in _RESERVED:
            raise IllFormed(f"constraint component {component}: {paths[0]} cannot name a SPARQL variable")
        found.append(_Parameter(paths[0], name, is_true(g.value(declaration, SH.optional))))
    names = [p.name for p in found]
    if len(set(names)) != len(names):
        raise IllFormed(f"constraint component {component}: two parameters with the same name")
    if all(p.optional for p in found):
        raise IllFormed(f"constraint component {component} has no mandatory parameter")
    return tuple(found)


class Components:
    """The SPARQL-based constraint components declared in a shapes graph."""

    def __init__(self, g: Graph) -> None:
        self.g = g
        nodes = {s for s in g.subjects(SH.parameter, None) if _is_component(g, s)}
        self.declared = [
            _Component(n, _parameters(g, n)) for n in sorted(nodes, key=str) if not str(n).startswith(str(SH))
        ]
        self.parameters = frozenset(p.path for c in self.declared for p in c.parameters)
        """Every parameter of a declared component: a predicate that may declare a constraint."""

    def checks(self, shape: Node, shape_messages: tuple[Literal, ...]) -> list[Check]:
        """The constraints shape declares with the components' parameters."""
        g, checks = self.g, []
        for component in self.declared:
            if any((shape, p.path, None) not in g for p in component.parameters if not p.optional):
                continue
            choices: list[list[Node | None]] = [
                [*sorted(g.objects(shape, p.path), key=str)] or [None] for p in component.parameters
            ]
            for values in product(*choices):
                bound = {p.name: v for p, v in zip(component.parameters, values, strict=True) if v is not None}
                checks.append(self._check(component, shape, bound, shape_messages))
        return checks

    def _check(
        self, component: _Component, shape: Node, parameters: dict[str, Node], shape_messages: tuple[Literal, ...]
    ) -> Check:
        g = self.g
        node_shape = g.value(shape, SH.path) is None
        validator, ask = self._validator(component, shape, node_shape)
        where = f"validator {validator} of constraint component {component.node} (shape {shape})"
        names = CONSTRAINT_VARIABLES | {p.name for p in component.parameters} | ({"value"} if ask else set())
        query = prepare(query_text(g, validator, SH.ask if ask else SH.select, shape), frozenset(names), where, ask)
        messages = list(g.objects(validator, SH.message)) or list(g.objects(component.node, SH.message))
        solutions = Solutions(query, fixed(shape, parameters), node_shape, shape_messages, messages, parameters)
        return Check(ask_test(solutions) if ask else select_test(solutions), component.node)

    def _validator(self, component: _Component, shape: Node, node_shape: bool) -> tuple[Node, bool]:
        """The validator for this kind of shape, and whether it is an ASK validator."""
        g = self.g
        for predicate in (SH.nodeValidator if node_shape else SH.propertyValidator, SH.validator):
            validators = sorted(g.objects(component.node, predicate), key=str)
            for validator in validators:
                if (validator, SH.ask, None) in g or (validator, SH.select, None) in g:
                    return validator, (validator, SH.ask, None) in g
            if validators:
                raise Unsupported(
                    f"shape {shape}: the validators of constraint component {component.node} are "
                    "neither SPARQL ASK nor SELECT validators"
                )
        kind = "node" if node_shape else "property"
        raise Unsupported(f"shape {shape}: constraint component {component.node} has no validator for {kind} shapes")
