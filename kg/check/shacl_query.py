"""SHACL-SPARQL queries made ready to run: prefixes, $PATH, pre-binding, and the checks SHACL asks for.

A query of a SPARQL-based constraint, validator or target is checked once, when the shapes are
compiled, and fails with IllFormed where SHACL says the shapes graph is ill-formed:

- its prefixes are those of sh:prefixes/owl:imports*/sh:declare (one namespace per prefix);
- it is a SPARQL 1.1 SELECT or ASK query (Oxigraph's parser, in a dry run on an empty store);
- it has no SERVICE, anywhere (a security risk: Oxigraph would fetch it over HTTP); and — for
  constraints and validators, whose variables are pre-bound — no MINUS, no VALUES, no `AS ?var` for a
  pre-bound variable, and every subquery returns the pre-bound variables it uses (except $shapesGraph
  and $currentShape). SPARQL keywords are reserved words, so these are found by keyword, outside
  comments, IRIs, strings and names, before anything runs; a query with subqueries is also parsed
  (rdflib) to see what each one returns.

Pre-binding follows SHACL's definition (appendix "Pre-binding of Variables"): every basic graph
pattern is joined with the table of the pre-bound values. The query is written with a
`BIND (value AS ?var)` at the start of each group `{ … }` (that of a subquery's WHERE included), which
is that join; so FILTERs, BINDs and nested groups all see the values. (Oxigraph's own SEP-0007
substitution does not: `FILTER bound($this)` is false under it, and it binds only projected
variables.) A blank node, which SPARQL cannot write, is written as a call of the function BNODE_OF,
which the engine registers with Oxigraph and which returns the store's blank node of that label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import OWL, BNode, Graph, Literal, URIRef, Variable
from rdflib.term import Node

from kg.check.shacl_data import BNODE_OF, FUNCTIONS, SH, Data, IllFormed
from kg.check.shacl_needs import Needs
from kg.check.shacl_needs import part as field_of
from kg.graph.terms import nt_string, nt_term

if TYPE_CHECKING:  # rdflib's SPARQL parser (and pyparsing) imported only to parse a query with subqueries:
    from rdflib.plugins.sparql.parserutils import CompValue  # ~0.15 s and ~7 MiB no bundled shape needs

__all__ = ["OPTIONAL", "Query", "is_true", "prefixes", "prepare", "substitute_path"]

OPTIONAL = frozenset({"shapesGraph", "currentShape"})
"""Pre-bound variables a subquery need not return."""

_TOKEN = re.compile(
    r"""(?P<skip>\#[^\n]*|<[^<>"{}|^`\\\x00-\x20]*>|"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}"""
    r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'"""  # comments, IRIs, strings
    r"""|(?:[A-Za-z][\w.\-]*)?:(?:[\w\-.:%]|\\.)*|_:\w[\w.\-]*|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)"""  # names, numbers
    r"""|(?P<var>[?$]\w+)|(?P<word>[A-Za-z_]\w*)|(?P<other>[{}*])|\S""",
    re.S,
)
_FORBIDDEN = {"MinusGraphPattern": "MINUS", "InlineData": "VALUES", "ValuesClause": "VALUES"}


@dataclass(frozen=True)
class Query:
    """A checked query, to be written out for each set of pre-bound values."""

    parts: tuple[str, ...]  # the text, cut where groups open
    binds: tuple[tuple[str, ...], ...]  # at each cut, the pre-bound variables to bind there
    bound: tuple[str, ...]  # the pre-bound variables the query mentions: bind exactly these
    ask: bool  # an ASK query
    needs: Needs = field(compare=False, repr=False)  # what the data needs for a solution (kg.check.shacl_needs)

    def may_match(self, data: Data) -> bool:
        """False only when the data cannot give this SELECT a solution: it need not run."""
        return self.ask or self.needs.met(data.holds)

    def text(self, values: Mapping[str, Node]) -> str:
        """The query with `values` pre-bound (a variable of `bound` without a value stays unbound: an
        optional parameter that the shape does not give)."""
        if not self.binds:
            return self.parts[0]
        binds = {v: f" BIND ({_term(values[v])} AS ?{v})" for v in self.bound if v in values}
        out = [self.parts[0]]
        for names, part in zip(self.binds, self.parts[1:], strict=True):
            out += [*(binds.get(v, "") for v in names), " ", part]
        return "".join(out)


