"""The options of a run, chosen once and passed whole to every library entry point.

`RunOptions()` is what `kg build` does by default: the compiled engine, the newest bundled Google
profile, violations fail the run. `profile=None` means no profile, and only that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from kg.core.findings import Severity
from kg.core.profiles import Profile, newest


class Engine(StrEnum):
    """The SHACL engine: the compiled one, or pySHACL (the reference; about ten times slower)."""

    NATIVE = "native"
    PYSHACL = "pyshacl"


@dataclass(frozen=True)
class RunOptions:
    engine: Engine = Engine.NATIVE
    profile: Profile | None = field(default_factory=newest)
    fail_on: Severity = Severity.VIOLATION  # findings at or above it fail the run and stop the writing
    jobs: int = 1  # worker processes; the output is the same for any number
    cache_dir: Path | None = None  # per-article results for fast rebuilds; None: recompute every article

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {self.jobs}")
