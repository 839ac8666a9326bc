"""`validate` and `build`: a corpus through the per-article flow; a build also writes the exports.

A build streams: each article's bytes go straight to the new export folder (or, with write=False,
are compared with the folder on disk), and the folder is replaced as a whole, so it is never left
half-written. One article's failure never blocks the others: a failing article (findings at or above
`fail_on`, or a file that cannot be read) keeps its last good exports (kg.flow.keep) or, if new, gets
none; the report names it and the run still fails. Nothing is written when no article can be
published, or when a site-wide check (the @id lint across articles) fails.

This module is the flow's front door and imports little; the flow itself (kg.flow.run) is imported when it
runs. A rebuild first starts a child linking the last export folder's files into the new one, so that work
goes on beside the flow's imports (~0.2 s) and the reading of the facts and the records.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from kg.core import offload
from kg.core.fsio import TreeWriter
from kg.core.options import RunOptions
from kg.export.files import CORPUS_FILE, VOID_FILE
from kg.flow import manifest
from kg.flow.built import BuildResult, Checked
from kg.flow.folder import Digest

if TYPE_CHECKING:
    from kg.flow.corpus import Progress


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
    from kg.flow import run  # the flow itself, imported when it runs

    return run.validate(data, options, only, illustrate, progress)


def build(
    data: Path,
    out: Path,
    options: RunOptions,
    *,
    write: bool = True,
    shard: tuple[int, int] | None = None,
    illustrate: bool = False,
    progress: Progress | None = None,
    changed: bool = False,
    wait: bool = True,
) -> BuildResult:
    """Validate then export a corpus. With input errors (InputError) or findings at or above
    `options.fail_on` nothing is written; with write=False the exports on disk are compared with a
    fresh build instead. shard=(k, n) builds only the files in shard k of n (1-based). With a cache,
    a rebuild after a few changes computes only them (kg.flow.records), with the same result.
    `changed`: the caller found the last build out of date (manifest.up_to_date), so it is not asked again;
    `wait=False`: the replaced folder is still being removed on return, until the caller's `finish()`."""
    prior = manifest.head(options.cache_dir, out) if options.cache_dir is not None and write else None
    check = prior is not None and not illustrate and not changed
    last = manifest.up_to_date(data, out, options, shard, prior) if check else None
    if last is not None and options.cache_dir is not None:
        result = manifest.result(options.cache_dir, out, last)
        if result is not None:
            return BuildResult(result, files=last.counts[2], unchanged=True, recorded=last.started_ns)
    record = manifest.Manifest(manifest.key(data, out, options, shard) or "", started_ns=time.time_ns())
    rebuild = prior is not None and options.cache_dir is not None and record.key == prior.key != "" and not illustrate
    target = _carried_over(out, prior) if rebuild and prior is not None else None
    try:
        from kg.flow import run  # the flow itself, imported while the child links
    except BaseException:
        if target is not None:
            target.abort()
        raise
    return run.build(data, out, options, (write, illustrate, progress, wait), shard, (record, prior, target))


def _carried_over(out: Path, prior: manifest.Manifest) -> TreeWriter:
    """A rebuild's new folder, into which a child links the last folder's files from now on, beside the flow's
    imports and the reading of the facts and the records (~0.3 s at 10,000 articles before the first article is
    carried), taking the last folder's digest as it goes for the records' check (`Delta.holds`). The files the
    rebuild writes anew replace their links."""
    target = TreeWriter(out)
    if target.previous is not None:
        target.carry_over((CORPUS_FILE, VOID_FILE), lambda found: Digest().of(found), offload.worth(prior.counts[2]))
    return target
