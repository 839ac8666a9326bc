"""The build manifest: what the last build of an export folder read and wrote, so a rebuild after no
change is a `stat` of every facts file and export file, and nothing else.

A manifest is kept beside the per-article cache (`<cache>/manifests/<folder key>`), one per export
folder, and written after the folder was swapped in. It holds, per facts file, its size, mtime_ns
and content hash, its slug, the SHA-256 of each export file and its findings by severity; the whole
run's Result (findings, pages, counts); and the `stat` of every file in the export folder. It is valid
only for the exports it was written with: every build writes a new marker file (a new inode), so a
folder replaced by another build, edited, or left by a killed run no longer matches and the next
build runs in full.

What invalidates it (a full build follows): any change to the tool's code, ontology or shapes, the
version, engine, profile, --fail-on or --shard (all in `key`), any byte of site.yaml, a facts file
added, removed, or with another size or mtime, an export file added, removed or touched. Only a
build with no unreadable facts file (exit 2) and with every article checked writes one.
The articles and the export files' stats are kept beside it in `chunks`: a full build writes them as
they come, never holding them all (kg.flow.layered.Log), and a rebuild both as layers over the last build's
(kg.flow.layered: the export files it linked keep their stats, so only those it wrote are stat'ed). A
rebuild reads them a chunk at a time in build order, a full build a chunk at a time too, keeping what it
vouches for (kg.core.vouched) in 32 bytes a file. The up-to-date check reads neither: it compares the facts
folder and the export folder, listed in whatever order the file system gives, with one `Digest` of each kept
in the manifest.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import chain, islice
from pathlib import Path
from typing import Any, NamedTuple

import kg
from kg.core import resources
from kg.core.findings import Finding, Severity, from_row
from kg.core.listing import Listing
from kg.core.options import RunOptions
from kg.core.result import Page, Result
from kg.core.spill import chunked
from kg.core.swap import parent_locked, sweep
from kg.flow.folder import Digest, Facts, digest_of, facts_digest, scan
from kg.flow.folder import Stat as Stat  # the facts files' and export files' stats
from kg.flow.folder import Stats as Stats  # the facts files' stats in build order

FORMAT = 9  # of the manifest and the files beside it: in the key, so a build of another format runs in full
KEPT_RULE = "build:kept-previous"  # kg.flow.keep's notice: an article not published
FACT_SUFFIXES = (".yaml", ".yml", ".json")  # kg.load.facts lists the same (a test holds them equal)
CHUNK = 2000  # entries (findings, pages, articles, …) a pickle of a file beside the manifest holds
_CARRIED = "carried rows follow"  # in a result file: its findings and pages, then the rows carried as they were kept
_DAMAGED = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError)


@cache
def code_digest() -> str:
    """The tool's code, ontology and shapes: hashing the code too means a development checkout never
    reuses stale results."""
    h = hashlib.sha256(kg.__version__.encode())
    package = Path(kg.__file__).parent
    sources = [(package, sorted(p for p in package.rglob("*.py") if "_bundled" not in p.parts))]
    sources += [(resources.root(f), resources.tree(f)) for f in ("ontology", "shapes")]
    for root, paths in sources:
        for p in paths:
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def key(data: Path, out: Path, options: RunOptions, shard: tuple[int, int] | None) -> str | None:
    """Everything besides the article files that decides a build's exports and Result; None when
    site.yaml cannot be read (the full build says why)."""
    try:
        site = (data / "site.yaml").read_bytes()
    except OSError:
        return None
    profile = options.profile.name if options.profile else None
    where = (os.path.abspath(data), os.path.abspath(out), os.getcwd())  # findings name files from the cwd
    parts = (FORMAT, code_digest(), options.engine, profile, int(options.fail_on), shard, where)
    return hashlib.sha256(repr(parts).encode() + b"\0" + site).hexdigest()


def facts_files(data: Path) -> Sequence[Path]:
    """The article files of a data folder, in build order (as kg.load.facts lists them)."""
    folder = data / "articles"
    try:
        return Listing(folder, FACT_SUFFIXES)
    except OSError:
        return []


def shard_of(name: str, shard: tuple[int, int] | None) -> bool:
    """Whether the facts file `name` is in `shard` (k of n, 1-based; None: every file is): by its name's
    hash, so adding files never moves others."""
    if shard is None:
        return True
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % shard[1] == shard[0] - 1


class Article(NamedTuple):
    """One facts file as the last build saw it (a named tuple: see kg.flow.records.Record)."""

    stat: Stat  # before the build read it: an edit during the build shows as a change next time
    sha256: str
    slug: str
    exports: tuple[tuple[str, str], ...]  # (file name, SHA-256) of its export files
    findings: tuple[int, int, int]  # infos, warnings, violations


@dataclass
class Manifest:
    """What a build read and wrote. The run's findings and pages are kept in a file beside it, read
    only when a report needs them; a report once rendered is kept too (`report`); `articles` and
    `exports` are kept in files beside it too (see `write`)."""

    key: str
    articles: dict[str, Article] = field(default_factory=dict)  # by facts file name (all in data/articles)
    exports: dict[str, Stat] = field(default_factory=dict)  # every file in the export folder
    counts: tuple[int, int, int] = (0, 0, 0)  # articles, triples, files written
    started_ns: int = 0  # when the build began (its id); a file changed in the same clock tick is re-hashed
    severities: tuple[int, int, int] = (0, 0, 0)  # distinct findings: infos, warnings, violations
    kept: tuple[str, ...] = ()  # facts files not published, their last good exports kept
    digest: str = ""  # of `exports` (`Digest`): a rebuild with no change compares the folder's with it
    facts: str = ""  # of `articles` (`Facts`): a rebuild with no change compares the facts folder's with it

    def record(self, result: Result, files: int) -> None:
        self.counts = (result.articles, result.triples, files)
        self.severities = (
            result.count(Severity.INFO),
            result.count(Severity.WARNING),
            result.count(Severity.VIOLATION),
        )
        self.kept = tuple(sorted({f.file for f in result.added(rule=KEPT_RULE)}))

    def by_severity(self) -> dict[Severity, int]:
        return {s: self.severities[int(s) - 1] for s in Severity}


def summary_counts(findings: list[Finding]) -> tuple[int, int, int]:
    by = [0, 0, 0]
    for f in findings:
        by[int(f.severity) - 1] += 1
    return (by[0], by[1], by[2])


def location(cache_dir: Path, out: Path) -> Path:
    name = hashlib.sha256(os.fsencode(os.path.abspath(out))).hexdigest()[:24]
    return cache_dir / "manifests" / name


def unpickled(path: Path) -> Any:
    """A pickle file's value, the collector paused while it loads and the objects then frozen (they live
    as long as the run): millions of small objects would otherwise be walked by a collection during the
    load and by each generation's after it, 2-3x the load itself (10k articles: 0.6 s, not 2 s)."""
    data = path.read_bytes()
    enabled = gc.isenabled()
    gc.disable()
    try:
        value = pickle.loads(data)
        gc.freeze()
        return value
    finally:
        if enabled:
            gc.enable()


