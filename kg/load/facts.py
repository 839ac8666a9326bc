"""Load facts files (site + articles), check them against the JSON Schema, keep every position.

All problems in a corpus are gathered before raising, so one run names every mistake, each
with file:line:column, the field path and a plain sentence.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import best_match
from referencing import Registry, Resource

from kg.core import resources
from kg.core.errors import InputError
from kg.core.findings import Finding, Severity
from kg.load import codes, yamlloc
from kg.load.yamlloc import Path_, Position

SCHEMA_NAME = "facts.schema.json"
FACT_SUFFIXES = (".yaml", ".yml", ".json")
_PATTERN_HINTS = {
    "\\S": "must contain some text, not only spaces",
    "/$": "must end with '/'",
    "^[a-z0-9]+(-[a-z0-9]+)*$": "must be lowercase letters and digits joined by single hyphens, like 'hyaluronic-acid'",
}


@dataclass(frozen=True)
class Source:
    """One parsed facts file: its value, the position of every field, and a content hash."""

    file: str
    data: Any
    where: dict[Path_, Position]
    sha256: str

    def position(self, path: Path_) -> Position:
        return yamlloc.nearest(self.where, path)

    def finding(self, path: Path_, message: str, *, rule: str, severity: Severity = Severity.VIOLATION,
                family: str = "facts") -> Finding:
        p = self.position(path)
        return Finding(self.file, p.line, p.column, severity, message, yamlloc.dotted(path), "", rule, family)


@dataclass(frozen=True)
class Site:
    source: Source

    @property
    def base_iri(self) -> str:
        return str(self.source.data["base_iri"])

    @property
    def language(self) -> str:
        return str(self.source.data["language"])

    @property
    def publisher(self) -> dict[str, Any]:
        return dict(self.source.data["publisher"])


@dataclass(frozen=True)
class Article:
    source: Source

    @property
    def slug(self) -> str:
        return str(self.source.data["slug"])

    @property
    def data(self) -> dict[str, Any]:
        return dict(self.source.data)


@dataclass(frozen=True)
class Corpus:
    site: Site
    articles: tuple[Article, ...]


def display(path: Path) -> str:
    """Paths in messages are relative to the working directory when they can be."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


@cache
def _validator(definition: str) -> Draft202012Validator:
    schema = resources.json_file("shapes", SCHEMA_NAME)
    registry: Registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    return Draft202012Validator({"$ref": f"{schema['$id']}#/$defs/{definition}"}, registry=registry)


def read(path: Path) -> Source:
    """Read and parse one facts file; raises InputError naming file, line and column."""
    name = display(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(f"{name}: cannot read: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        f = Finding(name, line, column, Severity.VIOLATION,
                    f"the file is not valid UTF-8 (byte 0x{raw[e.start]:02x})", rule="encoding", family="facts")
        raise InputError(f"{f.where}: {f.message}", [f]) from None
    try:
        data, where = yamlloc.parse(text, json_syntax=path.suffix == ".json")
    except yamlloc.ParseError as e:
        f = Finding(name, e.line, e.column, Severity.VIOLATION, e.message, rule="syntax", family="facts")
        raise InputError(f"{f.where}: {f.message}", [f]) from None
    return Source(name, data, where, hashlib.sha256(raw).hexdigest())


def _describe(value: Any) -> str:
    kinds = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
             dict: "a mapping", type(None): "nothing (null)"}
    return kinds.get(type(value), type(value).__name__)


def _explain(error: ValidationError) -> tuple[Path_, str]:
    """A plain sentence for one JSON Schema error, and the path it belongs to."""
    path: Path_ = tuple(error.absolute_path)
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "anyOf" and error.context:  # e.g. a step that is neither text nor {text, source}
        return _explain(best_match(error.context))
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed)[0]
        hint = difflib.get_close_matches(extra, allowed, n=1)
        advice = f"did you mean '{hint[0]}'?" if hint else f"allowed fields: {', '.join(allowed)}"
        return (*path, extra, yamlloc.KEY), f"unknown field '{extra}' ({advice})"
    if kind == "required":
        missing = [k for k in expected if k not in value]
        return path, f"missing required field '{missing[0]}'"
    if kind == "enum":
        return path, f"{value!r} is not one of: {', '.join(map(str, expected))}"
    if kind == "type":
        names = {"string": "text", "integer": "a whole number", "object": "a mapping", "array": "a list",
                 "boolean": "true or false", "number": "a number"}
        return path, f"expected {names.get(expected, expected)}, found {_describe(value)}"
    if kind == "maxLength":
        return path, f"is too long ({len(value)} characters; at most {expected})"
    if kind == "minLength":
        return path, "must not be empty"
    if kind == "pattern":
        if expected in _PATTERN_HINTS:
            return path, _PATTERN_HINTS[expected]
        described = error.schema.get("description", "the expected format")
        shown = value if len(value) <= 80 else value[:77] + "..."
        entity = codes.wikidata_entity(value) if "codes" in path else None
        advice = f"; write {entity}" if entity else ""
        return path, f"{shown!r} is not {described}{advice}"
    if kind == "minItems":
        return path, f"must list at least {expected} item{'s' if expected != 1 else ''}"
    if kind == "maxItems":
        return path, f"lists {len(value)} items; at most {expected} are allowed"
    if kind == "minimum":
        return path, f"must be at least {expected}, found {value}"
    if kind == "maximum":
        return path, f"must be at most {expected}, found {value}"
    return path, error.message


