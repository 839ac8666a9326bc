"""Commands for people who write facts: `kg init`, `kg show`, `kg extract`, `kg diff`."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.exits import EXIT_CODES_HELP, command
from kg.cli.options import data_option
from kg.cli.output import err
from kg.core.errors import InputError
from kg.core.fsio import write_new
from kg.core.options import RunOptions
from kg.diff import diff
from kg.export import picture
from kg.flow.draw import draw
from kg.load import template


@click.command(name="diff", epilog=EXIT_CODES_HELP)
@command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(diff.FORMATS)),
    default="text",
    show_default=True,
    help="text for people, markdown for a pull-request comment (with a Mermaid picture), json.",
)
@click.option(
    "--exports",
    default="exports",
    show_default=True,
    help="Export folder inside a git revision (when OLD or NEW is a revision).",
)
def diff_command(old: str, new: str, fmt: str, exports: str) -> None:
    """What changed in the published facts between OLD and NEW, per article, in plain language.

    OLD and NEW are export folders, .nq or .ttl files, or git revisions (e.g. HEAD~1 HEAD).
    Built on comparing the medkg graphs, not the text. Exits 0 whether or not facts changed."""
    changes = diff.compare(diff.load_side(old, exports), diff.load_side(new, exports))
    click.echo(diff.FORMATS[fmt](changes), nl=False)


@click.command(epilog=EXIT_CODES_HELP)
@command()
@click.argument("slug")
@data_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="File to write (default: <data>/articles/<slug>.yaml; '-' for stdout). Never overwritten.",
)
def init(slug: str, data: Path, out: Path | None) -> None:
    """Write a commented facts file for a new article, with every section, marked `draft: true`.

    The file is valid against the schema; `kg build` refuses it until a person has filled it in
    and deleted the draft line."""
    text = template.article(slug)
    if out is not None and str(out) == "-":
        click.echo(text, nl=False)
        return
    target = out or data / "articles" / f"{slug}.yaml"
    write_new(target, text.encode("utf-8"))
    err(f"wrote {target}: fill it in from the source article, then delete the line 'draft: true'")


@click.command(epilog=EXIT_CODES_HELP)
@command()
@click.argument("slug")
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot", "svg"]),
    default="mermaid",
    show_default=True,
    help="mermaid (no install needed), dot (Graphviz source), svg (needs Graphviz).",
)
def show(slug: str, data: Path, fmt: str) -> None:
    """A picture of one article's graph: the treatment at the centre, edges named by the ontology,
    adverse effects coloured by seriousness."""
    pic = draw(data, slug, RunOptions())
    out = picture.mermaid(pic) if fmt == "mermaid" else picture.dot(pic)
    click.echo(picture.svg(out) if fmt == "svg" else out, nl=False)


@click.command(epilog=EXIT_CODES_HELP)
@command()
@click.argument("article", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the draft to this file (never overwritten) instead of stdout.",
)
@click.option("--slug", default=None, help="The article's slug (default: derived from the treatment name).")
def extract(article: Path, out: Path | None, slug: str | None) -> None:
    """Draft a facts file from an article (HTML, Markdown or plain text), every fact with its quote.

    The draft is marked `draft: true`; kg build refuses it until a person has reviewed it and
    deleted that line."""
    from kg.extract import extract as run_extract
    from kg.extract import render_yaml

    if slug is not None and not template.SLUG.fullmatch(slug):
        raise InputError(f"--slug {slug!r}: use lowercase letters and digits joined by single hyphens")
    draft = run_extract(article, slug)
    text = render_yaml(draft)
    if out is None:
        click.echo(text, nl=False)
        return
    write_new(out, text.encode("utf-8"))
    err(f"draft written to {out}: {len(draft.quotes())} facts to review, then delete 'draft: true'")
