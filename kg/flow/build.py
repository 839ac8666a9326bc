"""`validate` and `build`: a corpus through the per-article flow; a build also writes the exports.

A build streams: each article's bytes go straight to the new export folder (or, with write=False,
are compared with the folder on disk), and the folder is replaced as a whole, so it is never left
half-written. One article's failure never blocks the others: a failing article (findings at or above
`fail_on`, or a file that cannot be read) keeps its last good exports (kg.flow.keep) or, if new, gets
none; the report names it and the run still fails. Nothing is written when no article can be
published, or when a site-wide check (the @id lint across articles) fails.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, Protocol

from kg.check import idlint
from kg.core.errors import InputError
from kg.core.fsio import TreeChecker, TreeDiff, TreeWriter
from kg.core.options import RunOptions
from kg.core.result import Result
from kg.export.dataset import CORPUS_FILE, VOID_FILE, FileInfo, GraphSummary, NamedGraph, Partitions
from kg.export.serialize import nquads
from kg.flow import keep, manifest
from kg.flow.article import Illustration, Outcome, Wants
from kg.flow.bundled import bundled_files, bundled_graphs
from kg.flow.corpus import Progress, Tally, outcomes
from kg.flow.dataset import description, source_of, void_file
from kg.graph.iris import Minter
from kg.load.facts import Site, Source, site_and_files


class _Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...


@dataclass
class Checked:
    """A run's Result, and (when asked for) each article's illustration by slug, for people."""

    result: Result
    illustrations: dict[str, Illustration] = field(default_factory=dict)


@dataclass
class BuildResult(Checked):
    files: int = 0  # written, or compared with the folder on disk
    diff: TreeDiff | None = None  # write=False: how the folder on disk differs from this build
    unchanged: bool = False  # nothing changed since the last build (its manifest): nothing was written
    recorded: int | None = None  # the id of the manifest this build left (its reports may be kept with it)

    @property
    def stale(self) -> bool:
        return self.diff is not None and not self.diff.clean


def validate(
    data: Path,
    options: RunOptions,
    *,
    only: list[Path] | None = None,
    illustrate: bool = False,
    progress: Progress | None = None,
) -> Checked:
    """Check a corpus (or just `only`) against the schema, every shape family and the @id lint.
    Files that cannot be checked are `result.problems`: a broken file does not hide what the
    shapes say about the others."""
    missing = [p for p in only or [] if not p.exists()]
    if missing:
        raise InputError(f"{missing[0]}: no such file")
    site, files = site_and_files(data, only)
    tally = Tally(threshold=options.fail_on)
    try:
        for o in outcomes(site, files, options, Wants(illustration=illustrate), progress=progress):
            tally.accept(o)
        return Checked(tally.finish(site.base_iri), tally.illustrations)
    except BaseException:
        tally.close()  # its stores on disk go now, not when it is collected
        raise


def build(
    data: Path,
    out: Path,
    options: RunOptions,
    *,
    write: bool = True,
    shard: tuple[int, int] | None = None,
    illustrate: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Validate then export a corpus. With input errors (InputError) or findings at or above
    `options.fail_on` nothing is written; with write=False the exports on disk are compared with a
    fresh build instead. shard=(k, n) builds only the files in shard k of n (1-based)."""
    last = manifest.up_to_date(data, out, options, shard) if write and not illustrate else None
    if last is not None and options.cache_dir is not None:
        result = manifest.result(options.cache_dir, out, last)
        if result is not None:
            return BuildResult(result, files=last.counts[2], unchanged=True, recorded=last.started_ns)
    started = time.time_ns()
    site, files = site_and_files(data)
    if shard is not None:
        k, n = shard
        files = [p for p in files if manifest.shard_of(p, n) == k - 1]
    stats = {p.name: manifest.stat_of(p) for p in files}  # before reading them: an edit now shows next time
    target: TreeWriter | TreeChecker = TreeWriter(out) if write else TreeChecker(out)
    record = manifest.Manifest(manifest.key(data, out, options, shard) or "", started_ns=started)
    prior = manifest.read(options.cache_dir, out) if options.cache_dir is not None and write else None
    if isinstance(target, TreeWriter):
        target.known = manifest.written(prior)
    try:
        tally, site_failed = _stream(
            site, files, target, out, options, Wants(exports=True, illustration=illustrate), progress, (record, prior)
        )
        done = _finish(target, tally, site_failed)
    except BaseException:
        if isinstance(target, TreeWriter):
            target.abort()
        raise
    if options.cache_dir is not None and write:
        _remember(options.cache_dir, out, done, record, stats)
    tally.raise_problems()  # exit 2 for unreadable files, after the others were written
    return done


def _remember(
    cache_dir: Path, out: Path, done: BuildResult, record: manifest.Manifest, stats: dict[str, manifest.Stat | None]
) -> None:
    """Write the manifest of a build that replaced the folder and checked every file (else drop it)."""
    folder = manifest.folder_stats(Path(os.path.realpath(out)))
    articles = {n: replace(a, stat=s) for n, a in record.articles.items() if (s := stats.get(n)) is not None}
    if not done.files or done.result.problems or folder is None or len(articles) != len(stats) or not record.key:
        manifest.forget(cache_dir, out)
        return
    record.articles, record.exports = articles, folder
    record.record(done.result, done.files, idlint.FAMILY)
    if manifest.write(cache_dir, out, record, done.result):
        done.recorded = record.started_ns


