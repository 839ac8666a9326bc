"""A build's kg.nq published in chunks of whole graphs, each chunk replacing its graphs, with resume.

One POST of a 900 MB file is all or nothing: a failure after 200 s starts over, and the POST adds
to what the store holds. Here the memory-mapped file is cut at graph boundaries (kg.stores.nqchunks)
and each chunk is sent as two requests: a SPARQL update that drops the chunk's graphs, then an
N-Quads POST of the chunk. So every graph ends as exactly what kg.nq holds, a re-sent chunk never
duplicates anything, and the result is the same as one POST into an empty store.

A journal (`.kg/publish/<target>.json`, written atomically after every chunk the server
acknowledged) records the SHA-256 of each acknowledged chunk. A re-run after a failure skips the
chunks whose very bytes the server already took and says so; a chunk whose bytes changed (a new
build) is sent again. The journal is removed once every chunk is in, so the next run sends all.
While a chunk is in flight its graphs may be absent or partial on the server: a failure names them,
the graphs already published and the command that resumes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.core.errors import InputError, NetworkError, OutputError
from kg.stores.gsp import GraphStore
from kg.stores.nqchunks import Body, Chunk, graphs_in, split

JOURNALS = Path(".kg/publish")
DEFAULT_CHUNK_MB = 64
SHOWN = 5  # graph IRIs named in a failure message, per list


@dataclass(frozen=True)
class Limits:
    """Where a chunk is cut: after `max_bytes`, or after `max_graphs` graphs (0: no graph limit)."""

    max_bytes: int = DEFAULT_CHUNK_MB << 20
    max_graphs: int = 0


DEFAULT_LIMITS = Limits()


@dataclass
class Journal:
    """The chunks a server acknowledged for one target and one file, by the SHA-256 of their bytes."""

    path: Path
    target: str
    corpus: str
    done: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, folder: Path, target: str, corpus: Path, *, resume: bool) -> Journal:
        corpus_name = str(corpus.resolve())
        key = hashlib.sha256(f"{target}\n{corpus_name}".encode()).hexdigest()[:16]
        journal = cls(folder / f"{key}.json", target, corpus_name)
        if not resume or not journal.path.exists():
            return journal
        try:
            saved = json.loads(journal.path.read_text(encoding="utf-8"))
            journal.done = {str(d) for d in saved["acknowledged"]}
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise InputError(f"{journal.path}: unreadable publish journal ({e}); delete it to start over") from None
        return journal

    def acknowledge(self, chunk: Chunk) -> None:
        """Record one more acknowledged chunk: a new file written whole, then renamed into place."""
        self.done.add(chunk.digest)
        data = {"target": self.target, "corpus": self.corpus, "acknowledged": sorted(self.done)}
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1)
            os.replace(tmp, self.path)
        except OSError as e:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            raise OutputError(f"{self.path}: cannot write the publish journal: {e.strerror or e}") from None

    def remove(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as e:
            raise OutputError(
                f"{self.path}: cannot remove the finished publish journal (a next run would skip chunks): "
                f"{e.strerror or e}"
            ) from None


@dataclass
class Sent:
    """What a chunked publish did: quads and graphs in kg.nq, chunks sent and skipped (resumed)."""

    quads: int = 0
    graphs: int = 0
    chunks: int = 0
    skipped: int = 0


class ChunkedPublishError(NetworkError):
    """A chunk failed: which graphs are published, which may be partial, which are not, how to resume."""

    def __init__(self, reason: str, published: list[str], partial: list[str], pending: list[str], resume: str):
        self.published, self.partial, self.pending = published, partial, pending

        def some(iris: list[str]) -> str:
            more = f", … ({len(iris) - SHOWN} more)" if len(iris) > SHOWN else ""
            return (", ".join(iris[:SHOWN]) or "none") + more

        super().__init__(
            "\n".join(
                [
                    reason,
                    f"published ({len(published)} graphs): {some(published)}",
                    f"in the failed chunk, absent or partial on the server ({len(partial)}): {some(partial)}",
                    f"not published ({len(pending)}): {some(pending)}",
                    f"resume with: {resume}  (the chunks the server acknowledged are skipped; the failed one "
                    "is sent again whole, replacing its graphs)",
                ]
            )
        )


Progress = Callable[[str], None]


def publish_chunks(
    store: GraphStore,
    corpus: Path,
    journal: Journal,
    *,
    limits: Limits = DEFAULT_LIMITS,
    resume: str = "the same command",
    progress: Progress | None = None,
) -> Sent:
    """Send kg.nq chunk by chunk (each replacing its graphs), skipping those `journal` holds."""
    say = progress or (lambda _: None)
    with mapped(corpus, "the build's N-Quads") as body:
        chunks = []
        for chunk in split(body, corpus, max_bytes=limits.max_bytes, max_graphs=limits.max_graphs):
            chunks.append(chunk)
            _forget(body, chunk)  # scanned: its pages may go until it is sent
        sent = Sent(sum(c.quads for c in chunks), sum(c.graphs for c in chunks), len(chunks))
        todo = [c for c in chunks if c.digest not in journal.done]
        sent.skipped = len(chunks) - len(todo)
        if sent.skipped:
            say(
                f"resuming: {sent.skipped} of {len(chunks)} chunks "
                f"({sum(c.graphs for c in chunks if c not in todo)} graphs) were acknowledged by an "
                f"earlier run ({journal.path}); sending the other {len(todo)}"
            )
        for chunk in todo:
            _send(
                store, (body, corpus), chunk, len(chunks), say, _failure((body, corpus), chunks, chunk, journal, resume)
            )
            journal.acknowledge(chunk)
    return sent


@contextlib.contextmanager
def mapped(path: Path, what: str) -> Iterator[Body]:
    """The file memory-mapped read-only (an empty file, which cannot be mapped, as b""); InputError
    naming `what` if it cannot be read."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed below, after the mapping)
    except OSError as e:
        raise InputError(f"{path}: cannot read {what}: {e.strerror or e}") from None
    with fh:
        try:
            body = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if os.fstat(fh.fileno()).st_size else None
        except OSError as e:
            raise InputError(f"{path}: cannot read {what}: {e.strerror or e}") from None
        try:
            yield b"" if body is None else body
        finally:
            if body is not None:
                body.close()


