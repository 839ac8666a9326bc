"""Benchmark: medkg's corpus build against a naive rdflib + pySHACL pipeline, measured in the same run.

    python -m benchmarks.run --quick                                   # 1k, -j2, under 2 minutes
    python -m benchmarks.run --sizes 1000 10000 --repeat 3 --jobs 1 2  # the full table
    python -m benchmarks.run --sizes 100000 --jobs 1                   # the 100k RSS rows (on demand)

For each corpus size N (a seeded synthetic corpus, see benchmarks/corpus.py) it prints, as medians of
--repeat runs: wall seconds and articles/s of `kg build` with each --jobs value on an empty cache, on a
clean corpus (every export written) and, except in --quick mode and above 10k, on the same corpus with
3 % deliberate violations (everything validated, nothing written, exit 1); peak RSS of the whole
process tree; the rebuild after no change and after changing one article (cache warm); and the ratio
against the naive pipeline. The naive pipeline (pure-Python YAML, a default rdflib Graph per article,
the projection queries run by rdflib, `pyshacl.validate` with default options, rdflib's serializers)
is slow, so it runs on the first --naive-sample articles and is scaled by its rate. The LinkML +
pySHACL peer row runs only where its venv is given (`$MEDKG_PEER_VENV`, see benchmarks/README.md);
otherwise the row says why it is missing. Every number also goes to a JSON file (--json).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
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


def _peak_kb(pid: int) -> int:
    """The peak resident memory of one process so far (VmHWM, kB): of the main process alone, without
    the workers it forks."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
    except (OSError, StopIteration, ValueError):
        return 0


@dataclass
class Timed:
    wall: float
    tree_kb: int  # peak RSS of the process tree
    main_kb: int  # peak RSS of the main process (read until it exits: the last 50 ms may be missed)
    code: int
    err: str


def timed_command(args: list[str], cwd: Path) -> Timed:
    """Wall seconds, peak RSS, exit code and stderr of one `kg …` in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd
    )
    peak = main = 0

    def poll() -> None:
        nonlocal peak, main
        while proc.poll() is None:
            peak, main = max(peak, _tree_rss_kb(proc.pid)), max(main, _peak_kb(proc.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - started
    watcher.join()
    return Timed(wall, peak, main, proc.returncode, err.decode(errors="replace"))


def timed_build(data: Path, out: Path, *args: str) -> Timed:
    """One `kg build` (exit 0 or 1: findings are fine)."""
    done = timed_command(["build", "--data", str(data), "--out", str(out), *args], data.parent)
    if done.code not in (0, 1):
        raise RuntimeError(f"kg build failed ({done.code}): {done.err[-2000:]}")
    return done


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
            constructed = medkg.query(q).graph  # each projection query is a CONSTRUCT: its result is a graph
            assert constructed is not None, q
            schema += constructed
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


@dataclass
class Table:
    """The rows printed, and the same numbers for the JSON file."""

    rows: list[dict[str, object]] = field(default_factory=list)

    def add(
        self,
        n: int,
        row: str,
        wall: float | None = None,
        rss_kb: int | None = None,
        naive: float = 0.0,
        **extra: object,
    ) -> None:
        rate = n / wall if wall else None
        ratio = rate / naive if rate and naive else None
        self.rows.append(
            {
                "n": n,
                "row": row,
                "wall_s": wall,
                "articles_per_s": rate,
                "peak_rss_mb": rss_kb and rss_kb / 1024,
                "vs_naive": ratio,
                **extra,
            }
        )
        cells = [
            f"{n:>6} {row:<28}",
            f"{wall:>8.2f}" if wall is not None else f"{'-':>8}",
            f"{rate:>8.1f}" if rate else f"{'-':>8}",
            f"{rss_kb / 1024:>12.0f}" if rss_kb else f"{'-':>12}",
            f"{ratio:>8.1f}x" if ratio else f"{'-':>9}",
        ]
        note = extra.get("note")
        print(" ".join(cells) + (f"  {note}" if note else ""), flush=True)


HEADER = f"{'N':>6} {'row':<28} {'wall s':>8} {'art/s':>8} {'peak RSS MB':>12} {'vs naive':>9}"


def peer_row(table: Table, data: Path, n: int, sample: int) -> None:
    """The LinkML + pySHACL peer, run by its own venv's `medkg-peer DATA SAMPLE` (which prints JSON
    with `articles`, `triples` and `seconds`); skipped, saying why, when that venv is not there."""
    venv = os.environ.get("MEDKG_PEER_VENV")
    runner = Path(venv) / "bin" / "medkg-peer" if venv else None
    if runner is None or not runner.is_file():
        why = "MEDKG_PEER_VENV is not set" if runner is None else f"{runner} does not exist"
        table.add(n, "LinkML + pySHACL peer", note=f"skipped: {why}")
        return
    done = subprocess.run([str(runner), str(data), str(sample)], capture_output=True, text=True)
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        table.add(n, "LinkML + pySHACL peer", note=f"failed (exit {done.returncode}): {done.stderr.strip()[-300:]}")
        return
    per_article = answer["seconds"] / answer["articles"]
    table.add(
        n, "LinkML + pySHACL peer (scaled)", per_article * n, peer_triples_per_s=answer["triples"] / answer["seconds"]
    )


def builds(table: Table, root: Path, n: int, args: argparse.Namespace, naive: float) -> None:
    """Cold builds per --jobs (--no-cache; in --quick mode into an empty cache, which the rebuilds then
    use), of the clean corpus and (unless skipped) of the flawed one."""
    data = root / f"n{n}" / "data"
    corpora = [(data, "build")]
    if not args.quick and n <= 10000:
        corpora.append((write_corpus(root / f"n{n}-violations", n, violation_rate=0.03), "build, 3% violations"))
    for corpus, label in corpora:
        for jobs in args.jobs:
            runs = []
            for _ in range(args.repeat):
                shutil.rmtree(root / f"cache-{n}", ignore_errors=True)  # --quick: the cold build fills the cache
                caching = ["--cache", str(root / f"cache-{n}")] if args.quick else ["--no-cache"]
                runs.append(timed_build(corpus, root / f"out-{n}", *caching, "--jobs", str(jobs)))
            quads = _quads(root / f"out-{n}" / "kg.nq") if label == "build" else None
            row = f"{label} -j{jobs}" + (", empty cache" if args.quick else "")
            _build_row(table, n, row, runs, naive, quads=quads)


def _build_row(table: Table, n: int, row: str, runs: list[Timed], naive: float = 0.0, **extra: object) -> None:
    """Median wall time; the largest peak RSS of the process tree and of the main process alone."""
    wall = statistics.median(r.wall for r in runs)
    main = max(r.main_kb for r in runs) / 1024
    table.add(
        n, row, wall, max(r.tree_kb for r in runs), naive, runs_s=[r.wall for r in runs], main_rss_mb=main, **extra
    )


def rebuilds(table: Table, root: Path, n: int, args: argparse.Namespace, naive: float) -> None:
    """With a cache warmed by one build: a rebuild after no change, then after changing one article; then
    the peak RSS of `kg validate -j1` on the same corpus."""
    data, out, cache = root / f"n{n}" / "data", root / f"out-{n}", root / f"cache-{n}"
    jobs = str(max(args.jobs))
    if not args.quick or args.rebuilds_only:  # --quick: the cold build filled it
        shutil.rmtree(cache, ignore_errors=True)
        _build_row(
            table,
            n,
            f"build -j{jobs}, cache filling",
            [timed_build(data, out, "--cache", str(cache), "--jobs", jobs)],
            naive,
        )
    runs = [timed_build(data, out, "--cache", str(cache), "--jobs", jobs) for _ in range(args.repeat)]
    _build_row(table, n, "rebuild, no change", runs)
    article = sorted((data / "articles").iterdir())[n // 2]
    original = article.read_text(encoding="utf-8")
    runs = []
    try:
        for i in range(args.repeat):
            article.write_text(original.replace("Treatment", f"Therapy{i}", 1), encoding="utf-8")
            runs.append(timed_build(data, out, "--cache", str(cache), "--jobs", jobs))
    finally:
        article.write_text(original, encoding="utf-8")
    _build_row(table, n, "rebuild, 1 changed", runs)
    table.add(n, "validate -j1 (peak RSS only)", None, validate_rss_kb(data))


def validate_rss_kb(data: Path) -> int:
    """Peak RSS of `kg validate -j1` (one process), from the kernel's accounting of that child alone
    (`os.wait4`: RUSAGE_CHILDREN would give the largest of every child so far, the builds included)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "validate", "--data", str(data)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        cwd=data.parent,
    )
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0  # reaped here; Popen must not wait for it again
    return usage.ru_maxrss


