"""A rebuild's site-wide @id lint, run in a forked process while the unchanged articles are assembled.

When a changed article's @id summary differs from the last build's, the lint runs again over every
summary: at 10,000 articles, reading the index and linting take ~2 s, about as long as carrying the
unchanged articles over. With `--jobs` above 1 the rebuild computes its few changed articles first,
then forks: the child reads the index, lints, keeps the index for the next build and sends back the
findings, while the parent links files and copies kg.nq. The parent uses them only if the summaries
its tally gathered are exactly those the child was given; otherwise it lints itself, as a full build does.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from kg.check import idlint
from kg.core.findings import Finding
from kg.flow import layered, manifest
from kg.flow.records import Delta


@dataclass(frozen=True)
class Job:
    delta: Delta
    cache_dir: Path
    out: Path
    build: int  # this build's id: the child keeps the index as its
    fresh: list[idlint.Summary]
    order: list[str]
    base_iri: str


@dataclass
class Ahead:
    """A lint started before the assembly."""

    fresh: list[idlint.Summary]
    process: BaseProcess
    reader: Connection

    def findings(self, gathered: list[idlint.Summary]) -> list[Finding] | None:
        """Its findings when `gathered` (the tally's summaries) are those it was given, else None."""
        try:
            rows = self.reader.recv()
        except (EOFError, OSError):
            rows = None
        self.reader.close()
        self.process.join()
        same = len(gathered) == len(self.fresh) and all(a is b for a, b in zip(gathered, self.fresh, strict=True))
        if rows is None or not same:
            return None
        return [manifest.finding(r) for r in rows]


def start(job: Job) -> Ahead:
    reader, writer = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(target=_child, args=(writer, job), daemon=True)
    process.start()
    writer.close()
    return Ahead(job.fresh, process, reader)


def _child(writer: Connection, job: Job) -> None:
    """Lint over the index with the fresh summaries, keep the index as this build's, send the findings."""
    index = job.delta.summaries(job.cache_dir, job.out, job.fresh)
    if index is None:
        writer.close()
        return
    summaries = {n: index[n] for n in job.order if n in index}
    found = idlint.lint(list(summaries.values()), job.base_iri)
    mine = {Path(s.file).name for s in job.fresh}
    last = (job.delta.build, job.delta.ids_layered | mine)
    layered.write(job.cache_dir, job.out, job.build, "ids", summaries, last)
    writer.send([manifest.row(f) for f in found])
    writer.close()
