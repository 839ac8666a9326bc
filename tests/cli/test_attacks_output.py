"""Attacks on `kg build --out`: it replaces only a folder medkg wrote, never loses the exports to a
kill, cleans up after killed builds and fails cleanly on a full disk (issue [hardening] 1, 6, 7)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import REPO

from kg.core.fsio import MARKER, MARKER_TEXT, claim, sweep, write_new


def tree(root: Path) -> dict[str, bytes | str]:
    """Everything under `root`, hidden files, folders and links included: what an attack could destroy."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = str(path.relative_to(root))
            if path.is_symlink():
                out[key] = "-> " + os.readlink(path)
            elif path.is_dir():
                out[key] = "dir"
            else:
                out[key] = path.read_bytes()
    return out


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".new-" in p.name or ".old-" in p.name)


@pytest.fixture
def checkout(tmp_path: Path, data: Path) -> Path:
    """A place that looks like a user's checkout and home: facts, a repository, notes, dotfiles."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git/HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# my site\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("do not lose me\n", encoding="utf-8")
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents/thesis.odt").write_bytes(b"years of work")
    (home / ".bashrc").write_text("export PS1='$ '\n", encoding="utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.html").write_text("<h1>shared site</h1>\n", encoding="utf-8")
    (tmp_path / "exports").symlink_to(tmp_path / "site", target_is_directory=True)
    return tmp_path


@pytest.mark.parametrize(
    ("out", "says"),
    [
        (".", "is the working directory or one of its parents"),
        ("{root}", "is the working directory or one of its parents"),
        ("data", "not an export folder medkg wrote (no .medkg-exports file) and not empty (articles, site.yaml)"),
        ("data/articles", "not an export folder medkg wrote"),
        ("home", "not an export folder medkg wrote (no .medkg-exports file) and not empty (.bashrc, Documents)"),
        ("README.md", "is a file, not an export folder"),
        ("exports", "(a link to {root}/site): not an export folder medkg wrote"),
        ("/", "is the root of the file system"),
    ],
)
def test_out_at_anything_medkg_did_not_write_exits_2_and_touches_nothing(
    kg: Callable[..., Result], checkout: Path, out: str, says: str
) -> None:
    before = tree(checkout)
    result = kg("build", "--data", "data", "--out", out.format(root=checkout))
    assert result.exit_code == 2, result.output
    assert says.format(root=checkout) in result.stderr
    assert "choose a new or empty folder for --out" in result.stderr
    assert tree(checkout) == before  # not one file or folder created, moved or deleted


def test_an_old_export_folder_without_the_marker_gets_a_hint(
    kg: Callable[..., Result], data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "exports"
    assert kg("build", "--data", data, "--out", out).exit_code == 0
    (out / MARKER).unlink()  # as an export folder written before the marker existed
    result = kg("build", "--data", data, "--out", out)
    assert result.exit_code == 2
    assert f"add the marker: touch {out / MARKER}" in result.stderr


def test_empty_and_absent_folders_are_medkgs_to_fill(kg: Callable[..., Result], data: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "empty", tmp_path / "new/deeper/exports"):
        result = kg("build", "--data", data, "--out", out)
        assert result.exit_code == 0, result.stderr
        assert (out / MARKER).is_file() and (out / "kg.nq").is_file()
    assert leftovers(tmp_path) == leftovers(tmp_path / "new/deeper") == []


def test_a_symlinked_export_folder_is_replaced_through_the_link(
    kg: Callable[..., Result], data: Path, tmp_path: Path
) -> None:
    shared = tmp_path / "www"
    (shared / "medkg").mkdir(parents=True)
    (shared / "index.html").write_text("<h1>site</h1>\n", encoding="utf-8")
    link = tmp_path / "exports"
    link.symlink_to(shared / "medkg", target_is_directory=True)
    for _ in range(2):  # the first build fills the empty folder, the second replaces medkg's own
        result = kg("build", "--data", data, "--out", link)
        assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(shared / "medkg")
    assert (shared / "index.html").read_text(encoding="utf-8") == "<h1>site</h1>\n"
    assert sorted(p.name for p in shared.iterdir()) == ["index.html", "medkg"]  # no temp folder left
    assert (shared / "medkg/kg.nq").is_file()


def test_check_ignores_the_marker(kg: Callable[..., Result], data: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    kg("build", "--data", data, "--out", out)
    result = kg("build", "--data", data, "--out", out, "--check")
    assert result.exit_code == 0, result.stderr
    assert "is up to date (" in result.stderr and "not built" not in result.stderr
    assert (REPO / "exports" / MARKER).read_bytes() == (out / MARKER).read_bytes()  # committed, and the same


def _marked(folder: Path, *files: str) -> Path:
    folder.mkdir()
    (folder / MARKER).write_bytes(MARKER_TEXT)
    for name in files:
        (folder / name).write_bytes(b"x" * 1000)
    return folder


def test_leftovers_of_killed_builds_are_swept_and_nothing_else(
    kg: Callable[..., Result], data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "exports"
    kg("build", "--data", data, "--out", out)
    _marked(tmp_path / ".exports.new-dead1", "kg.nq", "a.jsonld")
    _marked(tmp_path / ".exports.old-dead2", "kg.nq")
    (tmp_path / ".exports.new-empty").mkdir()
    (tmp_path / ".exports.new-foreign").mkdir()
    (tmp_path / ".exports.new-foreign/mine.txt").write_text("not medkg's", encoding="utf-8")
    (tmp_path / ".exports.new-file").write_text("a file with the name", encoding="utf-8")
    live = _marked(tmp_path / ".exports.new-live", "kg.nq")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import fcntl, os, sys, time\n"
                f"fd = os.open({str(live / MARKER)!r}, os.O_RDONLY)\n"
                "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(60)\n"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        result = kg("build", "--data", data, "--out", out)
        assert result.exit_code == 0, result.stderr
        assert leftovers(tmp_path) == [".exports.new-file", ".exports.new-foreign", ".exports.new-live"]
        assert (tmp_path / ".exports.new-foreign/mine.txt").is_file()
    finally:
        holder.kill()
        holder.wait()
    assert kg("build", "--data", data, "--out", out).exit_code == 0
    assert leftovers(tmp_path) == [".exports.new-file", ".exports.new-foreign"]  # the build holding it is gone


def test_a_folder_set_aside_by_a_killed_two_rename_swap_is_put_back(tmp_path: Path) -> None:
    old = _marked(tmp_path / ".exports.old-k1", "kg.nq")
    out = tmp_path / "exports"
    assert sweep(out) == []
    assert (out / "kg.nq").read_bytes() == b"x" * 1000 and not old.exists()
    assert claim(out) == out


def test_drafts_get_ordinary_permissions(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        write_new(tmp_path / "draft.yaml", b"draft: true\n")
    finally:
        os.umask(mask)
    assert (tmp_path / "draft.yaml").stat().st_mode & 0o777 == 0o644
