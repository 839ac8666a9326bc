"""Generate kg/load/model.py and templates/article.yaml from shapes/facts.schema.json.

    python -m scripts.gen_model            # write both files
    python -m scripts.gen_model --check    # exit 1 if either differs from what the schema gives

The JSON Schema is the one source of truth for the facts format: its patterns, enums and messages
gate the input, its descriptions and examples document each field. From it this script writes
typed, frozen dataclasses (one per object of the schema, every value keeping its file position)
and the commented template of `kg init` (scripts/gen_template.py). tests/unit/test_model.py fails
when either committed file drifts from the schema.
"""

from __future__ import annotations

import argparse
import json
import keyword
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "shapes" / "facts.schema.json"
MODEL = REPO / "kg" / "load" / "model.py"
TEMPLATE = REPO / "templates" / "article.yaml"
COMMAND = "python -m scripts.gen_model"
DOCUMENTS = ("site", "article")  # the $defs a facts file holds as a whole
RENAMED = {
    "source": "Provenance",
    "system": "CodeSystem",
    "kind": "ContraindicationKind",
    "when": "SessionTiming",
    "role": "AgentRole",
    "status": "ApprovalStatus",
}  # names that would read ambiguously in Python
RESERVED = {"at", "bare", "of", "from_data", "from_source", "to_data", "plain", "walk", "NESTED"}  # model attributes
_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}

Schema = dict[str, Any]


@dataclass
class Kind:
    """The Python type of one value: a scalar, a model class, or a tuple of either."""

    py: str
    cls: str | None = None  # the model class, for an object or a list of objects
    many: bool = False


@dataclass
class Field:
    name: str
    kind: Kind
    required: bool
    description: str


@dataclass
class Class:
    name: str
    where: str  # the facts path, e.g. article.treatment.adverse_effects[]
    description: str
    fields: list[Field] = field(default_factory=list)
    bare: str | None = None  # the field a bare text stands for (anyOf text | {text, …})
    document: str | None = None  # 'site' or 'article' for a whole facts file


def camel(name: str) -> str:
    name = RENAMED.get(name, name)
    return name if name[:1].isupper() else "".join(p.capitalize() for p in name.split("_"))


def item_name(name: str) -> str:
    """Class name stem for the items of a list field: adverse_effects → adverse_effect, faq → faq_item."""
    return name[:-1] if name.endswith("s") else f"{name}_item"


