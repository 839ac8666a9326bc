"""SPARQL queries against the embedded store or a SPARQL endpoint, and their renderings.

Whichever side answers, results become one shape: a table of solutions (SELECT), a boolean (ASK)
or a set of triples (CONSTRUCT/DESCRIBE). Renderers are pure functions of that shape.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.core.errors import InputError, NetworkError
from kg.core.http import GuardedSession
from kg.graph.terms import XSD_STRING
from kg.stores import embedded as embedded
from kg.stores.gsp import send
from kg.stores.secrets import Redactor

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"


@dataclass(frozen=True)
class Results:
    """Query results: `variables` + `rows` (SELECT), `boolean` (ASK) or `triples` (CONSTRUCT, DESCRIBE)."""

    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] | None = None


def read_query(text: str) -> str:
    """The query itself, or the contents of `@file.rq`."""
    if not text.startswith("@"):
        return text
    path = Path(text[1:])
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read the query: {getattr(e, 'strerror', None) or e}") from None


def _results(answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]) -> Results:
    if isinstance(answer, ox.QueryBoolean):
        return Results(boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = tuple(v.value for v in answer.variables)
        return Results(names, tuple(tuple(solution[n] for n in names) for solution in answer))
    return Results(triples=tuple(sorted(answer, key=str)))


def query_store(store: ox.Store, sparql: str) -> Results:
    return _results(embedded.query(store, sparql))


def query_endpoint(url: str, sparql: str, http: GuardedSession, *, timeout: float = 30.0) -> Results:
    """SPARQL 1.1 Protocol: POST the query form-encoded, read JSON results or N-Triples/Turtle; the
    whole exchange within `timeout` seconds. Whatever the server says is redacted before it is shown."""
    redact = Redactor.of(http.auth)
    r = send(
        http,
        "POST",
        url,
        "querying",
        timeout=timeout,
        redact=redact,
        data={"query": sparql},
        headers={"Accept": ACCEPT},
    )
    if r.status_code == 400:
        raise InputError(f"{url} rejected the query: {redact(r.text, 300)}")
    if r.status_code in (401, 403):
        raise NetworkError(f"{url} refused the credentials (HTTP {r.status_code})")
    if r.status_code >= 400:
        raise NetworkError(f"{url} answered HTTP {r.status_code}")
    media = r.headers.get("Content-Type", "").split(";")[0].strip()
    try:
        results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
        if results_format is not None:
            return _results(ox.parse_query_results(r.content, results_format))
        rdf_format = ox.RdfFormat.from_media_type(media) if media else None
        if rdf_format is not None:
            return _results([q.triple for q in ox.parse(r.content, rdf_format)])
    except (SyntaxError, ValueError) as e:
        raise NetworkError(f"{url} answered with results medkg cannot read: {redact(str(e), 300)}") from None
    raise NetworkError(f"{url} answered with an unexpected content type {redact(media, 80) or '(none)'!r}")


# --- renderings ---------------------------------------------------------------------------------


def _plain(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _table_of(results: Results) -> tuple[tuple[str, ...], list[tuple[Term | None, ...]]]:
    """Graph results as a three-column table, so every format can show them."""
    if results.triples is not None:
        return ("subject", "predicate", "object"), [(t.subject, t.predicate, t.object) for t in results.triples]
    return results.variables, list(results.rows)


def table(results: Results) -> str:
    """Aligned text for people; CONSTRUCT results as N-Triples (valid RDF to pipe on)."""
    if results.boolean is not None:
        return ("true" if results.boolean else "false") + "\n"
    if results.triples is not None:
        return "".join(f"{t} .\n" for t in results.triples)
    header, rows = results.variables, [[_plain(t) for t in row] for row in results.rows]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]

    def line(cells: list[str] | tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() + "\n"

    out = line(header) + line(["-" * w for w in widths]) + "".join(line(r) for r in rows)
    return out + f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def csv_text(results: Results) -> str:
    """SPARQL 1.1 CSV results (values only, CRLF line ends); ASK gives a one-cell table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if results.boolean is not None:
        writer.writerows([["boolean"], ["true" if results.boolean else "false"]])
        return buffer.getvalue()
    header, rows = _table_of(results)
    writer.writerow(header)
    writer.writerows([_plain(t) for t in row] for row in rows)
    return buffer.getvalue()


def json_text(results: Results) -> str:
    """SPARQL 1.1 Query Results JSON; CONSTRUCT results as bindings of subject, predicate, object."""
    document: dict[str, Any]
    if results.boolean is not None:
        document = {"head": {}, "boolean": results.boolean}
    else:
        header, rows = _table_of(results)
        bindings = [{v: _json_term(t) for v, t in zip(header, row, strict=True) if t is not None} for row in rows]
        document = {"head": {"vars": list(header)}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Callable[[Results], str]] = {"table": table, "csv": csv_text, "json": json_text}
