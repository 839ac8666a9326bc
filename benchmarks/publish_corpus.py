"""`kg publish --bulk --exports` of a whole corpus against the Oxigraph server's own ingest time.

    python -m benchmarks.publish_corpus -n 10000 --repeat 3

Builds a clean synthetic corpus of N articles once (`kg build -j 2`), then, for each run, starts a
fresh on-disk `oxigraph serve` and times (a) one raw `requests.post` of `exports/kg.nq` to /store —
the server's ingest, the floor — and (b) `kg publish --bulk --exports exports/` in a fresh
interpreter (the same N-Quads plus the shapes and description graphs). Medians and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from benchmarks.corpus import write as write_corpus

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from oxserver import OxigraphServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="medkg-publish-"))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    data = write_corpus(root, args.n, violation_rate=0.0)
    exports = root / "exports"
    subprocess.run(
        [sys.executable, "-m", "kg", "build", "--data", str(data), "--out", str(exports), "-j", "2", "--no-cache"],
        check=True,
        env=env,
        capture_output=True,
    )
    corpus = exports / "kg.nq"
    size = corpus.stat().st_size
    raw, ours = [], []
    for run in range(args.repeat):
        for label, times in (("raw", raw), ("kg", ours)):
            server = OxigraphServer(root / f"db-{label}-{run}").start()
            try:
                started = time.perf_counter()
                if label == "raw":
                    with open(corpus, "rb") as body:
                        requests.post(
                            f"{server.url}/store",
                            data=body,
                            timeout=3600,
                            headers={"Content-Type": "application/n-quads"},
                        ).raise_for_status()
                else:
                    subprocess.run(
                        [
                            sys.executable,
                            "-m",
                            "kg",
                            "publish",
                            "--endpoint",
                            server.url,
                            "--bulk",
                            "--exports",
                            str(exports),
                            "--timeout",
                            "3600",
                        ],
                        check=True,
                        env=env,
                        capture_output=True,
                    )
                times.append(time.perf_counter() - started)
            finally:
                server.stop()
    floor, publish = statistics.median(raw), statistics.median(ours)
    print(
        f"N={args.n}: kg.nq {size / 1e6:.0f} MB; server ingest (raw POST) median {floor:.2f} s "
        f"{sorted(round(t, 2) for t in raw)}; kg publish --bulk --exports median {publish:.2f} s "
        f"{sorted(round(t, 2) for t in ours)}; ratio {publish / floor:.2f}"
    )


if __name__ == "__main__":
    main()
