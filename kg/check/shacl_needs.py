"""What a SHACL-SPARQL SELECT needs of the data graph before it can have a solution, so that a query the data
cannot satisfy is not run at all: Oxigraph parses and plans a query on every call (pyoxigraph has no prepared
queries), and a data graph gets its Oxigraph copy only when some query runs. The Google profile's five queries
and that copy cost more than the rest of the profile on a sample-shaped article (docs/scale.md), none of whose
data can match them.

A need is a tuple of clauses, each a set of predicates: the query has no solution unless the data graph (the
default graph, the only one medkg's data has) holds, for every clause, a triple with one of its predicates. It is
read from rdflib's algebra of the query: the triple patterns with an IRI as predicate that every solution
matches — those of its groups, not under OPTIONAL, MINUS, FILTER, GRAPH, VALUES or a subquery; of a UNION, one
of each branch's. Any other form needs nothing, so a query whose solutions need no pattern (an aggregate has a
row over no match) always runs, as does one with FROM or one rdflib cannot parse.

The analysis imports rdflib's SPARQL parser (~0.11 s) and parses the query (~40 ms), which pays off only over
many runs: a query is analysed once it has run `ANALYSE_AFTER` times in the process (a large site's build),
never for a handful of articles (a one-change rebuild computes one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import URIRef

ANALYSE_AFTER = 256
"""Runs of a query before it is analysed: ~40 ms to analyse it (~0.15 s for the first, with the parser's import)
against ~0.3 ms a run it skips, measured on the Google profile: a process that goes on to run it as often again
has paid for it, and one that runs it a few times (a one-change rebuild) never analyses it."""

Clauses = tuple[frozenset[URIRef], ...]

_ROWS_OF_P = frozenset({"SelectQuery", "Project", "Distinct", "Reduced", "Slice", "OrderBy", "Filter", "Extend"})
"""Algebra nodes whose solutions are some of their pattern's, extended: they need what the pattern needs."""


@dataclass(eq=False)
class Needs:
    """What one query needs of the data, found once it has run often enough."""

    text: str
    runs: int = 0
    clauses: Clauses | None = None

    def met(self, holds: Callable[[URIRef], bool]) -> bool:
        """Whether the data may give the query a solution (`holds`: whether it has a triple with a predicate)."""
        if self.clauses is None:
            self.runs += 1
            if self.runs <= ANALYSE_AFTER:
                return True
            self.clauses = clauses(self.text)
        return all(any(holds(p) for p in clause) for clause in self.clauses)


def clauses(text: str) -> Clauses:
    """The need of a SELECT query (none when rdflib cannot parse it; an ASK needs nothing: it is false, not empty,
    when nothing matches)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(text)).algebra
    except Exception:  # pyparsing's or rdflib's own: Oxigraph parsed the query (kg.check.shacl_query), rdflib may not
        return ()
    if part(algebra, "datasetClause"):  # FROM: its patterns may read another graph than the data
        return ()
    return tuple(dict.fromkeys(_needed(algebra)))


def _needed(node: object) -> list[frozenset[URIRef]]:
    name = getattr(node, "name", None)
    if name in _ROWS_OF_P:
        return _needed(part(node, "p"))
    if name == "BGP":
        return [frozenset({p}) for _, p, _ in part(node, "triples") if type(p) is URIRef]  # type: ignore[attr-defined]
    if name == "Join":
        return _needed(part(node, "p1")) + _needed(part(node, "p2"))
    if name in ("LeftJoin", "Minus"):
        return _needed(part(node, "p1"))
    if name == "Union":
        return [a | b for a in _needed(part(node, "p1")) for b in _needed(part(node, "p2"))]
    return []  # GRAPH, VALUES, a subquery, an aggregate, anything else: nothing is needed


def part(node: object, key: str) -> object:
    """A field of a node of rdflib's parse tree or algebra, None where it has none (CompValue.get answers a missing
    key with the key itself)."""
    return dict.get(node, key)  # type: ignore[call-overload]