def _term(t: Node) -> str:
    if isinstance(t, BNode):
        return f"<{BNODE_OF}>({nt_string(str(t))})"
    if isinstance(t, URIRef | Literal):
        return nt_term(t)
    raise TypeError(f"not an RDF term: {t!r}")


def prefixes(g: Graph, node: Node) -> str:
    """PREFIX lines for the declarations reachable by sh:prefixes/owl:imports*/sh:declare from node."""
    found: dict[str, str] = {}
    seen: set[Node] = set()
    todo = list(g.objects(node, SH.prefixes))
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo += g.objects(current, OWL.imports)
        for declaration in g.objects(current, SH.declare):
            prefix, namespace = g.value(declaration, SH.prefix), g.value(declaration, SH.namespace)
            if not isinstance(prefix, Literal) or not isinstance(namespace, Literal):
                raise IllFormed(f"prefix declaration {declaration} needs one sh:prefix and one sh:namespace literal")
            if found.setdefault(str(prefix), str(namespace)) != str(namespace):
                raise IllFormed(f"prefix {prefix!s}: declared with two namespaces (reached from {node})")
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(found.items()))


def _walk(node: object) -> Iterator[CompValue]:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, ParseResults | list | tuple):
        for item in node:
            yield from _walk(item)


def _variables(node: object, skip: frozenset[str] = frozenset()) -> set[str]:
    """Names of the variables under node, not looking inside CompValues named in skip."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, Variable):
        return {str(node)}
    if isinstance(node, CompValue):
        return set() if node.name in skip else {v for x in node.values() for v in _variables(x, skip)}
    if isinstance(node, ParseResults | list | tuple):
        return {v for x in node for v in _variables(x, skip)}
    return set()


def _check_prebinding(tree: object, prebound: frozenset[str], where: str) -> None:
    """The restrictions of SHACL's appendix "Pre-binding of Variables in SPARQL Queries"."""
    required = prebound - OPTIONAL
    for part in _walk(tree):
        if part.name in _FORBIDDEN:
            raise IllFormed(f"{where}: {_FORBIDDEN[part.name]} is not allowed in SHACL-SPARQL queries")
        target = field_of(part, "evar") or (field_of(part, "var") if part.name in ("Bind", "GroupAs") else None)
        if isinstance(target, Variable) and str(target) in prebound:
            raise IllFormed(f"{where}: AS ?{target} rebinds a pre-bound variable")
        if part.name == "SubSelect":
            projection = field_of(part, "projection")
            if projection is None:  # SELECT *: the variables in scope, roughly those outside FILTERs
                returned = _variables(field_of(part, "where"), frozenset({"Filter"}))
            else:
                returned = {str(v["var"]) for v in projection if "var" in v}  # type: ignore[attr-defined]
            missing = sorted(required & _variables(tree) - returned)
            if missing:
                raise IllFormed(f"{where}: a subquery does not return the pre-bound variables {', '.join(missing)}")


def _parse(text: str, where: str) -> object:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return parseQuery(text)
    except ParseException as e:
        raise IllFormed(f"{where}: not a valid SPARQL query: {e}") from e


def _tokens(text: str) -> list[tuple[str, int]]:
    """The keywords (upper-cased), variables (`?name`), braces and stars of a query with their
    positions; comments, IRIs, strings, prefixed names, blank node labels and numbers are skipped."""
    found = []
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "var":
            found.append(("?" + m.group()[1:], m.start()))
        elif m.lastgroup == "word":
            found.append((m.group().upper(), m.start()))
        elif m.lastgroup == "other":
            found.append((m.group(), m.start()))
    return found


