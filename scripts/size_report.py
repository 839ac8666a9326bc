"""Modules over 400 lines and functions over 60 lines (kg/, tests/, benchmarks/, scripts/).

`python scripts/size_report.py` prints every one; tests/unit/test_layout.py fails on those not allowed.
A function's size runs from its `def` to its last line, nested functions included; decorators are not counted
(they are declarations, such as a command's click options, not code to read).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FOLDERS = ("kg", "tests", "benchmarks", "scripts")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


@dataclass(frozen=True, order=True)
class Oversize:
    path: str  # relative to the repository, with forward slashes
    name: str  # "" for the module itself, else the function's qualified name (Class.method, outer.inner)
    lines: int

    def __str__(self) -> str:
        if not self.name:
            return f"{self.path}: module of {self.lines} lines (over {MAX_MODULE_LINES})"
        return f"{self.path}: {self.name} has {self.lines} lines (over {MAX_FUNCTION_LINES})"


_Function = ast.FunctionDef | ast.AsyncFunctionDef


def _functions(node: ast.AST, prefix: str = "") -> Iterator[tuple[str, _Function]]:
    """Every function under node with its qualified name, methods and nested functions included."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, _Function):
            yield prefix + child.name, child
            yield from _functions(child, f"{prefix}{child.name}.")
        elif isinstance(child, ast.ClassDef):
            yield from _functions(child, f"{prefix}{child.name}.")
        elif isinstance(child, ast.stmt | ast.excepthandler | ast.match_case):  # if, try, with, match …
            yield from _functions(child, prefix)


def oversized(path: Path, root: Path = REPO) -> list[Oversize]:
    """What is too long in one Python file (named relative to root)."""
    text = path.read_text(encoding="utf-8")
    rel = path.relative_to(root).as_posix()
    found = []
    lines = len(text.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(Oversize(rel, "", lines))
    for name, fn in _functions(ast.parse(text, filename=rel)):
        start = fn.lineno
        size = (fn.end_lineno or fn.lineno) - start + 1
        if size > MAX_FUNCTION_LINES:
            found.append(Oversize(rel, name, size))
    return found


def report(root: Path = REPO) -> list[Oversize]:
    files = sorted(p for folder in FOLDERS for p in (root / folder).rglob("*.py") if ".venv" not in p.parts)
    return sorted(o for p in files for o in oversized(p, root))


def main() -> int:
    found = report()
    for o in found:
        print(o)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
