"""What the last build wrote, for kg.core.fsio.TreeWriter to link a file as it is without reading it back.

A file is vouched for when the last build left it with the stat it has now and wrote the bytes it would
write now: two facts kept apart, as (name, stat) and (name, SHA-256), so each comes from its own file
beside the manifest, read a chunk at a time, with no join by name. Each is kept as a 128-bit hash in
sorted arrays: 32 bytes a file, where a dict by name of both held ~800 (300,000 files: 10 MB, not 240 MB,
and the build's workers, forked after, inherit it).
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable

Stat = tuple[int, int, int]  # inode, size, mtime_ns


def _key(kind: str, name: str, value: object) -> int:
    text = f"{kind}\0{name}\0{value}".encode("utf-8", "surrogateescape")
    return int.from_bytes(hashlib.blake2b(text, digest_size=16).digest(), "big")


class Vouched:
    """The export files' stats as the last build left them, and the hashes of what it wrote to them."""

    def __init__(self, stats: Iterable[tuple[str, Stat]] = (), hashes: Iterable[tuple[str, str]] = ()) -> None:
        keys = [_key("stat", name, stat) for name, stat in stats]
        keys += [_key("sha256", name, sha) for name, sha in hashes]
        keys.sort()
        self._high = array("Q", (k >> 64 for k in keys))
        self._low = array("Q", (k & ((1 << 64) - 1) for k in keys))

    def __len__(self) -> int:
        return len(self._high)

    def _has(self, key: int) -> bool:
        high, low = key >> 64, key & ((1 << 64) - 1)
        i = bisect_left(self._high, high)
        while i < len(self._high) and self._high[i] == high:
            if self._low[i] == low:
                return True
            i += 1
        return False

    def vouches(self, name: str, stat: Stat, sha256: str | None) -> bool:
        """Whether `name` is as the last build left it (`stat`) and held the bytes hashed `sha256` then."""
        return sha256 is not None and self._has(_key("stat", name, stat)) and self._has(_key("sha256", name, sha256))
