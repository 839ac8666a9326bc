"""`kg init`: a new facts file from the bundled template (templates/article.yaml)."""

from __future__ import annotations

import re
from string import Template

from kg.core import resources
from kg.core.errors import InputError

TEMPLATE = "article.yaml"
SLUG = re.compile(r"\A[a-z0-9]+(-[a-z0-9]+)*\Z")  # used with fullmatch; anchored anyway


def article(slug: str) -> str:
    """The commented template for `slug`; every section present, `draft: true`."""
    if not SLUG.fullmatch(slug) or len(slug) > 100:
        raise InputError(
            f"'{slug}' is not a valid slug: use lowercase letters and digits joined by single "
            "hyphens, like 'hyaluronic-acid'"
        )
    return Template(resources.text("templates", TEMPLATE)).substitute(slug=slug)
