"""The `kg` command: parses options, calls the library, renders results.

One module per command group (build, stores, audit, authoring); shared options in `options`;
the exit-code contract in `exits`, the one place errors and results become exit codes. A command's
module is imported only when that command runs, so `kg --help` and small runs start fast (the
library behind `audit` or `publish` costs a second of imports).
"""

from __future__ import annotations

import gc
import importlib

import click

from kg import __version__
from kg.cli.exits import EXIT_CODES_HELP

# name: (module, function, the first paragraph of its help: what `kg --help` lists; a test holds it equal)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "build": (
        "kg.cli.build",
        "build",
        ("Validate the facts, then write JSON-LD, HTML snippets, Turtle and kg.nq."),
    ),
    "validate": (
        "kg.cli.build",
        "validate",
        ("Check facts files (default: every article in --data) against the schema and the shapes."),
    ),
    "audit": (
        "kg.cli.audit",
        "audit",
        (
            "Check the structured data of live pages (URLs), local .html/.jsonld files, folders of them and "
            "sitemap.xml files or URLs: JSON-LD, microdata and RDFa syntax, schema.org conformance, the "
            "Google profile, the visible text and, with --against, drift from an export. One page that cannot"
            " be read fails the run (exit 2/3); of several, it becomes a row with its error."
        ),
    ),
    "load": (
        "kg.cli.stores",
        "load",
        (
            "Validate, then load the build into the embedded store: one named graph per article, the "
            "ontology, the shapes and the dataset description; each graph replaced in one transaction."
        ),
    ),
    "query": (
        "kg.cli.stores",
        "query",
        ("Run a SPARQL query (text, or @file.rq) on the embedded store or a SPARQL endpoint."),
    ),
    "publish": (
        "kg.cli.stores",
        "publish",
        ("Validate, then PUT each named graph to a SPARQL 1.1 Graph Store Protocol endpoint."),
    ),
    "diff": (
        "kg.cli.authoring",
        "diff_command",
        ("What changed in the published facts between OLD and NEW, per article, in plain language."),
    ),
    "init": (
        "kg.cli.authoring",
        "init",
        ("Write a commented facts file for a new article, with every section, marked `draft: true`."),
    ),
    "show": (
        "kg.cli.authoring",
        "show",
        (
            "A picture of one article's graph: the treatment at the centre, edges named by the ontology, "
            "adverse effects coloured by seriousness."
        ),
    ),
    "extract": (
        "kg.cli.authoring",
        "extract",
        ("Draft a facts file from an article (HTML, Markdown or plain text), every fact with its quote."),
    ),
    "preview": (
        "kg.cli.preview",
        "preview",
        (
            "Rendered HTML: the search result, Article, breadcrumb, publisher and medical review as search "
            "features can use them from the article's page, and what is missing for each."
        ),
    ),
}


# A run allocates millions of short-lived, acyclic objects (rdflib terms, tuples, findings); the default
# first generation of 700 makes the collector scan them again and again: 17.2 → 15.6 ms CPU an article
# (1k `kg build -j1 --no-cache`, median of 3 interleaved runs).
# Worker processes are forked after this and inherit it.
GC_THRESHOLDS = (50_000, 20, 20)


class _Lazy(click.Group):
    """A group whose commands are imported when one of them runs (or its own --help is asked for)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(map(len, COMMANDS))
        rows = [
            (name, click.Command(name, help=COMMANDS[name][2]).get_short_help_str(limit)) for name in sorted(COMMANDS)
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_Lazy, epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="medkg")
def main() -> None:
    """medkg: facts of medical articles → validated knowledge graph → JSON-LD, Turtle, N-Quads."""
    gc.set_threshold(*GC_THRESHOLDS)
