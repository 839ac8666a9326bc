"""`kg preview SLUG`: an HTML page showing what each search feature can use from an article's page."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.exits import EXIT_CODES_HELP, command
from kg.cli.options import data_option, profile_option, run_options_of
from kg.core.errors import OutputError


@click.command(epilog=EXIT_CODES_HELP)
@command()
@click.argument("slug")
@data_option
@profile_option
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), default=None, help="File to write (default: stdout)."
)
def preview(slug: str, data: Path, profile: str, out: Path | None) -> None:
    """Rendered HTML: the search result, Article, breadcrumb, publisher and medical review as search
    features can use them from the article's page, and what is missing for each."""
    from kg.flow.preview import preview as run_preview
    from kg.reports.preview import render

    doc, findings, facts_file = run_preview(data, slug, run_options_of(profile=profile))
    text = render(doc, findings, facts_file)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        raise OutputError(f"{out}: cannot write the preview ({e.strerror})") from None