def put_file(store: GraphStore, iri: str, path: Path, content_type: str) -> None:
    """PUT a file as a graph's body, read and sent in blocks (a description may be hundreds of MB:
    sent from a mapping, every page of it would stay resident until the request ends — 323 of the
    354 MB peak at 100k articles)."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed below, after the request)
    except OSError as e:
        raise InputError(f"{path}: cannot read the build's description: {e.strerror or e}") from None
    with fh:
        store.put(iri, fh, content_type)


def _send(
    store: GraphStore, file: tuple[Body, Path], chunk: Chunk, of: int, say: Progress, fail: Callable[[str], Exception]
) -> None:
    """Drop the chunk's graphs, then POST its bytes (a zero-copy view of the mapped file)."""
    started = time.perf_counter()
    body, where = file
    view = memoryview(body)[chunk.start : chunk.end]
    try:
        store.drop_graphs(
            graphs_in(body, where, chunk), f"chunk {chunk.index + 1}/{of}: dropping its {chunk.graphs} graphs"
        )
        store.post_nquads(view, f"chunk {chunk.index + 1}/{of}: bulk load of {chunk.graphs} graphs")
    except NetworkError as e:
        raise fail(str(e)) from None
    finally:
        view.release()
        _forget(body, chunk)
    say(
        f"  chunk {chunk.index + 1}/{of}: {chunk.graphs} graphs, {chunk.quads} quads, "
        f"{chunk.size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s"
    )


def _forget(body: Body, chunk: Chunk) -> None:
    """Unmap the pages of a chunk once scanned or sent: they stay in the page cache, but no longer
    count in this process's resident memory (which otherwise grows to the size of kg.nq)."""
    start = chunk.start - chunk.start % mmap.PAGESIZE
    if isinstance(body, mmap.mmap) and chunk.end > start:
        body.madvise(mmap.MADV_DONTNEED, start, chunk.end - start)


def _failure(
    file: tuple[Body, Path], chunks: list[Chunk], failed: Chunk, journal: Journal, resume: str
) -> Callable[[str], Exception]:
    """The error a failed chunk raises, naming every graph by where it stands (read again from the file)."""

    def make(reason: str) -> Exception:
        def graphs(which: Iterable[Chunk]) -> list[str]:
            return [g for c in which for g in graphs_in(*file, c)]

        published = graphs(c for c in chunks if c.digest in journal.done)
        pending = graphs(c for c in chunks if c.digest not in journal.done and c is not failed)
        return ChunkedPublishError(reason, published, graphs([failed]), pending, resume)

    return make
