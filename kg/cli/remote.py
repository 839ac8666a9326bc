"""What the commands that talk to a server share (`kg audit`, `kg query`, `kg publish`): a
`--timeout` that bounds each exchange whole, a client closed however the command ends, and the
table or answer printed to stdout as rendered (no newline added)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound="Closable")
T = TypeVar("T")


class Closable(Protocol):
    def close(self) -> None: ...


def timeout_option(default: float, help: str) -> Callable[[F], F]:
    """`--timeout SECONDS` (at least 0.01): each command says what its deadline covers."""
    return click.option("--timeout", type=click.FloatRange(min=0.01), default=default, show_default=True, help=help)


def remote(client: C, run: Callable[[C], T], render: Callable[[T], str] | None = None) -> T:
    """Run `run` with `client` (its deadlines are the client's), close the client, then print what
    `render` makes of the result."""
    try:
        result = run(client)
    finally:
        client.close()
    if render is not None:
        show(render(result))
    return result


def show(text: str) -> None:
    """A rendered table or answer, to stdout as is."""
    click.echo(text, nl=False)