def _finish(target: TreeWriter | TreeChecker, tally: Tally, site_failed: bool) -> BuildResult:
    """Compare, or replace the export folder as a whole, or (a site-wide failure) write nothing."""
    done = BuildResult(tally.result, tally.illustrations)
    if isinstance(target, TreeChecker):
        done.files, done.diff = target.count, None if tally.failed else target.diff()
    elif site_failed:
        target.abort()
    else:
        target.commit()
        done.files = target.count
    return done


def _stream(
    site: Site,
    files: Sequence[Path],
    target: TreeWriter | TreeChecker,
    out: Path,
    options: RunOptions,
    wants: Wants,
    progress: Progress | None,
    manifests: tuple[manifest.Manifest, manifest.Manifest | None],
) -> tuple[Tally, bool]:
    """Every article's files into `target` (a failing one's last good files), kg.nq as it goes, void.ttl
    last. Returns the tally and whether nothing may be written: a site-wide check failed, or every
    article failed (the folder on disk then stays as it is, which keeps every last good export).
    `manifests`: this build's, filled in as it goes, and the last one (its @id lint may still hold)."""
    tally, (record, prior) = Tally(threshold=options.fail_on), manifests
    bundled = bundled_graphs(options.cache_dir)
    summaries = [GraphSummary(g.iri, len(g), g.kind) for g in bundled]
    sources: dict[str, Source] = {}
    partitions = Partitions()
    nq = _Counted(target.open(CORPUS_FILE))
    infos = _bundled(target, nq, bundled, partitions)
    published, earlier = 0, keep.Earlier(out)
    for o in outcomes(site, files, options, wants, progress=progress):
        problems = len(tally.result.problems)
        tally.accept(o)
        if len(tally.result.problems) > problems or any(f.severity >= options.fail_on for f in o.findings):
            slug = o.slug or Path(o.file).stem
            kept = earlier.kept(slug, o.graph_iri or Minter(site.base_iri).graph(slug))
            if o.slug is not None and o.file != tally.owner(o.slug):  # a second file with a used slug
                kept = None
            tally.result.extend([keep.notice(o.file, o.slug_at.line, o.slug_at.column, slug, kept, options.fail_on)])
            if o.slug is not None:
                _note(record, o, [])
            if kept is not None:
                for name, content in kept.files.items():
                    target.add(name, content)
                nq.write(kept.quads)
                summaries.append(GraphSummary(kept.graph_iri, kept.triples, "article"))
                partitions.add(kept.graph(), kept.graph_iri)
            continue
        mine = [FileInfo.of(name, content) for name, content in o.files.items()]
        for info, content in zip(mine, o.files.values(), strict=True):
            target.add(info.name, content, info.sha256)
        infos += mine
        _note(record, o, mine)
        nq.write(o.quads)
        summaries.append(GraphSummary(o.graph_iri, o.triples, "article"))
        sources[o.graph_iri] = source_of(o)
        if o.partitions is not None:
            partitions.merge(o.partitions)
        published += 1
    failed = tally.failed or bool(tally.result.problems)
    tally.finish(site.base_iri, record.lint_from(prior))
    site_failed = (tally.failed and not failed) or (failed and published == 0)
    if not site_failed:
        files_ = (nq.info(CORPUS_FILE), *sorted(infos, key=lambda f: f.name))
        target.add(VOID_FILE, void_file(description(site, summaries, sources, files=files_, partitions=partitions)))
    return tally, site_failed


def _bundled(
    target: TreeWriter | TreeChecker, nq: _Counted, bundled: tuple[NamedGraph, ...], partitions: Partitions
) -> list[FileInfo]:
    """The ontology and shapes: kg.nq's first graphs, and their files as they are."""
    for g in bundled:
        nq.write(nquads(g.iri, g.triples))
        partitions.add(g.triples, g.iri)
    infos = []
    for name, content in bundled_files().items():
        target.add(name, content)
        infos.append(FileInfo.of(name, content))
    return infos


def _note(record: manifest.Manifest, o: Outcome, files: list[FileInfo]) -> None:
    """What the manifest keeps of an article (its facts file's stat is taken before the build)."""
    ids = o.ids.digest if o.ids is not None else ""
    exports = tuple((f.name, f.sha256) for f in files)
    record.articles[Path(o.file).name] = manifest.Article(
        (0, 0, 0), o.sha256, o.slug or "", exports, manifest.summary_counts(o.findings), ids
    )


class _Counted:
    """A stream that counts and hashes what it writes (kg.nq's size and SHA-256 for the description)."""

    def __init__(self, sink: BinaryIO | _Sink) -> None:
        self.sink, self.size, self.hash = sink, 0, hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.sink.write(data)
        self.size += len(data)
        self.hash.update(data)

    def info(self, name: str) -> FileInfo:
        return FileInfo(name, self.size, self.hash.hexdigest())
