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
Each temp folder holds the marker, locked (flock) while its build runs and by the build alone (its
forked workers close their copies); the next build removes temp folders whose builds are gone, so
`kill -9` never leaves litter behind for good.

`kg build --check` streams the same bytes past a checker that compares them with the folder on disk
instead (kg.core.treecheck).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Literal

from kg.core import offload
from kg.core.errors import InputError, OutputError
from kg.core.setaside import SetAside
from kg.core.spill import Appended
from kg.core.streamed import Range, Streamed, write_pieces
from kg.core.swap import (
    MARKER,
    MARKER_TEXT,
    NEW,
    OLD,
    claim,
    exchange,
    fail,
    fsync_folder,
    hold,
    let_go,
    parent_locked,
    remove,
    sweep,
    umask_mode,
)
from kg.core.vouched import Stat, Vouched

__all__ = ["MARKER", "MARKER_TEXT", "TreeWriter", "claim", "exchange", "sweep", "write_new"]

Summed = Callable[[Iterator[tuple[str, Stat]]], str]  # files and their stats as one value (kg.flow.folder.Digest)
_rename = os.rename  # the two-rename swap's steps (a test interposes a kill between them)


class _Stream:
    """A file of the new folder written piece by piece (kg.nq), by a thread of its own (kg.core.streamed);
    a failed write aborts the build."""

    def __init__(self, writer: TreeWriter, handle: BinaryIO) -> None:
        self._writer, self._file = writer, Streamed(handle)

    def write(self, data: bytes) -> int:
        try:
            return self._file.write(data)
        except OSError as e:
            raise self._failed(e) from None

    def copy(self, source: int, offset: int, length: int) -> None:
        """`length` bytes of the open file `source` from `offset` on, appended by the kernel (a rebuild
        carries the unchanged articles' part of kg.nq over this way); `source` stays open until commit."""
        try:
            self._file.copy(source, offset, length)
        except OSError as e:
            raise self._failed(e) from None

    def _failed(self, e: OSError) -> OutputError:
        self._writer.abort()
        return fail(self._writer.out, "writing the exports failed, nothing was changed", e)

    def close(self) -> None:
        """Every write done (the first that failed aborts the build)."""
        try:
            self._file.close()
        except OSError as e:
            raise self._failed(e) from None

    def cancel(self) -> None:
        self._file.cancel()


