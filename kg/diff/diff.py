"""What changed in the published facts: a comparison of the medkg graphs of two exports.

Sides are export folders, single .nq/.ttl files, or git revisions of the export folder. Changes
are described per article in the ontology's words ("adverse effect 'Bruising': frequency
common → rare"). A node whose IRI extends another's (an adverse effect of a treatment, an FAQ
item of a page) belongs to it: it is reported as added or removed as a whole. Links to
site-wide nodes (conditions, ingredients, people) are values of the node that links to them.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.core.errors import InputError
from kg.core.treecheck import TreeDiff
from kg.diff import git
from kg.export import picture
from kg.export.files import CORPUS_FILE
from kg.graph import naming, ontology
from kg.graph.iris import MEDKG as M
from kg.graph.iris import ONTOLOGY_IRI

DIFF_FORMAT_VERSION = "1"


@dataclass(frozen=True, order=True)
class Change:
    subject: str  # "adverse effect 'Bruising'"
    property: str  # "frequency"; "" when the subject itself was added or removed
    kind: str  # added | removed | changed | renamed
    old: str | None = None  # as shown: texts quoted, ontology values (common, rare …) bare
    new: str | None = None

    @builtins.property  # the field `property` shadows the builtin in this class body
    def sentence(self) -> str:
        if not self.property:
            details = self.new if self.kind == "added" else self.old
            return f"{self.subject} {self.kind}" + (f" ({details})" if details else "")
        if self.kind == "changed":
            return f"{self.subject}: {self.property} {self.old} → {self.new}"
        if self.kind == "renamed":
            return f"{self.subject} renamed {self.old} → {self.new}"
        return f"{self.subject}: {self.property} {self.new if self.kind == 'added' else self.old} {self.kind}"


@dataclass(frozen=True)
class ArticleDiff:
    slug: str
    status: str  # added | removed | changed
    changes: tuple[Change, ...]
    new_graph: Graph | None = None


# --- reading a side ---------------------------------------------------------------------------


def medkg_part(g: Iterable[tuple[Node, Node, Node]]) -> Graph:
    """The medkg triples of an export graph (not its schema.org view)."""
    out = Graph(bind_namespaces="none")
    for s, p, o in g:
        if p == RDF.type:
            if isinstance(o, URIRef) and o.startswith(str(M)):
                out.add((s, p, o))
        elif p == RDFS.label or (isinstance(p, URIRef) and p.startswith(str(M))):
            out.add((s, p, o))
    return out


def _parse_into(g: Graph, data: bytes, fmt: str, name: str) -> None:
    try:
        g.parse(data=data.decode("utf-8"), format=fmt)
    except Exception as e:  # rdflib raises many unrelated types for bad syntax
        raise InputError(f"{name}: not readable as {'N-Quads' if fmt == 'nquads' else 'Turtle'}: {e}") from None


def _turtle(data: bytes, name: str) -> Graph:
    g = Graph(bind_namespaces="none")
    _parse_into(g, data, "turtle", name)
    return g


def _nquads(data: bytes, name: str) -> Dataset:
    ds = Dataset()
    _parse_into(ds, data, "nquads", name)
    return ds


def articles_from_nquads(data: bytes, name: str) -> dict[str, Graph]:
    """One medkg graph per named graph of kg.nq (the ontology's graph is skipped)."""
    ds = _nquads(data, name)
    out: dict[str, Graph] = {}
    for ctx in ds.graphs():
        iri = str(ctx.identifier)
        if iri == ONTOLOGY_IRI or not isinstance(ctx.identifier, URIRef) or not len(ctx):
            continue
        out[iri.rstrip("/").rsplit("/", 1)[-1]] = medkg_part(ctx)
    return out


def articles_from_files(files: dict[str, bytes], origin: str) -> dict[str, Graph]:
    """kg.nq when the export has one, else every <slug>.ttl."""
    if CORPUS_FILE in files:
        return articles_from_nquads(files[CORPUS_FILE], f"{origin}/{CORPUS_FILE}")
    turtles = {n: b for n, b in files.items() if n.endswith(".ttl") and "/" not in n}
    if not turtles:
        raise InputError(f"{origin}: no {CORPUS_FILE} and no .ttl exports to compare")
    return {n[:-4]: medkg_part(_turtle(b, f"{origin}/{n}")) for n, b in sorted(turtles.items())}


def load_side(spec: str, exports: str = "exports") -> dict[str, Graph]:
    """An export folder, a .nq or .ttl file, or a git revision (its `exports` folder)."""
    path = Path(spec)
    if path.is_dir():
        files = {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}
        return articles_from_files(files, spec)
    if path.is_file():
        data = path.read_bytes()
        if path.suffix == ".nq":
            return articles_from_nquads(data, spec)
        if path.suffix == ".ttl":
            return {path.stem: medkg_part(_turtle(data, spec))}
        raise InputError(f"{spec}: compare export folders, .nq or .ttl files, or git revisions")
    if git.is_revision(spec):
        return articles_from_files(git.files(spec, exports), f"{spec}:{exports}")
    raise InputError(f"{spec}: no such folder, file or git revision")


# --- comparing --------------------------------------------------------------------------------


def _owned(child: Node, parent: Node) -> bool:
    return str(child) != str(parent) and str(child).startswith(str(parent))


def _entities(g: Graph) -> set[Node]:
    return {s for s, o in g.subject_objects(RDF.type) if str(o).startswith(str(M))}


def _values(g: Graph, node: Node) -> dict[URIRef, set[str]]:
    """A node's facts by property, as text; links to nodes it owns are left to those nodes."""
    out: dict[URIRef, set[str]] = {}
    for p, o in g.predicate_objects(node):
        if not isinstance(p, URIRef) or p == RDF.type or p in ontology.shortcuts() or _owned(o, node):
            continue  # (RDF predicates are IRIs: the isinstance only tells the type checker)
        out.setdefault(p, set()).add(_shown(g, o))
    return out


def _shown(g: Graph, o: Node) -> str:
    """Texts and names quoted; ontology values (common, rare …), numbers, booleans, durations bare."""
    text = naming.value(g, o)
    bare = (isinstance(o, URIRef) and o.startswith(str(M))) or (
        isinstance(o, Literal) and o.datatype is not None and o.datatype != XSD.string
    )
    return text if bare else repr(text)


def _details(g: Graph, node: Node) -> str | None:
    """The facts of a node added or removed as a whole, except those that name it."""
    values = sorted(_values(g, node).items(), key=lambda item: _property(item[0]))
    parts = [
        f"{_property(p)} {', '.join(sorted(vs))}"
        for p, vs in values
        if p not in (RDFS.label, *naming.QUALIFIED, *naming.TITLES)
    ]
    return "; ".join(parts) or None


def _property(p: URIRef) -> str:
    return "name" if p == RDFS.label else ontology.label(p)


def _owner(node: Node, nodes: set[Node]) -> bool:
    """True when another node of the graph owns this one (so it is reported as a whole)."""
    return any(_owned(node, other) for other in nodes)


def _slot(g: Graph, node: Node) -> tuple[str, str, str] | None:
    """Where an item keyed by its text sits: its list (`<treatment>/aftercare`, `<page>#faq`), class and
    position; None for a node without a position."""
    text = str(node)
    position, cls = g.value(node, M.position), g.value(node, RDF.type)
    if position is None or cls is None:
        return None
    page, hash_, fragment = text.partition("#")
    owner = f"{page}#{fragment.split('-')[0]}" if hash_ else text.rsplit("/", 1)[0]
    return owner, str(cls), str(position)


def _moved(old: Graph, new: Graph, gone: set[Node], came: set[Node]) -> dict[Node, Node]:
    """Items keyed by their text whose text was edited in place: gone and new nodes in one slot."""
    slots = {slot: n for n in came if (slot := _slot(new, n)) is not None}
    return {n: slots[slot] for n in gone if (slot := _slot(old, n)) is not None and slot in slots}


def compare_graphs(old: Graph, new: Graph) -> tuple[Change, ...]:
    changes: list[Change] = []
    old_nodes, new_nodes = _entities(old), _entities(new)
    edited = _moved(old, new, old_nodes - new_nodes, new_nodes - old_nodes)  # old node → its new IRI
    for node in sorted(old_nodes | new_nodes, key=str):
        if node in edited.values():
            continue  # told with the node it replaces
        if node not in edited and (node not in old_nodes or node not in new_nodes):
            g = new if node in new_nodes else old
            if _owner(node, old_nodes | new_nodes):
                added = g is new
                details = _details(g, node)
                changes.append(
                    Change(
                        naming.title(g, node),
                        "",
                        "added" if added else "removed",
                        None if added else details,
                        details if added else None,
                    )
                )
            continue  # a site-wide node appearing or going is told by the links to it
        before, after = _values(old, node), _values(new, edited.get(node, node))
        subject = naming.title(old, node)
        for p in sorted(before.keys() | after.keys(), key=_property):
            was, now = before.get(p, set()), after.get(p, set())
            if was == now:
                continue
            if len(was) == 1 and len(now) == 1:  # a new name on the same IRI (an `id:` pins it): a rename
                kind = "renamed" if p == RDFS.label else "changed"
                changes.append(Change(subject, _property(p), kind, next(iter(was)), next(iter(now))))
                continue
            changes += [Change(subject, _property(p), "removed", old=v) for v in sorted(was - now)]
            changes += [Change(subject, _property(p), "added", new=v) for v in sorted(now - was)]
    return tuple(sorted(changes))


def compare(old: dict[str, Graph], new: dict[str, Graph]) -> list[ArticleDiff]:
    out = []
    for slug in sorted(old.keys() | new.keys()):
        if slug not in new:
            out.append(ArticleDiff(slug, "removed", ()))
        elif slug not in old:
            out.append(ArticleDiff(slug, "added", (), new[slug]))
        else:
            changes = compare_graphs(old[slug], new[slug])
            if changes:
                out.append(ArticleDiff(slug, "changed", changes, new[slug]))
    return out


# --- rendering --------------------------------------------------------------------------------


def _count(diffs: list[ArticleDiff]) -> str:
    n = sum(max(len(d.changes), 1) for d in diffs)
    return f"{n} change{'s' if n != 1 else ''} in {len(diffs)} article{'s' if len(diffs) != 1 else ''}"


def as_text(diffs: list[ArticleDiff]) -> str:
    if not diffs:
        return "no changes in the published facts\n"
    lines = []
    for d in diffs:
        lines.append(d.slug + ("" if d.status == "changed" else f": article {d.status}"))
        lines += [f"  {c.sentence}" for c in d.changes]
    lines.append(_count(diffs))
    return "\n".join(lines) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _page(g: Graph) -> URIRef | None:
    return next((s for s in g.subjects(RDF.type, M.Article) if isinstance(s, URIRef)), None)


def as_markdown(diffs: list[ArticleDiff], *, pictures: bool = True) -> str:
    """For a pull-request comment: a list per article, and its new graph as a Mermaid picture."""
    if not diffs:
        return "**medkg:** no changes in the published facts.\n"
    out = [f"### medkg: {_count(diffs)}", ""]
    for d in diffs:
        out.append(f"#### `{d.slug}`" + ("" if d.status == "changed" else f" (article {d.status})"))
        out += [f"- {_md(c.sentence)}" for c in d.changes]
        page = _page(d.new_graph) if d.new_graph is not None else None
        if pictures and page is not None and d.new_graph is not None:
            out += [
                "",
                "<details><summary>graph after the change</summary>",
                "",
                "```mermaid",
                picture.mermaid(picture.build(d.new_graph, page)).rstrip("\n"),
                "```",
                "",
                "</details>",
            ]
        out.append("")
    return "\n".join(out)


def as_json(diffs: list[ArticleDiff]) -> str:
    doc = {
        "version": DIFF_FORMAT_VERSION,
        "articles": [
            {"slug": d.slug, "status": d.status, "changes": [{**asdict(c), "message": c.sentence} for c in d.changes]}
            for d in diffs
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


FORMATS = {"text": as_text, "markdown": as_markdown, "json": as_json}


# --- what a stale export file lacks (kg build --check) ---------------------------------------

_SCRIPT = re.compile(rb"<script[^>]*>(.*)</script>", re.DOTALL)


def _graph_of(name: str, data: bytes) -> Graph:
    """Any export file as one graph (N-Quads merged); InputError when it is not readable."""
    if name.endswith(".nq"):
        merged = Graph(bind_namespaces="none")
        for s, p, o, _ in _nquads(data, name).quads((None, None, None, None)):
            merged.add((s, p, o))
        return merged
    if name.endswith(".ttl"):
        return _turtle(data, name)
    from kg.export import jsonld  # PyLD is needed only here

    body = data
    if name.endswith(".html"):
        match = _SCRIPT.search(data)
        if match is None:
            raise InputError(f"{name}: no <script> element")
        body = match.group(1)
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{name}: not readable as JSON: {e}") from None
    return jsonld.to_graph(document)


def stale_summary(name: str, old: bytes, new: bytes) -> list[str]:
    """Readable lines on how an export file on disk differs from a fresh build."""
    try:
        before, after = _graph_of(name, old), _graph_of(name, new)
    except InputError as e:
        return [f"the file on disk is not readable ({str(e).split(': ', 1)[-1][:120]}); a build rewrites it"]
    lines: list[str] = []
    if name.endswith(".nq"):
        for d in compare(articles_from_nquads(old, name), articles_from_nquads(new, name)):
            lines += (
                [f"{d.slug}: article {d.status}"]
                if d.status != "changed"
                else [f"{d.slug}: {c.sentence}" for c in d.changes]
            )
    elif name.endswith(".ttl"):
        lines += [c.sentence for c in compare_graphs(medkg_part(before), medkg_part(after))]
    gone, came = set(before - after), set(after - before)
    if gone or came:
        subjects = sorted({str(s) for s, _, _ in gone | came})
        shown = ", ".join(subjects[:4]) + (f" and {len(subjects) - 4} more" if len(subjects) > 4 else "")
        lines.append(f"{len(came)} triples to add, {len(gone)} to remove, about {shown}")
    elif old != new:
        lines.append("same triples, different bytes (layout or order)")
    return lines


def stale_lines(out: Path, tree: TreeDiff) -> list[str]:
    """How an export folder differs from a fresh build, file by file, with what changed in each."""
    lines: list[str] = []
    for label, names in (("changed", tree.changed), ("missing", tree.missing), ("not built", tree.extra)):
        for name in names:
            lines.append(f"  {label}: {out / name}")
            if label == "changed" and name in tree.fresh:
                lines += [f"      {line}" for line in stale_summary(name, (out / name).read_bytes(), tree.fresh[name])]
    return lines