class Reader:
    """Walks the schema from its documents; collects classes (leaves first) and enums."""

    def __init__(self, schema: Schema) -> None:
        self.defs: dict[str, Schema] = schema["$defs"]
        self.classes: dict[str, Class] = {}
        self.enums: dict[str, tuple[str, ...]] = {}
        self._schemas: dict[str, int] = {}

    def ref(self, s: Schema) -> tuple[str, Schema]:
        name = s["$ref"].removeprefix("#/$defs/")
        return name, self.defs[name]

    def kind(self, s: Schema, hint: str, where: str, desc: str = "") -> Kind:
        if "$ref" in s:
            name, target = self.ref(s)
            if target.get("type") == "object" or "anyOf" in target:
                return self.kind(target, name, name)
            return self.kind(target, hint, where, desc)
        if "allOf" in s and "type" not in s:  # an iri that must also end in '/': the part with a type decides
            return self.kind(next(p for p in s["allOf"] if "$ref" in p or "type" in p), hint, where)
        if "enum" in s:
            return Kind(self.enum(camel(hint), tuple(s["enum"])))
        if s.get("type") in _SCALARS:
            return Kind(_SCALARS[s["type"]])
        if s.get("type") == "array":
            item = self.kind(s["items"], item_name(hint), f"{where}[]", s.get("description") or desc)
            return Kind(f"tuple[{item.py}, ...]", item.cls, many=True)
        if s.get("type") == "object" or "anyOf" in s:
            cls = self.object(camel(hint), s, where, s.get("description") or desc)
            return Kind(cls, cls)
        raise ValueError(f"{where}: no Python type for {json.dumps(s)[:200]}")

    def enum(self, name: str, values: tuple[str, ...]) -> str:
        if self.enums.setdefault(name, values) != values:
            raise ValueError(f"two enums would be called {name}: {self.enums[name]} and {values}")
        return name

    def object(self, name: str, s: Schema, where: str, desc: str) -> str:
        if self._schemas.setdefault(name, id(s)) != id(s):
            raise ValueError(f"two objects would be called {name} (the second at {where}); add it to RENAMED")
        if name in self.classes:
            return name
        bare = None
        if "anyOf" in s:  # a text, or an object whose one required field is that text
            text, s = s["anyOf"]
            if self.kind(text, "", where).py != "str" or len(s.get("required", [])) != 1:
                raise ValueError(f"{where}: only 'text or {{text, …}}' unions are supported")
            bare = s["required"][0]
        cls = Class(name, where, desc, bare=bare, document=where if where in DOCUMENTS else None)
        self.classes[name] = cls  # parents before their parts
        required = set(s.get("required", []))
        for prop, sub in s["properties"].items():
            taken = prop in RESERVED or (cls.document and prop == "source")  # a document's `source` is its file
            if taken or not prop.isidentifier() or keyword.iskeyword(prop):
                raise ValueError(f"{where}.{prop}: this field name cannot be a Python attribute of the model")
            about = sub.get("description", "")  # (a field holding a class: the class's docstring says more)
            kind = self.kind(sub, prop, f"{where}.{prop}", about)
            cls.fields.append(Field(prop, kind, prop in required, about))
        return name

    def ordered(self) -> list[Class]:
        """Shared definitions in $defs order, then each document with the objects inside it, parents
        first: adding a field to the schema does not move the classes already there."""
        defs = list(self.defs)
        shared = sorted(
            (c for c in self.classes.values() if c.where in defs and c.where not in DOCUMENTS),
            key=lambda c: defs.index(c.where),
        )
        return shared + [
            c for d in DOCUMENTS for c in self.classes.values() if c.where == d or c.where.startswith(f"{d}.")
        ]


def read(schema: Schema) -> Reader:
    reader = Reader(schema)
    for document in DOCUMENTS:
        reader.kind(reader.defs[document], document, document)
    return reader


def _wrapped(items: list[str], head: str, tail: str, indent: str = "    ") -> list[str]:
    """`head` + comma-separated items + `tail`, on one line or wrapped at 120 characters."""
    one = f"{head}{', '.join(items)}{tail}"
    if len(one) <= 120:
        return [one]
    lines = textwrap.wrap(", ".join(items), 120 - len(indent), break_long_words=False, break_on_hyphens=False)
    return [head.rstrip(), *(indent + line for line in lines), tail.lstrip()]


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}#: {line}" for line in textwrap.wrap(text, 116 - len(indent))] if text else []


def _annotation(f: Field) -> tuple[str, str]:
    if f.required:
        return f.kind.py, ""
    return (f.kind.py, " = ()") if f.kind.many else (f"{f.kind.py} | None", " = None")


def _value(f: Field) -> str:
    k, key = f.kind, json.dumps(f.name)
    if k.cls and k.many:
        return f"many({k.cls}.from_data, data, {key}, at)"
    if k.many:
        return f"scalars(data, {key})"
    if k.cls:
        if f.required:
            return f"{k.cls}.from_data(data[{key}], at.child({key}))"
        return f"one({k.cls}.from_data, data, {key}, at)"
    return f"data[{key}]" if f.required else f"data.get({key})"


