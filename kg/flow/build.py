"""`validate` and `build`: a corpus through the per-article flow; a build also writes the exports.

A build streams: each article's bytes go straight to the new export folder (or, with write=False,
are compared with the folder on disk), and the folder is replaced as a whole, so it is never left
half-written. One article's failure never blocks the others: a failing article (findings at or above
`fail_on`, or a file that cannot be read) keeps its last good exports (kg.flow.keep) or, if new, gets
none; the report names it and the run still fails. Nothing is written when no article can be
published, or when a site-wide check (the @id lint across articles) fails.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.check import idlint
from kg.core.errors import InputError
from kg.core.fsio import TreeChecker, TreeDiff, TreeWriter
from kg.core.options import RunOptions
from kg.core.result import Result
from kg.flow import manifest, records, sitelint
from kg.flow.article import Illustration, Outcome, Wants
from kg.flow.assemble import Assembly
from kg.flow.corpus import Progress, Tally, outcomes
from kg.load.facts import Site, site_and_files


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
    for o in outcomes(site, files, options, Wants(illustration=illustrate), progress=progress):
        tally.accept(o)
    return Checked(tally.finish(site.base_iri), tally.illustrations)


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
    fresh build instead. shard=(k, n) builds only the files in shard k of n (1-based). With a cache,
    a rebuild after a few changes computes only them (kg.flow.records), with the same result."""
    prior = manifest.read(options.cache_dir, out) if options.cache_dir is not None and write else None
    last = manifest.up_to_date(data, out, options, shard, prior) if prior is not None and not illustrate else None
    if last is not None and options.cache_dir is not None:
        result = manifest.result(options.cache_dir, out, last)
        if result is not None:
            return BuildResult(result, files=last.counts[2], unchanged=True, recorded=last.started_ns)
    started = time.time_ns()
    site, files = site_and_files(data)
    if shard is not None:
        k, n = shard
        files = [p for p in files if manifest.shard_of(p, n) == k - 1]
    stats = manifest.Stats(files)  # before reading them: an edit now shows next time
    record = manifest.Manifest(manifest.key(data, out, options, shard) or "", started_ns=started)
    delta = None
    if prior is not None and options.cache_dir is not None and record.key and not illustrate:
        delta = records.plan(options.cache_dir, out, prior, record.key, files, stats)
    try:
        return _run(site, files, out, options, (write, illustrate, progress), (record, prior, delta), stats)
    except records.Stale:
        return _run(site, files, out, options, (write, illustrate, progress), (record, prior, None), stats)


def _run(
    site: Site,
    files: Sequence[Path],
    out: Path,
    options: RunOptions,
    how: tuple[bool, bool, Progress | None],
    manifests: tuple[manifest.Manifest, manifest.Manifest | None, records.Delta | None],
    stats: manifest.Stats,
) -> BuildResult:
    """One build into a new folder (or compared with the one on disk), and its manifest."""
    write, illustrate, progress = how
    record, prior, delta = manifests
    record.articles.clear()  # a rebuild from records that turned out stale may have begun it
    target: TreeWriter | TreeChecker = TreeWriter(out) if write else TreeChecker(out)
    if isinstance(target, TreeWriter):
        target.known = manifest.written(prior)
    wants = Wants(exports=True, illustration=illustrate)
    assembly: Assembly | None = None
    try:
        assembly = Assembly(site, target, options, record, (out, delta))
        tally, site_failed, ids = _stream(site, (files, stats), assembly, options, wants, progress, (prior, out))
        done = _finish(target, tally, site_failed)
    except BaseException:
        if assembly is not None:
            assembly.close()
        if isinstance(target, TreeWriter):
            target.abort()
        raise
    try:
        if options.cache_dir is not None and write:
            _remember(options.cache_dir, out, done, (record, assembly, ids), stats)
    finally:
        assembly.close()
        if isinstance(target, TreeWriter):
            target.finish()
    tally.raise_problems()  # exit 2 for unreadable files, after the others were written
    return done


