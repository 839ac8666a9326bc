"""What `kg.flow.build.validate` and `kg.flow.build.build` give back, in a module of its own: the front door
(kg.flow.build) and the flow (kg.flow.run) both make them, and only the front door imports the flow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.core.findings import Row
from kg.core.result import Result
from kg.core.treecheck import TreeDiff

if TYPE_CHECKING:
    from kg.flow.article import Illustration


@dataclass
class Checked:
    """A run's Result, and (when asked for) each article's illustration by slug, for people."""

    result: Result
    illustrations: dict[str, Illustration] = field(default_factory=dict)


@dataclass
class BuildResult(Checked):
    files: int = 0  # written, or compared with the folder on disk
    diff: TreeDiff | None = None  # write=False: how the folder on disk differs from this build
    unchanged: bool = False  # nothing changed since the last build (its manifest): nothing was written
    recorded: int | None = None  # the id of the manifest this build left (its reports may be kept with it)
    # a rebuild's: what the last build's report gathered (kept with it) and the findings of the articles it
    # did not carry over, from which kg.reports.repeated changes that gathering rather than read every finding
    before: tuple[bytes, list[Row]] | None = None
    # Waits until the folder this build replaced is removed (build(wait=False) leaves it going on meanwhile)
    finish: Callable[[], None] = field(default=lambda: None, repr=False)

    @property
    def stale(self) -> bool:
        return self.diff is not None and not self.diff.clean
