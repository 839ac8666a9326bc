"""The one accessor for data files bundled with medkg (ontology, shapes, schema.org context).

In a source checkout they live at the repository root (`ontology/`, `shapes/`); in an installed
wheel the build maps them into `kg/_bundled/`. Callers never build these paths themselves.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kg.core.errors import BundledDataError


@cache
def root(folder: str) -> Path:
    bundled = Path(str(resources.files("kg"))) / "_bundled" / folder
    if bundled.is_dir():
        return bundled
    source = Path(__file__).resolve().parents[2] / folder
    if source.is_dir():
        return source
    raise BundledDataError(f"medkg data folder '{folder}' is missing from this installation")


def path(folder: str, name: str) -> Path:
    """Path of a bundled file, e.g. path("shapes", "medkg.ttl")."""
    p = root(folder) / name
    if not p.is_file():
        raise BundledDataError(f"medkg data file '{folder}/{name}' is missing from this installation")
    return p


def text(folder: str, name: str) -> str:
    return path(folder, name).read_text(encoding="utf-8")


@cache
def json_file(folder: str, name: str) -> Any:
    return json.loads(text(folder, name))


def listing(folder: str, sub: str, suffix: str) -> list[Path]:
    """Sorted files with a suffix under a bundled folder (e.g. the projection queries)."""
    return sorted((root(folder) / sub).glob(f"*{suffix}"))


def tree(folder: str) -> list[Path]:
    """Every file of a bundled folder, sorted (for fingerprints of the bundled data)."""
    return sorted(p for p in root(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def package_text(*parts: str) -> str:
    """Text of a data file that lives inside the kg package itself, e.g. ("extract", "lexicon.yaml")."""
    p = resources.files("kg").joinpath(*parts)
    if not p.is_file():
        raise BundledDataError(f"medkg data file 'kg/{'/'.join(parts)}' is missing from this installation")
    return p.read_text(encoding="utf-8")
