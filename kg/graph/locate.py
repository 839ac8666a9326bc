"""From a node of the medkg graph or of its schema.org view back to the facts that produced it.

Every finding names the facts file, line, column and field; checks get that from a `Locator`.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib.term import Node

from kg.graph import ontology
from kg.graph.mapping import ArticleGraph
from kg.load.yamlloc import dotted

Locator = Callable[[Node, Node | None], tuple[str, int, int, str]]
ValueLocator = Callable[[Node, Node | None, Node | None], tuple[str, int, int, str] | None]
"""The facts position of one (focus, path, value) statement, where the mapper recorded one: a clash is
reported at each entry that clashes, not at the first entry of the list."""


def locator(ag: ArticleGraph) -> Locator:
    """Finds the facts position behind a node of the medkg graph or of its schema.org view."""
    reverse: dict[Node, list[Node]] = {}
    for medkg_p, schema_ps in ontology.alignment().properties.items():
        for sp in schema_ps:
            reverse.setdefault(sp, []).append(medkg_p)
    by_length = sorted(ag.origins, key=lambda n: len(str(n)), reverse=True)

    def locate(focus: Node, path: Node | None) -> tuple[str, int, int, str]:
        for p in [path, *reverse.get(path, [])] if path is not None else []:
            if (focus, p) in ag.field_origins:
                source, fpath = ag.field_origins[(focus, p)]
                break
        else:
            if focus in ag.origins:
                source, fpath = ag.origins[focus]
            else:  # a node only the projection made: where its parts were written (#faq → faq), else its owner
                child = next((n for n in sorted(ag.origins, key=str) if str(n).startswith(f"{focus}-")), None)
                if child is not None:
                    source, fpath = ag.origins[child]
                    fpath = fpath[:-1] if fpath and isinstance(fpath[-1], int) else fpath
                else:
                    owner = next((n for n in by_length if str(focus).startswith(str(n))), ag.page)
                    source, fpath = ag.origins[owner]
        pos = source.position(fpath)
        return source.file, pos.line, pos.column, dotted(fpath)

    return locate


def value_locator(ag: ArticleGraph) -> ValueLocator:
    """The facts position of a statement (focus, path, value) the mapper recorded, else None."""

    def locate(focus: Node, path: Node | None, value: Node | None) -> tuple[str, int, int, str] | None:
        at = ag.value_origins.get((focus, path, value)) if path is not None and value is not None else None
        if at is None:
            return None
        pos = at.position
        return at.source.file, pos.line, pos.column, at.dotted

    return locate
