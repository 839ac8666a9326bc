"""The `kg` command: parses options, calls the library, renders results, maps errors to exit codes.

Exit codes: 0 clean; 1 validation failed (findings at or above --fail-on; for build, violations);
2 bad input or usage; 3 I/O or network failure.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from kg import __version__, diff, git, picture, render, template
from kg.diff import stale_summary
from kg.errors import InputError, KgError, NetworkError, OutputError
from kg.facts import load_valid
from kg.pipeline import Build, compile_article, illustrate
from kg.pipeline import build as run_build
from kg.pipeline import check as run_check
from kg.report import Report, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_IO = 0, 1, 2, 3
EXIT_CODES_HELP = """Exit codes: 0 clean; 1 findings at or above --fail-on (default: violations;
for build --check also stale exports); 2 bad input or usage (unreadable or schema-invalid facts, unknown
slug or revision, Graphviz missing for svg); 3 I/O or network failure."""


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
    help="Report format: text (people), json (docs/report.schema.json), junit, sarif, github "
         "(workflow annotations), html (one self-contained page).")
_fail_on_option: Callable[[Any], Any] = click.option(
    "--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation", show_default=True,
    help="Lowest severity that makes the command exit 1.")


def _prepare(result: Build, fmt: str, fail_on: str) -> Report:
    """What a format needs beyond the findings: paths from the repository root (sarif, github),
    pictures and JSON-LD (html)."""
    report = result.report
    report.threshold = Severity.parse(fail_on)
    if fmt in ("sarif", "github"):
        report.source_prefix = git.prefix()
    if fmt == "html":
        illustrate(result)
    return report


@click.group(epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="medkg")
def main() -> None:
    """medkg: facts of medical articles → validated knowledge graph → JSON-LD, Turtle, N-Quads."""


@main.command(epilog=EXIT_CODES_HELP)
@_data_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("exports"), show_default=True,
              help="Export folder; replaced as a whole, never left half-written.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if the exports on disk differ from a fresh build, saying how.")
@_format_option
@_fail_on_option
def build(data: Path, out: Path, check_only: bool, fmt: str, fail_on: str) -> None:
    """Validate the facts, then write JSON-LD, HTML snippets, Turtle and kg.nq.

    Nothing is written when a finding is at or above --fail-on (violations by default;
    --fail-on warning also refuses to publish pages with warnings)."""
    started = time.perf_counter()
    with _exit_codes(fmt):
        result, tree = run_build(data, out, write=not check_only, fail_on=Severity.parse(fail_on))
        report = _prepare(result, fmt, fail_on)
    _emit_report(report, fmt, to_stderr=True)
    if report.fails():
        _err(f"build failed: {_failing(report)} at or above {fail_on}; nothing was written")
        sys.exit(EXIT_FINDINGS)
    if tree is not None:
        if not tree.clean:
            for label, names in (("changed", tree.changed), ("missing", tree.missing), ("not built", tree.extra)):
                for name in names:
                    _err(f"  {label}: {out / name}")
                    if label == "changed":
                        for line in stale_summary(name, (out / name).read_bytes(), result.files[name]):
                            _err(f"      {line}")
            _err(f"{out} is stale: run 'kg build' and commit the result")
            sys.exit(EXIT_FINDINGS)
        _err(f"{out} is up to date ({len(result.files)} files)")
        return
    _err(f"{len(result.files)} files written to {out}/ in {time.perf_counter() - started:.2f} s")


def _failing(report: Report) -> str:
    counts = [f"{report.count(s)} {s.label}{'s' if report.count(s) != 1 else ''}"
              for s in sorted(Severity, reverse=True) if s >= report.threshold and report.count(s)]
    return ", ".join(counts)


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_data_option
@_format_option
@_fail_on_option
def validate(paths: tuple[Path, ...], data: Path, fmt: str, fail_on: str) -> None:
    """Check facts files (default: every article in --data) against the schema and the shapes.

    A facts file that breaks the schema is reported with the others' findings and makes the
    command exit 2 (bad input); otherwise findings at or above --fail-on make it exit 1."""
    with _exit_codes(fmt):
        for p in paths:
            if not p.exists():
                raise InputError(f"{p}: no such file")
        corpus, bad = load_valid(data, only=sorted(paths) if paths else None)
        result = run_check(corpus)
        result.report.extend(bad)
        report = _prepare(result, fmt, fail_on)
    _emit_report(report, fmt, to_stderr=bool(bad))
    if bad:
        sys.exit(EXIT_INPUT)
    if report.fails():
        sys.exit(EXIT_FINDINGS)


# --- [ci] commands ---

@main.command(epilog=EXIT_CODES_HELP)
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(sorted(diff.FORMATS)), default="text", show_default=True,
              help="text for people, markdown for a pull-request comment (with a Mermaid picture), json.")
@click.option("--exports", default="exports", show_default=True,
              help="Export folder inside a git revision (when OLD or NEW is a revision).")
def diff_command(old: str, new: str, fmt: str, exports: str) -> None:
    """What changed in the published facts between OLD and NEW, per article, in plain language.

    OLD and NEW are export folders, .nq or .ttl files, or git revisions (e.g. HEAD~1 HEAD).
    Built on comparing the medkg graphs, not the text. Exits 0 whether or not facts changed."""
    with _exit_codes():
        changes = diff.compare(diff.load_side(old, exports), diff.load_side(new, exports))
    click.echo(diff.FORMATS[fmt](changes), nl=False)


main.add_command(diff_command, name="diff")


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("slug")
@_data_option
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="File to write (default: <data>/articles/<slug>.yaml; '-' for stdout). Never overwritten.")
def init(slug: str, data: Path, out: Path | None) -> None:
    """Write a commented facts file for a new article, with every section, marked `draft: true`.

    The file is valid against the schema; `kg build` refuses it until a person has filled it in
    and deleted the draft line."""
    with _exit_codes():
        text = template.article(slug)
        if out is not None and str(out) == "-":
            click.echo(text, nl=False)
            return
        target = out or data / "articles" / f"{slug}.yaml"
        template.write_new(target, text)
    _err(f"wrote {target}: fill it in from the source article, then delete the line 'draft: true'")


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("slug")
@_data_option
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "svg"]), default="mermaid",
              show_default=True, help="mermaid (no install needed), dot (Graphviz source), svg (needs Graphviz).")
def show(slug: str, data: Path, fmt: str) -> None:
    """A picture of one article's graph: the treatment at the centre, edges named by the ontology,
    adverse effects coloured by seriousness."""
    with _exit_codes():
        corpus, bad = load_valid(data)
        found = next((a for a in corpus.articles if a.slug == slug), None)
        if found is None:
            broken = [f for f in bad if f.file.endswith((f"/{slug}.yaml", f"/{slug}.yml", f"/{slug}.json"))]
            if broken:
                raise InputError(f"article '{slug}' cannot be drawn until its facts file is fixed", broken)
            known = ", ".join(sorted(a.slug for a in corpus.articles)) or "none"
            raise InputError(f"no article with slug '{slug}' in {data} (articles: {known})")
        ag = compile_article(corpus, found).medkg
        pic = picture.build(ag.graph, ag.page)
        out = picture.mermaid(pic) if fmt == "mermaid" else picture.dot(pic)
        if fmt == "svg":
            out = picture.svg(out)
    click.echo(out, nl=False)
