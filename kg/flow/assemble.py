"""A build's export folder assembled article by article, in build order: each article's files, its
block of kg.nq and its part of void.ttl, then the corpus-wide part of void.ttl.

A full build writes every article from its outcome. A rebuild from the last build's records
(kg.flow.records) writes only the changed articles from their outcomes: an unchanged article's files
are hard-linked from the previous folder, its block of kg.nq and its part of void.ttl copied by the
kernel from the previous kg.nq and void.ttl (a run of unchanged articles as one range). Both give the
same bytes: every part depends on its article and the site alone, and the corpus-wide part on counts
kept across builds.

A full build keeps nothing per article in memory: its records and the manifest's articles go to files
(kg.flow.layered.Log), the parts of void.ttl to a spool and its partitions to a table
(kg.flow.partstore.Fold), all in a store made for the run (kg.core.runstore), and void.ttl is written from
them piece by piece.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from itertools import chain
from pathlib import Path
from typing import BinaryIO, Protocol

from kg.core.fsio import TreeWriter
from kg.core.options import RunOptions
from kg.core.result import Carried, Page
from kg.core.runstore import RunStore
from kg.core.spill import Appended
from kg.core.streamed import Range
from kg.core.treecheck import TreeChecker
from kg.export.dataset import FileInfo, GraphSummary, Partitions
from kg.export.files import CORPUS_FILE, VOID_FILE
from kg.export.serialize import nquads
from kg.flow import keep, layered, manifest, partstore
from kg.flow.article import Outcome
from kg.flow.bundled import bundled_files, bundled_graphs
from kg.flow.corpus import Tally
from kg.flow.dataset import graph_part, source_of, void_head
from kg.flow.folder import Facts
from kg.flow.layered import Log
from kg.flow.records import At, Delta, Record, Stored, Unusable, carried, record_log, save
from kg.flow.sitelint import Kept
from kg.graph.iris import Minter
from kg.load.facts import Site

_VOIDS = 200  # parts of void.ttl (~3 KB each) a chunk of the spool holds


class _Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...


class Assembly:
    """The exports of one build, streamed into `target` (a new folder, or a checker of the one on disk)."""

    def __init__(
        self,
        site: Site,
        target: TreeWriter | TreeChecker,
        options: RunOptions,
        record: manifest.Manifest,
        delta: tuple[Path, Delta | None],
    ) -> None:
        """`delta`: the export folder, and the last build's records when this is a rebuild from them."""
        out, rebuild = delta
        self._old = self._old_void = -1  # a rebuild's: the last kg.nq and void.ttl, opened last (_open_last)
        self.site, self.target, self.threshold, self.record, self.delta = site, target, options.fail_on, record, rebuild
        self.nq = _Counted(target.open(CORPUS_FILE))
        self.triples = 0  # of the articles' graphs in kg.nq
        self.computed: set[str] = set()  # a rebuild's: the facts files of the articles computed (not carried over)
        self.count = 0  # articles noted or carried: the records and the manifest list as many
        self.published = 0
        self.earlier = keep.Earlier(out, rebuild.graph_index if rebuild is not None else None)
        self.lint = rebuild.lint if rebuild is not None else None  # the @id lint's index kept (kg.flow.sitelint)
        if rebuild is None and options.cache_dir is not None and isinstance(target, TreeWriter):
            self.lint = Kept.create(manifest.beside(options.cache_dir, out, record.started_ns, "lint.tmp"))
        self.run = RunStore()
        self.log: Log[Record] | None = None
        self.articles: Log[manifest.Article] | None = None  # a full build's manifest articles (else `record`'s)
        self.facts = Facts(record.started_ns)  # the manifest articles' digest, as they are written
        self.parts: Partitions | partstore.Fold = Partitions()  # a rebuild's: what the changed articles add
        self.spool = _Spool(Path(self.run.folder) / "voids")  # the articles' parts of void.ttl, in build order
        self.voids = _Counted(self.spool)
        if rebuild is None:
            self.stored, self.parts = Stored(0, [], []), partstore.Fold(self.run.db)
            self.log = record_log(Path(self.run.folder) / "records")
            self.articles = Log(Path(self.run.folder) / "articles")
            self._bundled(options.cache_dir)
            return
        assert isinstance(target, TreeWriter), "a rebuild from records writes a new folder"
        if target.previous is None:  # removed since the last build (or no longer marked as medkg's)
            raise Unusable("the last export folder is gone")
        self.stored = Stored(rebuild.stored.head, rebuild.stored.bundled, rebuild.stored.files)
        for f in rebuild.stored.files:
            target.link(f.name)
        self._old, self._old_void = _open_last(rebuild.folder)  # last: a failure before leaves nothing open
        self.nq.carry(self._old, 0, rebuild.stored.head)
        for name in rebuild.lint.index.holding(rebuild.replaced):
            rebuild.lint.index.remove(name)  # changed or removed: the changed come back as they are computed

    def _bundled(self, cache_dir: Path | None) -> None:
        """The ontology and shapes: kg.nq's first graphs, and their files as they are."""
        for g in bundled_graphs(cache_dir):
            block = nquads(g.iri, g.triples)
            self.nq.write(block)
            self.parts.merge(Partitions().add(g.triples, g.iri))
            self.stored.bundled.append(GraphSummary(g.iri, len(g), g.kind, hashlib.sha256(block).hexdigest()))
        self.stored.head = self.nq.size
        for name, content in bundled_files().items():
            self.target.add(name, content)
            self.stored.files.append(FileInfo.of(name, content))

    def unchanged(self, run: Sequence[tuple[Record, At, manifest.Article]], tally: Tally) -> None:
        """Articles as the last build left them, in build order (each: its record, where its block lies in
        the last kg.nq and its part in the last void.ttl, and the last manifest's entry), counted a run at a
        time; one whose slug a changed article before it took goes as in a full build."""
        assert self.delta is not None and isinstance(self.target, TreeWriter), "only a rebuild has records"
        claimed = tally.claim([(r.slug, r.file) for r, _, _ in run])
        kept: list[tuple[Page, Carried, int]] = []
        for (r, (offset, void), article), ok in zip(run, claimed, strict=True):
            if not ok:
                self.delta.leave(r, offset)
                self.fresh(r.outcome(), tally, article.stat)
                continue
            kept.append((Page(r.slug, r.file, r.page), r.findings, r.triples))
            if r.failing:
                tally.result.extend([keep.notice(r.file, *r.slug_at, r.slug, r.files, self.threshold)])
            else:
                self.published += 1
            for f in r.files:
                self.target.link(f)
            if r.nq:
                self.nq.carry(self._old, offset, r.nq)
            if r.void:
                self.voids.carry(self._old_void, void, r.void)
            if r.graph is not None:
                self.triples += r.graph.size
            self.count += 1
        tally.carry(kept)

    def fresh(self, o: Outcome, tally: Tally, stat: manifest.Stat) -> None:
        """An article from its outcome: published, or (failing) its last good exports kept (`stat`: its
        facts file's, taken before the build)."""
        problems = len(tally.result.problems)
        tally.accept(o)
        if len(tally.result.problems) > problems or any(f.severity >= self.threshold for f in o.findings):
            self._failing(o, tally, stat)
            return
        mine = [FileInfo.of(name, content) for name, content in o.files.items()]
        for info, content in zip(mine, o.files.values(), strict=True):
            self.target.add(info.name, content, info.sha256)
        self.nq.write(o.quads)
        graph = GraphSummary(o.graph_iri, o.triples, "article", hashlib.sha256(o.quads).hexdigest())
        self.triples += graph.size
        if o.partitions is not None:
            self.parts.merge(o.partitions)
        self.published += 1
        self._note(o, stat, tuple(mine), (graph, len(o.quads), graph_part(self.site, graph, source_of(o), tuple(mine))))

    def _failing(self, o: Outcome, tally: Tally, stat: manifest.Stat) -> None:
        slug = o.slug or Path(o.file).stem
        kept = self.earlier.kept(slug, o.graph_iri or Minter(self.site.base_iri).graph(slug))
        if o.slug is not None and o.file != tally.owner(o.slug):  # a second file with a used slug
            kept = None
        files = tuple(kept.files) if kept is not None else ()
        tally.result.extend([keep.notice(o.file, o.slug_at.line, o.slug_at.column, slug, files, self.threshold)])
        graph, part, length = None, "", 0
        if kept is not None:
            for name, content in kept.files.items():
                self.target.add(name, content)
            self.nq.write(kept.quads)
            graph = GraphSummary(kept.graph_iri, kept.triples, "article", hashlib.sha256(kept.quads).hexdigest())
            self.triples += graph.size
            self.parts.merge(Partitions().add(kept.graph(), kept.graph_iri))
            part, length = graph_part(self.site, graph, None, ()), len(kept.quads)
        self._note(o, stat, (), (graph, length, part), kept=files)

    def _note(
        self,
        o: Outcome,
        stat: manifest.Stat,
        files: tuple[FileInfo, ...],
        written: tuple[GraphSummary | None, int, str],
        kept: tuple[str, ...] | None = None,
    ) -> None:
        """What the manifest and the records keep of an article (its facts file's stat is taken before the
        build): `written` is its graph in kg.nq, its block's length and its part of void.ttl; `kept`, for a
        failing article, the names of its last good files kept."""
        if o.slug is None:
            return
        exports = tuple((f.name, f.sha256 or "") for f in files)
        name = Path(o.file).name
        if self.delta is not None:
            self.computed.add(name)
        article = manifest.Article(stat, o.sha256, o.slug, exports, manifest.summary_counts(o.findings))
        if self.articles is None:
            self.record.articles[name] = article
        else:
            self.articles.add(name, article)
        self.facts.note(name, stat, o.sha256)
        graph, length, part = written
        void = part.encode("utf-8")
        self.voids.write(void)
        names = kept if kept is not None else tuple(f.name for f in files)
        r = Record(
            o.file,
            o.slug,
            (o.slug_at.line, o.slug_at.column),
            o.sha256,
            o.graph_iri,
            o.page,
            o.triples,
            carried(o.file, o.findings),
            kept is not None,
            names,
            length,
            graph,
            len(void),
        )
        self._keep(name, r)

    def _keep(self, name: str, r: Record) -> None:
        if self.log is not None:
            self.log.add(name, r)
        else:
            self.stored.records[name] = r
            self.count += 1

    def records(self) -> layered.Stream:
        """A rebuild's records: those it computed over the last build's, read in build order."""
        assert self.delta is not None, "a rebuild's"
        return layered.Stream(self.delta.kept, layered.Layer(self.stored.records, self._gone()))

    def _gone(self) -> frozenset[str]:
        """A rebuild's: the last build's articles neither carried nor computed (their facts files changed
        and could not be read, or are gone)."""
        assert self.delta is not None, "a rebuild's"
        return frozenset(self.delta.replaced.keys() - self.computed)

    def manifest_articles(self) -> tuple[int, Iterable[bytes] | None]:
        """How many articles the manifest lists, and its file of them: a full build's as it logged them; a
        rebuild's, those it computed over the last manifest's, are written by `save` (None), their `facts`
        the last manifest's changed by what the build computed and left (no pass over its articles). An
        unchanged article computed anew (a changed one took its slug) is a problem, so no manifest is kept."""
        if self.articles is not None:
            return self.articles.count, self.articles.pieces()
        assert self.delta is not None, "a full build logs its articles"
        self.facts.over(
            Facts(self.delta.build, self.delta.facts), self.delta.replaced.items(), self.delta.recent.items()
        )
        return self.count, None

    def _listed(self) -> layered.Stream:
        """A rebuild's manifest articles: those it computed over the last build's, read in build order."""
        assert self.delta is not None, "a full build logs them"
        return layered.Stream(self.delta.listed, layered.Layer(self.record.articles, self._gone()))

    def write_void(self) -> None:
        """void.ttl: the corpus-wide part, then each article's part in build order, written as it goes."""
        total = sum(len(g) for g in self.stored.bundled) + self.triples
        files = (self.nq.info(CORPUS_FILE), *sorted(self.stored.files, key=lambda f: f.name))
        if self.delta is None:
            assert isinstance(self.parts, partstore.Fold), "a full build folds them"
            counts = self.parts.counts()
        else:
            assert isinstance(self.parts, Partitions), "a rebuild adds the changed articles' to the last build's"
            self.delta.taken()
            counts = self.delta.parts.apply(self.delta.removed, [self.parts])
        head = void_head(self.site, self.stored.bundled, total, files, counts)
        self.stored.void = len(head)
        self.voids.flush()  # the last range spooled
        self.target.add_pieces(VOID_FILE, chain([head], self.spool.items()))
        if self._old_void >= 0:
            os.close(self._old_void)
            self._old_void = -1
        if self._old >= 0:  # kg.nq complete: the last one closed before the swap, so whoever removes the
            self.nq.close()  # last folder frees its blocks (~0.3 s for 1.2 GB), not this build's last step
            os.close(self._old)
            self._old = -1

    def close(self) -> None:
        """Close the last kg.nq, and the last partitions (what was not saved is dropped: they stay the last's),
        and remove the run's store."""
        for log in (self.log, self.articles, self.spool):
            if log is not None:
                log.close()
        self.run.close()
        for fd in (self._old, self._old_void):
            if fd >= 0:
                os.close(fd)
        self._old = self._old_void = -1
        if self.delta is not None:
            self.delta.close()
        if self.lint is not None:
            self.lint.close()

    def save(self, cache_dir: Path, out: Path, build: int) -> None:
        """The records, the partitions, the @id lint's index and (a rebuild's, as a layer) the manifest's articles."""
        last = self.delta
        kept = (self.records(), self.count) if last is not None else self.log
        assert kept is not None, "a full build logs its records"
        save(cache_dir, out, build, self.stored, kept)
        if last is None:
            assert isinstance(self.parts, partstore.Fold), "a full build folds them"
            partstore.create(manifest.beside(cache_dir, out, build, "parts"), self.parts, build)
        else:
            layered.write(cache_dir, out, build, "articles", self._listed(), self.count)
            last.parts.commit(manifest.beside(cache_dir, out, build, "parts"), build)
        if self.lint is not None:
            self.lint.commit(manifest.beside(cache_dir, out, build, "lint"), build)


