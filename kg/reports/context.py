"""What a renderer needs besides the Result, chosen by the caller (the CLI): never part of the Result."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.core.findings import Severity
from kg.core.result import Result

if TYPE_CHECKING:
    from kg.flow.article import Illustration  # only a type here: importing it costs the whole flow
    from kg.reports.repeated import Gathering


@dataclass(frozen=True)
class RenderContext:
    threshold: Severity = Severity.VIOLATION  # the run's fail_on: junit failures, json "failed"
    source_prefix: str = ""  # the working directory relative to the repository root ("" or "sub/dir/")
    colour: bool = False  # text: ANSI colours (for a terminal)
    illustrations: Mapping[str, Illustration] = field(default_factory=dict)  # html: by slug
    gathering: Gathering | None = None  # text, github: what they read of the findings, when the caller has it

    def repo_path(self, file: str) -> str:
        """A finding's file as a forward-slash path from the repository root (SARIF, annotations)."""
        return posixpath.normpath(self.source_prefix + file.replace("\\", "/"))


Renderer = Callable[[Result, RenderContext], str]
