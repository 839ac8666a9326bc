"""Maps by facts file name kept beside a build's manifest (the records), written as a
base and a layer: a rebuild that changed a few articles links the last base under its own name and
writes only a layer with the entries changed since that base (and every name, in build order), so
it never rewrites the 80 MB of a 10,000-article site's records. When a layer would hold more than a
twentieth of the entries, the whole map is written as a new base. A base is a run of pickles, each a
list of a few thousand (name, entry) pairs in build order (kg.flow.manifest.chunks), so a full build
writes it as its entries arrive (`Log`) and never holds the whole map.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from kg.core.listing import Names
from kg.core.spill import Appended
from kg.flow import manifest

DAMAGED = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError)


T = TypeVar("T")


class Log(Appended[tuple[str, T]]):
    """A map written to disk in build order as its entries arrive, as a base is (`manifest.chunks`): only
    the last `manifest.CHUNK` entries are in memory. A full build's records and manifest articles."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, manifest.CHUNK)

    def add(self, name: str, entry: T) -> None:
        self.append((name, entry))


@dataclass
class Layer:
    order: Sequence[str]  # every name of the map, in build order (kg.core.listing.Names: ~25 bytes a name)
    changed: dict[str, Any]  # the entries that differ from the base


class Stream:
    """A map kept as a base and a layer, read in build order a chunk at a time, never whole. The base is a
    file (a full write), or another Stream: a rebuild's records are its computed articles' over the last
    build's."""

    def __init__(self, base: Path | Stream, layer: Layer | None = None) -> None:
        self.base, self.layer = base, layer

    @property
    def changed(self) -> set[str]:
        """The names its layer holds."""
        return set(self.layer.changed) if self.layer is not None else set()

    def names(self) -> Sequence[str]:
        return self.layer.order if self.layer is not None else Names(n for n, _ in self.items())

    def items(self) -> Iterator[tuple[str, Any]]:
        """The entries in build order (ValueError, OSError or a pickle's error when the files do not hold):
        the base's are read as the layer's order passes them (both in build order)."""
        below = manifest.items(self.base) if isinstance(self.base, Path) else self.base.items()
        if self.layer is None:
            yield from below
            return
        for name in self.layer.order:
            if name in self.layer.changed:
                yield name, self.layer.changed[name]
                continue
            for n, entry in below:
                if n == name:
                    yield n, entry
                    break
            else:
                raise ValueError(f"{name!r} is in neither the layer nor its base")

    def get(self, name: str) -> Any:
        """An entry one of its layers holds (KeyError for one only in the base file)."""
        if self.layer is not None and name in self.layer.changed:
            return self.layer.changed[name]
        if isinstance(self.base, Stream):
            return self.base.get(name)
        raise KeyError(name)


def stream(cache_dir: Path, out: Path, build: int, what: str) -> Stream | None:
    """The map build `build` kept as `what`, to be read as it goes; None when it is not there."""
    base = manifest.beside(cache_dir, out, build, what)
    path = base.with_name(f"{base.name}-layer")
    if not base.is_file():
        return None
    if not path.is_file():
        return Stream(base)
    layer = value(path)
    return Stream(base, layer) if isinstance(layer, Layer) else None


def read(cache_dir: Path, out: Path, build: int, what: str) -> tuple[dict[str, Any], set[str]] | None:
    """The map build `build` kept as `what`, whole, and the names its layer holds; None when it is not there."""
    kept = stream(cache_dir, out, build, what)
    try:
        return None if kept is None else (dict(kept.items()), kept.changed)
    except DAMAGED:
        return None


def write(
    cache_dir: Path, out: Path, build: int, what: str, value: dict[str, Any] | Stream, last: tuple[int, set[str]] | None
) -> None:
    """Keep `value` as build `build`'s `what`: a layer over the last build's base when `last` (its id, and
    the names changed since its base, this build's included) is given and few enough, else whole."""
    target = manifest.beside(cache_dir, out, build, what)
    if last is not None:
        names = value.names() if isinstance(value, Stream) else Names(value)
        changed = {n for n in names if n in last[1]}
        if len(changed) <= max(64, len(names) // 20):
            carry(cache_dir, out, last[0], build, what)
            get = value.get if isinstance(value, Stream) else value.__getitem__
            layer = Layer(names, {n: get(n) for n in changed})
            manifest.put(target.with_name(f"{target.name}-layer"), pickle.dumps(layer, pickle.HIGHEST_PROTOCOL))
            return
    manifest.put(target, manifest.chunks(value.items()))


def carry(cache_dir: Path, out: Path, last: int, build: int, what: str) -> None:
    """Keep the last build's `what` unchanged as build `build`'s: its files linked."""
    for name in (what, f"{what}-layer"):
        source, target = manifest.beside(cache_dir, out, last, name), manifest.beside(cache_dir, out, build, name)
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        if source.is_file():
            os.link(source, target)


def value(path: Path) -> Any:
    """A pickle file's value; None when it is missing or damaged (the caller then builds in full)."""
    try:
        return manifest.unpickled(path)
    except DAMAGED:
        return None
