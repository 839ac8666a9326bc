"""The exit-code contract, applied in one place: `exit_code` decides 0/1/2/3 from what a command
returned (a Verdict, or nothing) or the library error it raised, and `command` applies it.

0 clean; 1 findings at or above --fail-on (or stale exports); 2 bad input or usage; 3 I/O or
network failure.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec

import click

from kg.cli.output import emit, err
from kg.core.errors import BundledDataError, InputError, KgError, NetworkError, OutputError, UnsupportedShapesError
from kg.core.findings import Severity
from kg.core.result import Result
from kg.reports.context import RenderContext

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_IO = 0, 1, 2, 3
EXIT_CODES_HELP = """Exit codes: 0 clean; 1 findings at or above --fail-on (default: violations;
for build --check also stale exports); 2 bad input or usage (unreadable or schema-invalid facts, unknown
slug or revision, Graphviz missing for svg); 3 I/O or network failure."""

ERROR_CODES: tuple[tuple[type[KgError], int], ...] = (
    (InputError, EXIT_INPUT),
    (UnsupportedShapesError, EXIT_INPUT),
    (OutputError, EXIT_IO),
    (NetworkError, EXIT_IO),
    (BundledDataError, EXIT_IO),
)

# The library names settings in its own words; the CLI says which flag sets them.
FLAGS = {
    "endpoint": "--endpoint",
    "server": "--server",
    "dataset": "--dataset",
    "gsp_path": "--gsp-path",
    "bulk": "--bulk",
    "dry_run": "--dry-run",
    "exports": "--exports",
    "timestamp": "--timestamp",
    "store": "--store",
    "out": "--out",
    "max_bytes": "--max-bytes",
    "format": "--format",
    "engine": "--engine",
    "profile": "--profile",
    "load": "run 'kg load'",
    "allow_private": "--allow-private",
    "timeout": "--timeout",
}


@dataclass(frozen=True)
class Verdict:
    """What a command's exit code depends on: its Result, the threshold it fails at, stale exports."""

    result: Result
    threshold: Severity = Severity.VIOLATION
    stale: bool = False
    failed: bool = False  # findings at or above the threshold, counted without them (a replayed build)


def exit_code(outcome: Verdict | KgError | None) -> int:
    """The one decision: an error's class, else bad input, else findings (or stale exports), else clean."""
    if outcome is None:
        return EXIT_OK
    if isinstance(outcome, KgError):
        return next((code for cls, code in ERROR_CODES if isinstance(outcome, cls)), EXIT_IO)
    if outcome.result.problems:
        return EXIT_INPUT
    if outcome.stale or outcome.failed or outcome.result.failed(outcome.threshold):
        return EXIT_FINDINGS
    return EXIT_OK


def show_error(e: KgError, fmt: str) -> None:
    """Bad input with findings is a report (stderr for text); any other error is one message, with flags."""
    if isinstance(e, InputError) and e.findings:
        emit(Result(findings=e.findings), fmt, RenderContext(), to_stderr=True)
    else:
        err(f"error: {e.worded(FLAGS)}")


P = ParamSpec("P")


def command(report: str | None = None) -> Callable[[Callable[P, Verdict | None]], Callable[P, None]]:
    """Run a command body and exit with `exit_code` of what it returned or raised. `report` names the
    parameter holding the report format in which bad-input findings are shown (default: text)."""

    def wrap(body: Callable[P, Verdict | None]) -> Callable[P, None]:
        @functools.wraps(body)
        def run(*args: P.args, **kwargs: P.kwargs) -> None:
            outcome: Verdict | KgError | None
            try:
                outcome = body(*args, **kwargs)
            except KgError as e:
                show_error(e, str(kwargs.get(report, "text")) if report else "text")
                outcome = e
            code = exit_code(outcome)
            if code != EXIT_OK:
                click.get_current_context().exit(code)

        return run

    return wrap
