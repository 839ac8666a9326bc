"""The common form every reader produces: headings, paragraphs and list items in reading order."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    """One unit of visible text. `section` is the heading path above it, outermost first."""

    kind: str  # "heading" | "paragraph" | "item"
    text: str
    level: int = 0  # heading level (1 = title); 0 for paragraphs and items
    section: tuple[str, ...] = ()


@dataclass
class Document:
    """An article as read: its title, page chrome worth keeping, and the content blocks."""

    title: str = ""
    description: str = ""  # the page's own summary (meta description or lead), if it has one
    breadcrumb: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    topic: str = ""  # a title or lead sentence that names what the whole page is (contraindications, aftercare …)

    @property
    def text(self) -> str:
        """The article's visible text: every quote of a draft is an exact substring of it."""
        return "\n".join(
            [*self.breadcrumb, self.title, self.description, *(b.text for b in self.blocks), *self.keywords]
        )


def with_sections(blocks: list[tuple[str, str, int]]) -> list[Block]:
    """Blocks with their heading path, from (kind, text, level) triples in reading order."""
    out: list[Block] = []
    path: list[tuple[int, str]] = []
    for kind, text, level in blocks:
        if kind == "heading":
            while path and path[-1][0] >= level:
                path.pop()
            out.append(Block(kind, text, level, tuple(t for _, t in path)))
            path.append((level, text))
        else:
            out.append(Block(kind, text, 0, tuple(t for _, t in path)))
    return out
