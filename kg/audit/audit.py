"""`kg audit`: check the structured data of a live page (or a local HTML / JSON-LD file).

Every JSON-LD block is extracted and parsed (syntax errors with their page line and column), the
blocks' graphs are merged, and the merged graph goes through the same checks as medkg's own
exports: schema.org vocabulary conformance and the Google profile. With an export to compare
against, the drift between page and export is reported subject by subject, in plain language.
Findings name the page (URL or path) and the line in it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.term import Node

from kg.audit import merged, other, own, visible
from kg.audit.blocks import Block, html_blocks, parse
from kg.audit.fetch import Limits, Page, fetch
from kg.check.conformance import normalise
from kg.check.families import published
from kg.core.errors import InputError
from kg.core.findings import Finding, Severity
from kg.core.options import RunOptions
from kg.core.result import Result
from kg.export import jsonld
from kg.graph.iris import SCHEMA
from kg.graph.locate import Locator
from kg.graph.terms import Triple, to_graph

FAMILY = "audit"
DRIFT = "drift"
_MAX_SHOWN = 8


@dataclass
class Document:
    """A page's text with its JSON-LD blocks and the graph they denote."""

    name: str  # URL or path, as findings show it
    text: str
    blocks: list[Block]
    graph: Graph
    origin: dict[Node, Block]  # first block that describes each subject
    findings: list[Finding]

    url: str = ""  # the page's URL (relative @ids resolve against it)
    is_html: bool = False

    def locator(self) -> Locator:
        """Where a node is: the page line:column of its `"@id"` (else of its block) and, as the field,
        the block and the JSONPath of the object describing it, then the property: `jsonld[1]$['@graph'][2]`."""

        def locate(focus: Node, path: Node | None) -> tuple[str, int, int, str]:
            block = self.origin.get(focus)
            field = _field(block, focus, path, self.url)
            if isinstance(focus, URIRef) and (block is None or block.syntax == "jsonld"):
                key = r'"@id"\s*:\s*"' + re.escape(str(focus)) + '"'
                # the node's own description (more keys follow) rather than a bare reference {"@id": …}
                m = re.search(key + r"\s*,", self.text) or re.search(key, self.text)
                if m:
                    line, column = _position(self.text, m.start())
                    return self.name, line, column, field
            return (self.name, block.line, block.column, field) if block else (self.name, 1, 1, "")

        return locate


def _field(block: Block | None, focus: Node | None = None, prop: Node | None = None, base: str = "") -> str:
    if block is None:
        return ""
    where = f"{block.syntax}[{block.index}]"
    if isinstance(focus, URIRef) and block.value is not None:
        local = str(prop).rsplit("/", 1)[-1].rsplit("#", 1)[-1] if isinstance(prop, URIRef) else ""
        return where + own.json_path(block.value, focus, base, local)
    return where


def _position(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _read_source(source: str, limits: Limits) -> Page:
    if re.match(r"https?://", source, re.IGNORECASE):
        return fetch(source, limits)
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]+://", source):
        raise InputError(f"{source}: only http(s) URLs and local files can be audited")
    path = Path(source)
    if not path.is_file():
        raise InputError(f"{source}: no such file")
    kinds = {
        ".html": "text/html",
        ".htm": "text/html",
        ".xhtml": "application/xhtml+xml",
        ".jsonld": "application/ld+json",
        ".json": "application/json",
    }
    if path.suffix.lower() not in kinds:
        raise InputError(f"{source}: expected an .html, .htm, .jsonld or .json file")
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as e:
        raise InputError(f"{source}: cannot read ({e.strerror})") from None
    return Page(path.resolve().as_uri(), text, kinds[path.suffix.lower()])


def _finding(
    name: str, line: int, column: int, severity: Severity, rule: str, message: str, field: str = ""
) -> Finding:
    return Finding(name, line, column, severity, message, field, "", f"audit:{rule}", FAMILY)


