"""Attacks on a running `kg build`: kill -9 at random points and inside the swap, a full disk
(issue [hardening] 6 and 7): the export folder is always complete, old or new, and the next build
clears what the killed ones left."""

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
from kg.core.fsio import sweep


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".new-" in p.name or ".old-" in p.name)


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


KILLS = int(os.environ.get("KG_TEST_KILLS", "10"))  # more for a measurement: KG_TEST_KILLS=50


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


def _pages(folder: Path, *, skip: tuple[str, ...] = ()) -> int:
    """Bytes the files under `folder` take on a tmpfs (whole 4 KiB pages), but those under `skip`."""
    return sum(
        -(-p.stat().st_size // 4096) * 4096
        for p in folder.rglob("*")
        if p.is_file() and not str(p.relative_to(folder)).startswith(skip)
    )


def test_a_full_disk_keeps_the_previous_exports(
    kg: Callable[..., Result], data: Path, tmp_path: Path, tiny_disk: Callable[[str], Path]
) -> None:
    assert kg("build", "--data", data, "--out", tmp_path / "probe").exit_code == 0
    whole, changing = _pages(tmp_path / "probe"), _pages(tmp_path / "probe", skip=("ontology", "shapes"))
    disk = tiny_disk(f"{(whole + changing // 2) // 1024}k")  # room for one build, not for a second beside it
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

    def opening(path: Path, mode: str) -> Any:  # kg.nq's writes fail (on its writer's thread), no other file's
        return Full(path, mode) if Path(path).name == "kg.nq" else open(path, mode)

    monkeypatch.setattr(fsio, "open", opening, raising=False)
    result = kg("build", "--data", data, "--out", tmp_path / "exports")
    assert result.exit_code == 3, result.output
    assert "No space left on device" in result.stderr
    assert leftovers(tmp_path) == [] and not (tmp_path / "exports").exists()
