"""The `kg` command: parses options, calls the library, renders results, maps errors to exit codes.

Exit codes: 0 clean; 1 validation failed (findings at or above --fail-on; for build, violations);
2 bad input or usage; 3 I/O or network failure.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from kg import __version__, render
from kg.errors import InputError, KgError, NetworkError, OutputError
from kg.facts import load_corpus
from kg.pipeline import build as run_build
from kg.pipeline import check as run_check
from kg.report import Report, Severity
from kg.validation import ENGINES

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_IO = 0, 1, 2, 3
EXIT_CODES_HELP = """Exit codes: 0 clean; 1 validation failed (violations, or findings at or above
--fail-on); 2 bad input or usage; 3 I/O or network failure."""


def _err(message: str) -> None:
    click.echo(message, err=True)


def _emit_report(report: Report, fmt: str, *, to_stderr: bool = False) -> None:
    """Reports are data (stdout); a text report that explains a failure is a message (stderr)."""
    stream = sys.stderr if to_stderr and fmt == "text" else sys.stdout
    if fmt == "text":
        click.echo(render.text(report, colour=stream.isatty()), nl=False, file=stream)
    else:
        click.echo(render.RENDERERS[fmt](report), nl=False)


@contextmanager
def _exit_codes(fmt: str = "text") -> Iterator[None]:
    """The one place where library errors become exit codes."""
    try:
        yield
    except InputError as e:
        if e.findings:
            _emit_report(Report(findings=e.findings), fmt, to_stderr=True)
        else:
            _err(f"error: {e}")
        sys.exit(EXIT_INPUT)
    except (OutputError, NetworkError) as e:
        _err(f"error: {e}")
        sys.exit(EXIT_IO)
    except KgError as e:  # pragma: no cover - every KgError subclass is handled above
        _err(f"error: {e}")
        sys.exit(EXIT_IO)


_data_option = click.option("--data", "data", type=click.Path(path_type=Path), default=Path("data"),
                             show_default=True, help="Folder with site.yaml and articles/.")
_format_option: Callable[[Any], Any] = click.option(
    "--format", "fmt", type=click.Choice(sorted(render.RENDERERS)), default="text", show_default=True,
    help="Report format (text goes to stderr, the others to stdout).")


@click.group(epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="medkg")
def main() -> None:
    """medkg: facts of medical articles → validated knowledge graph → JSON-LD, Turtle, N-Quads."""


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter("write K/N with 1 <= K <= N, e.g. 2/8")
    return int(k), int(n)


_engine_option = click.option("--engine", type=click.Choice(ENGINES), default="native", show_default=True,
                              help="SHACL engine: the compiled one, or pySHACL (the reference; slower).")


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing in CI logs."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(unit="article", file=sys.stderr, leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()


@main.command(epilog=EXIT_CODES_HELP)
@_data_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("exports"), show_default=True,
              help="Export folder; replaced as a whole, never left half-written.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if the exports on disk differ from a fresh build.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes (0: one per CPU). Output is the same bytes for any number.")
@click.option("--shard", callback=_shard, metavar="K/N",
              help="Build only shard K of N (a stable split by file name), e.g. one CI job each.")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path), default=Path(".kg/cache"),
              show_default=True, help="Cache of per-article results for fast rebuilds.")
@click.option("--no-cache", is_flag=True, help="Recompute every article.")
@_engine_option
def build(data: Path, out: Path, check_only: bool, jobs: int, shard: tuple[int, int] | None, cache_dir: Path,
          no_cache: bool, engine: str) -> None:
    """Validate the facts, then write JSON-LD, HTML snippets, Turtle and kg.nq."""
    started = time.perf_counter()
    with _exit_codes(), _progress(True) as progress:
        result = run_build(data, out, write=not check_only, jobs=jobs or os.cpu_count() or 1, engine=engine,
                           shard=shard, cache_dir=None if no_cache else cache_dir, progress=progress)
    report = result.report
    _emit_report(report, "text", to_stderr=True)
    if report.fails(Severity.VIOLATION):
        _err(f"build failed: {report.count(Severity.VIOLATION)} violations; nothing was written")
        sys.exit(EXIT_FINDINGS)
    if result.diff is not None:
        diff = result.diff
        if not diff.clean:
            for label, names in (("changed", diff.changed), ("missing", diff.missing), ("not built", diff.extra)):
                for name in names:
                    _err(f"  {label}: {out / name}")
            _err(f"{out} is stale: run 'kg build' and commit the result")
            sys.exit(EXIT_FINDINGS)
        _err(f"{out} is up to date ({result.files} files)")
        return
    _err(f"{result.files} files written to {out}/ in {time.perf_counter() - started:.2f} s")


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_data_option
@_format_option
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="Lowest severity that makes the command exit 1.")
@_engine_option
def validate(paths: tuple[Path, ...], data: Path, fmt: str, fail_on: str, engine: str) -> None:
    """Check facts files (default: every article in --data) against the schema and the shapes."""
    with _exit_codes(fmt):
        for p in paths:
            if not p.exists():
                raise InputError(f"{p}: no such file")
        corpus = load_corpus(data, only=sorted(paths) if paths else None)
        report = run_check(corpus, engine).report
    _emit_report(report, fmt)
    if report.fails(Severity.parse(fail_on)):
        sys.exit(EXIT_FINDINGS)
