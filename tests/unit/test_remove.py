"""Removing a replaced export folder entry by entry as the scan yields it (kg.core.swap.remove)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.core.swap import MARKER, MARKER_TEXT, remove, sweep


def test_a_folder_goes_with_all_in_it_and_nothing_a_symlink_points_at(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "kept.txt").write_text("kept", encoding="utf-8")
    folder = tmp_path / "old"
    for i in range(300):
        (folder / f"sub{i % 3}" / "inner").mkdir(parents=True, exist_ok=True)
        (folder / f"sub{i % 3}" / "inner" / f"f{i}.html").write_text(str(i), encoding="utf-8")
        (folder / f"a{i}.jsonld").write_text(str(i), encoding="utf-8")
    (folder / "link").symlink_to(outside, target_is_directory=True)
    (folder / "sub0" / "file-link").symlink_to(outside / "deep" / "kept.txt")
    remove(folder)
    assert not os.path.lexists(folder)
    assert (outside / "deep" / "kept.txt").read_text(encoding="utf-8") == "kept"


def test_a_missing_folder_or_a_symlink_in_its_place_is_left_as_it_is(tmp_path: Path) -> None:
    remove(tmp_path / "gone")
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    remove(tmp_path / "alias")
    assert (tmp_path / "real" / "a.txt").read_text(encoding="utf-8") == "a"


def test_a_removal_killed_midway_leaves_a_folder_the_next_sweep_removes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The marker goes last: a build killed while it removed its replaced folder (here, at the fourth entry)
    leaves the marker, so the next build's sweep knows the folder as medkg's and removes it."""
    out, folder = tmp_path / "exports", tmp_path / ".exports.new-killed"
    folder.mkdir()
    (folder / MARKER).write_bytes(MARKER_TEXT)
    for i in range(9):
        (folder / f"page-{i}.jsonld").write_text(str(i), encoding="utf-8")
    real = os.unlink
    removed: list[str] = []

    def killed(name: str, *, dir_fd: int | None = None) -> None:
        if len(removed) == 3:
            raise SystemExit("killed")  # not an OSError: remove() does not go on past it
        removed.append(name)
        real(name, dir_fd=dir_fd)

    with monkeypatch.context() as patched:
        patched.setattr(os, "unlink", killed)
        with pytest.raises(SystemExit):
            remove(folder)
    assert (folder / MARKER).is_file() and MARKER not in removed
    assert sweep(out) == [folder] and not folder.exists()