def read_document(name: str, page: Page) -> Document:
    """Extract, parse and expand every JSON-LD block of a page (one block for a JSON-LD file), and the
    microdata and RDFa extruct reads from an HTML page."""
    blocks = html_blocks(page.text) if page.is_html else [Block(1, 1, 1, page.text)]
    findings: list[Finding] = []
    origin: dict[Node, Block] = {}
    for block in blocks:
        parse(block)
        findings += [
            _finding(name, p.line, p.column, p.severity, p.rule, p.message, _field(block)) for p in block.problems
        ]
    others = other.blocks(page.text, page.url) if page.is_html else []
    triples: list[Triple] = []  # of every block; one graph is built from them at the end
    for block in [b for b in blocks if b.value is not None] + others:
        found = _expand(name, page, block, findings)
        for subject, _, _ in found:
            origin.setdefault(subject, block)
        triples += found
    if page.is_html and not blocks:
        findings.append(_no_jsonld(name, others))
    graph = Graph(bind_namespaces="none")
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return Document(name, page.text, [*blocks, *others], graph, origin, findings, page.url, page.is_html)


def _expand(name: str, page: Page, block: Block, findings: list[Finding]) -> list[Triple]:
    """The triples of one block, straight from the JSON-LD expansion; problems go to `findings`."""
    empty: list[Triple] = []
    if not isinstance(block.value, dict | list):
        findings.append(
            _finding(
                name,
                block.line,
                block.column,
                Severity.VIOLATION,
                "jsonld",
                f"JSON-LD block {block.index} is a JSON {type(block.value).__name__}, not an "
                "object or an array: nothing in it can be read.",
                _field(block),
            )
        )
        return empty
    label = f"{'JSON-LD block' if block.syntax == 'jsonld' else block.syntax + ' item'} {block.index}"
    try:
        found = jsonld.to_triples(block.value, base=page.url)
    except InputError as e:
        findings.append(
            _finding(name, block.line, block.column, Severity.VIOLATION, "jsonld", f"{label}: {e}", _field(block))
        )
        return empty
    except Exception as e:  # JSON written by others can trip PyLD or the N-Quads reader in unforeseen ways
        findings.append(
            _finding(
                name,
                block.line,
                block.column,
                Severity.VIOLATION,
                "jsonld",
                f"{label} cannot be expanded: {type(e).__name__}: {e}",
                _field(block),
            )
        )
        return empty
    if block.syntax == "rdfa":
        return list(other.schema_only(to_graph(found)))
    if not found:
        findings.append(
            _finding(
                name,
                block.line,
                block.column,
                Severity.WARNING,
                "no-triples",
                f"{label} states nothing (no @context, or only terms the context does not "
                "define): check its @context and property names.",
                _field(block),
            )
        )
    return found


def _no_jsonld(name: str, others: list[Block]) -> Finding:
    counts = Counter(b.syntax for b in others)
    if counts:
        types: set[str] = set()
        for b in others:
            types.update(other.type_names(b.value))
        found = ", ".join(f"{n} {syntax} item{'s' if n != 1 else ''}" for syntax, n in sorted(counts.items()))
        kinds = f" ({', '.join(sorted(types))})" if types else ""
        return _finding(
            name,
            1,
            1,
            Severity.WARNING,
            "no-jsonld",
            f"No JSON-LD found on the page; it has {found}{kinds}"
            ", checked here like JSON-LD (Google reads microdata and RDFa too). JSON-LD is what "
            "Google recommends and what medkg publishes (exports/<slug>.html).",
        )
    return _finding(
        name,
        1,
        1,
        Severity.VIOLATION,
        "no-jsonld",
        "No structured data found on the page: no JSON-LD script, no microdata, no RDFa. Embed the "
        "medkg snippet (exports/<slug>.html) in the page.",
    )


def _label(g: Graph, node: Node) -> str:
    if isinstance(node, Literal):
        text = str(node)
        return repr(text if len(text) <= 60 else text[:57] + "...")
    name = g.value(node, SCHEMA.name) or g.value(node, SCHEMA.headline)
    return repr(str(name)) if name is not None else (str(node) if isinstance(node, URIRef) else "an unnamed node")


def _subject(g: Graph, node: Node) -> str:
    types = sorted(str(t).rsplit("/", 1)[-1] for t in g.objects(node, RDF.type))
    name = g.value(node, SCHEMA.name) or g.value(node, SCHEMA.headline)
    head = " ".join(filter(None, ["/".join(types), repr(str(name)) if name is not None else ""])) or "node"
    return f"{head} <{node}>" if isinstance(node, URIRef) else f"{head} (unnamed node)"


