"""On-demand timing of the publication checks on the bundled sample (not run by the tests).

    python benchmarks/publication_checks.py [RUNS]

Prints the median wall time of each per-article check and of the site-wide @id lint, in ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kg.check import conformance, idlint
from kg.check.families import locator, run
from kg.flow.article import compile_article
from kg.load.facts import load_corpus

REPO = Path(__file__).resolve().parent.parent


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm caches (shapes, vocabulary, prepared queries)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(runs: int) -> None:
    corpus = load_corpus(REPO / "data")
    c = compile_article(corpus.site, corpus.articles[0])
    locate = locator(c.medkg)
    normalised = conformance.normalise(c.schema)
    base = corpus.site.base_iri
    checks: dict[str, Callable[[], object]] = {
        "compile (map + project)": lambda: compile_article(corpus.site, corpus.articles[0]),
        "SHACL medkg": lambda: run(c.medkg.graph, "medkg", locate),
        "SHACL schemaorg": lambda: run(c.schema, "schemaorg", locate),
        "schema.org 30.0 conformance": lambda: conformance.check(c.schema, locate),
        "Google profile google-2026-11": lambda: run(normalised, "google-2026-11", locate, label="google"),
        "@id lint (1 article)": lambda: idlint.lint([idlint.summarise(c.schema_triples, c.medkg, base)], base),
    }
    print(f"sample: {len(c.schema)} schema.org triples; median of {runs} runs")
    for name, fn in checks.items():
        print(f"  {name:32} {median_ms(fn, runs):8.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 21)
