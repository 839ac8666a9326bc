"""The compiled engine's SHACL-SPARQL beyond the W3C suite: queries SHACL forbids are refused before
anything runs (SERVICE never reaches the network), what the engine does not implement is refused by
name, and messages keep their language and fill in their templates."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef

from kg.check.shacl import Engine, IllFormed, Unsupported, ValidationFailure
from kg.check.shacl_values import compare

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
EX = "https://example.org/"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # not rdflib.XSD: pytest probes module attributes


def shapes(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


def constraint(select: str, extra: str = "") -> Graph:
    """A node shape targeting ex:a with one SPARQL-based constraint."""
    quoted = select.replace("\\", "\\\\").replace('"', '\\"')
    return shapes(f'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select """{quoted}""" {extra} ] .')


@pytest.fixture
def listener() -> Iterator[tuple[str, list[object]]]:
    """A local TCP port that records every connection (a SERVICE call would make one)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    connections: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connections.append(server.accept())
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql", connections
    stop.set()
    thread.join()
    server.close()


SERVICE_QUERIES = [
    "SELECT $this WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT $this WHERE {{ $this ?p ?o . FILTER NOT EXISTS {{ service <{url}> {{ $this ?p ?o }} }} }}",
    "SELECT $this WHERE {{ {{ SELECT $this WHERE {{ SERVICE SILENT <{url}> {{ $this ?p ?o }} }} }} }}",
    "SELECT $this WHERE {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
]


@pytest.mark.parametrize("query", SERVICE_QUERIES)
def test_service_is_refused_and_never_called(query: str, listener: tuple[str, list[object]]) -> None:
    url, connections = listener
    with pytest.raises(IllFormed, match="SERVICE"):
        Engine(constraint(query.format(url=url))).validate([(URIRef(EX + "a"), URIRef(EX + "p"), Literal(1))])
    assert connections == []


def test_service_in_a_sparql_target_is_refused(listener: tuple[str, list[object]]) -> None:
    url, connections = listener
    g = shapes(f"""ex:S a sh:NodeShape ; sh:nodeKind sh:IRI ;
        sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE {{ SERVICE <{url}> {{ ?this ?p ?o }} }}" ] .""")
    with pytest.raises(IllFormed, match="SERVICE"):
        Engine(g)
    assert connections == []


def test_keywords_inside_names_strings_and_comments_are_fine() -> None:
    query = """PREFIX service: <https://example.org/service#>
        SELECT $this ?value WHERE { $this service:service ?value . # SERVICE, MINUS in a comment
        OPTIONAL { $this service:no-minus.values ?other } BIND (1 AS ?service)
        FILTER (?value != "SERVICE" && ?value != 'VALUES' && ?value != <https://example.org/MINUS>) }"""
    a = URIRef(EX + "a")
    found = Engine(constraint(query)).validate([(a, URIRef(EX + "service#service"), Literal("x"))])
    assert [(r.focus, r.value) for r in found] == [(a, Literal("x"))]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("SELECT $this WHERE { $this ?p ?o MINUS { $this ?p 1 } }", "MINUS"),
        ("SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }", "VALUES"),
        ("SELECT $this WHERE { ?s ?p ?o } VALUES ?o { 1 }", "VALUES"),
        ("SELECT $this WHERE { BIND (1 AS $this) }", r"AS \?this"),
        ("SELECT ?s WHERE { ?s ?p ?o } GROUP BY (STR(?s) AS ?this)", r"AS \?this"),
        ("SELECT $this WHERE { { SELECT * WHERE { FILTER ($this = 1) } } }", "subquery"),
        ("SELECT $this WHERE { { SELECT ?o WHERE { $this ?p ?o } } }", "subquery"),
        ("SELECT $this WHERE { $this ex:undeclared ?o }", "not a valid SPARQL query: .*Prefix not found"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "SELECT"),
        ("SELECT $this WHERE { $this ?p ?o ", "not a valid SPARQL query"),
    ],
)
def test_ill_formed_queries_are_refused(query: str, error: str) -> None:
    with pytest.raises(IllFormed, match=error):
        Engine(constraint(query))


def test_two_namespaces_for_one_prefix_are_ill_formed() -> None:
    g = shapes("""ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:sparql [ sh:prefixes ex:one, ex:two ; sh:select "SELECT $this WHERE { $this ex:p ?o }" ] .
        ex:one sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.org/"^^xsd:anyURI ] .
        ex:two sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.com/"^^xsd:anyURI ] .""")
    with pytest.raises(IllFormed, match="two namespaces"):
        Engine(g)


def test_a_failure_binding_fails_validation() -> None:
    engine = Engine(constraint("SELECT $this (true AS ?failure) WHERE { }"))
    with pytest.raises(ValidationFailure):
        engine.validate([])


def test_messages_keep_their_language_and_fill_in_templates() -> None:
    g = constraint(
        "SELECT $this ?value WHERE { $this <https://example.org/p> ?value }",
        extra='; sh:message "Value {?value} of {$this}"@en, "Wert {?value}"@de',
    )
    a = URIRef(EX + "a")
    (result,) = Engine(g).validate([(a, URIRef(EX + "p"), Literal("x"))])
    assert result.messages == (Literal(f"Value x of {EX}a", lang="en"), Literal("Wert x", lang="de"))
    assert result.component == URIRef("http://www.w3.org/ns/shacl#SPARQLConstraintComponent")
    assert result.constraint is not None


