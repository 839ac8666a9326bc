"""JSON written piece by piece, byte for byte as `json.dumps(doc, indent=2, ensure_ascii=False)` writes
it, where a list may be given as `Lazy(iterable)`: a report of a million findings is never one object."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any


class Lazy:
    """A JSON array whose items are made as it is written."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def chunks(value: Any, level: int = 0) -> Iterator[str]:
    """`value` as indented JSON (2 spaces a level), in pieces: a part with no Lazy in it in one piece (the
    C encoder's, indented to its level: JSON text has no newline inside a string)."""
    if isinstance(value, Lazy):
        yield from _container("[", "]", (("", v) for v in value.items), level)
        return
    try:
        text = json.dumps(value, indent=2, ensure_ascii=False)
    except TypeError:  # a Lazy inside (or a value JSON has no form for, which fails below)
        if isinstance(value, dict):
            members = [(json.dumps(k, ensure_ascii=False) + ": ", v) for k, v in value.items()]
            yield from _container("{", "}", members, level)
            return
        if isinstance(value, list):
            yield from _container("[", "]", (("", v) for v in value), level)
            return
        raise
    yield text.replace("\n", "\n" + "  " * level)


def _container(opening: str, closing: str, members: Iterable[tuple[str, Any]], level: int) -> Iterator[str]:
    inner, outer = "\n" + "  " * (level + 1), "\n" + "  " * level
    members = iter(members)
    first = next(members, None)
    if first is None:
        yield opening + closing
        return
    for n, (label, v) in enumerate(chain([first], members)):
        yield (opening if n == 0 else ",") + inner + label
        yield from chunks(v, level + 1)
    yield outer + closing