def _semantic(data: Any, path: Path_ = ()) -> list[tuple[Path_, str, str]]:
    """(path, message, rule) for rules JSON Schema cannot state, on every mapping of a schema-valid
    value: a {min, max, unit} range with min above max; a SNOMED CT id with a wrong check digit."""
    out: list[tuple[Path_, str, str]] = []
    if isinstance(data, dict):
        if {"min", "max", "unit"} <= data.keys() and all(isinstance(data[k], int) for k in ("min", "max")) \
                and data["min"] > data["max"]:
            out.append(((*path, "min"), "min is larger than max", "schema:range"))
        if (problem := codes.check_digit_problem(data)) is not None:
            out.append(((*path, "code"), problem, "schema:check-digit"))
        for k, v in data.items():
            out += _semantic(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _semantic(v, (*path, i))
    return out


@cache
def _gate(definition: str) -> Callable[[Any], Any]:
    """fastjsonschema's compiled validator: ~15x faster than jsonschema, so valid files (nearly all of
    them in a large corpus) pass here, and only invalid ones go to jsonschema for its precise errors."""
    schema = dict(resources.json_file("shapes", SCHEMA_NAME))
    schema.pop("$schema")  # fastjsonschema knows drafts 4-7; the keywords this schema uses mean the same there
    schema["$ref"] = f"#/$defs/{definition}"
    return fastjsonschema.compile(schema)  # type: ignore[no-any-return]


def check(source: Source, definition: str) -> list[Finding]:
    """Schema findings for a parsed file ('site' or 'article'), in file order."""
    findings = []
    try:
        _gate(definition)(source.data)
    except fastjsonschema.JsonSchemaException:
        for error in _validator(definition).iter_errors(source.data):
            path, message = _explain(error)
            findings.append(source.finding(path, message, rule=f"schema:{error.validator}"))
    if not findings:
        for path, message, rule in _semantic(source.data):
            findings.append(source.finding(path, message, rule=rule))
    return sorted(findings, key=lambda f: (f.line, f.column, f.message))


def load_site(path: Path) -> Site:
    if not path.is_file():
        raise InputError(f"{display(path)}: missing: every data folder needs a site.yaml "
                         "(publisher, base_iri, language)")
    source = read(path)
    findings = check(source, "site")
    if findings:
        raise InputError(findings[0].message, findings)
    return Site(source)


def article_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in FACT_SUFFIXES and p.is_file())


def load_article(file: Path) -> Article | list[Finding]:
    """One article file, parsed and schema-checked: the Article, or every problem found in it."""
    try:
        source = read(file)
    except InputError as e:
        return e.findings or [Finding(display(file), 1, 1, Severity.VIOLATION, str(e), rule="read", family="facts")]
    problems = check(source, "article")
    if not problems and source.data.get("draft"):
        problems.append(source.finding(("draft",), "this facts file is a draft: review every fact, then delete the "
                                       "line 'draft: true'", rule="draft"))
    return problems or Article(source)


def duplicate_slug(file: str, at: Position, slug: str, first_file: str) -> Finding:
    return Finding(file, at.line, at.column, Severity.VIOLATION, f"slug '{slug}' is already used by {first_file}",
                   "slug", "", "unique-slug", "facts")


def site_and_files(data: Path, only: list[Path] | None = None) -> tuple[Site, list[Path]]:
    """The site facts and the article files of a data folder (or just `only`)."""
    if not data.is_dir():
        raise InputError(f"{display(data)}: no such data folder")
    site = load_site(data / "site.yaml")
    folder = data / "articles"
    files = only if only is not None else (article_files(folder) if folder.is_dir() else [])
    if not files:
        raise InputError(f"{display(folder)}: no article facts files (*.yaml, *.yml, *.json)")
    return site, files


def load_corpus(data: Path, only: list[Path] | None = None) -> Corpus:
    """Load data/site.yaml and data/articles/* (or just `only`); all findings or a Corpus."""
    corpus, findings = load_valid(data, only)
    if findings:
        raise InputError(f"{len(findings)} problem(s) in the facts files", findings)
    return corpus


def load_valid(data: Path, only: list[Path] | None = None) -> tuple[Corpus, list[Finding]]:
    """The articles that load cleanly, and the findings of those that do not (so one broken file
    does not hide what the shapes say about the others). A bad site.yaml still raises."""
    site, files = site_and_files(data, only)
    findings: list[Finding] = []
    articles: list[Article] = []
    seen: dict[str, str] = {}
    for file in files:
        loaded = load_article(file)
        if isinstance(loaded, list):
            findings += loaded
        elif loaded.slug in seen:
            findings.append(duplicate_slug(loaded.source.file, loaded.source.position(("slug",)), loaded.slug,
                                           seen[loaded.slug]))
        else:
            seen[loaded.slug] = loaded.source.file
            articles.append(loaded)
    return Corpus(site, tuple(articles)), findings
