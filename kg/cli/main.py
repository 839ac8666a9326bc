"""The `kg` command: parses options, calls the library, renders results.

One module per command group (build, stores, audit, authoring); shared options in `options`;
the exit-code contract in `exits`, the one place errors and results become exit codes.
"""

from __future__ import annotations

import click

from kg import __version__
from kg.cli import audit, authoring, build, preview, stores
from kg.cli.exits import EXIT_CODES_HELP


@click.group(epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="medkg")
def main() -> None:
    """medkg: facts of medical articles → validated knowledge graph → JSON-LD, Turtle, N-Quads."""


for cmd in (
    build.build,
    build.validate,
    audit.audit,
    stores.load,
    stores.query,
    stores.publish,
    authoring.diff_command,
    authoring.init,
    authoring.show,
    authoring.extract,
    preview.preview,
):
    main.add_command(cmd)
