"""Benchmark: medkg's corpus build against a naive rdflib + pySHACL pipeline, measured in the same run.

    python -m benchmarks.run --sizes 1000 10000 --repeat 3 --jobs 1 2

For each corpus size N (a seeded synthetic corpus, see benchmarks/corpus.py) it prints, as medians of
--repeat runs: wall seconds and articles/s of `kg build --no-cache` with each --jobs value, on a clean
corpus (every export written) and on the same corpus with 3 % deliberate violations (everything
validated, nothing written, exit 1); peak RSS of the whole process tree; the rebuild time after
changing one article (with the cache warm); and the ratio against the naive pipeline.
The naive pipeline (pure-Python YAML, a default rdflib Graph per article, the projection queries run
by rdflib, `pyshacl.validate` with default options, rdflib's serializers) is slow, so it runs on the
first --naive-sample articles and is scaled by its rate.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyshacl
import yaml
from rdflib import Dataset, Graph, URIRef

from benchmarks.corpus import write as write_corpus
from kg.check.families import shapes
from kg.core import resources
from kg.graph.mapping import build_graph
from kg.load.facts import Article, Source, _validator, site_and_files

REPO = Path(__file__).resolve().parent.parent


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (kB)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def timed_build(data: Path, out: Path, *args: str) -> tuple[float, int]:
    """Wall seconds and peak process-tree RSS (kB) of one `kg build` in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", "--data", str(data), "--out", str(out), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=data.parent,
    )
    peak = 0

    def poll() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - started
    watcher.join()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"kg build failed ({proc.returncode}): {err.decode()[-2000:]}")
    return wall, peak


def naive_rate(data: Path, sample: int) -> float:
    """Articles per second of the naive pipeline on the first `sample` articles."""
    site, files = site_and_files(data)
    queries = [
        p.read_text(encoding="utf-8")
        for p in resources.listing("ontology", "projection", ".rq")
        if not p.name.endswith(".join.rq")
    ]
    shape_graphs = [shapes("medkg"), shapes("schemaorg")]
    started = time.perf_counter()
    for path in files[:sample]:
        text = path.read_text(encoding="utf-8")
        data_dict = yaml.load(text, Loader=yaml.SafeLoader)  # the pure-Python loader
        _validator("article").validate(data_dict)
        article = Article.from_source(Source(str(path), data_dict, {}, ""))
        medkg = Graph()
        for triple in build_graph(site, article).graph:
            medkg.add(triple)
        schema = Graph()
        for q in queries:
            for triple in medkg.query(q):
                schema.add(triple)  # type: ignore[arg-type]
        for g, sg in zip((medkg, schema), shape_graphs, strict=True):
            pyshacl.validate(g, shacl_graph=sg)
        schema.serialize(format="json-ld")
        (medkg + schema).serialize(format="turtle")
        ds = Dataset()
        named = ds.graph(URIRef(f"urn:graph:{path.stem}"))
        for triple in medkg + schema:
            named.add(triple)
        ds.serialize(format="nquads")
    return min(sample, len(files)) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--naive-sample", type=int, default=100)
    parser.add_argument("--workdir", type=Path, default=None, help="where corpora are generated (default: a temp dir)")
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="medkg-bench-"))
    print(f"{'N':>6} {'pipeline':<26} {'wall s':>8} {'art/s':>8} {'peak RSS MB':>12} {'vs naive':>9}")
    for n in args.sizes:
        data = write_corpus(root / f"n{n}", n, violation_rate=0.0)
        flawed = write_corpus(root / f"n{n}-violations", n, violation_rate=0.03)
        naive = statistics.median(naive_rate(data, args.naive_sample) for _ in range(args.repeat))
        print(f"{n:>6} {'naive (1 process)':<26} {n / naive:>8.1f} {naive:>8.1f} {'-':>12} {1.0:>8.1f}x")
        for corpus, label in ((data, "build"), (flawed, "build, 3% violations")):
            for jobs in args.jobs:
                runs = [
                    timed_build(corpus, root / f"out-{n}", "--no-cache", "--jobs", str(jobs))
                    for _ in range(args.repeat)
                ]
                wall = statistics.median(w for w, _ in runs)
                rss = max(r for _, r in runs) / 1024
                print(
                    f"{n:>6} {f'{label} -j{jobs}':<26} {wall:>8.2f} {n / wall:>8.1f} {rss:>12.0f} "
                    f"{n / wall / naive:>8.1f}x"
                )
        cache = root / f"cache-{n}"
        timed_build(data, root / f"out-{n}", "--cache", str(cache), "--jobs", str(max(args.jobs)))
        article = sorted((data / "articles").iterdir())[n // 2]
        original = article.read_text(encoding="utf-8")
        rebuilds = []
        for i in range(args.repeat):
            article.write_text(original.replace("Treatment", f"Therapy{i}", 1), encoding="utf-8")
            rebuilds.append(timed_build(data, root / f"out-{n}", "--cache", str(cache))[0])
        article.write_text(original, encoding="utf-8")
        print(f"{n:>6} {'rebuild, 1 changed':<26} {statistics.median(rebuilds):>8.2f}")


if __name__ == "__main__":
    main()
