"""What a build keeps of each article beside its manifest, so that a rebuild after a few changed facts
files reads nothing of the unchanged articles but these records.

Per article (`Record`): its findings, counts and page, the names of its files in the export folder,
the length of its block in kg.nq (blocks lie in build order after the bundled graphs, so offsets are
running sums), how void.ttl describes its graph and its part of void.ttl as rendered (written as a layer
over the last full write: kg.flow.layered; a full build writes them to disk as they arrive,
kg.flow.layered.Log). Beside them: the class and property partitions of the whole kg.nq with a count
per subject, so an article's contribution can be taken out again (SQLite: kg.flow.partstore), and the
site-wide @id lint's index with its findings (kg.flow.sitelint).

A rebuild (`plan`) uses them only when the last build's manifest has the same key and the export
folder is exactly as that build left it (the digest of every file's stat); otherwise the build runs in
full. It reads them, and the manifest's articles beside them, a chunk at a time in build order
(kg.flow.layered.Stream), holding no record or manifest entry per unchanged article.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any

from kg.core.findings import Finding, as_row, from_row
from kg.core.listing import names_of
from kg.core.result import Carried
from kg.core.vouched import Vouched
from kg.export.dataset import CORPUS_FILE, FileInfo, GraphSummary, Partitions
from kg.flow import layered, manifest
from kg.flow.article import Outcome
from kg.flow.folder import RACY_NS, digest_of, sha256_of, stat_of
from kg.flow.keep import parse_quads
from kg.flow.partstore import Store
from kg.flow.sitelint import Kept
from kg.load.yamlloc import Position

CHUNK = 200
"""Records a pickle of the records file holds: a record is ~8 KB in memory (its findings, its part of
void.ttl), so a chunk read or written is ~2 MB, where `manifest.CHUNK` (2,000) made the rebuild's peak
~20 MB higher at any size."""


@dataclass(frozen=True)
class Record:
    """One article as the corpus-wide steps of a build need it."""

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
    void: str  # its part of void.ttl

    def outcome(self, findings: bool = False) -> Outcome:
        """What the run's Tally counts of it but its @id summary (it stays in the lint's index), and its
        findings only when asked (else they are carried as rows: Tally.accept)."""
        found = [from_row(r) for r in self.findings.rows()] if findings else []
        at = Position(*self.slug_at)
        return Outcome(self.file, self.slug, found, [], at, self.sha256, self.graph_iri, self.triples, None, self.page)


@dataclass
class Stored:
    """A build's records: the bundled part of kg.nq and void.ttl, then every article in build order."""

    head: int  # bytes of kg.nq before the first article (the ontology and shapes graphs)
    bundled: list[GraphSummary]
    files: list[FileInfo]  # the ontology and shape files
    records: dict[str, Record] = field(default_factory=dict)  # by facts file name, in build order


Placed = tuple[str, Record, int, manifest.Article]  # a record, its block's offset in kg.nq, its manifest entry


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
    removed: list[Partitions]  # what the changed and removed articles added to them
    lint: Kept  # the last build's @id lint index
    dropped: set[str]  # the last folder's files of the changed and removed articles (the others are linked)
    _reading: Iterator[Placed] | None = field(default=None, repr=False)

    def records(self) -> Iterator[Placed]:
        """Every last-build article, read anew."""
        return _placed(self.stored.head, self.kept, self.listed)

    def take(self, name: str) -> tuple[Record, int, manifest.Article]:
        """An unchanged article, read on from the last one taken (build order)."""
        if self._reading is None:
            self._reading = self.records()
        for n, r, at, a in self._reading:
            if n == name:
                return r, at, a
        raise KeyError(name)

    def taken(self) -> None:
        """Every unchanged article was taken: the chunk of records read last is let go (~25 MB)."""
        self._reading = None

    def known(self) -> Vouched:
        """The changed and removed articles' last files (a rebuild links the others as they are): their stat,
        as the last build left them (the folder's digest said so), and SHA-256, for kg.core.fsio.TreeWriter."""
        hashes = [(name, sha) for a in self.replaced.values() for name, sha in a.exports]
        stats = ((name, stat_of(self.folder / name)) for name, _ in hashes)
        return Vouched(((name, stat) for name, stat in stats if stat is not None), hashes)

    def graph_index(self) -> dict[bytes, list[tuple[int, int]]]:
        """Where each named graph's lines lie in the last kg.nq (for kg.flow.keep.Earlier)."""
        placed = self.records()
        return {r.graph.iri.encode(): [(at, at + r.nq)] for _, r, at, _ in placed if r.graph is not None and r.nq}


def _placed(head: int, kept: layered.Stream, listed: layered.Stream) -> Iterator[Placed]:
    """The records with their offsets (blocks lie in build order after the bundled graphs) and the manifest's
    articles beside them (ValueError when their names differ)."""
    at = head
    for (name, r), (listed_as, a) in zip_longest(kept.items(), listed.items(), fillvalue=("", None)):
        if name != listed_as or not isinstance(r, Record) or not isinstance(a, manifest.Article):
            raise ValueError(f"the records and the manifest differ at {name or listed_as!r}")
        yield name, r, at, a
        at += r.nq


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
    corpus = Stored(stored.head, stored.bundled, stored.files)
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
) -> Delta | None:
    """A rebuild from the records of the last build of `out`, when they hold: same key, the folder as
    that build left it. Unchanged articles: same stat as then (and, when that stat is as recent as the
    build, same content). The records are read once here, a chunk at a time, for the changed and removed
    articles' (what they added to the partitions comes out)."""
    if prior.key != key:
        return None
    stored = _load(cache_dir, out, prior.started_ns, "corpus", Stored)
    kept = layered.stream(cache_dir, out, prior.started_ns, "records")
    folder = Path(os.path.realpath(out))
    if stored is None or kept is None or not prior.digest or digest_of(folder) != prior.digest:
        return None
    listed = layered.stream(cache_dir, out, prior.started_ns, "articles")
    if listed is None:
        return None
    try:
        names = names_of(files)
        unchanged, replaced, gone = _compare(_placed(stored.head, kept, listed), files, names, stats, prior.started_ns)
    except layered.DAMAGED:
        return None
    parts = Store.open(manifest.beside(cache_dir, out, prior.started_ns, "parts"), prior.started_ns)
    if parts is None:
        return None
    lint = Kept.open(manifest.beside(cache_dir, out, prior.started_ns, "lint"), prior.started_ns)
    if lint is None:
        parts.close()
        return None
    removed = contributions(folder, gone)
    dropped = {name for r, _ in gone for name in r.files}
    return Delta(folder, stored, kept, listed, unchanged, replaced, prior.started_ns, parts, removed, lint, dropped)


def _compare(
    placed: Iterator[Placed], files: Sequence[Path], names: Sequence[str], stats: manifest.Stats, build: int
) -> tuple[bytearray, dict[str, manifest.Article], list[tuple[Record, int]]]:
    """The unchanged articles (same stat as the last build saw, and, when that stat is as recent as the
    build, same content) marked by their file's place, and the others' manifest entries and records with
    their offsets. Both are in build order (by name), walked side by side."""
    racy, i = build - RACY_NS, 0
    unchanged, replaced, gone = bytearray(len(files)), {}, []
    for name, r, at, seen in placed:
        while i < len(names) and names[i] < name:
            i += 1
        same = i < len(names) and names[i] == name and stats[i] == seen.stat
        if same and (seen.stat[2] < racy or sha256_of(files[i]) == seen.sha256):
            unchanged[i] = 1
        else:
            replaced[name] = seen
            gone.append((r, at))
    return unchanged, replaced, gone


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