def _check_tokens(tokens: list[tuple[str, int]], prebound: frozenset[str], ask: bool, where: str) -> None:
    """The checks that keywords decide: SPARQL keywords are reserved, so a keyword outside strings,
    IRIs and names is the construct."""
    words = [token for token, _ in tokens]
    if "SERVICE" in words:
        raise IllFormed(f"{where}: SERVICE is not allowed in SHACL-SPARQL queries")
    form = next((w for w in words if w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")), None)
    if form != ("ASK" if ask else "SELECT"):
        raise IllFormed(f"{where}: expected a{'n ASK' if ask else ' SELECT'} query, found {form or 'none'}")
    if not prebound:
        return
    for keyword in ("MINUS", "VALUES"):
        if keyword in words:
            raise IllFormed(f"{where}: {keyword} is not allowed in SHACL-SPARQL queries")
    for word, after in pairwise(words):
        if word == "AS" and after[1:] in prebound:
            raise IllFormed(f"{where}: AS {after} rebinds a pre-bound variable")


def _groups(tokens: list[tuple[str, int]], bound: tuple[str, ...]) -> list[tuple[int, tuple[str, ...]]]:
    """Where groups open (just after each `{`) with the pre-bound variables each mentions, for the
    groups that mention one. The braces around a subquery are not a group (its WHERE group is).

    Binding a variable in the groups that mention it (and so in the outermost) is the same as binding
    it in every group: a group that does not mention it is joined, through the groups around it,
    with the one value the outermost group binds."""
    found, stack = [], []
    for i, (token, at) in enumerate(tokens):
        if token == "{":
            subquery = i + 1 < len(tokens) and tokens[i + 1][0] == "SELECT"
            stack.append((at + 1, set[str]() if not subquery else None))
        elif token == "}" and stack:
            start, mentioned = stack.pop()
            if mentioned:
                found.append((start, tuple(v for v in bound if v in mentioned)))
            for _, outer in stack:
                if outer is not None and mentioned:
                    outer |= mentioned
        elif token.startswith("?") and token[1:] in bound:
            for _, mentioned in stack:
                if mentioned is not None:
                    mentioned.add(token[1:])
    return sorted(found)


@lru_cache(maxsize=512)
def prepare(text: str, prebound: frozenset[str], where: str, ask: bool = False) -> Query:
    """A query (with its PREFIX lines and $PATH already written in) checked and made ready for its
    variables `prebound` to be pre-bound; `where` names it in errors; `ask`: an ASK query is expected.

    Keywords decide most checks; a query with a subquery is also parsed (rdflib), to see what each
    subquery returns; Oxigraph parses every query (a dry run on an empty store)."""
    tokens = _tokens(text)
    _check_tokens(tokens, prebound, ask, where)
    if prebound and sum(token == "SELECT" for token, _ in tokens) > 1:
        tree = _parse(text, where)
        if any(p.name == "ServiceGraphPattern" for p in _walk(tree)):
            raise IllFormed(f"{where}: SERVICE is not allowed in SHACL-SPARQL queries")
        _check_prebinding(tree, prebound, where)
    bound = tuple(sorted({token[1:] for token, _ in tokens if token.startswith("?")} & prebound))
    groups = _groups(tokens, bound) if bound else []
    cuts = [at for at, _ in groups]
    parts = tuple(text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True))
    query = Query(parts, tuple(names for _, names in groups), bound, ask, Needs(text))
    _dry_run(query, where)
    return query


def _dry_run(query: Query, where: str) -> None:
    """Oxigraph's own parse, and a run on an empty store (which is safe: there is no SERVICE)."""
    try:
        ox.Store().query(query.text(dict.fromkeys(query.bound, URIRef(BNODE_OF))), custom_functions=FUNCTIONS)
    except (SyntaxError, RuntimeError) as e:
        raise IllFormed(f"{where}: not a valid SPARQL query: {e}") from e


def substitute_path(text: str, path: str | None, where: str) -> str:
    """$PATH written out as a SPARQL property path (property shapes only)."""
    if not re.search(r"[?$]PATH\b", text):
        return text
    if path is None:
        raise IllFormed(f"{where}: $PATH in a query of a node shape")
    return re.sub(r"[?$]PATH\b", lambda _: path, text)


def is_true(node: Node | None) -> bool:
    """A boolean parameter set to true: only the literal true ("1"^^xsd:boolean is another term, and
    the W3C suite's uniqueLang-002 holds that it does not switch a constraint on)."""
    return isinstance(node, Literal) and node == _TRUE


_TRUE = Literal(True)
