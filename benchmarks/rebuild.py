"""Benchmark: incremental rebuilds and peak memory of one corpus size.

Prints, for a generated corpus of N articles (or --data): a cold `kg build` with the cache (wall s,
peak RSS of the process tree), the median of --repeat rebuilds after no change and after changing
one article (a headline word, as an editor would), and the peak RSS of `kg validate -j1`.

    python -m benchmarks.rebuild --size 10000 --workdir /tmp/bench
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.corpus import write as write_corpus
from benchmarks.run import REPO, timed_build


def validate_rss_mb(data: Path) -> float:
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
    return usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--data", type=Path, help="an existing data folder (default: generate --size articles)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="medkg-rebuild-"))
    data = args.data or write_corpus(root / f"n{args.size}", args.size, violation_rate=0.0)
    n = len(list((data / "articles").iterdir()))
    out, cache = root / f"out-{n}", root / f"cache-{n}"
    cached = ("--cache", str(cache))
    wall, rss = timed_build(data, out, *cached, "--jobs", str(args.jobs))
    print(f"{n:>7} {'cold build, cache on':<28} {wall:>8.2f} s {rss / 1024:>8.0f} MB")
    runs = [timed_build(data, out, *cached) for _ in range(args.repeat)]
    print(
        f"{n:>7} {'rebuild, no change':<28} {statistics.median(w for w, _ in runs):>8.2f} s "
        f"{max(r for _, r in runs) / 1024:>8.0f} MB"
    )
    article = sorted((data / "articles").iterdir())[n // 2]
    original = article.read_text(encoding="utf-8")
    runs = []
    try:
        for i in range(args.repeat):
            article.write_text(original.replace("Treatment", f"Therapy{i}", 1), encoding="utf-8")
            runs.append(timed_build(data, out, *cached))
    finally:
        article.write_text(original, encoding="utf-8")
    print(
        f"{n:>7} {'rebuild, 1 changed':<28} {statistics.median(w for w, _ in runs):>8.2f} s "
        f"{max(r for _, r in runs) / 1024:>8.0f} MB"
    )
    print(f"{n:>7} {'validate -j1 (peak RSS)':<28} {'':>10} {validate_rss_mb(data):>8.0f} MB")


if __name__ == "__main__":
    main()
