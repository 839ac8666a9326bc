"""Attacks on `kg build --out`: it replaces only a folder medkg wrote, never loses the exports to a
kill, cleans up after killed builds and fails cleanly on a full disk (issue [hardening] 1, 6, 7)."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import REPO, snapshot

from benchmarks.corpus import write as write_corpus
from kg.core import fsio
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
    assert "is up to date (5 files)" in result.stderr
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


# --- kill -9 -------------------------------------------------------------------------------------


def _run(args: list[str], cwd: Path, **kwargs: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs
    )


def _build(data: Path, out: Path, cwd: Path) -> None:
    process = _run(["-m", "kg", "build", "--data", str(data), "--out", str(out), "--no-cache"], cwd)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()


@pytest.fixture(scope="module")
def two_corpora(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, Path, dict[str, bytes], dict[str, bytes]]]:
    root = tmp_path_factory.mktemp("kill")
    a = write_corpus(root / "a", 16, seed=1, violation_rate=0.0)
    b = write_corpus(root / "b", 16, seed=2, violation_rate=0.0)
    _build(a, root / "exports-a", root)
    _build(b, root / "exports-b", root)
    yield a, b, snapshot(root / "exports-a"), snapshot(root / "exports-b")


KILLS = 10


@pytest.mark.slow
def test_kill_9_at_random_points_always_leaves_a_complete_export_folder(
    two_corpora: tuple[Path, Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path
) -> None:
    """Real `kg build` processes killed at random moments once they have started writing: after
    each kill the folder is exactly the previous build or the new one, never a mix and never gone;
    the next build clears every temp folder the kills left."""
    a, b, exports_a, exports_b = two_corpora
    out = tmp_path / "exports"
    _build(a, out, tmp_path)
    rng = random.Random(20240601)
    seen = {"old": 0, "new": 0}
    current, expected = exports_a, {"a": exports_a, "b": exports_b}
    window = 3.0
    for i in range(KILLS):
        name = "b" if current is exports_a else "a"
        litter = set(leftovers(tmp_path))
        process = _run(
            ["-m", "kg", "build", "--data", str(b if name == "b" else a), "--out", str(out), "--no-cache"], tmp_path
        )
        started = time.monotonic()
        while set(leftovers(tmp_path)) <= litter and process.poll() is None and time.monotonic() - started < 120:
            time.sleep(0.005)  # wait until it is writing: the temp folder exists
        writing = time.monotonic()
        time.sleep(rng.uniform(0, window))
        process.kill()
        process.wait()
        if process.returncode == 0:  # finished before the kill: calibrate, so later kills land inside
            window = max(0.05, (time.monotonic() - writing) * 0.9)
        after = snapshot(out)
        assert after in (current, expected[name]), f"kill {i}: the export folder is neither old nor new"
        if after == expected[name] and after != current:
            seen["new"] += 1
            current = expected[name]
        else:
            seen["old"] += 1
    print(
        f"kill -9 at random points: {KILLS} kills, {seen['old']} left the previous exports, "
        f"{seen['new']} the new ones, {len(leftovers(tmp_path))} temp folders left behind"
    )
    _build(a, out, tmp_path)
    assert snapshot(out) == exports_a
    assert leftovers(tmp_path) == []


KILLER = """
import os, signal, sys
import kg.core.fsio as fsio

def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)

if sys.argv[1] == "exchange":
    exchange = fsio.exchange
    def killed_after_exchange(a, b):
        done = exchange(a, b)
        assert done, "no renameat2 here"
        die()
    fsio.exchange = killed_after_exchange
else:
    fsio.exchange = lambda a, b: False
    rename = fsio._rename
    def killed_between_renames(a, b):
        rename(a, b)
        die()
    fsio._rename = killed_between_renames
