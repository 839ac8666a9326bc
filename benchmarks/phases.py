"""Benchmark: CPU per article of each phase of the one flow (kg.flow.article.process), on demand.

    python -m benchmarks.phases -n 300 [--libraries] [--profile 25]

Generates a seeded sample-shaped corpus (benchmarks/corpus.py), processes every article in this one
process, phase by phase, exactly as `process` chains them, and prints the median over --repeat passes
of CPU ms per article for each phase (process time: other load on a shared machine counts less than in
wall time), then their sum and `process` itself timed whole (the check that the phases add up). With
--libraries it also times, in the same run, the work of the libraries and the kernel under those phases that
any representation of the terms still has to do (`Libraries`). With --profile N it prints cProfile's top N
functions of `process` over the corpus.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import pyoxigraph as ox
import yaml

from benchmarks.corpus import write as write_corpus
from kg.check import conformance, families, idsummary, leftout
from kg.check.shacl_data import Data
from kg.core.options import RunOptions
from kg.export.dataset import Partitions
from kg.export.serialize import html_snippet_text, jsonld_text, nquads_of_lines
from kg.flow.article import Compiled, Wants, process, turtle_writer
from kg.graph import lang
from kg.graph.ids import organization_iri, page_ids
from kg.graph.iris import Minter
from kg.graph.locate import locator, value_locator
from kg.graph.mapping import build_graph
from kg.graph.pieces import alias, assemble, renamed, renamed_triples
from kg.graph.projection import _queries, project
from kg.graph.terms import nt_lines
from kg.load.facts import Article, Site, _schema, _semantic, read, site_and_files
from kg.load.gate import gate_passes

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
_LOAD = "projection: Oxigraph load"  # a part of the row after it, so counted once in the sum


class Clock:
    """Seconds spent per phase, summed over articles."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)

    def __call__(self, phase: str, step: Callable[[], T]) -> T:
        started = time.process_time()
        value = step()
        self.spent[phase] += time.process_time() - started
        return value


class Made(NamedTuple):
    """What `one` read and wrote of an article: what `Libraries` starts from."""

    facts: str
    data: Any  # the parsed facts (the schema gate's input)
    medkg: list[str]  # N-Triples lines
    exported: list[str]
    files: tuple[bytes, bytes, bytes]  # JSON-LD, HTML snippet, Turtle


def one(clock: Clock, site: Site, path: Path, options: RunOptions) -> Made:
    """One article through the phases of `process` (a clean article: findings, then every export)."""
    source = clock("yaml", lambda: read(path))
    assert not clock("schema gate", lambda: _schema(source, "article")), path
    article = clock("typed model", lambda: Article.from_source(source))
    clock("semantic checks", lambda: _semantic(article))
    ids = clock("compile: ids", lambda: page_ids(site, article))
    built = clock("mapping", lambda: build_graph(site, article))
    projected = clock("projection", lambda: project(built.triples))
    renames = ids.renames(str(built.page), organization_iri(site))
    pieces = clock("assemble (pieces)", lambda: assemble(renamed_triples(projected, renames), ids, site))
    language = article.page.language or site.language
    ag = clock("rename + language tags", lambda: lang.tagged(renamed(built, renames), language))
    alias(ag, ids.article, ids.webpage)
    graph_iri, publish_jsonld = Minter(site.base_iri).graph(article.slug), ids.url_known or site.without_url != "skip"
    c = Compiled(article, ag, pieces.checked, graph_iri, ids, pieces.left_out, publish_jsonld, pieces.published)
    locate = clock("locators", lambda: locator(ag))
    values = value_locator(ag)
    found = clock("shacl medkg", lambda: families.run(ag.triples, "medkg", locate, values=values))
    clock("N-Triples of the view", lambda: c.view_lines)  # its Oxigraph copy (Google profile), then its exports
    index = clock("index of the view", lambda: Data(c.schema_triples, lines=lambda: c.view_lines))
    found += clock("shacl schemaorg", lambda: families.run(c.schema_triples, "schemaorg", locate, index=index))
    view = clock("normalise", lambda: conformance.normalise(c.schema_triples))
    found += clock("conformance", lambda: conformance.check(view, locate, normalised=True))
    profile = options.profile
    assert profile is not None and view is c.schema_triples  # so the profile shares the view's index, as in a build
    found += clock("google: shacl", lambda: families.run(view, profile.name, locate, label="google", index=index))
    found += clock("left out", lambda: leftout.left_out(c.left_out, locate))
    found += leftout.page_url(c.ids, locate, skipped=not c.publish_jsonld)
    clock("idlint summary", lambda: idsummary.summarise(c.schema_triples, ag, site.base_iri))
    text = clock("jsonld", lambda: jsonld_text(c.exported))
    html = clock("html snippet", lambda: html_snippet_text(text))
    medkg = clock("N-Triples of medkg", lambda: nt_lines(ag.triples))
    exported = c.view_lines if c.exported is c.schema_triples else nt_lines(c.exported)  # as render_article
    sections = [("medkg", medkg), ("schema.org view", exported)]
    turtle = clock("turtle", lambda: turtle_writer().document_of_lines(sections))
    clock("nquads", lambda: nquads_of_lines(c.graph_iri, medkg + exported))
    clock("partitions", lambda: Partitions().add(c.named_graph, c.graph_iri))
    return Made(path.read_text(encoding="utf-8"), source.data, medkg, exported, (text.encode("utf-8"), html, turtle))


