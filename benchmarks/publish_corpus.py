"""`kg publish --bulk --exports` of a whole corpus against a raw POST of the same kg.nq to the same server.

    python -m benchmarks.publish_corpus -n 10000                      # generate, build, one run per row
    python -m benchmarks.publish_corpus --exports /tmp/b/exports      # an existing build folder

Builds a clean synthetic corpus of N articles once (`kg build -j 2`) unless --exports names a build.
Then, for each run, it starts a fresh on-disk `oxigraph serve` (the PyPI `oxigraph` of this venv, the
same binary for both rows) and times (a) a raw POST of `kg.nq` to /store with `curl -T` (streamed
from disk; curl's `--data-binary @file` refuses files over 1 GB, "out of memory") — the server's
ingest, the floor — and (b) `kg publish --bulk --exports` in a fresh interpreter: kg.nq in chunks
that each replace their graphs, then the description, then every graph counted back. Prints each
sample, the medians, their ratio, how much of `kg publish`'s time its chunks took (the rest: scanning
kg.nq, the description's PUT, the count-back) and its peak RSS; `--json PATH` writes them too.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import write as write_corpus
from benchmarks.run import timed_command

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from oxserver import OxigraphServer  # noqa: E402


def raw_post(url: str, corpus: Path) -> float:
    """Seconds for one streamed POST of the file (curl -T; `requests` if curl is missing)."""
    started = time.perf_counter()
    curl = shutil.which("curl")
    if curl:
        subprocess.run(
            [curl, "-sS", "-f", "-X", "POST", "-H", "Content-Type: application/n-quads", "-T", str(corpus), url],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    else:
        import requests

        with open(corpus, "rb") as body:
            requests.post(
                url, data=body, timeout=3600, headers={"Content-Type": "application/n-quads"}
            ).raise_for_status()
    return time.perf_counter() - started


def build(root: Path, n: int) -> Path:
    data = write_corpus(root, n, violation_rate=0.0)
    exports = root / "exports"
    subprocess.run(
        [sys.executable, "-m", "kg", "build", "--data", str(data), "--out", str(exports), "-j", "2", "--no-cache"],
        check=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
    )
    return exports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--exports", type=Path, help="an existing build folder (skips generating and building)")
    parser.add_argument("--chunk-mb", type=int, default=None, help="kg publish --chunk-mb (default: kg's)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, help="also write the numbers to this JSON file")
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="medkg-publish-"))
    root.mkdir(parents=True, exist_ok=True)
    exports = args.exports or build(root, args.n)
    corpus = exports / "kg.nq"
    raw: list[float] = []
    ours: list[float] = []
    in_chunks: list[float] = []  # of kg publish's time, the chunks' (drop + POST): the rest is the
    peak = 0  # scan, the description's PUT and the count-back, which the raw POST does not do
    chunking = ["--chunk-mb", str(args.chunk_mb)] if args.chunk_mb else []
    for run in range(args.repeat):
        for label in ("raw", "kg"):
            server = OxigraphServer(root / f"db-{label}-{run}").start()
            try:
                if label == "raw":
                    raw.append(raw_post(f"{server.url}/store", corpus))
                    continue
                command = ["publish", "--endpoint", server.url, "--bulk", "--exports", str(exports)]
                done = timed_command([*command, "--timeout", "3600", *chunking], cwd=root)
                wall, rss, code, err = done.wall, done.tree_kb, done.code, done.err
                if code != 0:
                    raise RuntimeError(f"kg publish failed ({code}): {err[-2000:]}")
                (root / f"kg-publish-{run}.log").write_text(err, encoding="utf-8")
                ours.append(wall)
                in_chunks.append(sum(float(s) for s in re.findall(r" MB in ([\d.]+) s$", err, re.M)))
                peak = max(peak, rss)
            finally:
                server.stop()
                shutil.rmtree(root / f"db-{label}-{run}", ignore_errors=True)
    floor, publish = statistics.median(raw), statistics.median(ours)
    result = {
        "kg_nq_bytes": corpus.stat().st_size,
        "raw_post_s": raw,
        "kg_publish_s": ours,
        "kg_publish_chunks_s": in_chunks,
        "ratio": publish / floor,
        "kg_publish_peak_rss_mb": peak / 1024,
        "chunk_mb": args.chunk_mb,
    }
    print(
        f"kg.nq {corpus.stat().st_size / 1e6:.0f} MB; raw POST (curl -T) median {floor:.1f} s "
        f"{[round(t, 1) for t in raw]}; kg publish --bulk --exports median {publish:.1f} s "
        f"{[round(t, 1) for t in ours]} (of which chunks {[round(t, 1) for t in in_chunks]}); ratio "
        f"{publish / floor:.2f}; kg publish peak RSS {peak / 1024:.0f} MB; its stderr in {root}/kg-publish-*.log"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
