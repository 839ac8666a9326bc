"""Publishing a build to a Graph Store Protocol server, in one of four modes.

`graphs` PUTs each named graph (and drops the site's stale ones); `bulk` POSTs every graph in one
N-Quads request (first loads); `dry-run` writes nothing and says, per graph, what a publish would
add and remove; `exports` bulk-loads a build folder as written (kg.nq in chunks that
replace their graphs, with resume; then the description), without rebuilding. The first three
publish a checked `Dataset` (kg.flow.dataset).

Every publish that writes then reads each graph back and compares it with what was sent
(kg.stores.verify): a store that silently kept something else is an error naming the graph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from kg.core.errors import InputError
from kg.export.files import CORPUS_FILE, VOID_FILE
from kg.flow.dataset import Dataset
from kg.stores import chunked, description, gsp, sync, verify
from kg.stores.gsp import GraphStore
from kg.stores.sync import GraphChange, PublishSummary


class Mode(StrEnum):
    GRAPHS = "graphs"
    BULK = "bulk"
    DRY_RUN = "dry-run"
    EXPORTS = "exports"


def mode_of(*, dry_run: bool = False, bulk: bool = False, exports: Path | None = None, timestamp: bool = False) -> Mode:
    """The mode a combination of settings asks for; InputError for one that means nothing."""
    if dry_run and bulk:
        raise InputError.about("{dry_run} and {bulk} cannot be combined")
    if exports is not None:
        if not bulk or timestamp or dry_run:
            raise InputError.about(
                "{exports} publishes a build as written: use it with {bulk}, without {dry_run} or {timestamp}"
            )
        return Mode.EXPORTS
    return Mode.DRY_RUN if dry_run else Mode.BULK if bulk else Mode.GRAPHS


@dataclass
class Published:
    """What a publish did: the graphs sent (and dropped), where, and for a dry run the changes it would make."""

    mode: Mode
    url: str | None
    summary: PublishSummary = field(default_factory=PublishSummary)
    quads: int = 0  # exports: quads posted from kg.nq
    changes: list[GraphChange] = field(default_factory=list)  # dry run
    verified: int = 0  # graphs read back and found as sent
    chunks: int = 0  # exports: chunks kg.nq was sent in
    skipped: int = 0  # exports: chunks an earlier, failed run had sent (resumed)


def publish(
    client: GraphStore, mode: Mode, data: Dataset, *, progress: Callable[[str, int | None], None] | None = None
) -> Published:
    """Publish a checked dataset (graphs, bulk) or say what that would change (dry run)."""
    target = client.target
    if mode is Mode.DRY_RUN:
        changes = sync.diff(client, data.graphs, owned_prefix=data.owned_prefix)
        return Published(mode, target.gsp_url, changes=changes)
    if mode is Mode.BULK:
        summary = gsp.publish_bulk(client, data.graphs)
        done = Published(mode, _where(client, target.bulk_url), summary)
    elif mode is Mode.GRAPHS:
        summary = sync.publish(client, data.graphs, owned_prefix=data.owned_prefix, progress=progress)
        done = Published(mode, _where(client, target.gsp_url), summary)
    else:
        raise ValueError(f"{mode} publishes a build folder: use publish_folder")
    done.verified = verify.verify(data.graphs, client.held, target.gsp_url)
    return done


def publish_folder(
    client: GraphStore,
    folder: Path,
    *,
    limits: chunked.Limits = chunked.DEFAULT_LIMITS,
    journals: Path = chunked.JOURNALS,
    resume: bool = True,
    resume_command: str = "the same command",
    progress: chunked.Progress | None = None,
) -> Published:
    """Bulk-load a build folder as written: its kg.nq in chunks that each replace their graphs
    (resuming after a failure, kg.stores.chunked), then its void.ttl, which lists the graphs and so
    goes last; then every graph is counted back against the triples the description states."""
    target = client.target
    if target.bulk_url is None or target.update_url is None or target.query_url is None:
        raise InputError.about(
            "{bulk} is not available for {server} {kind}; publish without {bulk}", kind=target.server
        )
    void = description.read(folder / VOID_FILE)  # checked before anything is sent
    journal = chunked.Journal.open(journals, target.bulk_url, folder / CORPUS_FILE, resume=resume)
    sent = chunked.publish_chunks(
        client, folder / CORPUS_FILE, journal, limits=limits, resume=resume_command, progress=progress
    )
    chunked.put_file(client, void.iri, void.path, "text/turtle")
    journal.remove()  # every chunk is in: a next run sends everything again
    summary = PublishSummary({void.iri: void.triples})
    done = Published(Mode.EXPORTS, _where(client, target.bulk_url), summary, sent.quads, chunks=sent.chunks)
    done.skipped = sent.skipped
    stated = {void.iri: void.triples, **void.counts()}
    done.verified = verify.verify_counts(stated, client.counts, target.gsp_url)
    return done


def _where(client: GraphStore, planned: str | None) -> str | None:
    """Where the data went: the URLs the server's (same-origin) redirects led to, else the one planned."""
    went = sorted(client.destinations)
    return ", ".join(went) if went else planned


def dry_run_table(changes: list[GraphChange]) -> list[str]:
    """Per graph, the triples held and those a publish would add and remove, then the totals."""
    lines = ["  graph" + " " * 50 + "  held   +add  -remove"]
    lines += [f"  {c.iri:<55} {c.held:>6} {c.add:>6} {c.remove:>8}" for c in changes]
    lines.append(
        f"dry run: {sum(c.add for c in changes)} triples to add, {sum(c.remove for c in changes)} to remove, "
        f"in {sum(1 for c in changes if c.add or c.remove)} of {len(changes)} graphs; nothing was written"
    )
    return lines