def _remember(
    cache_dir: Path,
    out: Path,
    done: BuildResult,
    kept: tuple[manifest.Manifest, Assembly, tuple[dict[str, Any], set[str]] | None],
    stats: manifest.Stats,
) -> None:
    """Write the manifest of a build that replaced the folder and checked every file (else drop it), and
    the records a rebuild after a few changes starts from."""
    record, assembly, ids = kept
    count = assembly.articles.count if assembly.articles is not None else len(record.articles)
    if not done.files or done.result.problems or not stats.complete or count != len(stats) or not record.key:
        manifest.forget(cache_dir, out)
        return
    record.record(done.result, done.files, idlint.FAMILY)
    try:
        assembly.save(cache_dir, out, record.started_ns, ids)
    except OSError:
        manifest.forget(cache_dir, out)
        return
    if manifest.write(cache_dir, out, record, done.result, assembly.articles.pieces() if assembly.articles else ()):
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
    listed: tuple[Sequence[Path], manifest.Stats],
    assembly: Assembly,
    options: RunOptions,
    wants: Wants,
    progress: Progress | None,
    last: tuple[manifest.Manifest | None, Path],
) -> tuple[Tally, bool, tuple[dict[str, Any], set[str]] | None]:
    """Every article into the assembly (a failing one's last good files), void.ttl last. Returns the tally,
    whether nothing may be written (a site-wide check failed, or every article failed: the folder on
    disk then stays as it is, which keeps every last good export) and the @id summaries when they changed.
    `listed`: the facts files and their stats; `last`: the last build's manifest (its @id lint may still
    hold) and the export folder."""
    files, stats = listed
    mine: list[idlint.Summary] = []  # this run's @id summaries (kept with the manifest)
    (prior, out), delta, tally = last, assembly.delta, Tally(threshold=options.fail_on, summaries=mine)
    todo = files if delta is None else [p for p in files if p.name not in delta.unchanged]
    fresh: Iterator[Outcome] = outcomes(site, todo, options, wants, progress=progress)
    ahead = None
    if delta is not None and prior is not None and options.jobs > 1 and len(todo) <= 64:
        computed = list(fresh)  # a few changed articles first: the lint can start beside the assembly
        fresh = iter(computed)
        ahead = _ahead(site, files, computed, assembly, options, (prior, out))
    for i, p in enumerate(files):
        if delta is not None and p.name in delta.unchanged and prior is not None:
            assembly.unchanged(p.name, delta.unchanged[p.name], tally, prior.articles)
        else:
            assembly.fresh(next(fresh), tally, stats[i])
    failed = tally.failed or bool(tally.result.problems)
    lint, ids = assembly.record.lint_from(prior, assembly.manifest_articles()), None
    if ahead is not None:
        found = ahead.findings(mine)
        if lint is None and found is not None:
            lint, assembly.ids_kept = found, True
    if lint is None or delta is None:
        index = _summaries(files, assembly, mine, out, options)
        lint = lint if lint is not None else idlint.lint(index.values(), site.base_iri)
        ids = (index, {Path(s.file).name for s in mine})
    tally.finish(site.base_iri, lint)
    site_failed = (tally.failed and not failed) or (failed and assembly.published == 0)
    if not site_failed:
        assembly.write_void()
    return tally, site_failed, ids


def _ahead(
    site: Site,
    files: Sequence[Path],
    computed: list[Outcome],
    assembly: Assembly,
    options: RunOptions,
    last: tuple[manifest.Manifest, Path],
) -> sitelint.Ahead | None:
    """The site-wide lint started beside the assembly (kg.flow.sitelint), when the last build's may not
    hold (see Manifest.lint_from): a file added or removed, or a changed article's @id summary differs."""
    prior, out = last
    same = len(files) == len(prior.articles) and all(p.name in prior.articles for p in files)
    if same and all(o.ids is not None and prior.articles[Path(o.file).name].ids == o.ids.digest for o in computed):
        return None
    if assembly.delta is None or options.cache_dir is None:
        return None
    summaries = [o.ids for o in computed if o.ids is not None]
    order = [p.name for p in files]
    build = assembly.record.started_ns
    return sitelint.start(sitelint.Job(assembly.delta, options.cache_dir, out, build, summaries, order, site.base_iri))


def _summaries(
    files: Sequence[Path], assembly: Assembly, mine: list[idlint.Summary], out: Path, options: RunOptions
) -> dict[str, idlint.Summary]:
    """Every article's @id summary by facts file name, in build order: this run's, and (a rebuild) the
    last build's of the unchanged articles."""
    if assembly.delta is None or options.cache_dir is None:
        return {Path(s.file).name: s for s in mine}
    index = assembly.delta.summaries(options.cache_dir, out, mine)
    if index is None:
        raise records.Stale("the @id summaries of the last build are gone")
    return {p.name: index[p.name] for p in files if p.name in index}