class TreeWriter:
    """A new export folder, built next to `out` and swapped in on commit; `out` must be medkg's
    (see `claim`), else InputError before anything is touched."""

    def __init__(self, out: Path) -> None:
        self.given = out
        self.out = claim(out)
        self.count = 0
        self._handles: list[_Stream] = []
        self._lock: int | None = None
        # a rebuild's: the previous folder's files being linked into the new one by a child (`carry_over`), how
        # their stats are summed, and what it found: the folder's digest ("": a file went), or why it stopped
        self._over = False
        self._carrying: offload.Child | None = None
        self._summed: Summed = lambda _: ""
        self._carried: str | OutputError | None = None
        # a rebuild's: the previous folder's files this build must not keep (those of the articles not carried
        # over), filled by the caller until commit; those of them it writes anew stay
        self.dropped: Collection[str] = ()
        self._cleanup: threading.Thread | offload.Child | None = None
        self._aside: SetAside | None = None
        self._streamed: list[str] = []  # the names `open` gave
        self._done = False
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            with parent_locked(self.out.parent):
                sweep(self.out)
                self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.{NEW}-", dir=self.out.parent))
                self._lock = os.open(self.tmp / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                hold(self._lock)
                os.write(self._lock, MARKER_TEXT)
        except OSError as e:
            self._release()
            if hasattr(self, "tmp"):
                remove(self.tmp)
            raise fail(self.out, "cannot create the export folder", e) from None
        self.previous = self.out if (self.out / MARKER).is_file() else None
        # What the last build wrote: a file still as it was then, with the same hash as the new bytes,
        # is linked without reading it back.
        self.known = Vouched()
        # The names of the files it writes (not those it links: a hard link keeps the stat), as they come, when
        # the caller keeps them (`keep_names`).
        self.names: Appended[str] | None = None

    def carry_over(self, skip: Collection[str], summed: Summed, fork: bool) -> None:
        """Hard-link every file of the previous folder into the new one now, by a child when `fork` (beside the
        rest of the build), but the top-level names `skip` (the files it streams anew: kg.nq, void.ttl); the
        child also sums each file's stat with `summed` as it passes (`carried`). Then `link` only counts, a
        file written anew replaces its link (never writing through it: the inode is the previous folder's
        too), and `commit` waits for the child and removes the `dropped` files this build did not write."""
        assert self.previous is not None and not self._over, "a rebuild's new folder, carried over once"
        previous, skipped, self._over, self._summed = self.previous, {*skip, MARKER}, True, summed
        work = lambda: summed(offload.walk(previous, self.tmp, skipped)).encode()  # noqa: E731 - the child's
        self._carrying = offload.Child(work, here=not fork)

    def carried(self) -> str:
        """The previous folder's digest as the child found it while linking (waits for it), or as it is now
        when the build stopped the child first (it failed); "" when a file went meanwhile or the folder cannot
        be read (it changed since). OutputError for a link the child could not make (the new folder is
        dropped). The same on every call."""
        if self._carried is None and self._over:
            assert self.previous is not None, "carried over from a previous folder"
            try:
                if self._carrying is not None:
                    self._carried = self._carrying.wait().decode()
                else:
                    self._carried = self._summed(offload.walk(self.previous))
            except FileNotFoundError:
                self._carried = ""
            except OSError as e:  # a link the child could not make; the folder unreadable now: changed
                failed = fail(self.out, "writing the exports failed, nothing was changed", e)
                self._carried = "" if self._carrying is None else failed
            self._carrying = None
        if isinstance(self._carried, OutputError):
            self.abort()
            raise self._carried
        return self._carried or ""

    def open(self, name: str) -> _Stream:
        """A file to stream into (e.g. kg.nq, written article by article)."""
        try:
            handle = open(self.tmp / name, self._mode)  # noqa: SIM115 - closed on commit or abort
        except OSError as e:
            self.abort()
            raise fail(self.out, "writing the exports failed, nothing was changed", e) from None
        stream = _Stream(self, handle)
        self._handles.append(stream)
        self._streamed.append(name)
        self._added(name)
        return stream

    def keep_aside(self, folder: Path) -> None:
        """On commit, the previous folder's files of the names `open` gave (kg.nq) go to `folder` rather than
        with it, and what earlier builds set aside there is freed now, beside this one (kg.core.setaside)."""
        self._aside = SetAside(folder)
        self._aside.free()

    def _reuse(self, name: str, data: bytes, target: Path, sha256: str | None) -> bool:
        """Hard-link the previous build's file when its bytes are the same: a link costs ~20 µs here,
        creating and writing a file ~600 µs, which dominates rebuilds of large sites. The bytes are
        compared unless the last build's record vouches for them (same hash, file untouched since)."""
        if self.previous is None or name == MARKER:
            return False
        old = self.previous / name
        try:
            st = os.lstat(old)
            if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
                return False
            vouched = self.known.vouches(name, (st.st_ino, st.st_size, st.st_mtime_ns), sha256)
            if not vouched and old.read_bytes() != data:
                return False
            os.link(old, target)
        except OSError:
            return False
        return True

    @property
    def _mode(self) -> Literal["wb", "xb"]:
        """A file is created, never opened over one the child linked (its inode is the previous folder's)."""
        return "xb" if self._over else "wb"

    def add(self, name: str, data: bytes, sha256: str | None = None) -> None:
        """A file of the new folder (`sha256`: its bytes' hash, when the caller has it); carrying over, made
        beside and renamed over the link the child may have made of the previous one."""
        if name == MARKER:
            raise ValueError(f"{MARKER} is written by the TreeWriter itself")
        try:
            target = self.tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            made = target if self._mode == "wb" else target.with_name(f".{target.name}.{NEW}")
            if not self._reuse(name, data, made, sha256):
                with open(made, self._mode) as fh:
                    fh.write(data)
            if made != target:
                os.replace(made, target)
                with contextlib.suppress(FileNotFoundError):  # a rename onto another link of the same file does
                    os.unlink(made)  # nothing (POSIX): the child had linked the very file the last build left
        except OSError as e:
            self.abort()
            raise fail(self.out, "writing the exports failed, nothing was changed", e) from None
        self._added(name)

    def keep_names(self, path: Path) -> None:
        """Keep the names of the files it writes, from now on, in a file at `path` (the caller closes and removes
        it): a rebuild's manifest takes their stats with no scan of the folder, and many names are not held."""
        self.names = Appended(path)
        self.names.append(MARKER)

    def _added(self, name: str, written: bool = True) -> None:
        self.count += 1
        if self.names is not None and written:
            self.names.append(name)

    def add_pieces(self, name: str, pieces: Iterable[bytes | Range]) -> None:
        """A file of the new folder written piece by piece (void.ttl), never whole in memory: bytes, or ranges
        of an open file copied by the kernel (a rebuild's unchanged parts of the last void.ttl). The previous
        build's file is linked instead when its bytes turn out the same (kg.core.streamed.write_pieces)."""
        target = self.tmp / name
        try:
            with open(target, self._mode) as fh, contextlib.ExitStack() as stack:
                old = self.previous / name if self.previous is not None else None
                last = stack.enter_context(open(old, "rb")) if old is not None and old.is_file() else None
                same = write_pieces(fh, pieces, last)
            if same and old is not None:
                target.unlink()
                os.link(old, target)
        except OSError as e:
            self.abort()
            raise fail(self.out, "writing the exports failed, nothing was changed", e) from None
        self._added(name)

    def link(self, name: str) -> None:
        """The previous folder's file `name`, as it is (the caller knows it is unchanged): linked by the child
        `carry_over` started, counted here."""
        if not self._over or name == MARKER:
            raise ValueError(f"{name}: no previous export carried over")
        self._added(name, written=False)

    def commit(self) -> None:
        """Swap the new folder in: atomically where the system can exchange two paths; else by two
        renames (a kill between them is repaired by the next build). Then the previous folder is removed."""
        old: Path | None = None
        if self._over and not self.carried():  # the caller compares the digest first (a rebuild's records)
            self.abort()
            raise OutputError(f"{self.out}: the last exports changed while they were carried over; nothing was changed")
        try:
            self._drop()
            for handle in self._handles:
                handle.close()
            os.chmod(self.tmp, umask_mode(0o777))
            if claim(self.given) != self.out:  # the folder changed hands while we were building
                raise InputError(f"{self.given}: changed while the exports were being built; nothing was changed")
            if not os.path.lexists(self.out):
                os.rename(self.tmp, self.out)
            elif exchange(self.tmp, self.out):
                old = self.tmp  # now holds the previous exports
            else:
                old = self.out.parent / f".{self.out.name}.{OLD}-{self.tmp.name.rsplit('-', 1)[-1]}"
                _rename(self.out, old)
                _rename(self.tmp, self.out)
        except OSError as e:
            if old is not None and old != self.tmp and old.exists() and not os.path.lexists(self.out):
                os.rename(old, self.out)
            self.abort()
            raise fail(self.out, "writing the exports failed, nothing was changed", e) from None
        except BaseException:
            self.abort()
            raise
        self._done = True
        self._release()
        fsync_folder(self.out.parent)
        if old is None:
            return
        if self._aside is not None:
            for name in self._streamed:
                self._aside.keep(old / name)
        # removed while the caller goes on (a large site's ~0.3 s): by a child when its files are many
        # (kg.core.offload), else a thread; `finish` waits for it
        if offload.worth(self.count):
            self._cleanup = offload.Child(lambda: remove(old))
        else:
            self._cleanup = threading.Thread(target=remove, args=(old,))
            self._cleanup.start()

    def finish(self) -> None:
        """Wait until the previous folder is removed (commit began it; what it could not remove is left, as
        `remove` leaves it), and what earlier builds set aside is freed."""
        if isinstance(self._cleanup, offload.Child):
            with contextlib.suppress(OSError):
                self._cleanup.wait()
        elif self._cleanup is not None:
            self._cleanup.join()
        self._cleanup = None
        if self._aside is not None:
            self._aside.wait()

    def _drop(self) -> None:
        """The child's links of the `dropped` files this build did not write anew (`names` lists those it wrote)."""
        gone = set(self.dropped)
        if gone:
            assert self.names is not None, "a rebuild that drops files keeps the names it writes (keep_names)"
            gone.difference_update(self.names.items())
        for name in gone:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.tmp / name)

    def _release(self) -> None:
        if self._lock is not None:
            let_go(self._lock)
            self._lock = None
        if self._carrying is not None:
            self._carrying.kill()
            self._carrying = None

    def abort(self) -> None:
        """Drop the new folder (idempotent; nothing of the previous exports is touched)."""
        if self._done:
            return
        self._done = True
        for handle in self._handles:
            with contextlib.suppress(OSError):
                handle.cancel()
        self._release()
        remove(self.tmp)
        if self._aside is not None:
            self._aside.wait()


_EXISTS = "{path}: already exists; choose another {out} or delete the file first"


def write_new(path: Path, data: bytes) -> None:
    """Create `path` with `data` all at once; an existing file is never replaced (a draft must not
    overwrite reviewed facts). Written to a temp file, then hard-linked into place."""
    if path.exists():
        raise InputError.about(_EXISTS, path=path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as e:
        raise OutputError(f"{path}: cannot create: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), umask_mode(0o666))  # mkstemp makes 0600; a draft is an ordinary file
            os.fsync(fh.fileno())
        os.link(tmp, path)
    except FileExistsError:
        raise InputError.about(_EXISTS, path=path) from None
    except OSError as e:
        raise OutputError(f"{path}: cannot create: {e.strerror or e}") from None
    finally:
        os.unlink(tmp)
