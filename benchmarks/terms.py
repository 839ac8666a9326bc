"""Benchmark: what medkg does with terms, in each representation of them, on demand.

    python -m benchmarks.terms -n 300 [--repeat 5]

[scale2] names a change of representation for the 10k cold build: terms as N-Triples strings or Oxigraph
terms from the mapping to every output, instead of rdflib's. That change speeds up what medkg does *with
terms*: making them, hashing them into sets and indexes, writing them as N-Triples. This times those three on
the medkg graphs of a generated sample-shaped corpus (benchmarks/corpus.py), in the same run, for rdflib's terms
as medkg uses them now (its per-process term caches warm, kg.graph.terms), Oxigraph's, and N-Triples strings;
the same loop for each (the index is kg.check.shacl_data.Data's). The ratios bound what the rewrite gains on
medkg's own Python: only its term-bound part speeds up so, the rest (the checks' logic, the JSON-LD's objects)
is the same Python whatever a term is.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from functools import partial
from pathlib import Path
from typing import NamedTuple, cast

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from benchmarks.corpus import write as write_corpus
from benchmarks.phases import medians
from kg.cli.main import GC_THRESHOLDS
from kg.graph.mapping import build_graph
from kg.graph.terms import Triple, iri, literal, nt_lines, nt_string
from kg.load.facts import Article, Site, read, site_and_files

EARLIER = 1000
"""Articles mapped before those measured: at ~70 new IRIs an article, they fill kg.graph.terms' caches (its
first 50,000 IRIs, 20,000 literals) as a build's first thousand articles do; later articles' own terms miss."""


class Part(NamedTuple):
    """A term by its parts, as the mapping has them before it makes the term."""

    kind: type
    text: str
    datatype: str | None = None
    language: str | None = None


def part(term: object) -> Part:
    if isinstance(term, Literal):
        return Part(Literal, str(term), str(term.datatype) if term.datatype else None, term.language)
    return Part(type(term), str(term))


def rdflib_term(p: Part) -> object:
    if p.kind is Literal:
        return literal(p.text, iri(p.datatype) if p.datatype else None, p.language)
    return iri(p.text) if p.kind is URIRef else BNode(p.text)


def oxigraph_term(p: Part) -> object:
    if p.kind is Literal:
        if p.language:
            return ox.Literal(p.text, language=p.language)
        return ox.Literal(p.text, datatype=ox.NamedNode(p.datatype) if p.datatype else None)
    return ox.NamedNode(p.text) if p.kind is URIRef else ox.BlankNode(p.text)


def string_term(p: Part) -> str:
    if p.kind is Literal:
        if p.language:
            return f"{nt_string(p.text)}@{p.language}"
        return f"{nt_string(p.text)}^^<{p.datatype}>" if p.datatype else nt_string(p.text)
    return f"<{p.text}>" if p.kind is URIRef else f"_:{p.text}"


Make = Callable[[Part], object]
MAKERS: dict[str, Make] = {"rdflib (medkg's caches)": rdflib_term, "Oxigraph": oxigraph_term, "strings": string_term}


def make(parts: list[list[Part]], maker: Make) -> list[list[tuple[object, object, object]]]:
    """Each article's triples made from their parts."""
    out = []
    for article in parts:
        terms = [maker(p) for p in article]
        out.append(list(zip(terms[0::3], terms[1::3], terms[2::3], strict=True)))
    return out


def index(graphs: list[list[tuple[object, object, object]]]) -> None:
    """A set of each graph's triples, then the SHACL engine's index of it (as kg.check.shacl_data.Data)."""
    for graph in graphs:
        out: dict[Hashable, dict[Hashable, list[object]]] = defaultdict(lambda: defaultdict(list))
        by_predicate: dict[Hashable, dict[Hashable, None]] = defaultdict(dict)
        for s, p, o in set(graph):
            out[s][p].append(o)
            by_predicate[p][s] = None


def lines(graphs: list[list[tuple[object, object, object]]], rdflib: bool) -> list[list[str]]:
    """Each graph's N-Triples lines, each once, sorted: medkg's writer for rdflib's terms; an Oxigraph term or
    a string is its N-Triples text already."""
    if rdflib:
        return [nt_lines(cast(list[Triple], graph)) for graph in graphs]
    return [sorted({f"{s} {p} {o} .\n" for s, p, o in graph}) for graph in graphs]


def measure(parts: list[list[Part]], repeat: int) -> dict[str, dict[str, float]]:
    """Median ms of CPU per article of each operation, per representation (`benchmarks.phases.medians`: the
    passes interleaved)."""
    steps: dict[tuple[str, str], Callable[[], object]] = {}
    for name, maker in MAKERS.items():
        graphs, rdflib = make(parts, maker), maker is rdflib_term
        if maker is string_term:
            assert lines(graphs, False) == lines(make(parts, rdflib_term), True), "strings write what medkg writes"
        steps[name, "make the terms"] = partial(make, parts, maker)
        steps[name, "set + SHACL index"] = partial(index, graphs)
        steps[name, "N-Triples lines"] = partial(lines, graphs, rdflib)
    rows: dict[str, dict[str, float]] = defaultdict(dict)
    for (name, op), ms in medians(steps, repeat, len(parts)).items():
        rows[name][op] = ms
    return rows


def report(rows: dict[str, dict[str, float]], n: int, triples: float, repeat: int) -> None:
    base = rows[next(iter(MAKERS))]
    print(f"{n} articles, {triples:.0f} medkg triples each; ms of CPU per article, median of {repeat} passes,")
    print("and how many times faster than with rdflib's terms (medkg's now)")
    ops = [*base, "all three"]
    print(f"  {'':<24}" + "".join(f"{op:>24}" for op in ops))
    for name, row in rows.items():
        cells = [(ms, base[op] / ms) for op, ms in row.items()]
        cells.append((sum(row.values()), sum(base.values()) / sum(row.values())))
        print(f"  {name:<24}" + "".join(f"{ms:17.3f} {ratio:4.1f}x" for ms, ratio in cells))


def corpus_parts(files: Sequence[Path], site: Site) -> list[list[Part]]:
    """The terms of each article's medkg graph by their parts, mapped as a build maps them."""
    out = []
    for path in files:
        graph = build_graph(site, Article.from_source(read(path)))
        out.append([part(term) for triple in graph.triples for term in triple])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=300, help="articles in the generated corpus")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the corpus; medians are shown")
    args = parser.parse_args()
    gc.set_threshold(*GC_THRESHOLDS)  # the collector as a build runs it (kg.cli.main)
    with tempfile.TemporaryDirectory() as tmp:
        site, files = site_and_files(write_corpus(Path(tmp), EARLIER + args.n, violation_rate=0.0))
        corpus_parts(files[:EARLIER], site)  # medkg's term caches filled, as a build's earlier articles leave them
        parts = corpus_parts(files[EARLIER:], site)
    report(measure(parts, args.repeat), len(parts), sum(len(p) for p in parts) / 3 / len(parts), args.repeat)


if __name__ == "__main__":
    main()
