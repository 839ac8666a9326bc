"""`kg build` and `kg validate`: the corpus through the per-article flow, reported in any format."""

from __future__ import annotations

import time
from pathlib import Path

import click

from kg.cli.exits import EXIT_CODES_HELP, Verdict, command
from kg.cli.options import data_option, format_option, run_options, run_options_of, shard_option
from kg.cli.output import context, emit, err, progress_bar
from kg.diff.diff import stale_lines
from kg.flow import build as flow


@click.command(epilog=EXIT_CODES_HELP)
@data_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("exports"), show_default=True,
              help="Export folder; replaced as a whole, never left half-written.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if the exports on disk differ from a fresh build, saying how.")
@format_option
@run_options
@click.option("--shard", callback=shard_option, metavar="K/N",
              help="Build only shard K of N (a stable split by file name), e.g. one CI job each.")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path), default=Path(".kg/cache"),
              show_default=True, help="Cache of per-article results for fast rebuilds.")
@click.option("--no-cache", is_flag=True, help="Recompute every article.")
@command(report="fmt")
def build(data: Path, out: Path, check_only: bool, fmt: str, fail_on: str, jobs: int, engine: str, profile: str,
          shard: tuple[int, int] | None, cache_dir: Path, no_cache: bool) -> Verdict:
    """Validate the facts, then write JSON-LD, HTML snippets, Turtle and kg.nq.

    Nothing is written when a finding is at or above --fail-on (violations by default;
    --fail-on warning also refuses to publish pages with warnings)."""
    started = time.perf_counter()
    options = run_options_of(fail_on=fail_on, jobs=jobs, engine=engine, profile=profile,
                             cache_dir=None if no_cache else cache_dir)
    with progress_bar(fmt == "text") as progress:
        done = flow.build(data, out, options, write=not check_only, shard=shard, illustrate=fmt == "html",
                          progress=progress)
    verdict = Verdict(done.result, options.fail_on, done.stale)
    emit(done.result, fmt, context(fmt, options.fail_on, done.illustrations), to_stderr=True)
    if done.result.failed(options.fail_on):
        err(f"build failed: {done.result.failing(options.fail_on)} at or above {fail_on}; nothing was written")
    elif done.diff is not None and done.stale:
        for line in stale_lines(out, done.diff):
            err(line)
        err(f"{out} is stale: run 'kg build' and commit the result")
    elif done.diff is not None:
        err(f"{out} is up to date ({done.files} files)")
    else:
        err(f"{done.files} files written to {out}/ in {time.perf_counter() - started:.2f} s")
    return verdict


@click.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@data_option
@format_option
@run_options
@command(report="fmt")
def validate(paths: tuple[Path, ...], data: Path, fmt: str, fail_on: str, jobs: int, engine: str,
             profile: str) -> Verdict:
    """Check facts files (default: every article in --data) against the schema and the shapes.

    A facts file that breaks the schema is reported with the others' findings and makes the
    command exit 2 (bad input); otherwise findings at or above --fail-on make it exit 1."""
    options = run_options_of(fail_on=fail_on, jobs=jobs, engine=engine, profile=profile)
    with progress_bar(fmt == "text") as progress:
        checked = flow.validate(data, options, only=sorted(paths) if paths else None, illustrate=fmt == "html",
                                progress=progress)
    result = checked.result
    emit(result, fmt, context(fmt, options.fail_on, checked.illustrations), to_stderr=bool(result.problems))
    return Verdict(result, options.fail_on)
