"""Dated Google structured-data profiles (shapes/google/<YYYY-MM>.ttl), selected by name.

A profile is named `google-<YYYY-MM>` after its file. Old profiles stay bundled so a build can be
re-checked against the rules of its time. In the library "no profile" is `None`; a front end
chooses the newest bundled one (`newest()`) as its default, explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.core import resources
from kg.core.errors import InputError

FOLDER = "google"
NONE = "none"  # how a front end spells "no profile"


@dataclass(frozen=True, order=True)
class Profile:
    """One bundled profile, e.g. Profile("google-2026-11")."""

    name: str

    def __str__(self) -> str:
        return self.name

    @property
    def shapes_file(self) -> str:
        """Its shapes file, relative to shapes/."""
        return f"{FOLDER}/{self.name.removeprefix('google-')}.ttl"


def names() -> list[str]:
    """Bundled profile names, oldest first."""
    return [f"google-{p.stem}" for p in resources.listing("shapes", FOLDER, ".ttl")]


def available() -> list[Profile]:
    return [Profile(n) for n in names()]


def newest() -> Profile:
    return available()[-1]


def named(name: str) -> Profile | None:
    """A profile by name; `none` → no profile."""
    if name == NONE:
        return None
    if name not in names():
        raise InputError.about(
            "unknown {profile} {name!r}: choose one of {choices}", name=name, choices=", ".join([*names(), NONE])
        )
    return Profile(name)
