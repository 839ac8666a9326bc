"""Content-addressed cache of per-article build outcomes, for incremental rebuilds.

The key hashes the facts file's bytes and path with a salt covering everything else that decides
the outcome (tool version, ontology, shapes, engine, site facts): a changed shape or ontology
invalidates every entry. Entries are compressed pickles in a folder the user owns (default
`.kg/cache`); only point it at a folder you trust, as with any pickle.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import zlib
from pathlib import Path
from typing import Any


class Cache:
    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.salt = salt.encode()

    def key(self, path: Path) -> str | None:
        try:
            content = path.read_bytes()
        except OSError:
            return None
        return hashlib.sha256(self.salt + b"\0" + os.fsencode(path) + b"\0" + content).hexdigest()

    def named(self, name: str) -> str:
        """The key of a value that depends on the salt alone (e.g. the bundled graphs)."""
        return hashlib.sha256(self.salt + b"\0" + name.encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def get(self, key: str) -> Any | None:
        try:
            return pickle.loads(zlib.decompress(self._path(key).read_bytes()))
        except (OSError, zlib.error, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None  # a missing, stale or damaged entry is just a miss

    def put(self, key: str, value: Any) -> None:
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1))
            os.replace(tmp, target)
        except OSError:
            pass  # the cache only speeds things up; a full disk must not fail the build
