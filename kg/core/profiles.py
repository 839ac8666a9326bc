"""Dated Google structured-data profiles (shapes/google/<YYYY-MM>.ttl), selected by name.

A profile is named `google-<YYYY-MM>` after its file; the newest bundled one is the default, and
`none` turns the profile off. Old profiles stay bundled so a build can be re-checked against the
rules of its time.
"""

from __future__ import annotations

from kg.core import resources
from kg.core.errors import InputError

FOLDER = "google"
NONE = "none"


def available() -> list[str]:
    """Bundled profile names, oldest first."""
    return [f"google-{p.stem}" for p in resources.listing("shapes", FOLDER, ".ttl")]


def default() -> str:
    return available()[-1]


def resolve(name: str | None) -> str | None:
    """A profile name from the command line: None → the newest, "none" → no profile."""
    if name is None:
        return default()
    if name == NONE:
        return None
    if name not in available():
        raise InputError(f"unknown profile {name!r}: choose one of {', '.join([*available(), NONE])}")
    return name


def shapes_file(name: str) -> str:
    """The shapes file of a profile, relative to shapes/."""
    return f"{FOLDER}/{name.removeprefix('google-')}.ttl"
