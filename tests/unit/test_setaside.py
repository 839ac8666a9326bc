"""kg.core.setaside: a replaced folder's large files moved into the cache and freed by the next build; only
a regular file is moved, by a rename, and freeing never follows a link."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from kg.core.setaside import SetAside


def test_a_file_set_aside_is_freed_by_the_next_free_and_one_set_aside_meanwhile_waits(tmp_path: Path) -> None:
    aside = SetAside(tmp_path / "aside")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "kg.nq").write_bytes(b"<a> <b> <c> <g> .\n")
    assert aside.keep(tmp_path / "old" / "kg.nq")
    assert not (tmp_path / "old" / "kg.nq").exists()
    (kept,) = (tmp_path / "aside").iterdir()
    assert kept.read_bytes() == b"<a> <b> <c> <g> .\n"
    following = SetAside(tmp_path / "aside")
    following.free()
    (tmp_path / "old" / "kg.nq").write_bytes(b"newer\n")
    assert following.keep(tmp_path / "old" / "kg.nq")  # while the first is being freed
    following.wait()
    assert [p.read_bytes() for p in (tmp_path / "aside").iterdir()] == [b"newer\n"]


def test_only_a_regular_file_is_moved_and_freeing_removes_a_link_not_what_it_points_to(tmp_path: Path) -> None:
    mine = tmp_path / "mine.nq"
    mine.write_bytes(b"the user's\n")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "kg.nq").symlink_to(mine)
    aside = SetAside(tmp_path / "aside")
    assert not aside.keep(tmp_path / "old" / "kg.nq")  # left to go with its folder
    assert (tmp_path / "old" / "kg.nq").is_symlink()
    (tmp_path / "aside").mkdir()
    (tmp_path / "aside" / "planted").symlink_to(mine)
    aside.free()
    aside.wait()
    assert mine.read_bytes() == b"the user's\n"
    assert list((tmp_path / "aside").iterdir()) == []


def test_a_file_on_another_file_system_stays_to_go_with_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def across(src: object, dst: object) -> None:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "kg.nq").write_bytes(b"x\n")
    monkeypatch.setattr(os, "rename", across)
    assert not SetAside(tmp_path / "aside").keep(tmp_path / "old" / "kg.nq")
    assert (tmp_path / "old" / "kg.nq").read_bytes() == b"x\n"