def _statements(g: Graph, triples: Iterable[tuple[Node, Node, Node]]) -> str:
    parts = sorted(f"{'type' if p == RDF.type else str(p).rsplit('/', 1)[-1]} {_label(g, o)}" for _, p, o in triples)
    shown = "; ".join(parts[:_MAX_SHOWN])
    return shown + (f"; and {len(parts) - _MAX_SHOWN} more" if len(parts) > _MAX_SHOWN else "")


def drift(page: Document, export: Document) -> list[Finding]:
    """What the page states that the export does not, and the reverse, grouped by subject. Only the
    subjects the export describes (medkg's own nodes) are compared: a CMS's nodes on the same page
    are not drift."""
    b = to_graph(normalise(export.graph))
    mine = set(b.subjects())
    a = Graph(bind_namespaces="none")
    for t in to_graph(normalise(page.graph)).triples((None, None, None)):
        if t[0] in mine:
            a.add(t)
    _, only_page, only_export = graph_diff(to_isomorphic(a), to_isomorphic(b))
    findings = []
    for triples, doc, graph, other_name, where in (
        (only_page, page, a, export.name, "on the page but not in"),
        (only_export, export, b, page.name, "in the export but not on"),
    ):
        by_subject: dict[Node, list[tuple[Node, Node, Node]]] = defaultdict(list)
        for t in triples:
            by_subject[t[0]].append(t)
        locate = doc.locator()
        for subject, ts in sorted(by_subject.items(), key=lambda kv: str(kv[0])):
            file, line, column, field = locate(subject, None)
            rule = "only-on-page" if doc is page else "only-in-export"
            findings.append(
                Finding(
                    file,
                    line,
                    column,
                    Severity.VIOLATION,
                    f"{_subject(graph, subject)}: {len(ts)} statement{'s' if len(ts) != 1 else ''} "
                    f"{where} {other_name}: {_statements(graph, ts)}.",
                    field,
                    str(subject) if isinstance(subject, URIRef) else "",
                    f"{DRIFT}:{rule}",
                    DRIFT,
                )
            )
    return findings


@dataclass
class Audited:
    """One audited page: its findings and its document (for the per-page table)."""

    source: str
    result: Result
    document: Document | None = None
    error: str = ""  # why the page could not be audited (batch runs go on)


def audit_page(
    source: str,
    options: RunOptions,
    *,
    against: Path | None = None,
    limits: Limits | None = None,
    own_prefixes: tuple[str, ...] = (),
) -> Audited:
    """Audit one page: block syntax, schema.org conformance, the Google profile, the merged graph, the
    visible text, and drift from an export. Advice about medkg facts only on medkg's own nodes."""
    page = read_document(source, _read_source(source, limits or Limits()))
    report = Result(articles=1, triples=len(page.graph))
    report.extend(page.findings)
    found = published(page.graph, page.locator(), options)
    found += merged.check(to_graph(normalise(page.graph)), page.locator())
    if page.is_html:
        found += visible.check(page.graph, page.text, page.locator())
    mine: set[str] = set()
    if against is not None:
        export = _export(against)
        mine = {str(s) for s in export.graph.subjects() if isinstance(s, URIRef)}
        found += drift(page, export)
    report.extend(sorted(own.fit(found, own_prefixes, mine)))
    return Audited(source, report, page)


def _export(against: Path) -> Document:
    try:
        text = against.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"{against}: cannot read the export ({e.strerror})") from None
    export = read_document(str(against), Page(against.resolve().as_uri(), text, "application/ld+json"))
    if export.findings or not len(export.graph):
        raise InputError(f"{against}: not a readable JSON-LD export", export.findings)
    return export


def audit(
    source: str,
    options: RunOptions,
    *,
    against: Path | None = None,
    limits: Limits | None = None,
    own_prefixes: tuple[str, ...] = (),
) -> Result:
    """Audit one page (see `audit_page`)."""
    return audit_page(source, options, against=against, limits=limits, own_prefixes=own_prefixes).result
