"""Writing an export folder all at once: a crash or an error never leaves it half-written."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError, OutputError


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_tree(out: Path, files: dict[str, bytes]) -> None:
    """Make `out` hold exactly `files`: written to a sibling temp folder, then swapped in by rename.

    Readers see either the old folder or the new one; a failure before the swap leaves the
    old one untouched and removes the temp folder.
    """
    out = out.resolve()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    except OSError as e:
        raise OutputError(f"{out}: cannot create the export folder: {e.strerror or e}") from None
    old = out.parent / f".{out.name}.old-{tmp.name.rsplit('-', 1)[-1]}"
    try:
        for name, data in sorted(files.items()):
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o755)
        _fsync_dir(tmp)
        if out.exists():
            os.rename(out, old)
        os.rename(tmp, out)
        _fsync_dir(out.parent)
    except OSError as e:
        if old.exists() and not out.exists():
            os.rename(old, out)
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"{out}: writing the exports failed, nothing was changed: {e.strerror or e}") from None
    shutil.rmtree(old, ignore_errors=True)


@dataclass(frozen=True)
class TreeDiff:
    changed: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.extra)


def compare_tree(out: Path, files: dict[str, bytes]) -> TreeDiff:
    """How the folder on disk differs from what a build would write."""
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} if out.is_dir() else set()
    changed = tuple(sorted(n for n in files if n in on_disk and (out / n).read_bytes() != files[n]))
    missing = tuple(sorted(n for n in files if n not in on_disk))
    extra = tuple(sorted(on_disk - set(files)))
    return TreeDiff(changed, missing, extra)


def write_new(path: Path, data: bytes) -> None:
    """Create `path` with `data` all at once; an existing file is never replaced (a draft must not
    overwrite reviewed facts). Written to a temp file, then hard-linked into place."""
    if path.exists():
        raise InputError(f"{path}: already exists; choose another --out or delete the file first")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as e:
        raise OutputError(f"{path}: cannot write: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)
    except FileExistsError:
        raise InputError(f"{path}: already exists; choose another --out or delete the file first") from None
    except OSError as e:
        raise OutputError(f"{path}: cannot write: {e.strerror or e}") from None
    finally:
        os.unlink(tmp)
