"""The little medkg asks of git: where the working directory sits in the repository, and the
export files of a revision (for `kg diff HEAD~1 HEAD`). Read-only; git is optional."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from kg.core.errors import InputError, OutputError


def _git(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    binary = shutil.which("git")
    if binary is None:
        raise InputError("git is not installed, so revisions cannot be read; compare two folders or files instead")
    try:
        return subprocess.run([binary, *args], capture_output=True, timeout=60, cwd=cwd)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise OutputError(f"git failed: {e}") from None


def prefix(cwd: Path | None = None) -> str:
    """The working directory relative to the repository root ('' at the root or outside git)."""
    if shutil.which("git") is None:
        return ""
    run = _git("rev-parse", "--show-prefix", cwd=cwd)
    return run.stdout.decode("utf-8").strip() if run.returncode == 0 else ""


def is_revision(rev: str) -> bool:
    if rev.startswith("-") or shutil.which("git") is None:
        return False
    return _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode == 0


def files(rev: str, folder: str) -> dict[str, bytes]:
    """Every file under `folder` (relative to the working directory) at a revision, by name."""
    listing = _git("ls-tree", "-r", "--name-only", rev, "--", folder)
    if listing.returncode != 0:
        raise InputError(f"{rev}: cannot list {folder}/: {listing.stderr.decode('utf-8', 'replace').strip()}")
    out: dict[str, bytes] = {}
    for path in listing.stdout.decode("utf-8").splitlines():  # relative to the working directory
        shown = _git("show", f"{rev}:./{path}")
        if shown.returncode != 0:
            raise InputError(f"{rev}:{path}: {shown.stderr.decode('utf-8', 'replace').strip()}")
        out[path[len(folder.rstrip("/")) + 1 :]] = shown.stdout
    if not out:
        raise InputError(f"{rev}: no files under {folder}/ at that revision")
    return out
