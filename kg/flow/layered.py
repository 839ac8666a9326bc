"""Maps kept beside a build's manifest — the records and the manifest's articles by facts file name, the
export files' stats by file name — written as a base and a layer: a rebuild that changed a few articles links
the last base under its own name and writes only a layer with the entries changed since that base and the names
gone from it (build order is name order, so the layer's entries merge into the base's as it is read; the export
stats are in no order, and read as the base's, then the layer's), so it never rewrites the 80 MB of a
10,000-article site's records, and holds nothing per unchanged article. When a layer would hold more than a
twentieth of the entries, the whole map is written as a new base. A base is a run of pickles, each a list of a
few thousand (name, entry) pairs (kg.flow.manifest.chunks), so a full build writes it as its entries arrive
(`Log`) and never holds the whole map.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from kg.core.spill import Appended, chunked
from kg.core.vouched import Vouched
from kg.flow import manifest
from kg.flow.folder import Digest, Stat

FEW = 64  # entries a layer holds however few the map has (else a twentieth of them); more: the map written whole
DAMAGED = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError)


T = TypeVar("T")


class Log(Appended[tuple[str, T]]):
    """A map written to disk in build order as its entries arrive, as a base is (`manifest.chunks`): only
    the last `chunk` entries (`manifest.CHUNK`) are in memory. A full build's records and manifest articles."""

    def __init__(self, path: Path, chunk: int | None = None) -> None:
        super().__init__(path, chunk or manifest.CHUNK)

    def add(self, name: str, entry: T) -> None:
        self.append((name, entry))


@dataclass
class Layer:
    """What a map changed over its base: build order is name order (kg.core.listing.Listing sorts the
    names), so the map's order is the base's with these merged in, and no list of every name is kept."""

    changed: dict[str, Any]  # the entries that differ from the base's, or that the base does not have
    gone: frozenset[str] = frozenset()  # names of the base the map no longer has


class Stream:
    """A map kept as a base and a layer, read in build order a chunk at a time, never whole. The base is a
    file (a full write), or another Stream: a rebuild's records are its computed articles' over the last
    build's."""

    def __init__(self, base: Path | Stream, layer: Layer | None = None, ordered: bool = True) -> None:
        """`ordered`: the base is in build order (else, as the export files' stats, in no order)."""
        self.base, self.layer, self.ordered = base, layer, ordered

    @property
    def changed(self) -> set[str]:
        """The names its layer holds."""
        return set(self.layer.changed) if self.layer is not None else set()

    def items(self) -> Iterator[tuple[str, Any]]:
        """The entries in build order (ValueError when the base's names are not in name order; OSError or a
        pickle's error when its files do not hold): the layer's merged into the base's as they are read."""
        below = chunked(self.base) if isinstance(self.base, Path) else self.base.items()
        if self.layer is None:
            yield from below
            return
        changed, gone = self.layer.changed, self.layer.gone
        if not self.ordered:  # the base's entries, then the layer's
            yield from ((name, entry) for name, entry in below if name not in changed and name not in gone)
            yield from changed.items()
            return
        added = sorted(changed)
        i, last = 0, ""
        for name, entry in below:
            if name <= last:
                raise ValueError(f"{name!r} comes after {last!r}: not in build order")
            last = name
            while i < len(added) and added[i] < name:
                yield added[i], changed[added[i]]
                i += 1
            if i < len(added) and added[i] == name:
                yield name, changed[name]
                i += 1
            elif name not in gone:
                yield name, entry
        for name in added[i:]:
            yield name, changed[name]

    def get(self, name: str) -> Any:
        """An entry one of its layers holds (KeyError for one only in the base file)."""
        if self.layer is not None and name in self.layer.changed:
            return self.layer.changed[name]
        if isinstance(self.base, Stream):
            return self.base.get(name)
        raise KeyError(name)

    def over_file(self) -> tuple[Path, Layer]:
        """The map as one layer over the file at the bottom of its bases."""
        upper = self.layer or Layer({})
        if isinstance(self.base, Path):
            return self.base, upper
        path, lower = self.base.over_file()
        changed = {n: e for n, e in lower.changed.items() if n not in upper.gone} | upper.changed
        return path, Layer(changed, (lower.gone | upper.gone) - upper.changed.keys())


