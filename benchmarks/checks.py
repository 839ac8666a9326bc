"""Per-article check time: every check family of `kg build` on each article (not run by the tests).

    python benchmarks/checks.py [--articles N] [--rounds R] [--repeat K] [--engine native] [--baseline DIR]

Times kg.check.families.validate_article — the medkg and schema.org shapes, schema.org conformance
and the newest Google profile — on every article of the sample (data/) and of a generated corpus
(benchmarks/corpus.py, N articles, 3 % with a deliberate violation), after compiling each article
once. Each article is checked K times and its median kept; the table shows the median and the mean
of those per-article times, as the median over R rounds.

With --baseline DIR (a checkout of another commit, e.g. `git archive main | tar -x -C DIR`), the
same measurement runs on both code bases in the same run, rounds interleaved (baseline, current,
baseline, …) in fresh processes, and the table adds the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def worker(folders: dict[str, str], repeat: int, engine: str, clock: str) -> None:
    """Print, as JSON, each data set's per-article median check times (ms)."""
    from kg.check.families import validate_article
    from kg.core.options import Engine, RunOptions
    from kg.flow.article import Compiled, compile_article
    from kg.load.facts import load_corpus

    options = RunOptions(engine=Engine(engine))  # the newest Google profile, as `kg build` by default
    now = time.process_time if clock == "cpu" else time.perf_counter

    def check(c: Compiled) -> None:
        validate_article(c.medkg, c.schema_triples, options, lambda: c.view_lines)  # as the flow calls it

    out: dict[str, list[float]] = {}
    for name, folder in folders.items():
        corpus = load_corpus(Path(folder))
        compiled = [compile_article(corpus.site, a) for a in corpus.articles]
        for c in compiled[:3]:  # warm caches: shapes, compiled engines, vocabulary
            check(c)
        times = []
        for c in compiled:
            runs = []
            for _ in range(repeat):
                started = now()
                check(c)
                runs.append((now() - started) * 1000)
            times.append(statistics.median(runs))
        out[name] = times
    print(json.dumps(out))


def _run(code: Path, folders: dict[str, str], args: argparse.Namespace) -> dict[str, list[float]]:
    env = dict(os.environ, PYTHONPATH=str(code))
    options = ["--repeat", str(args.repeat), "--engine", args.engine, "--clock", args.clock]
    command = [sys.executable, str(HERE / "checks.py"), "--worker", json.dumps(folders), *options]
    done = subprocess.run(command, env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True)
    if done.returncode:  # e.g. a baseline without today's API: say so, with the worker's traceback
        sys.exit(f"the worker on {code} failed (exit {done.returncode}):\n{done.stderr.strip()[-2000:]}")
    result: dict[str, list[float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _row(name: str, label: str, rounds: list[dict[str, list[float]]]) -> tuple[float, float]:
    medians = statistics.median(statistics.median(r[name]) for r in rounds)
    means = statistics.median(statistics.fmean(r[name]) for r in rounds)
    print(f"  {label:10} {name:16} {len(rounds[0][name]):6} {medians:10.2f} {means:10.2f}")
    return medians, means


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=200, help="size of the generated corpus")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=5, help="checks of each article per round")
    ap.add_argument("--engine", choices=("native", "pyshacl"), default="native")
    ap.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="wall: time.perf_counter; cpu: time.process_time (steadier on a busy machine)",
    )
    ap.add_argument("--baseline", type=Path, help="another checkout to measure in the same run")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(json.loads(args.worker), args.repeat, args.engine, args.clock)
        return
    sys.path.insert(0, str(REPO))
    from benchmarks.corpus import write

    with tempfile.TemporaryDirectory() as tmp:
        folders = {"sample": str(REPO / "data"), "generated": str(write(Path(tmp), args.articles, seed=7))}
        codes = {"baseline": args.baseline.resolve(), "current": REPO} if args.baseline else {"current": REPO}
        rounds: dict[str, list[dict[str, list[float]]]] = {label: [] for label in codes}
        for _ in range(args.rounds):
            for label, code in codes.items():
                rounds[label].append(_run(code, folders, args))
    print(
        f"per-article check time, ms ({args.clock} clock, engine {args.engine}; median over {args.rounds} rounds "
        f"of the per-article median of {args.repeat} checks)"
    )
    print(f"  {'code':10} {'data':16} {'n':>6} {'median':>10} {'mean':>10}")
    for name in folders:
        found = {label: _row(name, label, rounds[label]) for label in codes}
        if "baseline" in found:
            (b_median, b_mean), (c_median, c_mean) = found["baseline"], found["current"]
            print(f"  {'ratio':10} {name:16} {'':6} {c_median / b_median:10.3f} {c_mean / b_mean:10.3f}")


if __name__ == "__main__":
    main()
