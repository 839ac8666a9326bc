"""`kg audit`: the structured data of a live page or a local file, through the same checks as an export."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.exits import EXIT_CODES_HELP, Verdict, command
from kg.cli.options import SEVERITIES, format_option, profile_option, run_options_of
from kg.cli.output import emit
from kg.core.findings import Severity
from kg.reports.context import RenderContext


@click.command(epilog=EXIT_CODES_HELP)
@command(report="fmt")
@click.argument("source")
@click.option("--against", type=click.Path(path_type=Path, dir_okay=False),
              help="An export (exports/<slug>.jsonld) to compare the page with: report the drift.")
@format_option
@profile_option
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="violation", show_default=True,
              help="Lowest severity that makes the command exit 1.")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=10.0, show_default=True,
              help="Seconds for the whole page: connecting, redirects, retries and every byte.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=5_000_000, show_default=True,
              help="Largest page read; a larger one is abandoned (exit 3).")
@click.option("--max-redirects", type=click.IntRange(min=0), default=5, show_default=True,
              help="Most redirects followed; more is a failure (exit 3).")
@click.option("--allow-private", is_flag=True,
              help="Also fetch from loopback, private and link-local addresses (refused by default, after every "
                   "redirect too: a page must not lead medkg into your network).")
def audit(source: str, against: Path | None, fmt: str, profile: str, fail_on: str, timeout: float, max_bytes: int,
          max_redirects: int, allow_private: bool) -> Verdict:
    """Check the structured data of a live page (URL) or a local .html/.jsonld file: JSON-LD syntax,
    schema.org conformance, the Google profile and, with --against, drift from an export."""
    from kg.audit.audit import audit as run_audit
    from kg.audit.fetch import Limits

    options = run_options_of(fail_on=fail_on, profile=profile)
    result = run_audit(source, options, against=against,
                       limits=Limits(timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects,
                                     allow_private=allow_private))
    emit(result, fmt, RenderContext(Severity.VIOLATION))  # as before: reports of a page say fail_on: violation
    return Verdict(result, options.fail_on)
