"""YAML (and JSON) parsing that keeps the line and column of every value.

PyYAML's composer gives each node a start mark; we walk the node tree once, building the
Python value and a map from field path to (line, column). The C loader is used when present.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Protocol

import yaml

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

Path_ = tuple[str | int, ...]
KEY = "<key>"  # path suffix for the position of a mapping key rather than its value


@dataclass(frozen=True)
class Position:
    line: int
    column: int


class ParseError(ValueError):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class Mark(Protocol):
    """Where PyYAML's composer saw a node start (0-based); a Position is made of it only when asked."""

    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


Where = dict[Path_, Mark]


def _pos(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR = "tag:yaml.org,2002:str"
MAX_NODES = 200_000  # aliases can expand a small file enormously ("billion laughs")
MAX_DEPTH = 64  # a facts file nests about 6 deep; far deeper is an attack on the parser's stack
BOM = "\ufeff"


def _walk(node: yaml.Node, loader: Any, path: Path_, where: Where) -> Any:
    where[path] = node.start_mark  # its mark, not a Position: making one per node was a third of the walk
    if len(where) > MAX_NODES:
        p = _pos(node)
        raise ParseError(f"the document expands to more than {MAX_NODES} values", p.line, p.column)
    if len(path) > MAX_DEPTH:
        p = _pos(node)
        raise ParseError(f"the document nests more than {MAX_DEPTH} levels deep", p.line, p.column)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == _STR else loader.construct_object(key_node)
            if not isinstance(key, str):
                p = _pos(key_node)
                raise ParseError(f"field names must be text, found {key!r}", p.line, p.column)
            if key in out:
                p = _pos(key_node)
                raise ParseError(f"duplicate field '{key}'", p.line, p.column)
            out[key] = _walk(value_node, loader, (*path, key), where)
            where[(*path, key, KEY)] = key_node.start_mark
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, loader, (*path, i), where) for i, item in enumerate(node.value)]
    if node.tag == _TIMESTAMP:
        return node.value  # dates stay text, exactly as written, for the schema to check
    if node.tag == _STR:
        return node.value  # what PyYAML's constructor returns for a text scalar, without its bookkeeping
    return loader.construct_object(node, deep=True)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{\]}]', re.DOTALL)
# an escape: a backslash after an even run of them (kept in group 1), then \u and a surrogate
_PAIR = re.compile(r"(?<!\\)((?:\\\\)*)\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})")
_LONE = re.compile(r"(?<!\\)(?:\\\\)*(\\u[dD][89a-fA-F][0-9a-fA-F]{2})")


def _check_json(text: str) -> str:
    """What json.loads does not say well, checked on valid JSON: nesting deeper than MAX_DEPTH (Python's
    stack ends at ~1000 levels) and escapes of lone surrogates (not characters). Returns the text with
    each escaped surrogate pair as one YAML `\\U` escape, which the YAML reader (for positions) needs."""
    depth = 0
    for m in _JSON_TOKENS.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(
                    f"invalid JSON: the document nests more than {MAX_DEPTH} levels deep",
                    *_line_column(text, m.start()),
                )
        elif token in "]}":
            depth -= 1
    paired = _pair_escapes(text)
    if (bad := _LONE.search(paired)) is not None:
        raise ParseError(
            f"invalid JSON: {bad.group(1)} is half of a surrogate pair, not a character",
            *_line_column(paired, bad.start(1)),
        )
    return paired


def _pair_escapes(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        high, low = int(m.group(2), 16), int(m.group(3), 16)
        return f"{m.group(1)}\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08X}"

    return _PAIR.sub(one, text)


def parse(text: str, *, json_syntax: bool = False) -> tuple[Any, Where]:
    """Parse a document; returns (value, positions). Raises ParseError with line and column.
    A leading byte-order mark is ignored in YAML and JSON alike."""
    text = text.removeprefix(BOM)
    if json_syntax:
        try:
            json.loads(text)
        except json.JSONDecodeError as e:
            raise ParseError(f"invalid JSON: {e.msg}", e.lineno, e.colno) from None
        except RecursionError:
            _check_json(text)
            raise ParseError(f"invalid JSON: the document nests more than {MAX_DEPTH} levels deep", 1, 1) from None
        text = _check_json(text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ParseError("the file is empty", 1, 1)
        where: Where = {}
        value = _walk(node, loader, (), where)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = e.problem or e.context or "malformed YAML"
        raise ParseError(f"invalid {'JSON' if json_syntax else 'YAML'}: {problem}", line, col) from None
    except yaml.YAMLError as e:
        raise ParseError(f"invalid {'JSON' if json_syntax else 'YAML'}: {e}", 1, 1) from None
    finally:
        loader.dispose()
    return value, where


def nearest(where: Where, path: Path_) -> Position:
    """Position of a path, or of its closest ancestor that has one."""
    for end in range(len(path), -1, -1):
        if (mark := where.get(path[:end])) is not None:
            return Position(mark.line + 1, mark.column + 1)
    return Position(1, 1)


def dotted(path: Path_) -> str:
    """Field path as writers read it: treatment.adverse_effects[2].frequency."""
    out = ""
    for part in path:
        if part == KEY:
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out
