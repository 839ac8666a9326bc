"""One exception tree for the library; the CLI maps each class to an exit code in one place.

`str(err)` is the message in the library's own words. A message that points at a setting the
caller chose (the endpoint, the output path …) is made with `KgError.about(template, **values)`:
the template writes each setting as `{setting}`, which `str(err)` words with SETTINGS and a front
end words its own way with `err.worded(names)` (the CLI: with its flags).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from kg.core.findings import Finding

# How the library names the settings (and the one action) its messages may point at.
SETTINGS: dict[str, str] = {
    "endpoint": "the endpoint URL",
    "server": "server kind",
    "dataset": "the dataset name",
    "gsp_path": "the Graph Store path",
    "bulk": "a bulk load",
    "dry_run": "a dry run",
    "exports": "a build folder",
    "timestamp": "a timestamp",
    "store": "the store folder",
    "out": "output path",
    "max_bytes": "the max_bytes limit",
    "format": "the format",
    "engine": "the engine",
    "profile": "profile",
    "load": "load a build",
    "allow_private": "allow_private (private addresses allowed)",
    "timeout": "the timeout",
}


class KgError(Exception):
    """Base of every error medkg raises on purpose."""

    template: str | None = None
    values: Mapping[str, object] = {}

    @classmethod
    def about(cls, template: str, **values: object) -> Self:
        """An error whose message names settings of the caller as `{setting}` placeholders;
        `values` fill the other placeholders (they are never read as templates themselves)."""
        err = cls(_fill(template, values, SETTINGS))
        err.template, err.values = template, values
        return err

    def worded(self, names: Mapping[str, str]) -> str:
        """The message with settings named by `names` (a front end's words), else the library's."""
        if self.template is None:
            return str(self)
        return _fill(self.template, self.values, {**SETTINGS, **names})


def _fill(template: str, values: Mapping[str, object], names: Mapping[str, str]) -> str:
    return template.format_map({**names, **values})


class InputError(KgError):
    """Bad input or usage: unreadable, malformed or schema-invalid facts (exit 2).

    Carries every finding gathered before giving up, so one run reports all mistakes.
    """

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings: list[Finding] = findings or []


class UnsupportedShapesError(KgError):
    """The chosen SHACL engine cannot run a shape of a family (a usage error: choose another engine)."""


class OutputError(KgError):
    """Writing results failed: disk full, permission denied, … (exit 3)."""


class NetworkError(KgError):
    """A server could not be reached or answered with an error (exit 3)."""


class BundledDataError(KgError):
    """A data file medkg ships with (ontology, shapes, templates) is missing: a broken installation (exit 3)."""
