"""`kg show`: one article through the flow, kept as the picture of its graph."""

from __future__ import annotations

from pathlib import Path

from kg.core.errors import InputError
from kg.core.findings import Finding
from kg.core.options import RunOptions
from kg.export.picture import Picture
from kg.flow.article import Wants
from kg.flow.corpus import outcomes
from kg.load.facts import site_and_files

FACTS_SUFFIXES = (".yaml", ".yml", ".json")


def draw(data: Path, slug: str, options: RunOptions) -> Picture:
    """The picture of the article `slug`, drawn whatever its findings (they are for `validate`).
    The file named after the slug is tried first; else every facts file, the first with the slug wins."""
    site, files = site_and_files(data)
    problems: list[Finding] = []
    known: list[str] = []
    named = [p for p in files if p.stem == slug]
    for batch in (named, files):
        problems, known = [], []
        for o in outcomes(site, batch, options, Wants(illustration=True)):
            if o.slug == slug and o.illustration is not None:
                return o.illustration.picture
            problems += o.problems
            known += [o.slug] if o.slug is not None else []
    broken = [f for f in problems if f.file.endswith(tuple(f"/{slug}{s}" for s in FACTS_SUFFIXES))]
    if broken:
        raise InputError(f"article '{slug}' cannot be drawn until its facts file is fixed", broken)
    raise InputError(f"no article with slug '{slug}' in {data} (articles: {', '.join(sorted(set(known))) or 'none'})")
