"""Many small system calls done by a forked child while the build goes on.

A rebuild of a large site hard-links every unchanged export file into its new folder, checks the last
folder's digest (a stat and a hash of each file) before it swaps, and once swapped removes the replaced
folder's links: 30,000 of each at 10,000 articles, ~0.45, ~0.2 and ~0.3 s. A thread cannot overlap them
with the build's own work: it needs the interpreter lock back after each call, and a busy main thread hands
it over once per switch interval (5 ms), so the calls ran after the work, not beside it (measured here:
30,000 links beside 0.76 s of Python, 1.26 s in a thread, 0.68 s in a child). A child has an interpreter
of its own. It runs nothing but its work (no imports, no output, `os._exit`), ignores Ctrl-C (its parent
decides: `kill`), and holds no build's lock (kg.core.swap closes those in every child).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
from collections.abc import Callable
from pathlib import Path

__all__ = ["FORK_FROM", "Child", "Links", "worth"]

FORK_FROM = 2000  # calls worth a fork: ~2,000 links take ~30 ms, a fork of a build ~5 ms; a small site forks none


def worth(calls: int) -> bool:
    """Whether `calls` small system calls pay for a child (`Links` applies it as it goes: its first FORK_FROM
    links are made in the caller)."""
    return calls >= FORK_FROM and hasattr(os, "fork")


_END = b"\0\0"  # after the last name (names are never empty): a copy of the pipe another child holds is no matter


Work = Callable[[int], bytes | None]  # given the pipe it is fed by (-1: none); its result, a few KB at most


class Child:
    """`work` run by a forked child (`feed`: it reads from the pipe `send` writes to); `wait` gives the bytes
    it returned, or raises the OSError that stopped it. Work with no feed is done here, at once, when `here`
    (too little to pay for a fork) or where os.fork is missing."""

    def __init__(self, work: Work, feed: bool = False, here: bool = False) -> None:
        self._done: bytes | OSError | None = None
        self._errors: tuple[int, int] = (-1, -1)
        self._feed: tuple[int, int] | None = None
        self.pid = 0
        if here or not hasattr(os, "fork"):
            assert not feed, "a fed child is a child"
            try:
                self._done = work(-1) or b""
            except OSError as e:
                self._done = e
            return
        self._errors = os.pipe()
        self._feed = os.pipe() if feed else None
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child's side (coverage does not follow a fork)
            _run(work, self._errors[1], self._feed)
        os.close(self._errors[1])
        if self._feed is not None:
            os.close(self._feed[0])

    def send(self, data: bytes) -> None:
        """Bytes for the child to read (waits while the pipe is full)."""
        assert self._feed is not None, "a child fed by a pipe"
        view = memoryview(data)
        while view:
            view = view[os.write(self._feed[1], view) :]

    def wait(self) -> bytes:
        """What `work` returned, once the child is done (a fed child: once it read to the end); raises the
        OSError that stopped it. Waited once: the next call gives the same."""
        if self.pid > 0:
            try:
                if self._feed is not None:
                    self.send(_END)
            except OSError:
                pass  # it stopped early: its report says why
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
        for fd in (self._errors[0], *(self._feed[1:] if self._feed is not None else ())):
            if fd >= 0:
                os.close(fd)
        self._errors, self._feed = (-1, -1), None


def _run(work: Work, report: int, feed: tuple[int, int] | None) -> None:  # pragma: no cover - the child
    """The child: `work`, its result reported ("R" and the bytes, or the OSError's errno, text and file name),
    then exit with no cleanup of the parent's (its buffers, atexit, finalisers)."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if feed is not None:
            os.close(feed[1])
        view = memoryview(b"R" + (work(feed[0] if feed is not None else -1) or b""))
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


class Links:
    """Hard links of `source`'s files into `target` by name: the first `inline` in the caller's thread (a
    small site pays no fork), the rest by a child, sent `batch` names at a time. `close` waits for them
    all and raises the first OSError."""

    def __init__(self, source: Path, target: Path, inline: int | None = None, batch: int = 512) -> None:
        self.source, self.target, self.batch = source, target, batch
        self.inline = FORK_FROM if inline is None else inline
        self._folders: tuple[int, int] | None = None
        self._child: Child | None = None
        self._pending: list[bytes] = []

    def add(self, name: str) -> None:
        """Link `name` (made now, or by the child before `close` returns)."""
        if self._child is not None:
            self._pending.append(os.fsencode(name))
            if len(self._pending) >= self.batch:
                self._send()
            return
        if self._folders is None:
            self._folders = (os.open(self.source, os.O_RDONLY), os.open(self.target, os.O_RDONLY))
        _link(name, self._folders)
        self.inline -= 1
        if self.inline <= 0 and hasattr(os, "fork"):
            self._child = Child(self._linker, feed=True)

    def _linker(self, feed: int) -> None:  # pragma: no cover - run by the child
        assert self._folders is not None, "opened by the first links"
        buffer = b""
        while part := os.read(feed, 1 << 16):
            buffer += part
            *names, buffer = buffer.split(b"\0")
            for name in names:
                if not name:
                    return  # _END
                _link(os.fsdecode(name), self._folders)
        raise OSError(errno.EPIPE, "the build stopped before its last link")

    def _send(self) -> None:
        assert self._child is not None, "a child links them"
        data = b"\0".join(self._pending) + b"\0"
        self._pending.clear()
        try:
            self._child.send(data)
        except OSError:
            self._child.wait()  # it stopped: raises why
            raise

    def close(self) -> None:
        """Every link made (raises the first that failed); then nothing is left open."""
        try:
            if self._child is not None:
                if self._pending:
                    self._send()
                child, self._child = self._child, None
                child.wait()
        finally:
            self.kill()

    def kill(self) -> None:
        """Stop linking (a failed build; idempotent)."""
        if self._child is not None:
            self._child.kill()
            self._child = None
        self._pending.clear()
        if self._folders is not None:
            for fd in self._folders:
                os.close(fd)
            self._folders = None


def _link(name: str, folders: tuple[int, int]) -> None:
    """By the folders' descriptors: ~2x cheaper than by path; a name in a subfolder makes that first."""
    if "/" in name:
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            with contextlib.suppress(FileExistsError):
                os.mkdir("/".join(parts[:i]), dir_fd=folders[1])
    os.link(name, name, src_dir_fd=folders[0], dst_dir_fd=folders[1])
