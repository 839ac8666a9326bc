"""Writing an export folder all at once, and only a folder medkg owns.

`kg build --out X` replaces X as a whole, so it first makes sure X is medkg's to replace: a folder
holding the marker file `.medkg-exports` (written into every export folder), an empty folder, or
nothing yet. Anything else — a checkout, a home folder, a file, a site folder behind a symlink — is
refused (InputError, exit 2) before anything is created or moved. A symlink is followed: the folder
it points to is checked and, when it is medkg's, replaced in place; the link itself is kept.

A build writes into a sibling temp folder `.X.new-*` and swaps it in on commit. On Linux the swap
is one `renameat2(RENAME_EXCHANGE)`: at every instant `X` is a complete export folder, old or new.
Where the exchange is not available (other systems, some file systems) two renames are used, and a
run killed between them leaves the previous folder as `.X.old-*`, which the next run puts back.
Each temp folder holds the marker, locked (flock) while its build runs; the next build removes
temp folders whose builds are gone, so `kill -9` never leaves litter behind for good.

`kg build --check` streams the same bytes past a checker that compares them with the folder on disk
instead (the marker is not an export and is not compared).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import hashlib
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from kg.core.errors import InputError, OutputError

if sys.platform != "win32":
    import fcntl

MARKER = ".medkg-exports"
MARKER_TEXT = (b"This folder is written by `kg build` (medkg) and replaced as a whole by every build.\n"
               b"This file marks it as medkg's: kg build refuses to replace a folder without it, unless it is empty.\n")
_NEW, _OLD = "new", "old"
LOCK_WAIT = 10.0  # seconds to wait for another build starting next to the same folder


def _fail(out: Path, what: str, e: OSError) -> OutputError:
    return OutputError(f"{out}: {what}: {e.strerror or e}")


def claim(out: Path) -> Path:
    """The real folder `out` names, if medkg may replace it: absent, empty, or holding the marker.
    A symlink is followed (the folder it points to is checked and replaced; the link is kept).
    Raises InputError, touching nothing, for anything else."""
    given = Path(os.path.abspath(out))
    real = given.resolve()
    try:
        cwd = Path.cwd().resolve()
    except OSError:  # pragma: no cover - the working directory was deleted
        cwd = None
    if real.parent == real:
        raise InputError(f"{out}: is the root of the file system; kg build replaces its output folder as a "
                         "whole: choose a new or empty folder for --out")
    if cwd is not None and (real == cwd or real in cwd.parents):
        raise InputError(f"{out}: is the working directory or one of its parents; kg build replaces its output "
                         "folder as a whole: choose a new or empty folder for --out")
    try:
        if not os.path.lexists(real):
            return real
        if not real.is_dir():
            raise InputError(f"{out}: is a file, not an export folder; kg build never replaces it: choose a new "
                             "or empty folder for --out")
        if (real / MARKER).is_file():
            return real
        entries = sorted(p.name for p in real.iterdir())
    except OSError as e:
        raise _fail(real, "cannot read the export folder", e) from None
    if not entries:
        return real
    via = f" (a link to {real})" if real != given else ""
    hint = (f"; if it is an export folder from an earlier medkg, add the marker: touch {real / MARKER}"
            if "kg.nq" in entries else "")
    shown = ", ".join(entries[:5]) + (", …" if len(entries) > 5 else "")
    raise InputError(f"{out}{via}: not an export folder medkg wrote (no {MARKER} file) and not empty ({shown}); "
                     f"kg build replaces its output folder as a whole, so it leaves this one alone: choose a new "
                     f"or empty folder for --out{hint}")


def _try_lock(fd: int) -> bool:
    """Take an exclusive lock without waiting; False when another process holds it."""
    if sys.platform == "win32":  # pragma: no cover - no flock: leftovers are kept, never removed wrongly
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # pragma: no cover - a file system without locks: nothing to coordinate with
        return True
    return True


@contextlib.contextmanager
def _parent_locked(parent: Path) -> Iterator[None]:
    """Held while leftovers are swept and a temp folder is made next to the output folder, so a build
    starting at the same moment never takes our new (still empty) temp folder for litter."""
    try:
        fd = os.open(parent, os.O_RDONLY)
    except OSError:  # pragma: no cover - cannot open the folder: mkdtemp will say why
        yield
        return
    if sys.platform == "win32":  # pragma: no cover - no flock
        os.close(fd)
        yield
        return
    try:
        give_up = time.monotonic() + LOCK_WAIT
        while not _try_lock(fd):
            if time.monotonic() > give_up:
                raise OutputError(f"{parent}: another kg build has been starting here for {LOCK_WAIT:g} s; "
                                  "try again when it is done")
            time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: some file systems cannot sync a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask_mode(mode: int) -> int:
    """`mode` as the process's umask would leave it for a newly created file or folder."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mode & ~mask


