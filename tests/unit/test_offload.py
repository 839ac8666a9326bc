"""Links, digests and removals by a forked child (kg.core.offload): every file of the last folder linked and
summed as it passes, a failure raised in the parent with its errno and file name, nothing left running or open,
and a TreeWriter carrying a folder over never writes through a link (the inode is the last folder's too)."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.core import offload
from kg.core.errors import OutputError
from kg.core.fsio import TreeWriter
from kg.core.swap import MARKER
from kg.core.vouched import Stat
from kg.flow.folder import Digest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="a child is forked only where os.fork is")

NAMES = [f"page-{i}.jsonld" for i in range(7)] + ["shapes/google/2026-12.ttl", "shapes/medkg.ttl"]


def _open_descriptors() -> set[str]:
    return set(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").is_dir() else set()


def _source(tmp_path: Path) -> tuple[Path, Path]:
    source, target = tmp_path / "old", tmp_path / "new"
    for name in NAMES:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(name, encoding="utf-8")
    target.mkdir()
    return source, target


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _summed(found: Iterator[tuple[str, Stat]]) -> str:
    return Digest().of(found)


def test_a_walk_links_every_file_but_the_skipped_and_those_already_there_and_sums_them_all(tmp_path: Path) -> None:
    source, target = _source(tmp_path)
    (target / NAMES[1]).write_text("written meanwhile", encoding="utf-8")
    before = _open_descriptors()
    seen = dict(offload.walk(source, target, skip={NAMES[0], "medkg.ttl"}))
    assert set(seen) == set(NAMES)  # every file, skipped or not, with its stat
    assert all(seen[n] == (s.st_ino, s.st_size, s.st_mtime_ns) for n in NAMES for s in [(source / n).stat()])
    made = _files(target)
    assert set(made) == set(NAMES) - {NAMES[0]}  # a nested medkg.ttl is not the top-level name skipped
    assert made[NAMES[1]] == b"written meanwhile"  # what was there stays
    assert all((target / n).stat().st_ino == (source / n).stat().st_ino for n in NAMES[2:])  # links, not copies
    assert Digest().of(offload.walk(source)) == Digest().of(seen.items())
    assert _open_descriptors() == before


def _built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, bytes]]:
    monkeypatch.setattr(offload, "FORK_FROM", 2)
    out = tmp_path / "exports"
    first = TreeWriter(out)
    for name in NAMES:
        first.add(name, name.encode())
    first.commit()
    first.finish()
    return out, _files(out)


def test_a_carried_over_folder_links_by_a_child_replaces_what_is_written_and_drops_what_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, was = _built(tmp_path, monkeypatch)
    inode = (out / NAMES[1]).stat().st_ino
    writer = TreeWriter(out)
    writer.keep_names(tmp_path / "names")
    writer.carry_over((), _summed, fork=True)
    assert writer._carrying is not None and writer._carrying.pid not in (0, os.getpid())
    writer.dropped = {NAMES[1], NAMES[2], "page-gone.jsonld"}  # changed, removed, and one the folder never had
    for name in NAMES[3:]:
        writer.link(name)
    writer.add(NAMES[1], b"changed")  # over the child's link, or before it: either way a file of its own
    writer.add(NAMES[3], NAMES[3].encode())  # the same bytes: the last build's file, once (no file beside it)
    writer.add("page-new.jsonld", b"new")
    assert _files(out) == was and (out / NAMES[1]).stat().st_ino == inode  # the last folder untouched
    assert writer.carried() == Digest().of(offload.walk(out))
    writer.commit()
    writer.finish()
    assert writer.names is not None
    writer.names.close()
    expected = {n: n.encode() for n in NAMES[3:]} | {NAMES[0]: NAMES[0].encode(), NAMES[1]: b"changed"}
    assert {n: b for n, b in _files(out).items() if n != MARKER} == expected | {"page-new.jsonld": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exports", "names"]


def test_a_tree_writer_whose_linking_child_fails_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, was = _built(tmp_path, monkeypatch)
    real_link = offload._link

    def filling(name: str, folders: tuple[int, int]) -> None:
        if name == NAMES[4]:
            raise OSError(errno.ENOSPC, "No space left on device", name)
        real_link(name, folders)

    monkeypatch.setattr(offload, "_link", filling)
    writer = TreeWriter(out)
    writer.carry_over((), _summed, fork=True)
    for name in NAMES:
        writer.link(name)
    with pytest.raises(OutputError) as raised:
        writer.commit()
    assert str(raised.value) == f"{out}: writing the exports failed, nothing was changed: No space left on device"
    with pytest.raises(OutputError):
        writer.carried()  # the same on every call
    assert _files(out) == was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exports"]  # the new folder removed


def test_a_file_gone_while_carried_over_reads_as_a_changed_folder_and_is_never_swapped_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, was = _built(tmp_path, monkeypatch)

    def gone(name: str, folders: tuple[int, int]) -> None:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", name)

    monkeypatch.setattr(offload, "_link", gone)
    writer = TreeWriter(out)
    writer.carry_over((), _summed, fork=False)  # a small folder's: linked here, at once
    assert writer._carrying is not None and writer._carrying.pid == 0
    assert writer.carried() == ""
    with pytest.raises(OutputError, match="the last exports changed while they were carried over"):
        writer.commit()
    assert _files(out) == was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exports"]


def test_an_aborted_carry_over_stops_the_child_and_its_digest_is_then_taken_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, was = _built(tmp_path, monkeypatch)
    before = _open_descriptors()
    writer = TreeWriter(out)
    writer.carry_over((), _summed, fork=True)
    assert writer._carrying is not None
    pid = writer._carrying.pid
    writer.abort()
    assert _reaped(pid)
    assert writer.carried() == Digest().of(offload.walk(out))  # summed here: the child was stopped
    assert _files(out) == was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exports"]
    assert _open_descriptors() == before


def test_a_tree_writer_links_only_what_it_carries_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, _ = _built(tmp_path, monkeypatch)
    writer = TreeWriter(out)
    with pytest.raises(ValueError, match="no previous export carried over"):
        writer.link(NAMES[0])
    writer.abort()


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_a_child_stopped_by_anything_but_an_os_error_says_so() -> None:
    child = offload.Child(lambda: print(1 / 0))
    with pytest.raises(OSError, match=r"a helper process stopped \(1\)") as raised:
        child.wait()
    assert raised.value.errno == errno.EIO
    with pytest.raises(OSError, match=r"a helper process stopped \(1\)"):
        child.wait()  # waited once: the same again
    assert offload.Child(lambda: b"done").wait() == b"done"
    here = offload.Child(lambda: b"here", here=True)
    assert here.pid == 0 and here.wait() == b"here"  # too little for a fork: done at once


def test_a_large_replaced_folder_is_removed_by_a_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offload, "FORK_FROM", 2)
    out = tmp_path / "exports"
    for content in (b"first", b"second"):
        writer = TreeWriter(out)
        for name in NAMES:
            writer.add(name, content)
        writer.commit()
        removing = writer._cleanup
        writer.finish()
    assert isinstance(removing, offload.Child)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exports"]
    assert {p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != MARKER} == {b"second"}
