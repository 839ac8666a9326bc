"""Replacing a folder that medkg owns, in one atomic step, and clearing what killed runs left.

A folder is medkg's to replace when it holds the marker file `.medkg-exports`, is empty, or does not
exist yet (`claim`); anything else is refused before anything is touched. The new folder is built
next to it as `.NAME.new-*` (holding the marker, flock-ed while its build runs) and swapped in with
`exchange` (Linux `renameat2(RENAME_EXCHANGE)`: at every instant NAME is a complete folder, old or
new). `sweep` removes temp folders whose builds are gone and puts back a previous folder that a run
killed in the middle of the two-rename fallback left as `.NAME.old-*`.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import shutil
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from kg.core.errors import InputError, OutputError

if sys.platform != "win32":
    import fcntl

MARKER = ".medkg-exports"
MARKER_TEXT = (
    b"This folder is written by `kg build` (medkg) and replaced as a whole by every build.\n"
    b"This file marks it as medkg's: kg build refuses to replace a folder without it, unless it is empty.\n"
)
NEW, OLD = "new", "old"
LOCK_WAIT = 10.0  # seconds to wait for another build starting next to the same folder


def fail(out: Path, what: str, e: OSError) -> OutputError:
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
        raise _refused("{path}: is the root of the file system", out)
    if cwd is not None and (real == cwd or real in cwd.parents):
        raise _refused("{path}: is the working directory or one of its parents", out)
    try:
        if not os.path.lexists(real):
            return real
        if not real.is_dir():
            raise _refused("{path}: is a file, not an export folder", out)
        if (real / MARKER).is_file():
            return real
        entries = sorted(p.name for p in real.iterdir())
    except OSError as e:
        raise fail(real, "cannot read the export folder", e) from None
    if not entries:
        return real
    via = f" (a link to {real})" if real != given else ""
    hint = (
        f"; if it is an export folder from an earlier medkg, add the marker: touch {real / MARKER}"
        if "kg.nq" in entries
        else ""
    )
    shown = ", ".join(entries[:5]) + (", …" if len(entries) > 5 else "")
    raise _refused(
        "{path}{via}: not an export folder medkg wrote (no {marker} file) and not empty ({shown})",
        out,
        via=via,
        marker=MARKER,
        shown=shown,
        hint=hint,
    )


def _refused(what: str, out: Path, **values: object) -> InputError:
    return InputError.about(
        what + "; kg build replaces its output folder as a whole, so it leaves this one alone: "
        "choose a new or empty folder for {out}{hint}",
        **{"hint": "", **values, "path": out},
    )


def try_lock(fd: int) -> bool:
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


_HELD: set[int] = set()  # the descriptors of the temp folders' markers this process holds locked


def hold(fd: int) -> None:
    """Lock a build's own marker for as long as the build runs. A flock belongs to the open file, which a
    forked child (a worker of the build's pool) shares: its copy is closed in every child, so a build
    killed with `kill -9` frees its temp folder for the next build's sweep at once, not when its
    orphaned workers get round to exiting."""
    try_lock(fd)
    _HELD.add(fd)


def let_go(fd: int) -> None:
    """Close a descriptor `hold` locked (which unlocks it)."""
    _HELD.discard(fd)
    os.close(fd)


def _close_held_in_child() -> None:
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held_in_child)


@contextlib.contextmanager
def parent_locked(parent: Path) -> Iterator[None]:
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
        while not try_lock(fd):
            if time.monotonic() > give_up:
                raise OutputError(
                    f"{parent}: another kg build has been starting here for {LOCK_WAIT:g} s; try again when it is done"
                )
            time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: some file systems cannot sync a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def umask_mode(mode: int) -> int:
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
    prefixes = (f".{out.name}.{NEW}-", f".{out.name}.{OLD}-")
    try:
        candidates = sorted(
            (p for p in out.parent.iterdir() if p.name.startswith(prefixes)),
            key=lambda p: (not p.name.startswith(prefixes[1]), p.name),
        )
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
                if not try_lock(fd):
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


_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


def remove(folder: Path) -> None:
    """Remove a folder and all in it, as far as it can (as shutil.rmtree with ignore_errors), each entry as the
    scan yields it: rmtree lists a folder's entries whole first (a replaced export folder of 300,000 files:
    ~100 MB). Never follows a symlink: entries are removed and opened by their folder's descriptor. Its marker
    goes last: a removal killed midway leaves a folder the next build's `sweep` still knows as medkg's."""
    with contextlib.suppress(OSError):
        _empty(os.open(folder, _FOLDER), last=MARKER)
    with contextlib.suppress(OSError):
        os.rmdir(folder)


def _empty(fd: int, last: str | None = None) -> None:
    """Remove what the folder open as `fd` holds (the entry named `last` after the others), then close it; a
    folder read while it changes may skip an entry, so it is read again while a pass removed something."""
    try:
        removed = True
        while removed:
            removed = False
            with os.scandir(fd) as entries:
                for e in entries:
                    if e.name == last:
                        continue
                    try:
                        if e.is_dir(follow_symlinks=False):
                            _empty(os.open(e.name, _FOLDER, dir_fd=fd))
                            os.rmdir(e.name, dir_fd=fd)
                        else:
                            os.unlink(e.name, dir_fd=fd)
                        removed = True
                    except OSError:
                        continue
        if last is not None:
            with contextlib.suppress(OSError):
                os.unlink(last, dir_fd=fd)
    finally:
        os.close(fd)
