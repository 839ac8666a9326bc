"""Time to publish the sample to a local on-disk Oxigraph server, and the triples per graph.

Run on demand from the repository root:  python benchmarks/bench_publish.py [--runs 7] [--data data]

Each run starts a fresh `oxigraph serve --location <tmp>` and times three things with the library
(the same calls `kg publish` makes): the first publish into the empty store (PUT per graph), a
re-publish of the same graphs (PUT replaces; nothing changes), and a `--bulk` first load (one
N-Quads POST) into another empty store. The build itself (load facts, map, SHACL) is timed once
apart, because it does not depend on the server. Medians are printed with every sample.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from oxserver import OxigraphServer  # noqa: E402

from kg.core.options import RunOptions  # noqa: E402
from kg.flow.dataset import dataset  # noqa: E402
from kg.stores.gsp import GraphStore, Target, publish_bulk  # noqa: E402
from kg.stores.sync import publish  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--data", type=Path, default=REPO / "data")
    args = parser.parse_args()

    started = time.perf_counter()
    graphs = dataset(args.data, RunOptions()).graphs
    build_s = time.perf_counter() - started

    samples: dict[str, list[float]] = {
        "publish (empty store)": [],
        "re-publish (same graphs)": [],
        "bulk N-Quads POST (empty store)": [],
    }
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            for label, first_load in (("publish (empty store)", True), ("bulk N-Quads POST (empty store)", False)):
                server = OxigraphServer(Path(tmp) / label.split()[0]).start()
                store = GraphStore(Target(server.url))
                try:
                    t0 = time.perf_counter()
                    if first_load:
                        publish(store, graphs)
                        samples[label].append(time.perf_counter() - t0)
                        t0 = time.perf_counter()
                        publish(store, graphs)
                        samples["re-publish (same graphs)"].append(time.perf_counter() - t0)
                    else:
                        publish_bulk(store, graphs)
                        samples[label].append(time.perf_counter() - t0)
                finally:
                    store.close()
                    server.stop()

    print(f"build (facts → graphs, SHACL): {build_s * 1000:.0f} ms (once)")
    for label, values in samples.items():
        shown = ", ".join(f"{v * 1000:.0f}" for v in values)
        print(f"{label}: median {statistics.median(values) * 1000:.1f} ms over {len(values)} runs  [{shown}]")
    print("triples per graph:")
    for g in graphs:
        print(f"  {len(g):>6}  {g.kind:<11}  <{g.iri}>")
    print(f"  {sum(len(g) for g in graphs):>6}  total")


if __name__ == "__main__":
    main()
