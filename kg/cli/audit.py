"""`kg audit`: the structured data of live pages or local files, through the same checks as an export."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.exits import EXIT_CODES_HELP, Verdict, command
from kg.cli.options import SEVERITIES, format_option, profile_option, run_options_of
from kg.cli.output import emit
from kg.cli.remote import show, timeout_option
from kg.core.findings import Severity
from kg.reports.context import RenderContext


def _own(own: tuple[str, ...]) -> tuple[str, ...]:
    """IRI prefixes of medkg's own nodes: --own, else the base IRI and url of ./data/site.yaml."""
    if own:
        return own
    import yaml

    try:
        site = yaml.safe_load(Path("data/site.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return ()
    return tuple(str(site[k]) for k in ("base_iri", "url") if isinstance(site, dict) and site.get(k))


@click.command(epilog=EXIT_CODES_HELP)
@command(report="fmt")
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--against",
    type=click.Path(path_type=Path, dir_okay=False),
    help="An export (exports/<slug>.jsonld) to compare the page with: report the drift of its nodes.",
)
@click.option(
    "--table",
    "table_fmt",
    type=click.Choice(["text", "json", "csv"]),
    help="Print the per-page table (pieces, rich-result eligibility per Google feature) instead of the findings.",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=100, show_default=True, help="Most pages read from sitemaps."
)
@click.option(
    "--own",
    multiple=True,
    metavar="IRI",
    help="IRI prefix of medkg's own nodes (advice about medkg facts only for them); default: base_iri "
    "and url of ./data/site.yaml.",
)
@format_option
@profile_option
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default="violation",
    show_default=True,
    help="Lowest severity that makes the command exit 1.",
)
@timeout_option(10.0, "Seconds for the whole page: connecting, redirects, retries and every byte.")
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=5_000_000,
    show_default=True,
    help="Largest page read; a larger one is abandoned (exit 3).",
)
@click.option(
    "--max-redirects",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Most redirects followed; more is a failure (exit 3).",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Also fetch from loopback, private and link-local addresses (refused by default, after every "
    "redirect too: a page must not lead medkg into your network).",
)
def audit(
    sources: tuple[str, ...],
    against: Path | None,
    table_fmt: str | None,
    limit: int,
    own: tuple[str, ...],
    fmt: str,
    profile: str,
    fail_on: str,
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    allow_private: bool,
) -> Verdict:
    """Check the structured data of live pages (URLs), local .html/.jsonld files, folders of them and
    sitemap.xml files or URLs: JSON-LD, microdata and RDFa syntax, schema.org conformance, the Google
    profile, the visible text and, with --against, drift from an export. One page that cannot be read
    fails the run (exit 2/3); of several, it becomes a row with its error."""
    from kg.audit import site, table
    from kg.audit.audit import audit_page
    from kg.audit.fetch import Limits

    options = run_options_of(fail_on=fail_on, profile=profile)
    limits = Limits(timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects, allow_private=allow_private)
    pages = site.expand(sources, limits, limit)

    if len(pages) == 1 and len(sources) == 1 and pages[0] == sources[0]:
        rows = [audit_page(pages[0], options, against=against, limits=limits, own_prefixes=_own(own))]
    else:
        rows = site.audit_all(
            pages, lambda page: audit_page(page, options, against=against, limits=limits, own_prefixes=_own(own))
        )
    result = site.combined(rows) if len(rows) != 1 else rows[0].result
    if table_fmt:
        show(table.render([table.row(r) for r in rows], table_fmt))
    else:
        emit(result, fmt, RenderContext(Severity.VIOLATION))  # as before: reports of a page say fail_on: violation
    return Verdict(result, options.fail_on)
