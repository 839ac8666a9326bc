"""`medkg-peer DATA_DIR SAMPLE`: the first SAMPLE facts files of DATA_DIR/articles, each loaded and
validated with LinkML, dumped to RDF by linkml-runtime and validated by pySHACL with medkg's shapes.

Prints one JSON object: `articles`, `triples` (of the RDF graphs, summed), `seconds` (the loop over the
files, timed with `time.perf_counter()`; the one-off setup, the schema compiled to Python classes and
JSON Schema, the shapes parsed, the site file loaded, is outside it), plus what the checks found:
`invalid` (files LinkML refused or reported), `conforming` (graphs pySHACL passed) and `shacl_results`.
Nothing is kept from one file to the next but the schema, the shapes and the site's base IRI.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pyshacl
import yaml
from linkml.generators.jsonschemagen import JsonSchemaGenerator
from linkml.generators.pythongen import PythonGenerator
from linkml.validator import Validator
from linkml.validator.plugins import JsonschemaValidationPlugin
from linkml_runtime import SchemaView
from linkml_runtime.dumpers import rdflib_dumper
from linkml_runtime.loaders import yaml_loader
from rdflib import Graph
from rdflib.namespace import SH

FACT_SUFFIXES = (".yaml", ".yml", ".json")  # medkg's (kg/load/facts.py), in name order like kg/core/listing.py


@dataclass
class Peer:
    """The schema as LinkML uses it (view, Python classes, a validator per root class) and medkg's shapes."""

    view: SchemaView
    classes: ModuleType
    validators: dict[str, Validator]
    shapes: Graph

    @classmethod
    def load(cls, workdir: Path) -> Peer:
        schema = str(resources.files("medkg_peer") / "facts.yaml")
        view = SchemaView(schema)
        validators = {}
        for root in ("Site", "Article"):
            path = workdir / f"{root}.schema.json"
            path.write_text(json.dumps(_json_schema(schema, root)), encoding="utf-8")
            plugin = JsonschemaValidationPlugin(closed=True, json_schema_path=path)
            validators[root] = Validator(view.schema, validation_plugins=[plugin])
        shapes = Graph().parse(str(resources.files("medkg_peer") / "shapes" / "medkg.ttl"), format="turtle")
        return cls(view, PythonGenerator(schema).compile_module(), validators, shapes)

    def loaded(self, path: Path, root: str) -> tuple[Any, list[str]]:
        """The file as LinkML reads it, validated as `root` before LinkML's classes see it (their loader
        is lenient: it reads a one-key mapping as {first field: second field}, a scalar as a one-item list)
        and then loaded into them; with what the validation found."""
        raw = yaml_loader.load_as_dict(str(path))
        problems = [r.message for r in self.validators[root].validate(raw, root).results]
        return yaml_loader.load(raw, target_class=getattr(self.classes, root)), problems

    def site_base(self, data: Path) -> str:
        """The site's base IRI, from data/site.yaml loaded and validated as a `Site`."""
        site, problems = self.loaded(data / "site.yaml", "Site")
        if problems:
            raise SystemExit(f"{data / 'site.yaml'}: {problems[0]}")
        return str(site.base_iri)


def _json_schema(schema: str, root: str) -> Any:
    """LinkML's JSON Schema of `root` (closed), where a field that takes a bare string or an object (its
    slot's `any_of`) accepts either: LinkML 1.12 writes the object's `$ref` beside that `anyOf`, which
    would refuse every bare string."""
    generated = json.loads(JsonSchemaGenerator(schema, top_class=root, not_closed=False).serialize())

    def either(node: Any) -> None:
        if isinstance(node, dict):
            if "anyOf" in node:
                node.pop("$ref", None)
            for value in node.values():
                either(value)
        elif isinstance(node, list):
            for value in node:
                either(value)

    either(generated)
    return generated


def facts_files(data: Path, sample: int) -> list[Path]:
    """The first `sample` facts files of data/articles, by name as medkg's build lists them."""
    folder = data / "articles"
    return sorted(p for p in folder.iterdir() if p.suffix in FACT_SUFFIXES and p.is_file())[:sample]


def run(data: Path, sample: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="medkg-peer-") as workdir:
        peer = Peer.load(Path(workdir))
        base = peer.site_base(data)
        files = facts_files(data, sample)
        triples = invalid = conforming = results = 0
        started = time.perf_counter()
        for path in files:
            try:
                article, problems = peer.loaded(path, "Article")
            except (ValueError, TypeError, yaml.YAMLError) as refused:  # not YAML; refused by LinkML's classes
                problems, article = [str(refused)], None
            if problems:
                print(f"{path}: {problems[0]}", file=sys.stderr)
                invalid += 1
            if article is None:
                continue
            graph = rdflib_dumper.as_rdf_graph(article, peer.view, prefix_map={"@base": base})
            conforms, report, _ = pyshacl.validate(graph, shacl_graph=peer.shapes)
            triples += len(graph)
            conforming += bool(conforms)
            results += sum(1 for _ in report.subjects(SH.result, None))
        seconds = time.perf_counter() - started
    return {
        "articles": len(files),
        "triples": triples,
        "seconds": seconds,
        "invalid": invalid,
        "conforming": conforming,
        "shacl_results": results,
        "versions": {p: metadata.version(p) for p in ("linkml", "linkml-runtime", "pyshacl", "rdflib")},
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="medkg-peer", description=__doc__)
    parser.add_argument("data", type=Path, help="a medkg data folder (site.yaml, articles/)")
    parser.add_argument("sample", type=int, help="how many facts files, the first by name")
    args = parser.parse_args()
    print(json.dumps(run(args.data, args.sample)))