from kg.cli.main import main
main(sys.argv[2:])
"""


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_kill_inside_the_exchange_leaves_the_new_exports_whole(
    two_corpora: tuple[Path, Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path
) -> None:
    a, b, exports_a, exports_b = two_corpora
    out = tmp_path / "exports"
    _build(a, out, tmp_path)
    (tmp_path / "killer.py").write_text(KILLER, encoding="utf-8")
    process = _run(["killer.py", "exchange", "build", "--data", str(b), "--out", str(out), "--no-cache"], tmp_path)
    process.wait(timeout=300)
    assert process.returncode == -signal.SIGKILL
    assert snapshot(out) == exports_b  # swapped in one step: complete at every instant
    assert len(leftovers(tmp_path)) == 1  # the previous exports, marked and unlocked: litter of a dead build
    _build(a, out, tmp_path)
    assert snapshot(out) == exports_a and leftovers(tmp_path) == []


@pytest.mark.slow
def test_kill_between_the_two_renames_is_repaired_by_the_next_build(
    two_corpora: tuple[Path, Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path
) -> None:
    """Where the exchange is not available: the one window is between the renames; the previous
    folder is then `.exports.old-*`, and the next run puts it back before anything else."""
    a, b, exports_a, _ = two_corpora
    out = tmp_path / "exports"
    _build(a, out, tmp_path)
    (tmp_path / "killer.py").write_text(KILLER, encoding="utf-8")
    process = _run(["killer.py", "renames", "build", "--data", str(b), "--out", str(out), "--no-cache"], tmp_path)
    process.wait(timeout=300)
    assert process.returncode == -signal.SIGKILL
    assert not out.exists()
    set_aside = [p for p in tmp_path.iterdir() if p.name.startswith(".exports.old-")]
    assert len(set_aside) == 1 and snapshot(set_aside[0]) == exports_a
    sweep(out)
    assert snapshot(out) == exports_a  # back, before any new build
    _build(b, out, tmp_path)
    assert leftovers(tmp_path) == []


# --- disk full -----------------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """A real tmpfs of the given size (root only), unmounted afterwards."""
    mounts: list[Path] = []

    def mount(size: str) -> Path:
        point = tmp_path / f"disk-{len(mounts)}"
        point.mkdir()
        if os.geteuid() != 0:
            pytest.skip("mounting a tmpfs needs root")
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], capture_output=True, check=False
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounts.append(point)
        return point

    yield mount
    for point in mounts:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


def test_a_full_disk_exits_3_and_leaves_nothing(
    kg: Callable[..., Result], data: Path, tiny_disk: Callable[[str], Path]
) -> None:
    disk = tiny_disk("160k")  # smaller than kg.nq alone
    result = kg("build", "--data", data, "--out", disk / "exports")  # a traceback would raise here
    assert result.exit_code == 3, result.output
    assert "No space left on device" in result.stderr and "nothing was changed" in result.stderr
    assert list(disk.iterdir()) == []


def test_a_full_disk_keeps_the_previous_exports(
    kg: Callable[..., Result], data: Path, tiny_disk: Callable[[str], Path]
) -> None:
    disk = tiny_disk("520k")  # room for one build, not two
    out = disk / "exports"
    assert kg("build", "--data", data, "--out", out).exit_code == 0
    before = snapshot(out)
    article = data / "articles/mesotherapy.yaml"
    article.write_text(article.read_text(encoding="utf-8").replace("Mesotherapy", "Meso therapy"), encoding="utf-8")
    result = kg("build", "--data", data, "--out", out)
    assert result.exit_code == 3, result.output
    assert "No space left on device" in result.stderr
    assert snapshot(out) == before and leftovers(disk) == []


def test_enospc_while_streaming_kg_nq_exits_3(
    kg: Callable[..., Result], data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Full:
        def __init__(self, path: Any, mode: str) -> None:
            self.handle = open(path, mode)  # noqa: SIM115 - closed by close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self) -> None:
            self.handle.close()

    monkeypatch.setattr(fsio, "open", Full, raising=False)
    result = kg("build", "--data", data, "--out", tmp_path / "exports")
    assert result.exit_code == 3, result.output
    assert "No space left on device" in result.stderr
    assert leftovers(tmp_path) == [] and not (tmp_path / "exports").exists()


def test_drafts_get_ordinary_permissions(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        write_new(tmp_path / "draft.yaml", b"draft: true\n")
    finally:
        os.umask(mask)
    assert (tmp_path / "draft.yaml").stat().st_mode & 0o777 == 0o644
