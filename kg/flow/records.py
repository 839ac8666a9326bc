"""What a build keeps of each article beside its manifest, so that a rebuild after a few changed facts
files reads nothing of the unchanged articles but these records.

Per article (`Record`): its findings, counts and page, the names of its files in the export folder,
the length of its block in kg.nq (blocks lie in build order after the bundled graphs, so offsets are
running sums), how void.ttl describes its graph and the length of its part of void.ttl (parts lie in
build order after the corpus-wide part: a rebuild copies an unchanged article's from the last void.ttl
as it copies its block of kg.nq). Records are written as a layer over the last full write
(kg.flow.layered; a full build writes them to disk as they arrive, kg.flow.layered.Log). Beside them:
the class and property partitions of the whole kg.nq with a count per subject, so an article's
contribution can be taken out again (SQLite: kg.flow.partstore), and the site-wide @id lint's index with
its findings (kg.flow.sitelint).

A rebuild (`plan`) uses them only when the last build's manifest has the same key and the export
folder is exactly as that build left it (the digest of every file's stat); otherwise the build runs in
full. It finds the changed articles from the manifest's articles (their facts files' stats), and reads the
records once, as it carries the unchanged articles over, a chunk at a time in build order
(kg.flow.layered.Stream), holding no record or manifest entry per unchanged article. The folder's digest
is taken by the child that links its files into the new folder from the start (kg.core.fsio.TreeWriter.
carry_over) and checked before the swap. Records that end early or
differ from the manifest's articles (a damaged cache), or a folder changed since, raise `Unusable` before
anything is swapped in: the build then runs in full.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any, NamedTuple

from kg.core.findings import Finding, Row, as_row, from_row
from kg.core.listing import names_of
from kg.core.result import Carried
from kg.core.vouched import Vouched
from kg.export.dataset import FileInfo, GraphSummary, Partitions
from kg.export.files import CORPUS_FILE
from kg.flow import layered, manifest
from kg.flow.article import Outcome
from kg.flow.folder import RACY_NS, sha256_of, stat_of
from kg.flow.keep import parse_quads
from kg.flow.partstore import Store
from kg.flow.sitelint import Kept
from kg.load.yamlloc import Position

CHUNK = 200
"""Records a pickle of the records file holds: a record is ~5 KB pickled (its findings mostly: 49 MB for 10,000
articles), so a chunk read or written is ~1 MB, where `manifest.CHUNK` (2,000) made the rebuild's peak ~20 MB
higher at any size. A rebuild also carries its unchanged articles a run of as many at a time."""


class Record(NamedTuple):
    """One article as the corpus-wide steps of a build need it. A named tuple, as `Carried` and
    `manifest.Article` are: a rebuild unpickles 10,000 of each, and frozen dataclasses (an instance dict
    each) took twice as long to load: 0.13 to 0.21 s against 0.07 s for the 10k corpus's records, measured."""

    file: str
    slug: str
    slug_at: tuple[int, int]
    sha256: str
    graph_iri: str
    page: str
    triples: int  # of its named graph, as the Result counts it
    findings: Carried  # sorted, once each
    failing: bool  # not published: its last good exports (`files`, its block of kg.nq), if any, kept
    files: tuple[str, ...]  # its files in the export folder
    nq: int  # bytes of its block in kg.nq (0: none)
    graph: GraphSummary | None  # its graph as void.ttl describes it (None: not in kg.nq)
    void: int  # bytes of its part of void.ttl

    def outcome(self) -> Outcome:
        """What the run's Tally counts of it but its @id summary (it stays in the lint's index): the article
        goes as in a full build (a changed article before it took its slug)."""
        found = [from_row(r) for r in self.findings.rows()]
        at = Position(*self.slug_at)
        return Outcome(self.file, self.slug, found, [], at, self.sha256, self.graph_iri, self.triples, None, self.page)


@dataclass
class Stored:
    """A build's records: the bundled part of kg.nq and void.ttl, then every article in build order."""

    head: int  # bytes of kg.nq before the first article (the ontology and shapes graphs)
    bundled: list[GraphSummary]
    files: list[FileInfo]  # the ontology and shape files
    void: int = 0  # bytes of void.ttl before the first article's part (its corpus-wide part)
    records: dict[str, Record] = field(default_factory=dict)  # by facts file name, in build order


At = tuple[int, int]  # where an article's block lies in the last kg.nq, and its part in the last void.ttl
Placed = tuple[str, Record, At, manifest.Article]  # a record, where its bytes lie, its manifest entry


class Unusable(Exception):
    """What the last build kept cannot be carried over: its records end early or differ from its manifest's
    articles, or the export folder is not as it left it."""


