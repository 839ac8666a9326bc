"""Shared option decorators, and the one place click options become a RunOptions."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from kg.core import profiles
from kg.core.findings import Severity
from kg.core.options import Engine, RunOptions
from kg.reports.registry import RENDERERS
from kg.stores.embedded import DEFAULT_STORE

F = TypeVar("F", bound=Callable[..., Any])
SEVERITIES = ["violation", "warning", "info"]


def _stack(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def apply(fn: F) -> F:
        for d in reversed(decorators):
            fn = d(fn)
        return fn

    return apply


data_option = click.option(
    "--data",
    "data",
    type=click.Path(path_type=Path),
    default=Path("data"),
    show_default=True,
    help="Folder with site.yaml and articles/.",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(RENDERERS)),
    default="text",
    show_default=True,
    help="Report format: text (people), json (docs/report.schema.json), junit, sarif, github "
    "(workflow annotations), html (one self-contained page).",
)
profile_option = click.option(
    "--profile",
    type=click.Choice([*profiles.names(), profiles.NONE]),
    default=profiles.newest().name,
    show_default=True,
    help="Google structured-data profile (dated rules); 'none' turns it off.",
)
fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default="violation",
    show_default=True,
    help="Lowest severity that makes the command exit 1.",
)
jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Worker processes (0: one per CPU). Output is the same for any number.",
)
engine_option = click.option(
    "--engine",
    type=click.Choice([e.value for e in Engine]),
    default=Engine.NATIVE.value,
    show_default=True,
    help="SHACL engine: the compiled one, or pySHACL (the reference; slower).",
)
store_option = click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
    help="Folder of the embedded (pyoxigraph) store.",
)
timestamp_option = click.option(
    "--timestamp", is_flag=True, help="Record the current time (dcterms:modified) in the dataset description."
)


def run_options_of(
    *, fail_on: str = "violation", jobs: int = 1, engine: str = Engine.NATIVE.value, profile: str | None = None
) -> RunOptions:
    """The RunOptions the flags ask for: --jobs 0 is one per CPU, --profile none no profile."""
    return RunOptions(
        engine=Engine(engine),
        profile=profiles.named(profile or profiles.newest().name),
        fail_on=Severity.parse(fail_on),
        jobs=jobs or os.cpu_count() or 1,
    )


def run_options(command: F) -> F:
    """The options of the per-article flow, the same on every command that runs it: --fail-on, --jobs,
    --engine and --profile, handed to the command as one `options: RunOptions`."""

    @functools.wraps(command)
    def with_options(*args: Any, fail_on: str, jobs: int, engine: str, profile: str, **kwargs: Any) -> Any:
        return command(
            *args, options=run_options_of(fail_on=fail_on, jobs=jobs, engine=engine, profile=profile), **kwargs
        )

    return _stack(fail_on_option, jobs_option, engine_option, profile_option)(cast(F, with_options))


def shard_option(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter("write K/N with 1 <= K <= N, e.g. 2/8")
    return int(k), int(n)