def test_blank_nodes_are_pre_bound() -> None:
    g = shapes("""ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:sparql [ sh:prefixes ex:S ;
        sh:select "SELECT $this ?value WHERE { $this ex:p ?value . FILTER (isBlank($this)) }" ] .
        ex:S sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.org/"^^xsd:anyURI ] .""")
    b = BNode("b1")
    (result,) = Engine(g).validate(
        [(b, URIRef(EX + "p"), Literal(1)), (URIRef(EX + "a"), URIRef(EX + "p"), Literal(2))]
    )
    assert (result.focus, result.value) == (b, Literal(1))


def test_shapes_graph_is_queried_from_shapes_reached_later() -> None:
    """$shapesGraph and $currentShape in a shape reached only through sh:node (compiled on first use)."""
    g = shapes("""ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:node ex:Inner .
        ex:Inner ex:limit 2 ; sh:sparql [ sh:select \"\"\"
            SELECT $this WHERE { GRAPH $shapesGraph { $currentShape <https://example.org/limit> ?n }
                                 FILTER (?n > 1) }\"\"\" ] .""")
    (result,) = Engine(g).validate([(URIRef(EX + "a"), URIRef(EX + "p"), Literal(1))])
    assert (result.shape, result.component) == (
        URIRef(EX + "S"),
        URIRef("http://www.w3.org/ns/shacl#NodeConstraintComponent"),
    )


COMPONENT = """
ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:lang ] ; {validator} .
ex:S a sh:NodeShape ; sh:targetNode ex:a ; ex:lang "de" .
"""


@pytest.mark.parametrize(
    ("validator", "error"),
    [
        ('sh:validator [ a sh:JSValidator ; sh:jsFunctionName "f" ]', "neither SPARQL ASK nor SELECT"),
        ('sh:propertyValidator [ sh:select "SELECT $this WHERE { }" ]', "no validator for node shapes"),
    ],
)
def test_a_custom_constraint_the_engine_cannot_run_is_refused(validator: str, error: str) -> None:
    with pytest.raises(Unsupported, match=f"shape {EX}S: .*{error}"):
        Engine(shapes(COMPONENT.format(validator=validator)))


def test_unimplemented_features_are_refused_by_name() -> None:
    with pytest.raises(Unsupported, match=r"entailment"):
        Engine(shapes("ex:graph sh:entailment <http://www.w3.org/ns/entailment/RDFS> . ex:S sh:targetNode ex:a ."))
    with pytest.raises(Unsupported, match=rf"shape {EX}S uses http://www.w3.org/ns/shacl#values"):
        Engine(shapes("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:values ex:x ."))


N, D, S = XSD.integer, XSD.decimal, XSD.string


@pytest.mark.parametrize(
    ("a", "b", "order"),
    [
        (Literal("1", datatype=N), Literal("1.0", datatype=D), 0),
        (Literal("2", datatype=N), Literal("1.5E0", datatype=XSD.double), 1),
        (Literal("a"), Literal("b", datatype=S), -1),
        (Literal("2026-01-01", datatype=XSD.date), Literal("2025-12-31", datatype=XSD.date), 1),
        (Literal("1", datatype=N), Literal("1"), None),  # a number and a string
        (Literal("a", lang="en"), Literal("b", lang="en"), None),  # language-tagged strings
        (Literal("abc", datatype=N), Literal("1", datatype=N), None),  # ill-typed
        (Literal("NaN", datatype=XSD.double), Literal("1", datatype=N), None),
        (Literal("true", datatype=XSD.boolean), Literal("1", datatype=N), None),
        (
            Literal("2026-01-01T00:00:00Z", datatype=XSD.dateTime),
            Literal("2026-01-01T00:00:00", datatype=XSD.dateTime),
            None,
        ),  # one with a timezone, one without
        (URIRef(EX + "a"), URIRef(EX + "b"), None),
    ],
)
def test_comparisons_follow_sparql(a: Literal, b: Literal, order: int | None) -> None:
    assert compare(a, b) == order
    assert compare(b, a) == (None if order is None else -order)


LAZY = """
import sys
from pathlib import Path
from kg.check import families
from kg.core.options import RunOptions
from kg.flow.article import Wants, process
from kg.load.facts import site_and_files

site, files = site_and_files(Path(sys.argv[1]))
families.prepare(RunOptions())
process(site, files[0], RunOptions(), Wants(exports=True))
print("rdflib.plugins.sparql" in sys.modules, "pyparsing" in sys.modules)
from tests.unit.test_shacl_sparql import constraint
from kg.check.shacl import Engine
Engine(constraint("SELECT $this WHERE { { SELECT $this ?o WHERE { $this ?p ?o } } }"))
print("rdflib.plugins.sparql" in sys.modules)
"""


def test_rdflibs_sparql_parser_is_imported_only_for_a_query_with_subqueries() -> None:
    """~70 ms of every process (rdflib's SPARQL grammar, pyparsing) that the bundled shapes never need."""
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", LAZY, str(repo / "data")], capture_output=True, text=True, cwd=repo, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "True"]
