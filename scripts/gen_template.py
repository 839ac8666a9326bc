"""The `kg init` template (templates/article.yaml), written from the facts schema.

Every field of an article appears: the ones an author must fill in (the schema marks them with
`x-todo`, the placeholder to write) as YAML, the others commented out with their schema example.
Each line carries the field's `description`; enums list their values. A field whose definition
has `x-once` (a fact's `source`, its `codes`) is shown only where it first appears.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import yaml

Schema = dict[str, Any]
FIXED = {"draft": True, "slug": "$slug"}  # written first, as they are; `kg init` substitutes $slug
COLUMN = 32  # where trailing comments start
WIDTH = 118
MIN_COMMENT = 50  # narrower than this, a comment goes above its line
HEADER = """\
# Facts of the article "$slug" — written by `kg init`, to fill in from the source article.
#
# Rules: state only what the article says, in your own words; leave a field out (delete it or
# keep it commented) when the article does not say it — never guess dates, authors, URLs or codes.
# Every field is described in shapes/facts.schema.json. Check your work with `kg validate`.
#
"""


def scalar(value: Any, *, flow: bool = False) -> str:
    """A YAML scalar (or flow collection) for a template line, quoted only where YAML needs it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v, flow=True) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in value.items()) + "}"
    plain = "#" not in value and not (flow and any(c in value for c in ",[]{}"))
    try:
        plain = plain and yaml.safe_load(f"k: {value}") == {"k": value}
    except yaml.YAMLError:
        plain = False
    return value if plain else json.dumps(value, ensure_ascii=False)


def dollars(text: str) -> str:
    return text.replace("$", "$$")  # the template is a string.Template


class Writer:
    def __init__(self, schema: Schema) -> None:
        self.defs: dict[str, Schema] = schema["$defs"]
        self.shown: set[str] = set()
        self.lines: list[str] = []

    def resolve(self, s: Schema) -> Schema:
        """The schema that gives a value its shape (through $ref and allOf)."""
        while True:
            if "$ref" in s:
                s = self.defs[s["$ref"].removeprefix("#/$defs/")]
            elif "allOf" in s and "type" not in s and "properties" not in s:
                s = next(p for p in s["allOf"] if "$ref" in p or "type" in p)
            else:
                return s

    def active(self, s: Schema) -> bool:
        """Whether the template writes this value for the author to fill in (it or a part of it has x-todo)."""
        if "x-todo" in s:
            return True
        if s.get("x-example"):  # shown commented out, as an example, whatever its parts say
            return False
        r = self.resolve(s)
        if r.get("type") == "array":
            return self.active(r["items"])
        return any(self.active(p) for p in r.get("properties", {}).values())

    def once(self, s: Schema) -> bool:
        """False for a field shown already whose definition is x-once."""
        name = s.get("$ref", "").removeprefix("#/$defs/")
        if not self.defs.get(name, {}).get("x-once"):
            return True
        if name in self.shown:
            return False
        self.shown.add(name)
        return True

    def line(self, lead: str, text: str, about: str) -> int:
        """Write `lead` + `text` with `about` as its comment (after it, or above it when long);
        returns the index of the line with the text."""
        head = lead + text
        padded = head.ljust(max(COLUMN, len(head) + 2))
        if not about:
            self.lines.append(head)
        elif WIDTH - len(padded) - 2 >= MIN_COMMENT:  # after the text, wrapped under itself
            first, *rest = textwrap.wrap(dollars(about), WIDTH - len(padded) - 2)
            self.lines += [f"{padded}# {first}", *(f"{' ' * len(padded)}# {part}" for part in rest)]
            return len(self.lines) - 1 - len(rest)
        else:  # above the text
            self.lines += [f"{lead}# {part}" for part in textwrap.wrap(dollars(about), WIDTH - len(lead) - 2)]
            self.lines.append(head)
        return len(self.lines) - 1

    def about(self, s: Schema) -> str:
        about = s.get("description") or (self.resolve(s).get("description", "") if "$ref" in s else "")
        values = self.resolve(s).get("enum")
        if values:
            return f"{about}: {' | '.join(values)}" if about else " | ".join(values)
        return str(about)

    def field(self, name: str, s: Schema, lead: str, on: bool, depth: int) -> int | None:
        """One field: `lead` precedes its key; `on` is whether its parent is written as YAML.
        Returns the index of the line with its key (None when it is not shown)."""
        if not self.once(s):
            return None
        r = self.resolve(s)
        on = on and (self.active(s) or (depth == 0 and name in FIXED))
        lead = lead if on or lead.rstrip().endswith("#") else lead + "# "
        kind = r.get("type") or ("object" if "anyOf" in r else "enum")
        items = self.resolve(r["items"]) if kind == "array" else {}
        listed = items.get("type") == "object"  # a list of objects
        nested = kind == "object" or listed
        if nested and (depth == 0 or (depth == 1 and on)):
            self.lines.append("")
        examples: list[Any] = s.get("examples") or r.get("examples") or r.get("enum") or []
        if name in FIXED:
            return self.line(lead, f"{name}: {FIXED[name] if name == 'slug' else scalar(FIXED[name])}", self.about(s))
        if (kind == "object" and (on or not examples)) or listed or (kind == "array" and on):
            at = self.line(lead, f"{name}:", self.about(s))
            if kind == "object":
                self.members(r, lead + "  ", on, depth + 1)
            elif listed:
                self.members(items, lead + "    ", on and self.active(r["items"]), depth + 1, dash=lead + "  - ")
            else:
                self.lines += [f"{lead}  - {dollars(scalar(value))}" for value in s["x-todo"]]
            return at
        if not on and not examples:
            raise ValueError(f"{name}: the template needs an example (or x-todo) for this field")
        value = s["x-todo"] if on else examples[0]
        return self.line(lead, f"{name}: {dollars(scalar(value))}", self.about(s))

    def members(self, r: Schema, lead: str, on: bool, depth: int, dash: str | None = None) -> None:
        """The fields of an object; as a list item when `dash` is the lead of its first line."""
        props: dict[str, Schema] = r["properties"]
        if on:
            missing = [k for k in r.get("required", []) if not self.active(props[k]) and k not in FIXED]
            assert not missing, f"required fields without x-todo would make the template invalid: {missing}"
        order = list(props)
        if dash is not None:
            first = next((k for k in order if on and self.active(props[k])), None) or next(
                (k for k in order if k in r.get("required", [])), order[0]
            )
            order.remove(first)
            at = self.field(first, props[first], lead, on, depth)
            assert at is not None
            self.lines[at] = dash + self.lines[at][len(lead) :]
        for key in order:
            if key not in FIXED or depth > 0:
                self.field(key, props[key], lead, on, depth)


def template(schema: Schema) -> str:
    w = Writer(schema)
    article = schema["$defs"]["article"]
    for name in FIXED:
        w.field(name, article["properties"][name], "", True, 0)
    w.members(article, "", True, 0)
    return HEADER + "\n".join(w.lines).lstrip("\n") + "\n"
