"""Many small system calls done by a forked child while the build goes on.

A rebuild of a large site hard-links every file of the last export folder into its new one, summing each file's
stat as it goes (the check, before the swap, that the folder is as the last build left it), and once swapped
removes the replaced folder's links: 30,000 of each at 10,000 articles, ~0.65 and ~0.3 s. A thread cannot overlap
them with the build's own work: it needs the interpreter lock back after each call, and a busy main thread hands
it over once per switch interval (5 ms), so the calls ran after the work, not beside it (measured here: 30,000
links beside 0.76 s of Python, 1.26 s in a thread, 0.68 s in a child). A child has an interpreter of its own. It
runs nothing but its work (no imports, no output, `os._exit`), ignores Ctrl-C (its parent decides: `kill`), and
holds no build's lock (kg.core.swap closes those in every child).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from kg.core.vouched import Stat

__all__ = ["FORK_FROM", "Child", "walk", "worth"]

FORK_FROM = 2000  # calls worth a fork: ~2,000 links take ~30 ms, a fork of a build ~5 ms; a small site forks none


def worth(calls: int) -> bool:
    """Whether `calls` small system calls pay for a child."""
    return calls >= FORK_FROM and hasattr(os, "fork")


Work = Callable[[], bytes | None]  # its result, a few KB at most


class Child:
    """`work` run by a forked child; `wait` gives the bytes it returned, or raises the OSError that stopped
    it. Done here, at once, when `here` (too little to pay for a fork) or where os.fork is missing."""

    def __init__(self, work: Work, here: bool = False) -> None:
        self._done: bytes | OSError | None = None
        self._errors: tuple[int, int] = (-1, -1)
        self.pid = 0
        if here or not hasattr(os, "fork"):
            try:
                self._done = work() or b""
            except OSError as e:
                self._done = e
            return
        self._errors = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child's side (coverage does not follow a fork)
            _run(work, self._errors[1])
        os.close(self._errors[1])

    def wait(self) -> bytes:
        """What `work` returned, once the child is done; raises the OSError that stopped it. Waited once: the
        next call gives the same."""
        if self.pid > 0:
            report = _drain(self._errors[0])  # to its end: the child's exit closes the pipe
            status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
            self.pid = 0
            self._close()
            self._done = report[1:] if status == 0 and report[:1] == b"R" else _failure(report, status)
        if isinstance(self._done, OSError):
            raise self._done
        return self._done or b""

    def kill(self) -> None:
        """Stop it at once, and wait for it (idempotent)."""
        if self.pid > 0:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(self.pid, 0)
            self.pid = 0
        self._close()

    def _close(self) -> None:
        if self._errors[0] >= 0:
            os.close(self._errors[0])
        self._errors = (-1, -1)


def _run(work: Work, report: int) -> None:  # pragma: no cover - the child
    """The child: `work`, its result reported ("R" and the bytes, or the OSError's errno, text and file name),
    then exit with no cleanup of the parent's (its buffers, atexit, finalisers)."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        view = memoryview(b"R" + (work() or b""))
        while view:
            view = view[os.write(report, view) :]
        code = 0
    except OSError as e:
        text = f"{e.errno or 0}\0{e.strerror or e}\0{e.filename if isinstance(e.filename, str) else ''}"
        with contextlib.suppress(OSError):
            os.write(report, text.encode("utf-8", "replace"))
    finally:
        os._exit(code)


def _failure(report: bytes, status: int) -> OSError:
    code, _, rest = report.partition(b"\0")
    what, _, name = rest.partition(b"\0")
    if code.isdigit() and int(code):
        return OSError(int(code), what.decode(errors="replace"), name.decode(errors="replace") or None)
    return OSError(errno.EIO, f"a helper process stopped ({status})")


def _drain(fd: int) -> bytes:
    parts = []
    with contextlib.suppress(OSError):
        while part := os.read(fd, 4096):
            parts.append(part)
    return b"".join(parts)


def walk(folder: Path, into: Path | None = None, skip: Collection[str] = ()) -> Iterator[tuple[str, Stat]]:
    """Every file under `folder` (not following links) and its stat, by name relative to it, as the folders
    list them. With `into`: each regular file is also hard-linked there as it passes (subfolders made as
    needed, by the folders' descriptors: ~2x cheaper than by path), but the top-level names in `skip` and any
    name `into` already has (written there meanwhile: it stays). OSError when a folder cannot be read or a
    link cannot be made."""
    source = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    target = os.open(into, os.O_RDONLY | os.O_DIRECTORY) if into is not None else -1
    try:
        stack = [""]
        while stack:
            prefix = stack.pop()
            with os.scandir(os.path.join(folder, prefix) if prefix else folder) as found:
                for e in found:
                    name = prefix + e.name
                    if e.is_dir(follow_symlinks=False):
                        stack.append(name + "/")
                        if target >= 0:
                            with contextlib.suppress(FileExistsError):
                                os.mkdir(name, dir_fd=target)
                        continue
                    s = e.stat(follow_symlinks=False)
                    yield name, (s.st_ino, s.st_size, s.st_mtime_ns)
                    if target >= 0 and stat.S_ISREG(s.st_mode) and name not in skip:
                        with contextlib.suppress(FileExistsError):
                            _link(name, (source, target))
    finally:
        os.close(source)
        if target >= 0:
            os.close(target)


def _link(name: str, folders: tuple[int, int]) -> None:
    """One hard link by the folders' descriptors (a test interposes a failure here)."""
    os.link(name, name, src_dir_fd=folders[0], dst_dir_fd=folders[1])
