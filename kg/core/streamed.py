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
from typing import BinaryIO

PIECE = 1 << 28  # bytes copied by one call, so a cancelled build stops within a fraction of a second
_Step = bytes | tuple[int, int, int] | None  # data, a range of an open file (fd, offset, length), or the end


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
        self._handle.flush()
        out = self._handle.fileno()
        while length > 0 and not self._cancelled:
            done = _copy_range(source, out, min(length, PIECE), offset)
            if done <= 0:
                raise OSError(f"{length} bytes short of the previous file")
            offset, length = offset + done, length - done
        self._handle.seek(0, os.SEEK_END)

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
