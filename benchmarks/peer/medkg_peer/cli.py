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
import time
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pyshacl
import yaml
from linkml.generators.pythongen import PythonGenerator
from linkml.validator import Validator
from linkml.validator.plugins import JsonschemaValidationPlugin
from linkml_runtime import SchemaView
from linkml_runtime.dumpers import json_dumper, rdflib_dumper
from linkml_runtime.loaders import yaml_loader
from rdflib import Graph
from rdflib.namespace import SH

FACT_SUFFIXES = (".yaml", ".yml", ".json")  # medkg's (kg/load/facts.py), in name order like kg/core/listing.py


@dataclass
class Peer:
    """The schema as LinkML uses it (view, Python classes, validator) and medkg's shapes graph."""

    view: SchemaView
    classes: ModuleType
    validator: Validator
    shapes: Graph

    @classmethod
    def load(cls) -> Peer:
        schema = str(resources.files("medkg_peer") / "facts.yaml")
        view = SchemaView(schema)
        classes = PythonGenerator(schema).compile_module()
        validator = Validator(view.schema, validation_plugins=[JsonschemaValidationPlugin(closed=True)])
        shapes = Graph().parse(str(resources.files("medkg_peer") / "shapes" / "medkg.ttl"), format="turtle")
        return cls(view, classes, validator, shapes)

    def problems(self, obj: Any, target: str) -> list[str]:
        """LinkML's validation of a loaded object (its dict form: bare strings already made objects)."""
        return [r.message for r in self.validator.validate(json_dumper.to_dict(obj), target).results]

    def site_base(self, data: Path) -> str:
        """The site's base IRI, from data/site.yaml loaded and validated as a `Site`."""
        site = yaml_loader.load(str(data / "site.yaml"), target_class=self.classes.Site)
        if found := self.problems(site, "Site"):
            raise SystemExit(f"{data / 'site.yaml'}: {found[0]}")
        return str(site.base_iri)


def facts_files(data: Path, sample: int) -> list[Path]:
    """The first `sample` facts files of data/articles, by name as medkg's build lists them."""
    folder = data / "articles"
    return sorted(p for p in folder.iterdir() if p.suffix in FACT_SUFFIXES and p.is_file())[:sample]


def run(data: Path, sample: int) -> dict[str, Any]:
    peer = Peer.load()
    base = peer.site_base(data)
    files = facts_files(data, sample)
    triples = invalid = conforming = results = 0
    started = time.perf_counter()
    for path in files:
        try:
            article = yaml_loader.load(str(path), target_class=peer.classes.Article)
        except (ValueError, TypeError, yaml.YAMLError) as refused:  # not YAML; a missing or unknown field, a bad enum
            print(f"{path}: {refused}", file=sys.stderr)
            invalid += 1
            continue
        if found := peer.problems(article, "Article"):
            print(f"{path}: {found[0]}", file=sys.stderr)
            invalid += 1
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
