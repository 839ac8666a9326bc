"""What the rebuild tests share (tests/cli/test_delta.py, tests/cli/test_delta_folder.py): a small generated
site (the fixtures `corpus` and `site`, imported by each), edits of it, and a rebuild held to a full build of
the same history."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import snapshot

from benchmarks.corpus import write as write_corpus

Build = Callable[..., Result]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight generated articles, none failing."""
    return write_corpus(tmp_path_factory.mktemp("corpus"), 8, seed=11, violation_rate=0.0)


@pytest.fixture
def site(corpus: Path, tmp_path: Path) -> Path:
    """A copy of `corpus` in `tmp_path`/data, its facts files written before the first build."""
    shutil.copytree(corpus, tmp_path / "data")
    for p in (tmp_path / "data" / "articles").iterdir():
        st = p.stat()
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns - 10_000_000_000))
    return tmp_path / "data"


def articles(data: Path) -> list[Path]:
    return sorted((data / "articles").iterdir())


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def description(data: Path, build: Build) -> None:
    edit(articles(data)[2], "  description: ", "  description: Edited. ")


def as_said(stderr: str, folder: str) -> str:
    return re.sub(r" in [0-9.]+ s$", "", stderr.splitlines()[-1]).replace(f"{folder}/", "OUT/")


def same(delta: Result, full: Result, tmp_path: Path) -> None:
    """A rebuild into `tmp_path`/delta and a full build into `tmp_path`/full: the same report, exit code and bytes."""
    assert (delta.exit_code, delta.stdout) == (full.exit_code, full.stdout)
    assert delta.stderr.splitlines()[:-1] == full.stderr.splitlines()[:-1]
    # the last line names the folder and the time taken; a failed build's names the articles kept as they were
    assert as_said(delta.stderr, "delta") == as_said(full.stderr, "full")
    assert snapshot(tmp_path / "delta") == snapshot(tmp_path / "full")