def chunks(entries: Iterable[Any], size: int | None = None) -> Iterator[bytes]:
    """Entries as a run of pickles of `size` (CHUNK) each: written and read without holding them all."""
    it = iter(entries)
    while group := list(islice(it, size or CHUNK)):
        yield pickle.dumps(group, pickle.HIGHEST_PROTOCOL)


def entries(path: Path) -> dict[str, Any] | None:
    """A file of (name, value) `chunks` as a map, in their order; None when it is missing or damaged.
    Loaded as `unpickled` loads (the collector paused, the objects frozen)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        found = dict(chunked(path))
        gc.freeze()
        return found
    except _DAMAGED:
        return None
    finally:
        if enabled:
            gc.enable()


def head(cache_dir: Path, out: Path) -> Manifest | None:
    """The last build's manifest alone: its articles and export files left in the files beside it."""
    try:
        value = unpickled(location(cache_dir, out))
    except _DAMAGED:
        return None  # a missing, stale or damaged manifest means a full build
    return value if isinstance(value, Manifest) else None


def put(target: Path, data: bytes | Iterable[bytes]) -> None:
    """Write a file atomically (a temp file renamed), or not at all; `data` may come in pieces."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.writelines([data] if isinstance(data, bytes) else data)
        os.replace(tmp, target)
    except OSError:
        os.unlink(tmp)
        raise


def aside(cache_dir: Path, out: Path) -> Path:
    """Where a build sets the replaced folder's kg.nq aside for the next one to free (kg.core.setaside)."""
    here = location(cache_dir, out)
    return here.with_name(f"{here.name}-aside")


def beside(cache_dir: Path, out: Path, build: int, what: str) -> Path:
    """A file of one build's manifest: its findings (`result`) or a rendered report."""
    here = location(cache_dir, out)
    return here.with_name(f"{here.name}.{build}.{what}")


