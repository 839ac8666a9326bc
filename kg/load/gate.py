"""The fast schema gate: jsonschema-rs decides in ~0.01 ms that a facts file is valid (nearly every file
of a large corpus is); any other file goes to jsonschema (kg.load.facts), which gives the precise errors
and has the last word. The gate reads the schema's ECMA-262 patterns as jsonschema reads their Python
form (kg.load.facts.python_pattern); tests/unit/test_schema_gate.py holds the two to the same verdicts.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

import jsonschema_rs

from kg.core import resources

SCHEMA_NAME = "facts.schema.json"

# What Python's `\s` matches (str.isspace), which Rust's `\s` does not all match (\x1c-\x1f, \x85)
_PYTHON_SPACE = "".join(f"\\x{{{i:X}}}" for i in range(sys.maxunicode + 1) if chr(i).isspace())


def rust_pattern(pattern: str) -> str:
    """A JSON Schema pattern (ECMA-262, as the schema writes it) for jsonschema-rs, meaning what
    `python_pattern` means to jsonschema: `$` already ends the value in Rust's regex, but `\\s` / `\\S`
    must name Python's whitespace. (Rust's `\\d` is ASCII where Python's is Unicode: stricter, so a
    value only Python accepts goes to jsonschema, which decides.)"""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            escape = pattern[i : i + 2]
            if escape == "\\s":
                escape = _PYTHON_SPACE if in_class else f"[{_PYTHON_SPACE}]"
            elif escape == "\\S":
                if in_class:
                    raise ValueError(f"\\S inside a character class is not translated: {pattern}")
                escape = f"[^{_PYTHON_SPACE}]"
            out.append(escape)
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        out.append(c)
        i += 1
    return "".join(out)


def _rust_patterns(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: rust_pattern(v) if k == "pattern" and isinstance(v, str) else _rust_patterns(v) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rust_patterns(v) for v in node]
    return node


@cache
def _gate(definition: str) -> jsonschema_rs.Validator:
    """jsonschema-rs's validator (~0.01 ms a file, against ~1 ms for fastjsonschema and ~10 ms for jsonschema),
    so valid files (nearly all of them in a large corpus) pass here, and only the others go to jsonschema,
    which gives the precise errors and the last word: a file it accepts is valid whatever the gate said."""
    schema = _rust_patterns(resources.json_file("shapes", SCHEMA_NAME))
    schema["$ref"] = f"#/$defs/{definition}"
    return jsonschema_rs.validator_for(schema)


def gate_passes(definition: str, data: Any) -> bool:
    """Whether the fast gate accepts a parsed file; False where it cannot read it (a lone surrogate in a
    string, an integer beyond 64 bits …): jsonschema then decides."""
    try:
        return _gate(definition).is_valid(data)
    except (ValueError, UnicodeError, OverflowError):
        return False
