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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from kg.core.spill import Appended
from kg.flow import manifest

_DAMAGED = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError)


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
    order: list[str]  # every name of the map, in build order
    changed: dict[str, Any]  # the entries that differ from the base


def read(cache_dir: Path, out: Path, build: int, what: str) -> tuple[dict[str, Any], set[str]] | None:
    """The map build `build` kept as `what`, and the names its layer holds; None when it is not there."""
    base = manifest.entries(manifest.beside(cache_dir, out, build, what))
    if base is None:
        return None
    path = manifest.beside(cache_dir, out, build, f"{what}-layer")
    if not path.is_file():
        return base, set()
    layer = value(path)
    if not isinstance(layer, Layer):
        return None
    base.update(layer.changed)
    if len(base) != len(layer.order) or list(base) != layer.order:  # names removed or added since the base
        base = {n: base[n] for n in layer.order}
    return base, set(layer.changed)


def write(
    cache_dir: Path, out: Path, build: int, what: str, value: dict[str, Any], last: tuple[int, set[str]] | None
) -> None:
    """Keep `value` as build `build`'s `what`: a layer over the last build's base when `last` (its id, and
    the names changed since its base, this build's included) is given and few enough, else whole."""
    target = manifest.beside(cache_dir, out, build, what)
    if last is not None:
        changed = last[1] & value.keys()
        if len(changed) <= max(64, len(value) // 20):
            carry(cache_dir, out, last[0], build, what)
            layer = Layer(list(value), {n: value[n] for n in changed})
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
    except _DAMAGED:
        return None