def sweep(out: Path) -> list[Path]:
    """Clear what killed builds left next to `out`: temp folders (holding the marker, unlocked: their
    build is gone; or empty) are removed; a previous folder set aside by the two-rename swap is put
    back when `out` is missing. Folders of live builds and anything without the marker are kept.
    Returns the paths removed. Call with the parent folder locked."""
    removed: list[Path] = []
    prefixes = (f".{out.name}.{_NEW}-", f".{out.name}.{_OLD}-")
    try:
        candidates = sorted((p for p in out.parent.iterdir() if p.name.startswith(prefixes)),
                            key=lambda p: (not p.name.startswith(prefixes[1]), p.name))
    except OSError:
        return removed
    for path in candidates:
        try:
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                continue  # a file or a link that happens to have the name: not ours
            marker = path / MARKER
            if not (marker.is_file() and not marker.is_symlink()):
                if not any(path.iterdir()):
                    path.rmdir()  # killed before it wrote the marker
                    removed.append(path)
                continue
            fd = os.open(marker, os.O_RDONLY)
            try:
                if not _try_lock(fd):
                    continue  # a build is running in it
                if path.name.startswith(prefixes[1]) and not os.path.lexists(out):
                    os.rename(path, out)  # the previous exports, set aside by a build killed mid-swap
                    continue
                shutil.rmtree(path)
                removed.append(path)
            finally:
                os.close(fd)
        except OSError:
            continue  # best effort: a leftover we cannot remove stays, and is tried again next time
    return removed


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # pragma: no cover - glibc before 2.28, or musl
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`). False, with
    nothing changed, where the system or the file system cannot."""
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


_rename = os.rename  # the two-rename swap's steps (a test interposes a kill between them)


class _Stream:
    """A file of the new folder written piece by piece (kg.nq); a failed write aborts the build."""

    def __init__(self, writer: TreeWriter, handle: BinaryIO) -> None:
        self._writer, self._handle = writer, handle

    def write(self, data: bytes) -> int:
        try:
            return self._handle.write(data)
        except OSError as e:
            self._writer.abort()
            raise _fail(self._writer.out, "writing the exports failed, nothing was changed", e) from None

    def close(self) -> None:
        self._handle.close()


class TreeWriter:
    """A new export folder, built next to `out` and swapped in on commit; `out` must be medkg's
    (see `claim`), else InputError before anything is touched."""

    def __init__(self, out: Path) -> None:
        self.given = out
        self.out = claim(out)
        self.count = 0
        self._handles: list[_Stream] = []
        self._lock: int | None = None
        self._done = False
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            with _parent_locked(self.out.parent):
                sweep(self.out)
                self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.{_NEW}-", dir=self.out.parent))
                self._lock = os.open(self.tmp / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                _try_lock(self._lock)
                os.write(self._lock, MARKER_TEXT)
        except OSError as e:
            self._release()
            if hasattr(self, "tmp"):
                shutil.rmtree(self.tmp, ignore_errors=True)
            raise _fail(self.out, "cannot create the export folder", e) from None
        self.previous = self.out if (self.out / MARKER).is_file() else None

    def open(self, name: str) -> _Stream:
        """A file to stream into (e.g. kg.nq, written article by article)."""
        try:
            handle = open(self.tmp / name, "wb")  # noqa: SIM115 - closed on commit or abort
        except OSError as e:
            self.abort()
            raise _fail(self.out, "writing the exports failed, nothing was changed", e) from None
        stream = _Stream(self, handle)
        self._handles.append(stream)
        self.count += 1
        return stream

    def _reuse(self, name: str, data: bytes, target: Path) -> bool:
        """Hard-link the previous build's file when its bytes are the same: a link costs ~20 µs here,
        creating and writing a file ~600 µs, which dominates rebuilds of large sites."""
        if self.previous is None or name == MARKER:
            return False
        old = self.previous / name
        try:
            if not old.is_file() or old.is_symlink() or old.stat().st_size != len(data) or old.read_bytes() != data:
                return False
            os.link(old, target)
        except OSError:
            return False
        return True

    def add(self, name: str, data: bytes) -> None:
        if name == MARKER:
            raise ValueError(f"{MARKER} is written by the TreeWriter itself")
        try:
            target = self.tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if self._reuse(name, data, target):
                self.count += 1
                return
            with open(target, "wb") as fh:
                fh.write(data)
        except OSError as e:
            self.abort()
            raise _fail(self.out, "writing the exports failed, nothing was changed", e) from None
        self.count += 1

    def commit(self) -> None:
        """Swap the new folder in: atomically where the system can exchange two paths; else by two
        renames (a kill between them is repaired by the next build). Then the previous folder is removed."""
        old: Path | None = None
        try:
            for handle in self._handles:
                handle.close()
            os.chmod(self.tmp, _umask_mode(0o777))
            if claim(self.given) != self.out:  # the folder changed hands while we were building
                raise InputError(f"{self.given}: changed while the exports were being built; nothing was changed")
            if not os.path.lexists(self.out):
                os.rename(self.tmp, self.out)
            elif exchange(self.tmp, self.out):
                old = self.tmp  # now holds the previous exports
            else:
                old = self.out.parent / f".{self.out.name}.{_OLD}-{self.tmp.name.rsplit('-', 1)[-1]}"
                _rename(self.out, old)
                _rename(self.tmp, self.out)
        except OSError as e:
            if old is not None and old != self.tmp and old.exists() and not os.path.lexists(self.out):
                os.rename(old, self.out)
            self.abort()
            raise _fail(self.out, "writing the exports failed, nothing was changed", e) from None
        except BaseException:
            self.abort()
            raise
        self._done = True
        self._release()
        _fsync_folder(self.out.parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def abort(self) -> None:
        """Drop the new folder (idempotent; nothing of the previous exports is touched)."""
        if self._done:
            return
        self._done = True
        for handle in self._handles:
            with contextlib.suppress(OSError):
                handle.close()
        self._release()
        shutil.rmtree(self.tmp, ignore_errors=True)


@dataclass(frozen=True)
class TreeDiff:
    changed: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    fresh: dict[str, bytes] = field(default_factory=dict, compare=False)  # new bytes of some changed files

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.extra)


class _Digest:
    """A write-only sink that keeps a SHA-256 of what was written."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return len(data)


class TreeChecker:
    """Compares streamed export bytes with the folder on disk, file by file, holding none of them
    (but the new bytes of the first few changed files, for a readable summary of what changed)."""

    KEEP = 20

    def __init__(self, out: Path) -> None:
        self.out = out
        self.count = 0
        self.changed: list[str] = []
        self.missing: list[str] = []
        self.fresh: dict[str, bytes] = {}
        self._seen: set[str] = set()
        self._streams: dict[str, _Digest] = {}

    def add(self, name: str, data: bytes) -> None:
        self._seen.add(name)
        self.count += 1
        target = self.out / name
        if not target.is_file():
            self.missing.append(name)
        elif target.stat().st_size != len(data) or target.read_bytes() != data:
            self.changed.append(name)
            if len(self.fresh) < self.KEEP:
                self.fresh[name] = data

    def open(self, name: str) -> _Digest:
        """A sink to stream a large file into; compared with the file on disk by diff()."""
        self._seen.add(name)
        self.count += 1
        self._streams[name] = _Digest()
        return self._streams[name]

    def diff(self) -> TreeDiff:
        for name, digest in self._streams.items():
            target = self.out / name
            if not target.is_file():
                self.missing.append(name)
                continue
            on_disk = hashlib.sha256()
            with open(target, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    on_disk.update(chunk)
            if on_disk.digest() != digest.hash.digest():
                self.changed.append(name)
        present = {str(p.relative_to(self.out)) for p in self.out.rglob("*") if p.is_file()} \
            if self.out.is_dir() else set()
        present.discard(MARKER)  # medkg's own mark, not an export
        return TreeDiff(tuple(sorted(self.changed)), tuple(sorted(self.missing)), tuple(sorted(present - self._seen)),
                        self.fresh)


def write_new(path: Path, data: bytes) -> None:
    """Create `path` with `data` all at once; an existing file is never replaced (a draft must not
    overwrite reviewed facts). Written to a temp file, then hard-linked into place."""
    if path.exists():
        raise InputError(f"{path}: already exists; choose another --out or delete the file first")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as e:
        raise OutputError(f"{path}: cannot create: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), _umask_mode(0o666))  # mkstemp makes 0600; a draft is an ordinary file
            os.fsync(fh.fileno())
        os.link(tmp, path)
    except FileExistsError:
        raise InputError(f"{path}: already exists; choose another --out or delete the file first") from None
    except OSError as e:
        raise OutputError(f"{path}: cannot create: {e.strerror or e}") from None
    finally:
        os.unlink(tmp)