@dataclass
class Delta:
    """A rebuild from the last build's records: which articles are unchanged, the rest to compute.
    The records and the manifest's articles are read from disk in build order as the build asks for them,
    never held whole."""

    folder: Path  # the export folder as the last build left it
    stored: Stored  # its corpus-wide part (no records)
    kept: layered.Stream  # its records
    listed: layered.Stream  # its manifest's articles (the same names, in the same order)
    unchanged: bytearray  # by facts file, in build order: 1 for an unchanged article (no set of 100,000 names)
    replaced: dict[str, manifest.Article]  # the last manifest's entries of the changed and removed articles
    build: int  # the last build's id (its files beside the manifest)
    parts: Store  # the last build's partitions
    lint: Kept  # the last build's @id lint index
    # found as the records are read (`take`, `taken`): what the changed and removed articles added to the
    # partitions, their files in the last folder (the others are linked), and their findings (pickled rows)
    removed: list[Partitions] = field(default_factory=list)
    dropped: set[str] = field(default_factory=set)
    left: list[bytes] = field(default_factory=list)
    # the folder's digest as the last build left it, and how to find it now: as the new folder's child found it
    # while linking the files (kg.core.fsio.TreeWriter.carried; `holds`)
    digests: tuple[str, Callable[[], str]] | None = field(default=None, repr=False)
    # the last manifest's `facts`, and its entries of the unchanged articles as new as its start (noted with
    # their hash then, maybe not now): the new manifest's value is that one's, changed (kg.flow.folder.Facts.over)
    facts: str = ""
    recent: dict[str, manifest.Article] = field(default_factory=dict)
    _reading: Iterator[Placed] | None = field(default=None, repr=False)

    def holds(self) -> None:
        """Raise Unusable unless the export folder is as the last build left it (every file's stat, summed);
        checked before the swap, so a folder changed since has changed nothing and is then built in full."""
        assert self.digests is not None, "the plan is given how to take it"
        last, now = self.digests
        if now() != last:
            raise Unusable("the export folder is not as the last build left it")

    def close(self) -> None:
        """The last partitions closed (what was not committed rolled back; idempotent)."""
        self.parts.close()

    def records(self) -> Iterator[Placed]:
        """Every last-build article, read anew."""
        return _placed((self.stored.head, self.stored.void), self.kept, self.listed)

    def take(self, names: Sequence[str]) -> list[tuple[Record, At, manifest.Article]]:
        """A run of unchanged articles, read on from the last one taken (build order); the changed and removed
        articles before each are noted as they pass."""
        if self._reading is None:
            self._reading = self.records()
        run = []
        try:
            for name in names:
                for n, r, at, a in self._reading:
                    if n == name:
                        run.append((r, at, a))
                        break
                    self._gone(n, r, at[0])
                else:
                    raise Unusable(f"the records end before {name!r}")
        except layered.DAMAGED as e:
            raise Unusable(f"the records end early: {e}") from None
        return run

    def taken(self) -> None:
        """Every unchanged article was taken: the changed and removed articles after the last are noted, and
        the chunk of records read last is let go (~2 MB)."""
        reading = self._reading if self._reading is not None else self.records()
        try:
            for n, r, at, _ in reading:
                self._gone(n, r, at[0])
        except layered.DAMAGED as e:
            raise Unusable(f"the records end early: {e}") from None
        self._reading = None

    def _gone(self, name: str, r: Record, at: int) -> None:
        """A changed or removed article's record (offset `at` in the last kg.nq) passed in the reading."""
        assert name in self.replaced, f"{name}: unchanged, and passed over (taken out of build order)"
        self.leave(r, at)

    def leave(self, r: Record, at: int) -> None:
        """A last-build article not carried over (changed, removed, or its slug taken by a changed one)."""
        self.removed += contributions(self.folder, [(r, at)])
        self.dropped.update(r.files)
        if r.findings.own:
            self.left.append(r.findings.own)

    def rows_left(self) -> list[Row] | None:
        """The findings of the articles not carried over, as the last build found them (their own file's);
        None when a record's do not read."""
        try:
            return [row for own in self.left for row in pickle.loads(own)]
        except layered.DAMAGED:
            return None

    def known(self) -> Vouched:
        """The changed and removed articles' last files (a rebuild links the others as they are): their stat,
        as the last build left them (the folder's digest said so), and SHA-256, for kg.core.fsio.TreeWriter."""
        hashes = [(name, sha) for a in self.replaced.values() for name, sha in a.exports]
        stats = ((name, stat_of(self.folder / name)) for name, _ in hashes)
        return Vouched(((name, stat) for name, stat in stats if stat is not None), hashes)

    def graph_index(self) -> dict[bytes, list[tuple[int, int]]]:
        """Where each named graph's lines lie in the last kg.nq (for kg.flow.keep.Earlier)."""
        index: dict[bytes, list[tuple[int, int]]] = {}
        try:
            for _, r, (at, _), _ in self.records():
                if r.graph is not None and r.nq:
                    index[r.graph.iri.encode()] = [(at, at + r.nq)]
        except layered.DAMAGED as e:
            raise Unusable(f"the records end early: {e}") from None
        return index


def _placed(heads: At, kept: layered.Stream, listed: layered.Stream) -> Iterator[Placed]:
    """The records with their offsets (blocks and parts lie in build order after the bundled graphs and the
    corpus-wide part of void.ttl: `heads`) and the manifest's articles beside them (ValueError when their
    names differ)."""
    at, void = heads
    for (name, r), (listed_as, a) in zip_longest(kept.items(), listed.items(), fillvalue=("", None)):
        if name != listed_as or not isinstance(r, Record) or not isinstance(a, manifest.Article):
            raise ValueError(f"the records and the manifest differ at {name or listed_as!r}")
        yield name, r, (at, void), a
        at, void = at + r.nq, void + r.void


