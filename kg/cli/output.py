"""What the CLI prints: messages to stderr, reports to stdout (a text report that explains a failure
to stderr), a progress bar on a terminal; and the render context a format needs."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, TextIO

import click

from kg.core.findings import Severity
from kg.core.result import Result
from kg.diff import git
from kg.reports.context import RenderContext
from kg.reports.registry import RENDERERS, chunks

if TYPE_CHECKING:
    from kg.flow.article import Illustration  # only a type here: importing it costs the whole flow


_FLUSH = 1 << 20  # characters of a report written at once


def err(message: str) -> None:
    click.echo(message, err=True)


def context(fmt: str, threshold: Severity, illustrations: Mapping[str, Illustration] | None = None) -> RenderContext:
    """What a format needs beyond the Result: paths from the repository root (sarif, github), pictures
    and JSON-LD (html)."""
    prefix = git.prefix() if fmt in ("sarif", "github") else ""
    return RenderContext(threshold, prefix, illustrations=illustrations or {})


def _stream(fmt: str, to_stderr: bool) -> TextIO:
    return sys.stderr if to_stderr and fmt == "text" else sys.stdout


def final(fmt: str, ctx: RenderContext, *, to_stderr: bool = False) -> RenderContext:
    """The context a report is rendered in: a text report is coloured on a terminal."""
    if fmt != "text":
        return ctx
    return replace(ctx, colour=_stream(fmt, to_stderr).isatty())


def rendered(result: Result, fmt: str, ctx: RenderContext, *, to_stderr: bool = False) -> str:
    return RENDERERS[fmt](result, final(fmt, ctx, to_stderr=to_stderr))


def show(report: str, fmt: str, *, to_stderr: bool = False) -> None:
    """Reports are data (stdout); a text report that explains a failure is a message (stderr)."""
    click.echo(report, nl=False, file=_stream(fmt, to_stderr))


def emit(result: Result, fmt: str, ctx: RenderContext, *, to_stderr: bool = False) -> None:
    """Written as it is rendered, a megabyte at a time: a json report of a large site is never whole."""
    pending: list[str] = []
    size = 0
    for chunk in chunks(fmt, result, final(fmt, ctx, to_stderr=to_stderr)):
        pending.append(chunk)
        size += len(chunk)
        if size >= _FLUSH:
            show("".join(pending), fmt, to_stderr=to_stderr)
            pending, size = [], 0
    show("".join(pending), fmt, to_stderr=to_stderr)


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
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