def class_code(c: Class) -> list[str]:
    names = f"{c.name}Field"
    lines = ["", "", *_wrapped([json.dumps(f.name) for f in c.fields], f"{names} = Literal[", "]", "    "), "", ""]
    lines += ["@dataclass(frozen=True, slots=True, kw_only=True)", f"class {c.name}(Located):"]
    root, _, path = c.where.partition(".")
    about = c.description + ("" if c.description.endswith((".", "?", "!")) else ".")
    doc = textwrap.wrap(about[:1].upper() + about[1:], 112)
    lines += [f'    """{doc[0]}', *(f"    {line}" for line in doc[1:])]
    lines += ["", f"    Schema: #/$defs/{root}" + (f", field {path}" if path else ""), '    """', ""]
    if c.bare:
        lines += [
            f"    #: whether it was written as a bare {c.bare} (`of` and `to_data` follow it)",
            "    bare: bool = field(default=False, compare=False, repr=False)",
        ]
    for f in c.fields:
        annotation, default = _annotation(f)
        lines += [*_comment(f.description, "    "), f"    {f.name}: {annotation}{default}"]
    nested = [json.dumps(f.name) for f in c.fields if f.kind.cls]
    if nested:
        lines += [
            "",
            *_wrapped(
                nested, "    NESTED: ClassVar[tuple[str, ...]] = (", ",)" if len(nested) == 1 else ")", "        "
            ),
        ]
    data_type = "Any" if c.bare else "Mapping[str, Any]"
    lines += [
        "",
        "    @classmethod",
        f"    def from_data(cls, data: {data_type}, at: At = NOWHERE) -> {c.name}:",
        '        """The object of a schema-valid value written at `at`."""',
    ]
    if c.bare:
        lines += ["        if isinstance(data, str):", f"            return cls(at=at, bare=True, {c.bare}=data)"]
    lines += ["        return cls(", "            at=at,", *(f"            {f.name}={_value(f)}," for f in c.fields)]
    lines += ["        )"]
    lines += [
        "",
        f"    def of(self, key: {names}, *index: int) -> At:",
        '        """Where one of the fields (or an item of it) is written."""',
    ]
    if c.bare:
        lines += [f'        if self.bare and key == "{c.bare}":', "            return self.at"]
    lines += ["        return self.at.child(key, *index)"]
    if c.bare:
        lines += ["", "    def plain(self) -> Any:", f"        return self.{c.bare} if self.bare else self.to_data()"]
    if c.document:
        lines += [
            "",
            "    @classmethod",
            f"    def from_source(cls, source: Source) -> {c.name}:",
            f'        """The {c.document} of a schema-valid facts file."""',
            "        return cls.from_data(source.data, At(source, ()))",
            "",
            "    @property",
            "    def source(self) -> Source:",
            '        """The facts file it was read from."""',
            "        return self.at.source",
        ]
    return lines


HEADER = '''\
"""The typed facts model: one frozen dataclass per object of shapes/facts.schema.json.

GENERATED by `{command}` from shapes/facts.schema.json: do not edit; change the schema and
run the command again (tests/unit/test_model.py fails while this file is stale). It is longer than
hand-written modules because it spells out every field of the format.

The loader builds these objects once, after the JSON Schema has accepted the file, so `from_data`
trusts its input. Every object keeps where it was written (`obj.at`, `obj.of("field", index)`,
see kg/load/located.py). Lists are tuples (empty when absent), optional fields None when absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass{field_import}
from typing import Any, ClassVar, Literal, get_args

from kg.load.located import NOWHERE, At, Located, Source, many, one, scalars
'''


def model_code(schema: Schema) -> str:
    reader = read(schema)
    classes = reader.ordered()
    assert len(classes) == len(reader.classes)
    field_import = ", field" if any(c.bare for c in classes) else ""
    lines = [HEADER.format(command=COMMAND, field_import=field_import).rstrip("\n")]
    lines += [""]
    for name, values in reader.enums.items():
        lines += _wrapped([json.dumps(v) for v in values], f"{name} = Literal[", "]")
    lines += [""]
    for name in reader.enums:
        constant = "".join("_" + ch if ch.isupper() else ch.upper() for ch in name).lstrip("_") + "_VALUES"
        lines += [f"{constant}: tuple[{name}, ...] = get_args({name})"]
    for c in classes:
        lines += class_code(c)
    return "\n".join(lines) + "\n"


def outputs(schema: Schema | None = None) -> dict[Path, str]:
    """Every generated file and its text."""
    from scripts import gen_template

    schema = schema if schema is not None else json.loads(SCHEMA.read_text(encoding="utf-8"))
    return {MODEL: model_code(schema), TEMPLATE: gen_template.template(schema)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file is stale")
    args = parser.parse_args(argv)
    stale = []
    for path, text in outputs().items():
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path.relative_to(REPO))
        if not args.check:
            path.write_text(text, encoding="utf-8")
    verb = "stale" if args.check else "written"
    print("\n".join(f"{p}: {verb}" for p in stale) or "up to date", file=sys.stderr)
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