def _load(cache_dir: Path, out: Path, build: int, what: str, kind: type) -> Any:
    value = layered.value(manifest.beside(cache_dir, out, build, what))
    return value if isinstance(value, kind) else None


def record_log(path: Path) -> layered.Log[Record]:
    """A full build's records, written to `path` as they arrive (`CHUNK` a pickle)."""
    return layered.Log(path, CHUNK)


def save(
    cache_dir: Path,
    out: Path,
    build: int,
    stored: Stored,
    records: tuple[layered.Stream, int] | layered.Log[Record],
) -> None:
    """A build's records: the corpus-wide part whole, the articles' (a rebuild's Stream over the last
    build's, and how many) layered over the last base (kg.flow.layered), or (a full build) its Log as
    the base."""
    corpus = Stored(stored.head, stored.bundled, stored.files, stored.void)
    manifest.put(manifest.beside(cache_dir, out, build, "corpus"), pickle.dumps(corpus, pickle.HIGHEST_PROTOCOL))
    if isinstance(records, layered.Log):
        manifest.put(manifest.beside(cache_dir, out, build, "records"), records.pieces())
    else:
        layered.write(cache_dir, out, build, "records", *records, CHUNK)


def plan(
    cache_dir: Path,
    out: Path,
    prior: manifest.Manifest,
    key: str,
    files: Sequence[Path],
    stats: manifest.Stats,
    carried: Callable[[], str],
) -> Delta | None:
    """A rebuild from the records of the last build of `out`, when they hold: same key, the folder as
    that build left it (its digest as `carried` finds it, checked before the swap). Unchanged articles: same stat
    as then (and, when that stat is as recent as the build, same content), found from the last manifest's
    articles; the records are read as they are carried over."""
    if prior.key != key:
        return None
    stored = _load(cache_dir, out, prior.started_ns, "corpus", Stored)
    kept = layered.stream(cache_dir, out, prior.started_ns, "records")
    folder = Path(os.path.realpath(out))
    if stored is None or kept is None or not prior.digest or not prior.facts:
        return None
    listed = layered.stream(cache_dir, out, prior.started_ns, "articles")
    if listed is None:
        return None
    try:
        names = names_of(files)
        unchanged, replaced, recent = _compare(listed.items(), files, names, stats, prior.started_ns)
    except layered.DAMAGED:
        return None
    parts = Store.open(manifest.beside(cache_dir, out, prior.started_ns, "parts"), prior.started_ns)
    if parts is None:
        return None
    lint = Kept.open(manifest.beside(cache_dir, out, prior.started_ns, "lint"), prior.started_ns)
    if lint is None:
        parts.close()
        return None
    digests = (prior.digest, carried)
    last = (folder, stored, kept, listed, unchanged, replaced, prior.started_ns, parts, lint)
    return Delta(*last, digests=digests, facts=prior.facts, recent=recent)


def _compare(
    listed: Iterator[tuple[str, Any]], files: Sequence[Path], names: Sequence[str], stats: manifest.Stats, build: int
) -> tuple[bytearray, dict[str, manifest.Article], dict[str, manifest.Article]]:
    """The unchanged articles (same stat as the last build saw, and, when that stat is as recent as the
    build, same content) marked by their file's place, the others' manifest entries, and the entries of the
    unchanged ones as recent as the build (`Delta.recent`). Both are in build order (by name), walked side by side
    (ValueError for an entry that is not a manifest article)."""
    racy, i = build - RACY_NS, 0
    unchanged, replaced, recent = bytearray(len(files)), {}, {}
    for name, seen in listed:
        if not isinstance(seen, manifest.Article):
            raise ValueError(f"the manifest's articles hold {seen!r} as {name!r}")
        while i < len(names) and names[i] < name:
            i += 1
        same = i < len(names) and names[i] == name and stats[i] == seen.stat
        if same and seen.stat[2] < racy:
            unchanged[i] = 1
        elif same and sha256_of(files[i]) == seen.sha256:
            unchanged[i], recent[name] = 1, seen
        else:
            replaced[name] = seen
    return unchanged, replaced, recent


def contributions(folder: Path, gone: list[tuple[Record, int]]) -> list[Partitions]:
    """What the articles `gone` (changed or removed; with their offsets in the last kg.nq) added to the
    partitions: their graphs' lines, read back."""
    out = []
    with open(folder / CORPUS_FILE, "rb") as fh:
        for r, offset in gone:
            if r.graph is not None and r.nq:
                fh.seek(offset)
                out.append(Partitions().add(parse_quads(fh.read(r.nq)), r.graph.iri))
    return out


def carried(file: str, findings: list[Finding]) -> Carried:
    """An article's findings as a record keeps them: rows, sorted, once each."""
    return Carried.of(file, sorted({as_row(f) for f in findings}))
