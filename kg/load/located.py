"""What every value of the facts model knows: the file it was read from and its field path there.

`Source` is one parsed facts file. `At` is a place in it (the file and a field path such as
`("treatment", "adverse_effects", 2)`), which gives the line and column through the file's position
map. `Located` is the base of the generated model classes (kg/load/model.py): each object keeps its
`At`, and `obj.of("field", index)` is the place of one of its fields, so mapping and checks can point
a finding at the exact line to fix. Objects built in code (kg extract, tests) sit at `NOWHERE`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, NamedTuple, TypeVar

from kg.core.findings import Finding, Severity
from kg.load import yamlloc
from kg.load.yamlloc import Path_, Position

T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    """One parsed facts file: its value, the position of every field, and a content hash."""

    file: str
    data: Any
    where: yamlloc.Where
    sha256: str

    def position(self, path: Path_) -> Position:
        return yamlloc.nearest(self.where, path)

    def finding(
        self, path: Path_, message: str, *, rule: str, severity: Severity = Severity.VIOLATION, family: str = "facts"
    ) -> Finding:
        p = self.position(path)
        return Finding(self.file, p.line, p.column, severity, message, yamlloc.dotted(path), "", rule, family)


class At(NamedTuple):
    """A place in a facts file. A (source, path) pair, so it unpacks like one."""

    source: Source
    path: Path_

    def child(self, *parts: str | int) -> At:
        return At(self.source, (*self.path, *parts))

    @property
    def position(self) -> Position:
        return self.source.position(self.path)

    @property
    def dotted(self) -> str:
        """The field path as writers read it: treatment.adverse_effects[2].frequency."""
        return yamlloc.dotted(self.path)

    def __str__(self) -> str:
        p = self.position
        return f"{self.source.file}:{p.line}:{p.column}"

    def finding(
        self, message: str, *, rule: str, severity: Severity = Severity.VIOLATION, family: str = "facts"
    ) -> Finding:
        return self.source.finding(self.path, message, rule=rule, severity=severity, family=family)


NOWHERE = At(Source("<memory>", None, {}, ""), ())  # where objects built in code (not read from a file) sit
_META = ("at", "bare")  # fields about how a value was written, not part of it


@dataclass(frozen=True, slots=True, kw_only=True)
class Located:
    """Base of every model class: where the object was written (not part of its value)."""

    at: At = field(default=NOWHERE, compare=False, repr=False)
    NESTED: ClassVar[tuple[str, ...]] = ()  # the fields that hold model objects (set by the generator)

    def walk(self) -> Iterator[Located]:
        """This object and every model object inside it, depth first in field order."""
        todo: list[Located] = [self]
        while todo:
            node = todo.pop()
            yield node
            for name in reversed(node.NESTED):
                value = getattr(node, name)
                if isinstance(value, tuple):
                    todo += reversed(value)
                elif value is not None:
                    todo.append(value)

    def to_data(self) -> dict[str, Any]:
        """The plain value (as YAML or JSON would hold it), fields in schema order, absent ones left out."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in _META:
                continue
            value = getattr(self, f.name)
            if value is not None and value != ():
                out[f.name] = plain(value)
        return out

    def plain(self) -> Any:
        """The value as written inside its parent (a bare text where the schema allows one)."""
        return self.to_data()


def plain(value: Any) -> Any:
    """A model value as YAML or JSON would hold it (tuples become lists)."""
    if isinstance(value, Located):
        return value.plain()
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    return value


def one(make: Callable[[Any, At], T], data: Mapping[str, Any], key: str, at: At) -> T | None:
    """An optional nested object."""
    value = data.get(key)
    return None if value is None else make(value, at.child(key))


def many(make: Callable[[Any, At], T], data: Mapping[str, Any], key: str, at: At) -> tuple[T, ...]:
    """A list of nested objects (empty when absent)."""
    values = data.get(key)
    if not values:
        return ()
    source, path = at.source, (*at.path, key)
    return tuple([make(v, At(source, (*path, i))) for i, v in enumerate(values)])


def scalars(data: Mapping[str, Any], key: str) -> tuple[Any, ...]:
    """A list of texts or names (empty when absent)."""
    return tuple(data.get(key) or ())
