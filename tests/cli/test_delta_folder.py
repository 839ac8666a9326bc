"""A rebuild whose last export folder is not as its records say (changed since the last build), or whose
links and copies from it fail midway: it builds in full, or changes nothing, never half-writes."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import rebuilds
from conftest import snapshot
from rebuilds import Build, articles, description, same

from kg.core import offload

corpus, site = rebuilds.corpus, rebuilds.site  # the fixtures, shared


@pytest.mark.parametrize("file", ["kg.nq", "void.ttl"])
def test_a_rebuild_whose_copy_fails_midway_changes_nothing(
    site: Path, tmp_path: Path, kg: Build, monkeypatch: pytest.MonkeyPatch, file: str
) -> None:
    """The last kg.nq's carried ranges are copied by a thread of their own (kg.core.streamed), the last
    void.ttl's as void.ttl is written: a failure on the second range of either still leaves the folder and
    the last build's manifest and records as they were (the changed article's outcome may stay cached: it
    is keyed by content)."""
    assert kg("build", "--data", site, "--out", tmp_path / "out", "--cache", tmp_path / "cache").exit_code == 0
    before, kept = snapshot(tmp_path / "out"), snapshot(tmp_path / "cache" / "manifests")
    description(site, kg)
    copies: list[int] = []
    real_copy = os.copy_file_range

    def filling(source: int, out: int, length: int, offset: int | None = None) -> int:
        if os.readlink(f"/proc/self/fd/{out}").endswith(f"/{file}"):
            copies.append(length)
            if len(copies) == 2:
                raise OSError(28, "No space left on device")
        return real_copy(source, out, length, offset)

    with monkeypatch.context() as patched:
        patched.setattr(os, "copy_file_range", filling)
        failed = kg("build", "--data", site, "--out", tmp_path / "out", "--cache", tmp_path / "cache")
    assert failed.exit_code == 3, failed.output
    assert "writing the exports failed, nothing was changed: No space left on device" in failed.stderr
    assert len(copies) == 2  # the first range copied, the second failed, nothing after it
    assert snapshot(tmp_path / "out") == before and snapshot(tmp_path / "cache" / "manifests") == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "data", "out"]
    again = kg("build", "--data", site, "--out", tmp_path / "out", "--cache", tmp_path / "cache")
    assert again.exit_code == 0 and snapshot(tmp_path / "out") != before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "data", "out"]  # the last folder removed on exit
    same(
        kg("build", "--data", site, "--out", tmp_path / "delta", "--cache", tmp_path / "cache"),
        kg("build", "--data", site, "--out", tmp_path / "full", "--no-cache"),
        tmp_path,
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a child is forked only where os.fork is")
def test_a_rebuild_whose_linking_child_fails_midway_changes_nothing(
    site: Path, tmp_path: Path, kg: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link the child cannot make (the disk full, here on its fifth) fails the build before the swap: the
    folder, the last build's manifest and records stay as they were, and the next build goes on from them."""
    assert kg("build", "--data", site, "--out", tmp_path / "out", "--cache", tmp_path / "cache").exit_code == 0
    before, kept = snapshot(tmp_path / "out"), snapshot(tmp_path / "cache" / "manifests")
    description(site, kg)
    monkeypatch.setattr(offload, "FORK_FROM", 2)
    real_link, made = offload._link, [0]

    def filling(name: str, folders: tuple[int, int]) -> None:
        made[0] += 1
        if made[0] == 5:  # in the child
            raise OSError(28, "No space left on device")
        real_link(name, folders)

    with monkeypatch.context() as patched:
        patched.setattr(offload, "_link", filling)
        failed = kg("build", "--data", site, "--out", tmp_path / "out", "--cache", tmp_path / "cache")
    assert failed.exit_code == 3, failed.output
    assert "writing the exports failed, nothing was changed: No space left on device" in failed.stderr
    assert made[0] == 0  # every link is the child's (counted in the child)
    assert snapshot(tmp_path / "out") == before and snapshot(tmp_path / "cache" / "manifests") == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "data", "out"]
    same(
        kg("build", "--data", site, "--out", tmp_path / "delta", "--cache", tmp_path / "cache"),
        kg("build", "--data", site, "--out", tmp_path / "full", "--no-cache"),
        tmp_path,
    )


def _cut(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


CHANGED_SINCE: dict[str, Callable[[Path, Path], None]] = {
    "the folder removed": lambda out, _: shutil.rmtree(out),
    "an unchanged article's file removed": lambda out, data: (out / f"{articles(data)[0].stem}.html").unlink(),
    "kg.nq removed": lambda out, _: (out / "kg.nq").unlink(),
    "kg.nq cut short": lambda out, _: _cut(out / "kg.nq"),
    "void.ttl removed": lambda out, _: (out / "void.ttl").unlink(),
    "void.ttl cut short": lambda out, _: _cut(out / "void.ttl"),
}


@pytest.mark.parametrize("forked", [False, True], ids=["inline", "by children"])
@pytest.mark.parametrize("change", list(CHANGED_SINCE))
def test_a_rebuild_from_a_folder_changed_since_builds_in_full(
    change: str, forked: bool, site: Path, tmp_path: Path, kg: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export folder changed since the last build, an article edited too: its unchanged articles' files
    cannot be linked, or the last kg.nq or void.ttl opened or copied from where the records say, before the
    folder's digest is checked. Built in full (exit 0, the full build's bytes), never "writing the exports
    failed" on every build after."""
    if forked:
        monkeypatch.setattr(offload, "FORK_FROM", 2)
    assert kg("build", "--data", site, "--out", tmp_path / "delta", "--cache", tmp_path / "cache").exit_code == 0
    CHANGED_SINCE[change](tmp_path / "delta", site)
    description(site, kg)
    same(
        kg("build", "--data", site, "--out", tmp_path / "delta", "--cache", tmp_path / "cache"),
        kg("build", "--data", site, "--out", tmp_path / "full", "--no-cache"),
        tmp_path,
    )


def test_a_build_after_the_export_folder_was_removed_writes_it_again(site: Path, tmp_path: Path, kg: Build) -> None:
    """`rm -rf exports` and build again, nothing else changed: the folder is written as a full build writes it
    (the last build's manifest and records are for a folder that is gone)."""
    assert kg("build", "--data", site, "--out", tmp_path / "delta", "--cache", tmp_path / "cache").exit_code == 0
    shutil.rmtree(tmp_path / "delta")
    same(
        kg("build", "--data", site, "--out", tmp_path / "delta", "--cache", tmp_path / "cache"),
        kg("build", "--data", site, "--out", tmp_path / "full", "--no-cache"),
        tmp_path,
    )
