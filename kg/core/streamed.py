"""A file written piece by piece, in order, by a thread of its own (a new export folder's kg.nq).

A rebuild's kg.nq is mostly the last one's, copied by the kernel (copy_file_range, the interpreter
lock released: 0.4-3.4 s for the 1.2 GB of a 10,000-article site on ext4, as memory allows); done
here, the copy overlaps the rest of the build (linking the unchanged files, the @id lint, void.ttl).
A write that fails is raised on the caller's thread: at its next write, or when the file is closed
(before the folder is swapped in), so a failure still leaves nothing half-written.
"""

from __future__ import annotations

import errno
import os
import queue
import threading
from collections.abc import Callable, Iterable
from typing import BinaryIO

PIECE = 1 << 28  # bytes copied by one call, so a cancelled build stops within a fraction of a second
Range = tuple[int, int, int]  # bytes of an open file: its descriptor, the offset, the length
_Step = bytes | Range | None  # data, a range of an open file, or the end


class Streamed:
    """`handle`, written in the order the writes and copies were asked for, by a thread started on the
    first of them. `write` and `copy` raise OSError when an earlier one failed; `close` raises it when
    any did."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._steps: queue.Queue[_Step] = queue.Queue(maxsize=64)  # a full build's articles wait for the disk
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._cancelled = False

    def write(self, data: bytes) -> int:
        self._put(data)
        return len(data)

    def copy(self, source: int, offset: int, length: int) -> None:
        """`length` bytes of the open file `source` from `offset` on, appended by the kernel (no copy
        through Python). `source` must stay open until `close`."""
        self._put((source, offset, length))

    def _put(self, step: _Step) -> None:
        self._raise()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="kg-stream", daemon=True)
            self._thread.start()
        self._steps.put(step)

    def _raise(self) -> None:
        if isinstance(self._error, OSError):
            raise self._error
        if self._error is not None:
            raise OSError(errno.EIO, f"writing failed: {self._error!r}")

    def _run(self) -> None:
        while (step := self._steps.get()) is not None:
            if self._error is not None or self._cancelled:
                continue  # drained, so the caller never waits on a full queue
            try:
                if isinstance(step, bytes):
                    self._handle.write(step)
                else:
                    self._copy(*step)
            except BaseException as e:  # raised on the caller's thread, which waits for none here
                self._error = e

    def _copy(self, source: int, offset: int, length: int) -> None:
        append(self._handle, (source, offset, length), lambda: self._cancelled)

    def _stop(self) -> None:
        if self._thread is not None:
            self._steps.put(None)
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        """Wait for every write, close the file, and raise the first write that failed."""
        try:
            self._stop()
        finally:
            self._handle.close()
        self._raise()

    def cancel(self) -> None:
        """Stop as soon as the step under way ends (at most one PIECE), and close the file: it is dropped."""
        self._cancelled = True
        try:
            self._stop()
        finally:
            self._handle.close()


def append(handle: BinaryIO, piece: Range, stopped: Callable[[], bool] = lambda: False) -> None:
    """A range of an open file (`piece`) appended to `handle` by the kernel; `stopped` is asked between PIECEs."""
    source, offset, length = piece
    handle.flush()
    out = handle.fileno()
    while length > 0 and not stopped():
        done = _copy_range(source, out, min(length, PIECE), offset)
        if done <= 0:
            raise OSError(f"{length} bytes short of the previous file")
        offset, length = offset + done, length - done
    handle.seek(0, os.SEEK_END)


def write_pieces(handle: BinaryIO, pieces: Iterable[bytes | Range], last: BinaryIO | None) -> bool:
    """Write bytes and ranges to `handle` in order; whether they turned out `last`'s bytes exactly (compared
    as they come: a range of that very file, from where it has been read to, is the same unread; another
    range is not compared, so the answer is then no)."""
    for piece in pieces:
        if isinstance(piece, bytes):
            handle.write(piece)
            if last is not None and last.read(len(piece)) != piece:
                last = None
            continue
        append(handle, piece)
        if last is not None and _same_range(last, piece):
            last.seek(piece[2], os.SEEK_CUR)
        else:
            last = None
    return last is not None and not last.read(1)


def _same_range(last: BinaryIO, piece: Range) -> bool:
    a, b = os.fstat(piece[0]), os.fstat(last.fileno())
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino) and piece[1] == last.tell()


def _copy_range(source: int, out: int, length: int, offset: int) -> int:
    """One step of a kernel-side copy, at the position of `out` (copy_file_range; pread+write elsewhere)."""
    if hasattr(os, "copy_file_range"):
        try:
            return os.copy_file_range(source, out, length, offset)
        except OSError as e:
            if e.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
                raise
    data = os.pread(source, min(length, 1 << 24), offset)
    return os.write(out, data) if data else 0
