"""The `kg` command: parses options, calls the library, renders results, maps errors to exit codes.

Exit codes: 0 clean; 1 validation failed (findings at or above --fail-on; for build, violations);
2 bad input or usage; 3 I/O or network failure.
"""

from __future__ import annotations

import re
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


@main.command(epilog=EXIT_CODES_HELP)
@_data_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("exports"), show_default=True,
              help="Export folder; replaced as a whole, never left half-written.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if the exports on disk differ from a fresh build.")
def build(data: Path, out: Path, check_only: bool) -> None:
    """Validate the facts, then write JSON-LD, HTML snippets, Turtle and kg.nq."""
    started = time.perf_counter()
    with _exit_codes():
        result, diff = run_build(data, out, write=not check_only)
    report = result.report
    _emit_report(report, "text", to_stderr=True)
    if report.fails(Severity.VIOLATION):
        _err(f"build failed: {report.count(Severity.VIOLATION)} violations; nothing was written")
        sys.exit(EXIT_FINDINGS)
    if diff is not None:
        if not diff.clean:
            for label, names in (("changed", diff.changed), ("missing", diff.missing), ("not built", diff.extra)):
                for name in names:
                    _err(f"  {label}: {out / name}")
            _err(f"{out} is stale: run 'kg build' and commit the result")
            sys.exit(EXIT_FINDINGS)
        _err(f"{out} is up to date ({len(result.files)} files)")
        return
    _err(f"{len(result.files)} files written to {out}/ in {time.perf_counter() - started:.2f} s")


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_data_option
@_format_option
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="Lowest severity that makes the command exit 1.")
def validate(paths: tuple[Path, ...], data: Path, fmt: str, fail_on: str) -> None:
    """Check facts files (default: every article in --data) against the schema and the shapes."""
    with _exit_codes(fmt):
        for p in paths:
            if not p.exists():
                raise InputError(f"{p}: no such file")
        corpus = load_corpus(data, only=sorted(paths) if paths else None)
        report = run_check(corpus).report
    _emit_report(report, fmt)
    if report.fails(Severity.parse(fail_on)):
        sys.exit(EXIT_FINDINGS)


# --- [extract] commands ---


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("article", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Write the draft to this file (never overwritten) instead of stdout.")
@click.option("--slug", default=None, help="The article's slug (default: derived from the treatment name).")
def extract(article: Path, out: Path | None, slug: str | None) -> None:
    """Draft a facts file from an article (HTML, Markdown or plain text), every fact with its quote.

    The draft is marked `draft: true`; kg build refuses it until a person has reviewed it and
    deleted that line."""
    from kg.extract import extract as run_extract
    from kg.extract import render_yaml
    from kg.fsio import write_new

    with _exit_codes():
        if slug is not None and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
            raise InputError(f"--slug {slug!r}: use lowercase letters and digits joined by single hyphens")
        draft = run_extract(article, slug)
        text = render_yaml(draft)
        if out is None:
            click.echo(text, nl=False)
        else:
            write_new(out, text.encode("utf-8"))
            _err(f"draft written to {out}: {len(draft.quotes())} facts to review, then delete 'draft: true'")
