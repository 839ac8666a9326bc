"""Sentences with where they stand: the heading above them and what kind of section that is."""

from __future__ import annotations

from dataclasses import dataclass

from kg.extract import lexicon
from kg.extract.blocks import Block, Document
from kg.extract.text import sentences

INTRO = "(introduction)"


@dataclass(frozen=True)
class Unit:
    """One sentence (or one list item) of the article."""

    text: str
    block: Block
    index: int  # position of the block in the document

    @property
    def section(self) -> str:
        return self.block.section[-1] if self.block.section else INTRO

    @property
    def kind(self) -> str:
        """The kind of the innermost heading above that has one (risks, aftercare …), or ''."""
        for heading in reversed(self.block.section):
            kinds = lexicon.section_kinds(heading)
            if kinds:
                return kinds[0]
        return ""

    def within(self, kind: str) -> bool:
        """True when any heading above is of this kind (an answer inside an FAQ)."""
        return any(kind in lexicon.section_kinds(h) for h in self.block.section)

    def source(self, quote: str | None = None) -> dict[str, str]:
        return {"section": self.section, "quote": quote or self.text}


def units(doc: Document) -> list[Unit]:
    out = []
    for i, block in enumerate(doc.blocks):
        if block.kind == "paragraph":
            out += [Unit(s, block, i) for s in sentences(block.text)]
        elif block.kind == "item":
            out.append(Unit(block.text, block, i))
    return out