class Libraries:
    """The work under the phases that is the libraries' and the kernel's, timed alone: what a change of
    representation (terms as N-Triples strings or Oxigraph terms from the mapping to every output) would
    still do per article, with the libraries medkg uses. It bounds from below what that change can reach;
    the rest of `process` is medkg's own Python."""

    def __init__(self, made: list[Made], work: Path) -> None:
        self.made, self.work, self.runs = made, work, 0
        queries = _queries()
        self.queries = queries.constructs + queries.joins
        read = queries.read
        self.loaded = [  # the projection's store holds what its WHERE clauses read, as `_store` loads it
            "".join(line for line in m.medkg if read is None or line.split(" ", 2)[1][1:-1] in read).encode()
            for m in made
        ]
        self.turtle = [("".join(sorted(m.medkg)).encode(), "".join(sorted(m.exported)).encode()) for m in made]
        self.documents = [json.loads(m.files[0]) for m in made]

    def steps(self) -> dict[str, Callable[[], object]]:
        return {
            "YAML: PyYAML's C composer": self.compose,
            "schema gate (jsonschema-rs)": lambda: [gate_passes("article", m.data) for m in self.made],
            _LOAD: lambda: [self.store(text) for text in self.loaded],
            f"  the same + its {len(self.queries)} queries": self.projection,
            "Turtle: Oxigraph parse + write": self.turtle_text,
            "JSON-LD: json.dumps, C encoder": self.dumps,
            "3 export files created": self.files,
        }

    def compose(self) -> None:
        for m in self.made:
            yaml.compose(m.facts, Loader=yaml.CSafeLoader)  # from text, as kg.load.yamlloc reads

    @staticmethod
    def store(text: bytes) -> ox.Store:
        store = ox.Store()
        store.load(text, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        return store

    def projection(self) -> None:
        for text in self.loaded:
            store = self.store(text)
            for query in self.queries:
                results = store.query(query)
                assert not isinstance(results, ox.QueryBoolean), "CONSTRUCT and SELECT queries"
                for _ in results:
                    pass

    def turtle_text(self) -> None:
        prefixes = turtle_writer().prefixes
        for graphs in self.turtle:
            for text in graphs:
                triples = ox.parse(text, format=ox.RdfFormat.N_TRIPLES, lenient=True)
                ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)

    def dumps(self) -> None:
        for document in self.documents:
            json.dumps(document, ensure_ascii=False, sort_keys=True)  # no indent: with one, json writes in Python

    def files(self) -> None:
        """The export files created in a new folder, as a build writes them (the folder is new each run)."""
        self.runs += 1
        folder = self.work / f"libraries-{self.runs}"
        folder.mkdir()
        for i, m in enumerate(self.made):
            for suffix, data in zip(("jsonld", "html", "ttl"), m.files, strict=True):
                with open(folder / f"{i}.{suffix}", "xb") as f:
                    f.write(data)


def medians(steps: Mapping[K, Callable[[], object]], repeat: int, n: int) -> dict[K, float]:
    """Median ms of CPU per article (`n` articles a pass) of each step over `repeat` passes, the steps
    interleaved within a pass, so that a slower minute of a shared machine falls on every step alike."""
    spent: dict[K, list[float]] = defaultdict(list)
    for _ in range(repeat):
        for key, step in steps.items():
            started = time.process_time()
            step()
            spent[key].append(time.process_time() - started)
    return {key: statistics.median(runs) * 1000 / n for key, runs in spent.items()}


def _libraries(libraries: Libraries, repeat: int) -> None:
    """Each step of `Libraries` over the corpus, --repeat times; medians in ms of CPU per article, and their sum."""
    ms_of = medians(libraries.steps(), repeat, len(libraries.made))
    print("the libraries' and the kernel's share alone (what any representation still does), ms per article")
    for name, ms in ms_of.items():
        print(f"  {name:<32} {ms:7.3f}")
    total = sum(ms for name, ms in ms_of.items() if name != _LOAD)
    print(f"  {'sum (the load counted once)':<32} {total:7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=300, help="articles in the generated corpus")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the corpus; medians are shown")
    parser.add_argument("--libraries", action="store_true", help="also time the libraries' and kernel's share alone")
    parser.add_argument("--profile", type=int, default=0, help="show cProfile's top N functions of `process`")
    args = parser.parse_args()
    options = RunOptions()
    with tempfile.TemporaryDirectory() as tmp:
        site, files = site_and_files(write_corpus(Path(tmp), args.n, violation_rate=0.0))
        families.prepare(options)
        for path in files[:5]:  # warm the caches (@cache'd shapes, queries, vocabulary) outside the timings
            process(site, path, options, Wants(exports=True))
        passes: list[dict[str, float]] = []
        whole: list[float] = []
        for _ in range(args.repeat):
            clock = Clock()
            made = [one(clock, site, path, options) for path in files]
            passes.append(clock.spent)
            started = time.process_time()
            for path in files:
                process(site, path, options, Wants(exports=True))
            whole.append(time.process_time() - started)
        n = len(files)
        print(f"{n} articles, median of {args.repeat} passes, ms per article")
        for phase in passes[0]:
            print(f"  {phase:<24} {statistics.median(p[phase] for p in passes) * 1000 / n:7.3f}")
        print(f"  {'sum of phases':<24} {statistics.median(sum(p.values()) for p in passes) * 1000 / n:7.3f}")
        print(f"  {'process() whole':<24} {statistics.median(whole) * 1000 / n:7.3f}")
        if args.libraries:
            _libraries(Libraries(made, Path(tmp)), args.repeat)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for path in files:
                process(site, path, options, Wants(exports=True))
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
