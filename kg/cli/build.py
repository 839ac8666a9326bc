"""`kg build` and `kg validate`: the corpus through the per-article flow, reported in any format."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import click

from kg.cli.exits import EXIT_CODES_HELP, Verdict, command
from kg.cli.options import data_option, format_option, run_options, shard_option
from kg.cli.output import context, emit, err, progress_bar
from kg.core.findings import Severity
from kg.core.options import RunOptions
from kg.core.result import Result
from kg.flow import manifest


@click.command(epilog=EXIT_CODES_HELP)
@command(report="fmt")
@data_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("exports"),
    show_default=True,
    help="Export folder; replaced as a whole, never left half-written.",
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; exit 1 if the exports on disk differ from a fresh build, saying how.",
)
@format_option
@run_options
@click.option(
    "--shard",
    callback=shard_option,
    metavar="K/N",
    help="Build only shard K of N (a stable split by file name), e.g. one CI job each.",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(path_type=Path),
    default=Path(".kg/cache"),
    show_default=True,
    help="Cache of per-article results for fast rebuilds.",
)
@click.option("--no-cache", is_flag=True, help="Recompute every article.")
def build(
    data: Path,
    out: Path,
    check_only: bool,
    fmt: str,
    options: RunOptions,
    shard: tuple[int, int] | None,
    cache_dir: Path,
    no_cache: bool,
) -> Verdict:
    """Validate the facts, then write JSON-LD, HTML snippets, Turtle and kg.nq.

    An article with a finding at or above --fail-on (violations by default; --fail-on warning also
    refuses pages with warnings) is not published: it keeps its last good exports (or gets none if
    new), every other article is written, and the command exits 1 naming it."""
    started = time.perf_counter()
    options = replace(options, cache_dir=None if no_cache else cache_dir)
    threshold = options.fail_on
    last = None if check_only or fmt == "html" else manifest.up_to_date(data, out, options, shard)
    if last is not None:  # nothing changed since the last build: its Result stands, nothing is written
        result = last.result()
        emit(result, fmt, context(fmt, threshold), to_stderr=True)
        _say(result, threshold, out, last.counts[2])
        err(f"{out}/ is up to date: no facts file changed since the last build ({time.perf_counter() - started:.2f} s)")
        return Verdict(result, threshold)
    from kg.flow import build as flow  # the whole flow: imported only when something is built

    with progress_bar(fmt == "text") as progress:
        done = flow.build(
            data, out, options, write=not check_only, shard=shard, illustrate=fmt == "html", progress=progress
        )
    emit(done.result, fmt, context(fmt, threshold, done.illustrations), to_stderr=True)
    if _say(done.result, threshold, out, done.files):
        pass
    elif done.diff is not None and done.stale:
        from kg.diff.diff import stale_lines

        for line in stale_lines(out, done.diff):
            err(line)
        err(f"{out} is stale: run 'kg build' and commit the result")
    elif done.diff is not None:
        err(f"{out} is up to date ({done.files} files)")
    else:
        err(f"{done.files} files written to {out}/ in {time.perf_counter() - started:.2f} s")
    return Verdict(done.result, threshold, done.stale)


def _say(result: Result, threshold: Severity, out: Path, files: int) -> bool:
    """Why a failing build published what it did; False when the build did not fail."""
    if not result.failed(threshold):
        return False
    kept = ", ".join(sorted({f.file for f in result.findings if f.rule == "build:kept-previous"}))
    failing = f"build failed: {result.failing(threshold)} at or above {threshold.label}"
    if files:
        written = f"the other articles were written to {out}/"
        err(f"{failing}; not published (their last good exports are kept): {kept}; {written}")
    else:
        err(f"{failing}; nothing was written (not published: {kept or 'the whole site, a site-wide finding'})")
    return True


@click.command(epilog=EXIT_CODES_HELP)
@command(report="fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@data_option
@format_option
@run_options
def validate(paths: tuple[Path, ...], data: Path, fmt: str, options: RunOptions) -> Verdict:
    """Check facts files (default: every article in --data) against the schema and the shapes.

    A facts file that breaks the schema is reported with the others' findings and makes the
    command exit 2 (bad input); otherwise findings at or above --fail-on make it exit 1."""
    from kg.flow import build as flow

    with progress_bar(fmt == "text") as progress:
        checked = flow.validate(
            data, options, only=sorted(paths) if paths else None, illustrate=fmt == "html", progress=progress
        )
    result = checked.result
    emit(result, fmt, context(fmt, options.fail_on, checked.illustrations), to_stderr=bool(result.problems))
    return Verdict(result, options.fail_on)
