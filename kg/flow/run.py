"""The per-article flow over a corpus, as kg.flow.build (its front door, which imports this when it runs) asks:
every article through kg.flow.corpus, its exports streamed into a new folder (kg.flow.assemble), a rebuild
carrying the unchanged articles over from the last build's records (kg.flow.records), and the manifest kept.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path

from kg.core.errors import InputError, OutputError
from kg.core.fsio import TreeWriter
from kg.core.listing import names_of
from kg.core.options import RunOptions
from kg.core.treecheck import TreeChecker
from kg.flow import layered, manifest, records
from kg.flow.article import Outcome, Wants
from kg.flow.assemble import Assembly
from kg.flow.built import BuildResult, Checked
from kg.flow.corpus import Progress, Tally, outcomes
from kg.load.facts import Site, site_and_files


def validate(
    data: Path, options: RunOptions, only: list[Path] | None, illustrate: bool, progress: Progress | None
) -> Checked:
    """kg.flow.build.validate."""
    missing = [p for p in only or [] if not p.exists()]
    if missing:
        raise InputError(f"{missing[0]}: no such file")
    site, files = site_and_files(data, only)
    tally = Tally(threshold=options.fail_on)
    for o in outcomes(site, files, options, Wants(illustration=illustrate), progress=progress):
        tally.accept(o)
    return Checked(tally.finish(), tally.illustrations)


def build(
    data: Path,
    out: Path,
    options: RunOptions,
    how: tuple[bool, bool, Progress | None, bool],
    shard: tuple[int, int] | None,
    planned: tuple[manifest.Manifest, manifest.Manifest | None, TreeWriter | None],
) -> BuildResult:
    """kg.flow.build.build, from the manifest it begins (`planned`: with the last build's, and a rebuild's new
    folder, carried over from the last one), once it found the last build out of date."""
    record, prior, target = planned
    try:
        site, files = site_and_files(data)
        if shard is not None:
            files = [p for p in files if manifest.shard_of(p.name, shard)]
        stats = manifest.Stats(files)  # before reading them: an edit now shows next time
        delta = None
        if target is not None and prior is not None and options.cache_dir is not None:
            delta = records.plan(options.cache_dir, out, prior, record.key, files, stats, target.carried)
    except BaseException:
        if target is not None:
            target.abort()
        raise
    if delta is None or target is None:
        if target is not None:
            target.abort()
        return _run(site, files, out, options, how, (record, prior, None), stats)
    stats.keeping(i for i, same in enumerate(delta.unchanged) if not same)
    try:
        return _run(site, files, out, options, how, (record, prior, delta), stats, target)
    except records.Unusable:  # found while carrying over, before any swap: nothing was changed; in full
        record = manifest.Manifest(record.key, started_ns=time.time_ns())
        return _run(site, files, out, options, how, (record, prior, None), manifest.Stats(files))
    finally:
        delta.close()
        target.abort()  # nothing when it was swapped in


def _run(
    site: Site,
    files: Sequence[Path],
    out: Path,
    options: RunOptions,
    how: tuple[bool, bool, Progress | None, bool],
    manifests: tuple[manifest.Manifest, manifest.Manifest | None, records.Delta | None],
    stats: manifest.Stats,
    made: TreeWriter | None = None,
) -> BuildResult:
    """One build into a new folder (`made`, a rebuild's, or one made now) or compared with the one on disk,
    and its manifest."""
    write, illustrate, progress, wait = how
    record, prior, delta = manifests
    target: TreeWriter | TreeChecker = made if made is not None else TreeWriter(out) if write else TreeChecker(out)
    if isinstance(target, TreeWriter) and options.cache_dir is not None:
        target.keep_aside(manifest.aside(options.cache_dir, out))
    if isinstance(target, TreeWriter) and delta is not None and options.cache_dir is not None:
        target.known, target.dropped = delta.known(), delta.dropped
        target.keep_names(manifest.beside(options.cache_dir, out, record.started_ns, "names.tmp"))
    elif isinstance(target, TreeWriter) and options.cache_dir is not None:  # a full build offers its last files
        target.known = layered.vouched(options.cache_dir, out, prior)
    wants = Wants(exports=True, illustration=illustrate)
    assembly: Assembly | None = None
    try:
        assembly = Assembly(site, target, options, record, (out, delta))
        tally, site_failed = _stream(site, (files, stats), assembly, options, wants, progress, prior)
        if delta is not None and not site_failed:
            delta.holds()  # the last folder as the last build left it (else Unusable: a full build)
        done = _finish(target, tally, site_failed)
    except BaseException as e:
        if isinstance(target, TreeWriter):
            target.abort()  # first: its kg.nq may still be copying from the last one, which the assembly holds
        if assembly is not None:
            assembly.close()
        _drop_names(target)
        if delta is not None and isinstance(e, OutputError):
            delta.holds()  # kg.nq or void.ttl copied from a folder changed since: Unusable, built in full
        raise
    try:
        if delta is not None and prior is not None and options.cache_dir is not None:  # before its files go
            _before(done, manifest.kept(options.cache_dir, out, prior.started_ns, manifest.GATHERING), delta)
        if options.cache_dir is not None and write:
            keep = None
            if delta is not None and prior is not None:
                keep = partial(_exports, options.cache_dir, out, target, (delta, prior, record.started_ns))
            _remember(options.cache_dir, out, done, (record, assembly, keep), stats)
    finally:
        assembly.close()
        if isinstance(target, TreeWriter):
            _drop_names(target)
            done.finish = target.finish
            if wait:
                target.finish()
    tally.raise_problems()  # exit 2 for unreadable files, after the others were written
    return done


def _before(done: BuildResult, gathering: bytes | None, delta: records.Delta) -> None:
    """`done.before`: the last build's gathering, as kept, and the findings of the articles not carried over."""
    left = delta.rows_left() if gathering is not None else None
    if gathering is not None and left is not None:
        done.before = (gathering, left)


def _remember(
    cache_dir: Path,
    out: Path,
    done: BuildResult,
    kept: tuple[manifest.Manifest, Assembly, Callable[[], str | None] | None],
    stats: manifest.Stats,
) -> None:
    """Write the manifest of a build that replaced the folder and checked every file (else drop it), and
    the records a rebuild after a few changes starts from (`kept`: and a rebuild's way to keep its files'
    stats as a layer, giving their digest; else, or when it gives None, the folder is scanned)."""
    record, assembly, keep_exports = kept
    count, articles = assembly.manifest_articles()
    if not done.files or done.result.problems or not stats.complete or count != len(stats) or not record.key:
        manifest.forget(cache_dir, out)
        return
    record.record(done.result, done.files)
    try:
        assembly.save(cache_dir, out, record.started_ns)
    except OSError:
        manifest.forget(cache_dir, out)
        return
    exports = keep_exports() if keep_exports is not None else None
    if manifest.write(cache_dir, out, record, done.result, articles, exports, assembly.facts):
        done.recorded = record.started_ns


def _exports(
    cache_dir: Path, out: Path, target: TreeWriter | TreeChecker, last: tuple[records.Delta, manifest.Manifest, int]
) -> str | None:
    """A rebuild's export files' stats kept as a layer over the last build's (kg.flow.layered.rebuilt_exports):
    those it wrote, stat'ed by the names it kept as they came; its links keep the stats they had. Their
    digest; None (the folder is then scanned) when they are many, or one cannot be read."""
    assert isinstance(target, TreeWriter) and target.names is not None, "a rebuild keeps the names it wrote"
    delta, prior, build = last
    if target.names.count + len(delta.dropped) > max(layered.FEW, target.count // 20):
        return None
    written: dict[str, manifest.Stat] = {}
    try:
        folder = os.open(os.path.realpath(out), os.O_RDONLY)
        try:
            for name in target.names.items():  # by the folder's descriptor: a third cheaper than by path
                s = os.stat(name, dir_fd=folder, follow_symlinks=False)
                written[name] = (s.st_ino, s.st_size, s.st_mtime_ns)
        finally:
            os.close(folder)
        return layered.rebuilt_exports(cache_dir, out, build, prior, written, delta.dropped)
    except OSError:
        return None


def _drop_names(target: TreeWriter | TreeChecker) -> None:
    """A rebuild's file of the names it wrote, once its manifest is written (or it failed)."""
    if isinstance(target, TreeWriter) and target.names is not None:
        target.names.close()
        with contextlib.suppress(OSError):
            target.names.path.unlink()
        target.names = None


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
    prior: manifest.Manifest | None,
) -> tuple[Tally, bool]:
    """Every article into the assembly (a failing one's last good files), void.ttl last. Returns the tally
    and whether nothing may be written (a site-wide check failed, or every article failed: the folder on
    disk then stays as it is, which keeps every last good export). `listed`: the facts files and their
    stats; `prior`: the last build's manifest."""
    files, stats = listed
    delta = assembly.delta
    tally = Tally(threshold=options.fail_on, ids=assembly.lint.index if assembly.lint is not None else None)
    todo = files if delta is None else [files[i] for i, same in enumerate(delta.unchanged) if not same]
    fresh: Iterator[Outcome] = outcomes(site, todo, options, wants, progress=progress)
    names, i = names_of(files), 0  # the listing's names: no Path made for an unchanged article
    while i < len(files):
        if delta is not None and delta.unchanged[i] and prior is not None:  # a run of unchanged articles
            end = delta.unchanged.find(0, i, i + records.CHUNK)
            end = min(i + records.CHUNK, len(files)) if end < 0 else end
            assembly.unchanged(delta.take(names[i:end]), tally)
            i = end
        else:
            assembly.fresh(next(fresh), tally, stats[i])
            i += 1
    failed = tally.failed or bool(tally.result.problems)
    tally.finish()
    site_failed = (tally.failed and not failed) or (failed and assembly.published == 0)
    if not site_failed:
        assembly.write_void()
    return tally, site_failed
