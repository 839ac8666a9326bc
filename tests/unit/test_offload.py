"""Links and removals by a forked child (kg.core.offload): every link made as asked, a failure raised in the
parent with its errno and file name, nothing left running or open, and a TreeWriter whose child fails
leaves the export folder as it was."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from kg.core import offload
from kg.core.errors import OutputError
from kg.core.fsio import TreeWriter
from kg.core.swap import MARKER

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


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_links_past_the_first_are_made_by_a_child_and_all_are_made(tmp_path: Path) -> None:
    source, target = _source(tmp_path)
    before = _open_descriptors()
    links = offload.Links(source, target, inline=2, batch=3)
    children = []
    for name in NAMES:
        links.add(name)
        if links._child is not None:
            children.append(links._child.pid)
    assert (target / NAMES[0]).exists() and (target / NAMES[1]).exists()  # inline: made at once
    assert len(set(children)) == 1 and children[0] not in (0, os.getpid())
    links.close()
    made = {str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()}
    assert made == set(NAMES)
    assert all((target / n).stat().st_ino == (source / n).stat().st_ino for n in NAMES)  # links, not copies
    assert _reaped(children[0])
    assert _open_descriptors() == before


def test_a_link_the_child_cannot_make_is_raised_by_close_with_its_name(tmp_path: Path) -> None:
    source, target = _source(tmp_path)
    before = _open_descriptors()
    links = offload.Links(source, target, inline=1, batch=2)
    for name in [*NAMES[:4], "gone.jsonld", *NAMES[4:]]:
        links.add(name)
    with pytest.raises(FileNotFoundError) as raised:
        links.close()
    assert raised.value.errno == errno.ENOENT and raised.value.filename == "gone.jsonld"
    assert _open_descriptors() == before


def test_a_killed_child_is_reaped_and_its_pipes_closed(tmp_path: Path) -> None:
    source, target = _source(tmp_path)
    before = _open_descriptors()
    links = offload.Links(source, target, inline=1, batch=100)
    links.add(NAMES[0])
    links.add(NAMES[1])  # pending: the child waits to read it
    assert links._child is not None
    pid = links._child.pid
    links.kill()
    assert _reaped(pid)
    assert not (target / NAMES[1]).exists()
    assert _open_descriptors() == before
    links.kill()  # idempotent


def test_a_child_stopped_by_anything_but_an_os_error_says_so() -> None:
    child = offload.Child(lambda _: print(1 / 0))
    with pytest.raises(OSError, match=r"a helper process stopped \(1\)") as raised:
        child.wait()
    assert raised.value.errno == errno.EIO
    with pytest.raises(OSError, match=r"a helper process stopped \(1\)"):
        child.wait()  # waited once: the same again
    assert offload.Child(lambda _: b"done").wait() == b"done"
    here = offload.Child(lambda _: b"here", here=True)
    assert here.pid == 0 and here.wait() == b"here"  # too little for a fork: done at once


def test_a_tree_writer_whose_linking_child_fails_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(offload, "FORK_FROM", 2)
    out = tmp_path / "exports"
    first = TreeWriter(out)
    for name in NAMES:
        first.add(name, name.encode())
    first.commit()
    first.finish()
    was = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    writer = TreeWriter(out)
    for name in [*NAMES[:5], "gone.jsonld"]:
        writer.link(name)
    with pytest.raises(OutputError) as raised:
        writer.commit()
    assert str(raised.value) == f"{out}: writing the exports failed, nothing was changed: No such file or directory"
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} == was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exports"]  # the new folder removed


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