def write(
    cache_dir: Path,
    out: Path,
    manifest: Manifest,
    result: Result,
    articles: Iterable[bytes] | None = (),
    exports: Iterable[tuple[str, Stat]] | str | None = None,
    facts: Facts | None = None,
) -> bool:
    """Store the manifest and its build's findings and pages (atomically; a full disk only costs the
    next build its shortcut); the files of earlier builds' manifests go. False when it could not.
    `articles`: the articles' file as the build wrote it (kg.flow.layered.Log), or None when the caller wrote
    it (a rebuild's layer), with `facts` noting them; else `manifest.articles` is written; `exports`: the export
    folder's files' stats when the caller knows them, or their digest when it kept them itself (a rebuild's
    layer: kg.flow.layered.rebuilt_exports); else the folder is scanned (OSError from either means no
    manifest)."""
    own = chain((("f", r) for r in result.own_rows()), (("p", (p.slug, p.file, p.node)) for p in result.pages()))
    kept_rows = chain(chunks(own, 5000), [pickle.dumps(_CARRIED)], result.carried_pieces())
    build, real = manifest.started_ns, Path(os.path.realpath(out))
    digest = Digest()
    if facts is None:
        facts = Facts(build)
        articles = chunks(facts.noting(manifest.articles.items()))
    try:
        put(beside(cache_dir, out, build, "result"), kept_rows)
        if articles is not None:
            put(beside(cache_dir, out, build, "articles"), articles)
        if not isinstance(exports, str):
            files = digest.taking(scan(real) if exports is None else exports)
            put(beside(cache_dir, out, build, "exports"), chunks(files))
        folder = exports if isinstance(exports, str) else digest.value()
        kept = replace(manifest, articles={}, exports={}, digest=folder, facts=facts.value())
        put(location(cache_dir, out), pickle.dumps(kept, pickle.HIGHEST_PROTOCOL))
    except OSError:
        return False
    here = location(cache_dir, out)
    for old in here.parent.glob(f"{here.name}.*"):
        if not old.name.startswith(f"{here.name}.{manifest.started_ns}."):
            with contextlib.suppress(OSError):
                old.unlink()
    return True


def result(cache_dir: Path, out: Path, m: Manifest) -> Result | None:
    """The Result of the build `m` describes, as it reported it."""
    done = Result(articles=m.counts[0], triples=m.counts[1])
    carried = False
    try:
        with open(beside(cache_dir, out, m.started_ns, "result"), "rb") as fh:
            while fh.peek(1):
                rows = pickle.load(fh)
                if carried:
                    done.extend(map(from_row, rows))
                elif rows == _CARRIED:
                    carried = True
                else:
                    done.extend(from_row(r) for kind, r in rows if kind == "f")
                    done.add_pages(Page(*r) for kind, r in rows if kind == "p")
    except _DAMAGED:
        done.close()
        return None
    return done


GATHERING = "gathering"  # what a report gathered of a build's findings (kg.reports.repeated), kept beside it


def _report_name(how: str) -> str:
    return hashlib.sha256(how.encode()).hexdigest()[:16] + ".report"


def report(cache_dir: Path, out: Path, build: int, how: str) -> str | None:
    """A report of that build rendered before, in the same format and context (`how` says which)."""
    try:
        return beside(cache_dir, out, build, _report_name(how)).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def keep_report(cache_dir: Path, out: Path, build: int, how: str, text: str) -> None:
    """Keep a rendered report of a build whose manifest is kept (a rebuild with no change prints it)."""
    keep(cache_dir, out, build, _report_name(how), text.encode("utf-8"))


def keep(cache_dir: Path, out: Path, build: int, what: str, data: bytes) -> None:
    """Keep a file beside the manifest of `build` while that manifest is the last one (else nothing)."""
    try:
        kept = unpickled(location(cache_dir, out))  # the manifest alone, not its articles and files
    except _DAMAGED:
        return
    if (
        not isinstance(kept, Manifest)
        or kept.started_ns != build
        or not beside(cache_dir, out, build, "result").is_file()
    ):
        return
    with contextlib.suppress(OSError):
        put(beside(cache_dir, out, build, what), data)


def kept(cache_dir: Path, out: Path, build: int, what: str) -> bytes | None:
    """A file `keep` kept beside the manifest of `build` (None when there is none)."""
    try:
        return beside(cache_dir, out, build, what).read_bytes()
    except OSError:
        return None


def forget(cache_dir: Path, out: Path) -> None:
    with contextlib.suppress(OSError):
        location(cache_dir, out).unlink()


def up_to_date(
    data: Path, out: Path, options: RunOptions, shard: tuple[int, int] | None, m: Manifest | None = None
) -> Manifest | None:
    """The manifest of the last build of `out` (`m`, when the caller read it; else it is read alone) when
    nothing it depends on changed since: then that build's Result stands and its exports are exactly what
    a build now would write. The facts files and the export folder's files are compared by their digests
    as the folders list them (unsorted), so the check holds nothing per file and reads none of the
    manifest's articles. Like any build, it clears the temp folders killed builds left
    (kg.core.swap.sweep)."""
    if options.cache_dir is None:
        return None
    m = m or head(options.cache_dir, out)
    k = key(data, out, options, shard)
    if m is None or k is None or m.key != k or not m.digest or not m.facts:
        return None
    try:
        facts = facts_digest(data / "articles", m.started_ns, FACT_SUFFIXES, lambda name: shard_of(name, shard))
    except OSError:
        return None
    real = Path(os.path.realpath(out))
    if facts != m.facts or digest_of(real) != m.digest:
        return None
    with parent_locked(real.parent):
        sweep(real)  # a build with nothing to do still clears what killed builds left beside the folder
    return m