def _quads(path: Path) -> int | None:
    if not path.exists():
        return None
    with open(path, "rb") as fh:
        return sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 24), b""))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1k, -j2, one run per row, a 20-article naive sample")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--naive-sample", type=int, default=100)
    parser.add_argument(
        "--rebuilds-only", action="store_true", help="only the cache-filling build and the rebuild rows (no naive)"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="where corpora are generated (default: a temp dir)")
    parser.add_argument("--json", type=Path, default=None, help="default: .benchmarks/run-<date>.json")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repeat, args.jobs, args.naive_sample = [1000], 1, [2], 20
    args.json = args.json or Path(".benchmarks") / f"run-{datetime.now().strftime('%Y-%m-%dT%H%M%S')}.json"
    return args


def main() -> None:
    args = arguments()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="medkg-bench-"))
    started, table = time.perf_counter(), Table()
    print(HEADER)
    for n in args.sizes:
        data = write_corpus(root / f"n{n}", n, violation_rate=0.0)
        naive = 0.0
        if args.rebuilds_only:
            rebuilds(table, root, n, args, naive)
            continue
        if n <= 10000:
            naive = statistics.median(naive_rate(data, args.naive_sample) for _ in range(args.repeat))
            table.add(n, "naive (1 process, scaled)", n / naive, None, naive)
            peer_row(table, data, n, args.naive_sample)
        builds(table, root, n, args, naive)
        rebuilds(table, root, n, args, naive)
    meta = {
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "cpus": os.cpu_count(),
        "loadavg_end": os.getloadavg(),
        "wall_s": time.perf_counter() - started,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"meta": meta, "rows": table.rows}, indent=1) + "\n", encoding="utf-8")
    print(f"({time.perf_counter() - started:.0f} s in all; numbers also in {args.json})")


if __name__ == "__main__":
    main()
