"""A corpus through the per-article flow, streaming: each article on its own (in worker processes
with `jobs` > 1, from the cache when its inputs are unchanged), outcomes in file order, so memory
stays flat however large the corpus. `Tally` gathers the outcomes into the run's Result.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kg.check import families, idlint
from kg.core.errors import InputError
from kg.core.findings import Finding, Severity
from kg.core.listing import Names
from kg.core.options import RunOptions
from kg.core.result import Carried, Page, Result
from kg.core.runstore import RunStore
from kg.flow.article import Illustration, Outcome, Wants, process
from kg.flow.cache import Cache
from kg.flow.manifest import code_digest
from kg.load.facts import Site, duplicate_slug

Progress = Callable[[int, int], None]  # (articles done, articles in the run)
AHEAD = 256  # outcomes the workers may compute before the main process takes them (`_Ahead`)


@cache
def fingerprint(options: RunOptions, wants: Wants) -> str:
    """Everything besides the facts that decides an outcome: the tool's code and version, ontology,
    shapes (`code_digest`), engine, profile, what is kept."""
    profile = options.profile.name if options.profile else None
    return hashlib.sha256(f"{code_digest()}\0{options.engine}\0{profile}\0{wants}".encode()).hexdigest()


@dataclass(frozen=True)
class _Job:
    site: Site
    options: RunOptions
    wants: Wants


_worker: list[_Job] = []


def _init_worker(job: _Job) -> None:
    _worker[:] = [job]


def _work(path: Path) -> Outcome:
    job = _worker[0]
    return process(job.site, path, job.options, job.wants)


def outcomes(
    site: Site, files: Sequence[Path], options: RunOptions, wants: Wants, *, progress: Progress | None = None
) -> Iterator[Outcome]:
    """Outcomes in file order: from the cache where inputs are unchanged, else computed (in
    `options.jobs` worker processes when > 1). Parallel and serial runs give the same outcomes."""
    store = Cache(options.cache_dir, fingerprint(options, wants) + site.source.sha256) if options.cache_dir else None
    keys = Names(k or "" for k in map(store.key, files)) if store else Names("" for _ in files)  # "": unreadable
    cached = bytearray(store is not None and k != "" and store.has(k) for k in keys)  # read when their turn comes
    misses = cached.count(0)
    todo = (p for p, hit in zip(files, cached, strict=True) if not hit)  # made as they go: a Path is not small
    if misses:
        families.prepare(options)  # a shape the engine cannot run fails here, before any article
    job, jobs = _Job(site, options, wants), options.jobs
    pool, ahead = None, _Ahead(0)
    _init_worker(job)
    if jobs > 1 and misses > 1:
        pool = multiprocessing.get_context("fork").Pool(jobs, _init_worker, (job,))
        chunk = max(1, min(64, misses // (jobs * 8)))
        ahead = _Ahead(max(AHEAD, 2 * jobs * chunk))
        computed: Iterator[Outcome] = pool.imap(_work, ahead.paced(todo), chunksize=chunk)
    else:
        computed = map(_work, todo)
    try:
        for done, (path, key, hit) in enumerate(zip(files, keys, cached, strict=True), 1):
            outcome = _cached(store, key or None, path, options) if hit else ahead.taken(next(computed))
            if store and key and not hit:
                store.put(key, outcome)
            if progress:
                progress(done, len(files))
            yield outcome
    finally:
        ahead.stop()
        if pool is not None:
            pool.terminate()


class _Ahead:
    """How far the workers may run ahead of the outcomes taken: the pool's results wait in memory until
    taken (~100 KB each), so while the main process reads a long run of cached outcomes, unpaced workers
    would hold every miss after it (a cache filled 60 % by a killed build, 100k articles: ~6 GB). The
    files are handed to the pool `window` ahead of the outcomes taken; a window of at least the pool's
    chunk size, as `outcomes` gives, lets every chunk fill."""

    def __init__(self, window: int) -> None:
        self.room = threading.Semaphore(window)
        self.stopped = False

    def paced(self, files: Iterable[Path]) -> Iterator[Path]:
        for p in files:
            self.room.acquire()
            if self.stopped:
                return
            yield p

    def taken(self, outcome: Outcome) -> Outcome:
        self.room.release()
        return outcome

    def stop(self) -> None:
        """No more files to the pool (its feeding thread, waiting for room, wakes and ends)."""
        self.stopped = True
        self.room.release()


def _cached(store: Cache | None, key: str | None, path: Path, options: RunOptions) -> Outcome:
    """A cached outcome, read only now (one at a time: memory stays flat); an entry damaged since
    it was listed is computed here instead."""
    hit = store.get(key) if store and key else None
    if isinstance(hit, Outcome):
        return hit
    families.prepare(options)
    outcome = _work(path)
    if store and key:
        store.put(key, outcome)
    return outcome


@dataclass
class Tally:
    """Outcomes gathered in file order into a Result: the gate every command applies the same way."""

    threshold: Severity = Severity.VIOLATION  # findings at or above it fail the run and stop the writing
    result: Result = field(default_factory=Result)
    failed: bool = False
    illustrations: dict[str, Illustration] = field(default_factory=dict)
    # each slug's file, on disk in a store made for the run
    store: RunStore = field(default_factory=RunStore)
    # the articles' @id summaries, as they come: in the run's store, unless the caller gives an index
    # (a build with the cache keeps its own beside the manifest: kg.flow.sitelint)
    ids: idlint.Index | None = None

    def __post_init__(self) -> None:
        self.store.db.execute("CREATE TABLE slugs (slug TEXT PRIMARY KEY, file TEXT) WITHOUT ROWID")
        if self.ids is None:
            self.ids = idlint.Index(self.store.db)

    def owner(self, slug: str) -> str | None:
        """The file that has `slug` (the first one: a second is an input problem)."""
        row = self.store.db.execute("SELECT file FROM slugs WHERE slug = ?", (slug,)).fetchone()
        return None if row is None else str(row[0])

    def claim(self, owners: Sequence[tuple[str, str]]) -> list[bool]:
        """Give each slug to its file, in order; False for one an earlier file has. One statement for them all
        (a rebuild claims its unchanged articles' a run at a time), and, when every slug was free, which
        nearly every one is, no other."""
        before = self.store.db.total_changes
        self.store.db.executemany("INSERT OR IGNORE INTO slugs VALUES (?, ?)", owners)
        if self.store.db.total_changes - before == len(owners):
            return [True] * len(owners)
        return [self.owner(slug) == file for slug, file in owners]

    def accept(self, o: Outcome) -> bool:
        """Count one outcome; True while its output may still be kept (no problem, nothing failing)."""
        if o.slug is not None:
            if not self.claim([(o.slug, o.file)])[0]:
                self.result.add_problems([duplicate_slug(o.file, o.slug_at, o.slug, str(self.owner(o.slug)))])
                if self.ids is not None:  # a rebuild's index may hold it from the last build
                    self.ids.remove(o.file)
                return False
            self.result.articles += 1
            self.result.add_pages([Page(o.slug, o.file, o.page)])
            if o.illustration is not None:
                self.illustrations[o.slug] = o.illustration
        self.result.add_problems(o.problems)
        self.result.extend(o.findings, own=o.file)
        self.result.triples += o.triples
        if o.ids is not None and self.ids is not None:
            self.ids.add(o.ids)
        self.failed = self.failed or any(f.severity >= self.threshold for f in o.findings)
        return not (self.result.problems or self.failed)

    def carry(self, kept: Sequence[tuple[Page, Carried, int]]) -> None:
        """Articles as the last build left them (a rebuild's unchanged ones, their slugs claimed), counted as
        `accept` counts an outcome: each one's page, findings (as rows: Result.carry) and triples. Their @id
        summaries stay in the lint's index."""
        self.result.articles += len(kept)
        self.result.add_pages([page for page, _, _ in kept])
        for _, findings, triples in kept:
            self.result.carry(findings)
            self.result.triples += triples
            self.failed = self.failed or findings.worst() >= self.threshold

    def finish(self) -> Result:
        """The site-wide @id lint joins the result; the run's store goes."""
        found = self.ids.run() if self.ids is not None else []
        self.store.close()
        self.result.extend(found)
        self.failed = self.failed or any(f.severity >= self.threshold for f in found)
        return self.result

    def close(self) -> None:
        """Remove what the run keeps on disk (a run that stops early)."""
        self.store.close()
        self.result.close()

    def raise_problems(self) -> None:
        """Commands that write stop at bad input: InputError with every problem found."""
        problems: list[Finding] = self.result.problems
        if problems:
            raise InputError(f"{len(problems)} problem(s) in the facts files", problems)
