"""The schema's patterns (ECMA-262, as JSON Schema writes them) as each validator must read them to mean
the same: Python's `re` for jsonschema (`python_pattern`), Rust's regex for jsonschema-rs
(`rust_pattern`). tests/unit/test_schema_patterns.py holds the two to the same verdicts.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from typing import Any


@cache
def _python_space() -> str:
    """What Python's `\\s` matches (str.isspace), which Rust's `\\s` does not all match (\\x1c-\\x1f, \\x85):
    found once, when a pattern first needs it (a walk of every code point; no command pays it at import)."""
    return "".join(f"\\x{{{ord(c):X}}}" for c in filter(str.isspace, map(chr, range(sys.maxunicode + 1))))


def _translate(pattern: str, escape: Callable[[str, bool], str], dollar: str) -> str:
    """The pattern with each escape rewritten by `escape(escape, inside a class)` and each `$` outside a
    character class as `dollar`: the one walk both translations share."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(escape(pattern[i : i + 2], in_class))
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "$":
            c = dollar
        out.append(c)
        i += 1
    return "".join(out)


def python_pattern(pattern: str) -> str:
    """A Python regex that means what the ECMA-262 pattern means. ECMA's `$` (no m flag) matches only at
    the very end; Python's also before a final newline, which let "en\\n" through jsonschema while the
    fast gate refused it. Each `$` outside a character class becomes `\\Z`."""
    return _translate(pattern, lambda e, _: e, "\\Z")


def _rust_escape(escape: str, in_class: bool) -> str:
    if escape == "\\s":
        return _python_space() if in_class else f"[{_python_space()}]"
    if escape == "\\S":
        if in_class:
            raise ValueError("\\S inside a character class is not translated")
        return f"[^{_python_space()}]"
    return escape


def rust_pattern(pattern: str) -> str:
    """The pattern for jsonschema-rs, meaning what `python_pattern` means to jsonschema: `$` already ends
    the value in Rust's regex, but `\\s` / `\\S` must name Python's whitespace. (Rust's `\\d` is ASCII
    where Python's is Unicode: stricter, so a value only Python accepts goes to jsonschema, which decides.)"""
    return _translate(pattern, _rust_escape, "$")


def with_patterns(node: Any, translate: Callable[[str], str]) -> Any:
    """A schema document with every `pattern` keyword's value translated."""
    if isinstance(node, dict):
        return {
            k: translate(v) if k == "pattern" and isinstance(v, str) else with_patterns(v, translate)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [with_patterns(v, translate) for v in node]
    return node
