"""Load facts files (site + articles), check them against the JSON Schema, keep every position.

A file that passes the schema becomes a typed model object (kg/load/model.py, generated from the
schema) once, here; everything downstream reads that. All problems in a corpus are gathered before
raising, so one run names every mistake, each with file:line:column, the field path and a plain sentence.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.core import resources
from kg.core.errors import InputError
from kg.core.findings import Finding, Severity
from kg.core.iri import iri_problem, text_of
from kg.core.listing import Listing
from kg.load import codes, names, yamlloc
from kg.load.gate import SCHEMA_NAME, gate_passes
from kg.load.located import At, Located, Source
from kg.load.model import Article, Code, Duration, Quantity, Site, Treatment
from kg.load.patterns import python_pattern, with_patterns
from kg.load.yamlloc import Path_, Position

if TYPE_CHECKING:  # jsonschema explains a file the gate (jsonschema-rs) refused; importing it costs ~0.1 s
    from jsonschema import Draft202012Validator, ValidationError  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "FACT_SUFFIXES",
    "SCHEMA_NAME",
    "Article",
    "At",
    "Corpus",
    "Site",
    "Source",
    "article_files",
    "check",
    "display",
    "duplicate_slug",
    "load_article",
    "load_corpus",
    "load_site",
    "load_valid",
    "read",
    "site_and_files",
]  # Article, Site (kg.load.model), At, Source (kg.load.located) are re-exported

FACT_SUFFIXES = (".yaml", ".yml", ".json")


@cache
def _schema_document() -> dict[str, Any]:
    return with_patterns(resources.json_file("shapes", SCHEMA_NAME), python_pattern)  # type: ignore[no-any-return]


_PATTERN_HINTS = {
    python_pattern(pattern): hint
    for pattern, hint in {
        "\\S": "must contain some text, not only spaces",
        "/$": "must end with '/'",
        "^[a-z0-9]+(-[a-z0-9]+)*$": (
            "must be lowercase letters and digits joined by single hyphens, like 'hyaluronic-acid'"
        ),
    }.items()
}


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
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]
    from referencing import Registry, Resource

    schema = _schema_document()
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
        f = Finding(
            name,
            line,
            column,
            Severity.VIOLATION,
            f"the file is not valid UTF-8 (byte 0x{raw[e.start]:02x})",
            rule="encoding",
            family="facts",
        )
        raise InputError(f"{f.where}: {f.message}", [f]) from None
    try:
        data, where = yamlloc.parse(text, json_syntax=path.suffix == ".json")
    except yamlloc.ParseError as e:
        f = Finding(name, e.line, e.column, Severity.VIOLATION, e.message, rule="syntax", family="facts")
        raise InputError(f"{f.where}: {f.message}", [f]) from None
    return Source(name, data, where, hashlib.sha256(raw).hexdigest())


def _describe(value: Any) -> str:
    kinds = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
        type(None): "nothing (null)",
    }
    return kinds.get(type(value), type(value).__name__)


def _explain(error: ValidationError) -> tuple[Path_, str]:
    """A plain sentence for one JSON Schema error, and the path it belongs to."""
    path: Path_ = tuple(error.absolute_path)
    # the stubs type these as "unset" too; a reported error always has them
    kind: Any = error.validator
    expected: Any = error.validator_value
    value: Any = error.instance
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    if kind == "anyOf" and error.context:  # e.g. a step that is neither text nor {text, source}
        from jsonschema.exceptions import best_match  # type: ignore[import-untyped, unused-ignore]

        return _explain(best_match(error.context))
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
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
        names = {
            "string": "text",
            "integer": "a whole number",
            "object": "a mapping",
            "array": "a list",
            "boolean": "true or false",
            "number": "a number",
        }
        return path, f"expected {names.get(expected, expected)}, found {_describe(value)}"
    if kind == "maxLength":
        return path, f"is too long ({len(value)} characters; at most {expected})"
    if kind == "minLength":
        return path, "must not be empty"
    if kind == "pattern":
        if expected in _PATTERN_HINTS:
            return path, _PATTERN_HINTS[expected]
        described = schema.get("description", "the expected format")
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


def _semantic(document: Located) -> list[Finding]:
    """What JSON Schema cannot state, checked on the model of a schema-valid file: an IRI (a url, the
    base_iri) that RDF tools would refuse (`%zz`, a second '#', a base with a fragment …); a duration range
    with min above max; a list stated both with entries and as empty; a SNOMED CT id with a wrong check digit;
    an entity name that is not a name (names.py)."""
    out: list[Finding] = []
    for node in document.walk():
        out += names.findings(node)
        for iri_field, base in (("url", False), ("base_iri", True)):
            value = getattr(node, iri_field, None)
            if isinstance(value, str) and (problem := iri_problem(value, base=base)) is not None:
                out.append(node.at.child(iri_field).finding(f"{value[:80]!r} {problem}", rule="schema:iri"))
        if (
            isinstance(node, Duration | Quantity)
            and node.min is not None
            and node.max is not None
            and node.min > node.max
        ):
            out.append(node.of("min").finding("min is larger than max", rule="schema:range"))
        elif isinstance(node, Treatment) and node.none_stated is not None:
            for name in ("indications", "adverse_effects", "contraindications", "aftercare"):
                if getattr(node.none_stated, name) is not None and getattr(node, name):
                    out.append(
                        node.none_stated.of(name).finding(
                            f"the facts both list {name} and say the article states none: keep the list, or "
                            f"`none_stated.{name}`, whichever the article says",
                            rule="schema:none-stated",
                        )
                    )
        elif isinstance(node, Code) and (problem := codes.check_digit_problem(node.system, node.code)) is not None:
            out.append(node.of("code").finding(problem, rule="schema:check-digit"))
    return _in_file_order(out)


def _in_file_order(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.line, f.column, f.message))


def _schema(source: Source, definition: str) -> list[Finding]:
    """JSON Schema findings for a parsed file ('site' or 'article'), in file order."""
    if gate_passes(definition, source.data):
        return []
    return _in_file_order(
        [
            source.finding(path, message, rule=f"schema:{error.validator}")
            for error in _validator(definition).iter_errors(source.data)
            for path, message in [_explain(error)]
        ]
    )


def check(source: Source, definition: str) -> list[Finding]:
    """Schema findings for a parsed file ('site' or 'article'), in file order."""
    findings = _schema(source, definition)
    if findings:
        return findings
    return _semantic(Site.from_source(source) if definition == "site" else Article.from_source(source))


def load_site(path: Path) -> Site:
    if not path.is_file():
        raise InputError(
            f"{display(path)}: missing: every data folder needs a site.yaml (publisher, base_iri, language)"
        )
    source = read(path)
    findings = _schema(source, "site")
    if not findings:
        site = Site.from_source(source)
        findings = _semantic(site)
        if not findings:
            return site
    raise InputError(findings[0].message, findings)


def article_files(folder: Path) -> Sequence[Path]:
    return Listing(folder, FACT_SUFFIXES)


def load_article(file: Path) -> Article | list[Finding]:
    """One article file, parsed and schema-checked: the Article, or every problem found in it."""
    name = display(file)
    if text_of(name) != name:  # bytes that are not UTF-8 in the name: it cannot be shown, nor named in an IRI
        return [
            Finding(
                text_of(name),
                1,
                1,
                Severity.VIOLATION,
                "the file name is not valid UTF-8 (shown with U+FFFD where it is not): rename the file",
                rule="file-name",
                family="facts",
            )
        ]
    try:
        source = read(file)
    except InputError as e:
        return e.findings or [Finding(display(file), 1, 1, Severity.VIOLATION, str(e), rule="read", family="facts")]
    problems = _schema(source, "article")
    if problems:
        return problems
    article = Article.from_source(source)
    problems = _semantic(article)
    if article.draft:  # said first: a draft's placeholders also fail the name gate until they are replaced
        problems.insert(
            0,
            article.of("draft").finding(
                "this facts file is a draft: review every fact, then delete the line 'draft: true'", rule="draft"
            ),
        )
    return problems or article


def duplicate_slug(file: str, at: Position, slug: str, first_file: str) -> Finding:
    return Finding(
        file,
        at.line,
        at.column,
        Severity.VIOLATION,
        f"slug '{slug}' is already used by {first_file}",
        "slug",
        "",
        "unique-slug",
        "facts",
    )


def site_and_files(data: Path, only: list[Path] | None = None) -> tuple[Site, Sequence[Path]]:
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
            findings.append(
                duplicate_slug(loaded.source.file, loaded.of("slug").position, loaded.slug, seen[loaded.slug])
            )
        else:
            seen[loaded.slug] = loaded.source.file
            articles.append(loaded)
    return Corpus(site, tuple(articles)), findings
