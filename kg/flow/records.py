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
folder is exactly as that build left it (the stat of every file); otherwise the build runs in full.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.core.findings import Finding, Row, as_row, from_row
from kg.export.dataset import CORPUS_FILE, FileInfo, GraphSummary, Partitions
from kg.flow import layered, manifest
from kg.flow.article import Outcome
from kg.flow.folder import digest_of
from kg.flow.keep import parse_quads
from kg.flow.partstore import Store
from kg.flow.sitelint import Kept
from kg.load.yamlloc import Position


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
    findings: tuple[Row, ...]  # sorted, once each
    failing: bool  # not published: its last good exports (`files`, its block of kg.nq), if any, kept
    files: tuple[str, ...]  # its files in the export folder
    nq: int  # bytes of its block in kg.nq (0: none)
    graph: GraphSummary | None  # its graph as void.ttl describes it (None: not in kg.nq)
    void: str  # its part of void.ttl

    def outcome(self, findings: bool = False) -> Outcome:
        """What the run's Tally counts of it but its @id summary (it stays in the lint's index), and its
        findings only when asked (else they are carried as rows: Tally.accept)."""
        found = [from_row(r) for r in self.findings] if findings else []
        at = Position(*self.slug_at)
        return Outcome(self.file, self.slug, found, [], at, self.sha256, self.graph_iri, self.triples, None, self.page)


@dataclass
class Stored:
    """A build's records: the bundled part of kg.nq and void.ttl, then every article in build order."""

    head: int  # bytes of kg.nq before the first article (the ontology and shapes graphs)
    bundled: list[GraphSummary]
    files: list[FileInfo]  # the ontology and shape files
    records: dict[str, Record] = field(default_factory=dict)  # by facts file name, in build order


@dataclass
class Delta:
    """A rebuild from the last build's records: the names of the unchanged articles, the rest to compute.
    The records are read from disk in build order as the build asks for them, never held whole."""

    folder: Path  # the export folder as the last build left it
    stored: Stored  # its corpus-wide part (no records)
    kept: layered.Stream  # its records
    unchanged: set[str]
    build: int  # the last build's id (its files beside the manifest)
    parts: Store  # the last build's partitions
    removed: list[Partitions]  # what the changed and removed articles added to them
    lint: Kept  # the last build's @id lint index
    _reading: Iterator[tuple[str, Record, int]] | None = field(default=None, repr=False)

    @property
    def layered(self) -> set[str]:
        """The records changed since their base (kg.flow.layered)."""
        return self.kept.changed

    def records(self) -> Iterator[tuple[str, Record, int]]:
        """Every last-build article's record and the offset of its block of kg.nq (blocks lie in build
        order after the bundled graphs), read anew."""
        return _placed(self.stored.head, self.kept)

    def take(self, name: str) -> tuple[Record, int]:
        """An unchanged article's record and offset, read on from the last one taken (build order)."""
        if self._reading is None:
            self._reading = self.records()
        for n, r, at in self._reading:
            if n == name:
                return r, at
        raise KeyError(name)

    def graph_index(self) -> dict[bytes, list[tuple[int, int]]]:
        """Where each named graph's lines lie in the last kg.nq (for kg.flow.keep.Earlier)."""
        return {r.graph.iri.encode(): [(at, at + r.nq)] for _, r, at in self.records() if r.graph is not None and r.nq}


def _placed(head: int, kept: layered.Stream) -> Iterator[tuple[str, Record, int]]:
    at = head
    for name, r in kept.items():
        yield name, r, at
        at += r.nq


def _load(cache_dir: Path, out: Path, build: int, what: str, kind: type) -> Any:
    value = layered.value(manifest.beside(cache_dir, out, build, what))
    return value if isinstance(value, kind) else None


def save(
    cache_dir: Path,
    out: Path,
    build: int,
    stored: Stored,
    last: tuple[int, set[str], layered.Stream] | layered.Log[Record],
) -> None:
    """A build's records: the corpus-wide part whole, the articles' layered (`last`: the last build's id, the
    names changed since its base and this build's records; see kg.flow.layered), or (a full build) its Log
    as the base."""
    corpus = Stored(stored.head, stored.bundled, stored.files)
    manifest.put(manifest.beside(cache_dir, out, build, "corpus"), pickle.dumps(corpus, pickle.HIGHEST_PROTOCOL))
    if isinstance(last, layered.Log):
        manifest.put(manifest.beside(cache_dir, out, build, "records"), last.pieces())
    else:
        layered.write(cache_dir, out, build, "records", last[2], (last[0], last[1]))


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
    racy = prior.started_ns - 2_000_000_000
    unchanged = set()
    for i, p in enumerate(files):
        seen = prior.articles.get(p.name)
        if seen is None or stats[i] != seen.stat:
            continue
        if seen.stat[2] >= racy and manifest.sha256_of(p) != seen.sha256:
            continue
        unchanged.add(p.name)
    gone, count = [], 0
    try:
        for name, r, at in _placed(stored.head, kept):
            count += 1
            if name not in prior.articles:
                return None
            if name not in unchanged:
                gone.append((r, at))
    except layered.DAMAGED:
        return None
    if count != len(prior.articles):
        return None
    parts = Store.open(manifest.beside(cache_dir, out, prior.started_ns, "parts"), prior.started_ns)
    if parts is None:
        return None
    lint = Kept.open(manifest.beside(cache_dir, out, prior.started_ns, "lint"), prior.started_ns)
    if lint is None:
        parts.close()
        return None
    return Delta(folder, stored, kept, unchanged, prior.started_ns, parts, contributions(folder, gone), lint)


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


def rows(findings: list[Finding]) -> tuple[Row, ...]:
    """An article's findings as a record keeps them: rows, sorted, once each."""
    return tuple(sorted({as_row(f) for f in findings}))
