"""`kg init`: a new facts file from the bundled template (templates/article.yaml)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from string import Template

from kg import resources
from kg.errors import InputError, OutputError
from kg.facts import display

TEMPLATE = "article.yaml"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def article(slug: str) -> str:
    """The commented template for `slug`; every section present, `draft: true`."""
    if not SLUG.fullmatch(slug) or len(slug) > 100:
        raise InputError(f"'{slug}' is not a valid slug: use lowercase letters and digits joined by single "
                         "hyphens, like 'hyaluronic-acid'")
    return Template(resources.text("templates", TEMPLATE)).substitute(slug=slug)


def write_new(path: Path, text: str) -> None:
    """Create `path` with `text`; an existing file is never overwritten."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{display(path.parent)}: cannot create the folder: {e.strerror or e}") from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise InputError(f"{display(path)}: already exists; medkg never overwrites a facts file") from None
    except OSError as e:
        raise OutputError(f"{display(path)}: cannot create: {e.strerror or e}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
