"""`kg preview`: one article through the flow, kept as its published JSON-LD and its findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg.core.errors import InputError
from kg.core.findings import Finding
from kg.core.options import RunOptions
from kg.flow.article import Wants
from kg.flow.corpus import outcomes
from kg.load.facts import site_and_files


def preview(data: Path, slug: str, options: RunOptions) -> tuple[dict[str, Any], list[Finding], str]:
    """The article's JSON-LD document, its findings and its facts file (whatever the findings say)."""
    site, files = site_and_files(data)
    known: list[str] = []
    problems: list[Finding] = []
    for o in outcomes(site, files, options, Wants(illustration=True)):
        if o.slug == slug and o.illustration is not None:
            return json.loads(o.illustration.jsonld), o.findings, o.file
        known += [o.slug] if o.slug is not None else []
        problems += o.problems
    broken = [f for f in problems if Path(f.file).stem == slug]
    if broken:
        raise InputError(f"article '{slug}' cannot be previewed until its facts file is fixed", broken)
    raise InputError(f"no article with slug '{slug}' in {data} (articles: {', '.join(sorted(set(known))) or 'none'})")
