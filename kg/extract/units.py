"""Sentences with where they stand: the heading above them and what kind of section that is."""

from __future__ import annotations

from dataclasses import dataclass, replace

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
    topic: str = ""  # for a list item, the page's topic line (Document.topic) when no heading above classifies it
    lead: str = ""  # for a list item, the sentence ending in a colon that introduces its list

    @property
    def section(self) -> str:
        return self.block.section[-1] if self.block.section else INTRO

    @property
    def kind(self) -> str:
        """The kind the sentence introducing its list names first ("Some people are not candidates. They include:"),
        else that of the innermost heading above that has one (risks, aftercare …), else the page's topic's, or ''."""
        if self.lead and (named := lexicon.first_kind(self.lead)):
            return named
        for heading in (*reversed(self.block.section), self.topic):
            kinds = lexicon.section_kinds(heading) if heading else []
            if kinds:
                return kinds[0]
        return ""

    def within(self, kind: str) -> bool:
        """True when any heading above is of this kind (an answer inside an FAQ)."""
        return any(kind in lexicon.section_kinds(h) for h in self.block.section)

    def source(self, quote: str | None = None) -> dict[str, str]:
        return {"section": self.section, "quote": quote or self.text}


def _page_faq(blocks: list[Block]) -> str | None:
    """The FAQ heading the whole page stands under ("Chemical peel FAQs" over every question): then the questions
    are the page's own sections, and their answers its statements, not an FAQ apart from the article."""
    content = [b for b in blocks if b.kind != "heading"]
    if not content:
        return None
    return next(
        (h for h in content[0].section if "faq" in lexicon.section_kinds(h) and all(h in b.section for b in content)),
        None,
    )


def units(doc: Document) -> list[Unit]:
    out = []
    lead = ""
    faq = _page_faq(doc.blocks)
    blocks = [replace(b, section=tuple(h for h in b.section if h != faq)) for b in doc.blocks] if faq else doc.blocks
    for i, block in enumerate(blocks):
        if block.kind == "paragraph":
            out += [Unit(s, block, i) for s in sentences(block.text)]  # prose says its own topic by its cues
            lead = " ".join(sentences(block.text)[-2:]) if block.text.endswith(":") else ""
        elif block.kind == "item":
            out.append(Unit(block.text, block, i, doc.topic, lead))
        else:
            lead = ""
    return out