def _open_last(folder: Path) -> tuple[int, int]:
    """The last kg.nq and void.ttl, whose unchanged articles' bytes a rebuild copies; Unusable when one cannot
    be opened (the folder changed since the last build: it is then built in full)."""
    opened: list[int] = []
    try:
        for name in (CORPUS_FILE, VOID_FILE):
            opened.append(os.open(folder / name, os.O_RDONLY))
    except OSError as e:
        for fd in opened:
            os.close(fd)
        raise Unusable(f"the last exports cannot be read: {e}") from None
    return opened[0], opened[1]


class _Spool(Appended[bytes | Range]):
    """The articles' parts of void.ttl until its corpus-wide part, which comes first, can be written: bytes,
    and ranges of the last void.ttl (a rebuild's unchanged articles), on disk a chunk at a time."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _VOIDS)

    def write(self, data: bytes) -> int:
        self.append(data)
        return len(data)

    def copy(self, source: int, offset: int, length: int) -> None:
        self.append((source, offset, length))


class _Counted:
    """kg.nq (or the spool of void.ttl's parts) as it is written: its size, and carried ranges of the last
    one, joined while they are adjacent so one kernel copy moves a run of unchanged articles; handed on every
    RUN bytes, so the new folder's writer copies them while the build goes on (kg.core.streamed)."""

    RUN = 1 << 26

    def __init__(self, sink: BinaryIO | _Sink) -> None:
        self.sink, self.size = sink, 0
        self._pending: tuple[int, int, int] | None = None  # source fd, offset, length

    def write(self, data: bytes) -> None:
        self.flush()
        self.sink.write(data)
        self.size += len(data)

    def carry(self, source: int, offset: int, length: int) -> None:
        p = self._pending
        if p is not None and p[0] == source and p[1] + p[2] == offset:
            self._pending = (source, p[1], p[2] + length)
        else:
            self.flush()
            self._pending = (source, offset, length)
        self.size += length
        if self._pending[2] >= self.RUN:
            self.flush()

    def flush(self) -> None:
        if self._pending is not None:
            copy = getattr(self.sink, "copy", None)
            assert copy is not None, "only a new folder's kg.nq carries the last one's blocks"
            copy(*self._pending)
            self._pending = None

    def info(self, name: str) -> FileInfo:
        self.flush()
        return FileInfo(name, self.size, None)

    def close(self) -> None:
        """Every write and copy done (a new folder's kg.nq: its writer waits for them)."""
        self.flush()
        close = getattr(self.sink, "close", None)
        if close is not None:
            close()
