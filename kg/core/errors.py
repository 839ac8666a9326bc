"""One exception tree for the library; the CLI maps each class to an exit code in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.core.findings import Finding


class KgError(Exception):
    """Base of every error medkg raises on purpose."""


class InputError(KgError):
    """Bad input or usage: unreadable, malformed or schema-invalid facts (exit 2).

    Carries every finding gathered before giving up, so one run reports all mistakes.
    """

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings: list[Finding] = findings or []


class OutputError(KgError):
    """Writing results failed: disk full, permission denied, … (exit 3)."""


class NetworkError(KgError):
    """A server could not be reached or answered with an error (exit 3)."""
