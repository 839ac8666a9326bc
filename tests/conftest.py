from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import main

REPO = Path(__file__).resolve().parent.parent
# ../shared next to the checkout; a git worktree may sit deeper, so the nearest ancestor that has one
SHARED = next((a / "shared" for a in REPO.parents if (a / "shared").is_dir()), REPO.parent / "shared")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A writable copy of the bundled data/ folder."""
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


@pytest.fixture
def kg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Result]:
    """Run the `kg` CLI in-process from tmp_path, returning click's Result (exit_code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (for 'nothing was written' assertions)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
