"""`kg build` and `kg validate`: the corpus through the per-article flow, reported in any format."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import click

from kg.cli.exits import EXIT_CODES_HELP, Verdict, command
from kg.cli.options import data_option, format_option, run_options, shard_option
from kg.cli.output import context, emit, err, final, progress_bar, rendered, show
from kg.core.findings import Severity
from kg.core.options import RunOptions
from kg.core.result import Result, failing_words
from kg.flow import manifest
from kg.reports.context import RenderContext
from kg.reports.registry import GATHERED
from kg.reports.repeated import gathered, to_keep


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
    replayed = None if check_only or fmt == "html" else _replay(data, out, options, shard, fmt)
    if replayed is not None:
        err(f"{out}/ is up to date: no facts file changed since the last build ({time.perf_counter() - started:.2f} s)")
        return replayed
    from kg.flow import build as flow  # the whole flow: imported only when something is built

    with progress_bar(fmt == "text") as progress:
        done = flow.build(
            data,
            out,
            options,
            write=not check_only,
            shard=shard,
            illustrate=fmt == "html",
            progress=progress,
            changed=replayed is None and not check_only and fmt != "html",  # _replay asked: not up to date
            wait=False,  # the last folder is removed while the report is rendered
        )
    gathering = gathered(done.result, done.before) if fmt in GATHERED else None
    ctx = replace(final(fmt, context(fmt, threshold, done.illustrations), to_stderr=True), gathering=gathering)
    report = rendered(done.result, fmt, ctx, to_stderr=True)
    show(report, fmt, to_stderr=True)
    if done.recorded is not None and options.cache_dir is not None:
        manifest.keep_report(options.cache_dir, out, done.recorded, _how(fmt, ctx), report)
        if gathering is not None and (keeping := to_keep(done.result, gathering)) is not None:  # a rebuild's start
            manifest.keep(options.cache_dir, out, done.recorded, manifest.GATHERING, keeping)
    done.finish()  # the last folder's removal, begun before the report, is over (and in the time said)
    if done.result.failed(threshold):
        kept = ", ".join(sorted({f.file for f in done.result.added(rule=manifest.KEPT_RULE)}))
        _say(done.result.failing(threshold), threshold, kept, out, done.files)
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


def _how(fmt: str, ctx: RenderContext) -> str:
    """What a rendered report depends on besides the Result: its format and context."""
    return repr((fmt, int(ctx.threshold), ctx.source_prefix, ctx.colour))


def _replay(data: Path, out: Path, options: RunOptions, shard: tuple[int, int] | None, fmt: str) -> Verdict | None:
    """When nothing changed since the last build: its report (kept rendered, or rendered from its
    findings) and its verdict, with nothing built or written; None when a build must run."""
    last = manifest.up_to_date(data, out, options, shard)
    if last is None or options.cache_dir is None:
        return None
    threshold = options.fail_on
    ctx = final(fmt, context(fmt, threshold), to_stderr=True)
    report = manifest.report(options.cache_dir, out, last.started_ns, _how(fmt, ctx))
    result = None
    if report is None:
        result = manifest.result(options.cache_dir, out, last)
        if result is None:
            return None
        report = rendered(result, fmt, ctx, to_stderr=True)
        manifest.keep_report(options.cache_dir, out, last.started_ns, _how(fmt, ctx), report)
    show(report, fmt, to_stderr=True)
    counts = last.by_severity()
    failed = any(n for s, n in counts.items() if s >= threshold)
    if failed:
        _say(failing_words(counts, threshold), threshold, ", ".join(last.kept), out, last.counts[2])
    return Verdict(result or Result(articles=last.counts[0], triples=last.counts[1]), threshold, failed=failed)


def _say(failing: str, threshold: Severity, kept: str, out: Path, files: int) -> None:
    """Why a failing build published what it did."""
    failing = f"build failed: {failing} at or above {threshold.label}"
    if files:
        written = f"the other articles were written to {out}/"
        err(f"{failing}; not published (their last good exports are kept): {kept}; {written}")
    else:
        err(f"{failing}; nothing was written (not published: {kept or 'the whole site, a site-wide finding'})")


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