def stream(cache_dir: Path, out: Path, build: int, what: str, ordered: bool = True) -> Stream | None:
    """The map build `build` kept as `what`, to be read as it goes; None when it is not there."""
    base = manifest.beside(cache_dir, out, build, what)
    path = base.with_name(f"{base.name}-layer")
    if not base.is_file():
        return None
    if not path.is_file():
        return Stream(base, None, ordered)
    layer = value(path)
    return Stream(base, layer, ordered) if isinstance(layer, Layer) else None


def read(cache_dir: Path, out: Path, build: int, what: str) -> tuple[dict[str, Any], set[str]] | None:
    """The map build `build` kept as `what`, whole, and the names its layer holds; None when it is not there."""
    kept = stream(cache_dir, out, build, what)
    try:
        return None if kept is None else (dict(kept.items()), kept.changed)
    except DAMAGED:
        return None


def write(
    cache_dir: Path,
    out: Path,
    build: int,
    what: str,
    value: dict[str, Any] | Stream,
    count: int,
    chunk: int | None = None,
) -> None:
    """Keep `value` (`count` entries) as build `build`'s `what`: a Stream as a layer over the file at the
    bottom of its bases (linked as this build's) when few enough entries differ from it, else whole (in
    pickles of `chunk` entries, `manifest.CHUNK`)."""
    target = manifest.beside(cache_dir, out, build, what)
    layer_file = target.with_name(f"{target.name}-layer")
    with contextlib.suppress(FileNotFoundError):
        layer_file.unlink()
    if isinstance(value, Stream):
        base, layer = value.over_file()
        if len(layer.changed) + len(layer.gone) <= max(FEW, count // 20):
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            os.link(base, target)
            manifest.put(layer_file, pickle.dumps(layer, pickle.HIGHEST_PROTOCOL))
            return
    manifest.put(target, manifest.chunks(value.items(), chunk))


def value(path: Path) -> Any:
    """A pickle file's value; None when it is missing or damaged (the caller then builds in full)."""
    try:
        return manifest.unpickled(path)
    except DAMAGED:
        return None


def manifest_whole(cache_dir: Path, out: Path) -> manifest.Manifest | None:
    """The last build's manifest with its articles and export files, whole (to look at it: a build reads them
    a chunk at a time)."""
    kept = manifest.head(cache_dir, out)
    if kept is None:
        return None
    listed = read(cache_dir, out, kept.started_ns, "articles")
    exports = stream(cache_dir, out, kept.started_ns, "exports", ordered=False)
    if listed is None or exports is None:
        return None
    try:
        kept.exports = dict(exports.items())
    except DAMAGED:
        return None
    kept.articles = listed[0]
    return kept


def vouched(cache_dir: Path, out: Path, m: manifest.Manifest | None) -> Vouched:
    """The article export files the last build wrote, their stat then and SHA-256, read a chunk at a time
    from the files beside its manifest (vouching for nothing when one is missing or damaged)."""
    listed = None if m is None else stream(cache_dir, out, m.started_ns, "articles")
    files = None if m is None else stream(cache_dir, out, m.started_ns, "exports", ordered=False)
    if listed is None or files is None:
        return Vouched()
    try:
        return Vouched(files.items(), ((name, sha) for _, a in listed.items() for name, sha in a.exports))
    except DAMAGED:
        return Vouched()


def rebuilt_exports(
    cache_dir: Path, out: Path, build: int, last: manifest.Manifest, written: dict[str, Stat], dropped: set[str]
) -> str | None:
    """A rebuild's export files' stats, kept as a layer over the last build's: the files it `written`, and
    none of the last build's files it `dropped` (its changed and removed articles'); the files it linked keep
    their stat (a hard link shares it), so the 30,000 of a 10k site are not stat'ed again. Returns the new
    map's digest (the last one's, the changed entries taken out and put in), or None when the last build's
    map cannot be read."""
    kept = stream(cache_dir, out, last.started_ns, "exports", ordered=False)
    if kept is None:
        return None
    digest, touched = Digest(last.digest), dropped | written.keys()
    try:
        for name, stat in kept.items():
            if name in touched:
                digest.add(name, stat, -1)
    except DAMAGED:
        return None
    for name, stat in written.items():
        digest.add(name, stat)
    layer = Layer(dict(written), frozenset(dropped - written.keys()))
    write(cache_dir, out, build, "exports", Stream(kept, layer, ordered=False), digest.count)
    return digest.value()
