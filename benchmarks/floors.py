"""The fixed costs under a one-change rebuild, each measured alone, on demand:

    python -m benchmarks.floors DATA OUT [--repeat 5]

DATA is a corpus's data folder, OUT the export folder a build of it wrote (a rebuild's starting point).
A rebuild after one change replaces the export folder as a whole (all or nothing: [hardening]), checks that
the folder is as the last build left it, and computes the changed article in a fresh process; these are the
steps that design cannot skip, each timed here by itself (median of --repeat, wall seconds). Those marked
"(beside)" run in a forked child or a thread while the build goes on (kg.core.offload,
kg.core.streamed): they cost the build only what is left of them when it has to wait.

- `import the flow`: a fresh interpreter importing what computes an article, less a bare interpreter;
- `first article`: in that interpreter, the shapes compiled and one article computed (the warm-up every
  process pays once: the schema gate, the ontology's alignment, the projection's queries, …);
- `list and stat the facts`: the facts folder listed and each file stat'ed (what changed is found so);
- `link and sum every export file`: a hard link of each into a new folder, by folder descriptors, and its stat
  summed as it passes (the folder is as the last build left it, checked before the swap): what a rebuild's
  child does from its start (kg.core.fsio.TreeWriter.carry_over, kg.core.offload.walk);
- `remove the replaced folder`: those links removed again (kg.core.swap.remove, in a child; without kg.nq's
  blocks);
- `copy kg.nq`: the kernel copy of the whole file (`copy_file_range`; a rebuild copies all but the changed
  article's block, in a thread beside the rest), warm: after one copy to fill the page cache.

Never asserted in tests: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kg.core import offload
from kg.core.swap import MARKER, remove
from kg.export.files import CORPUS_FILE, VOID_FILE
from kg.flow.folder import Digest
from kg.flow.manifest import Stats
from kg.load.facts import site_and_files

_IMPORT = "import kg.flow.run"
_FIRST = """
import sys, time
from pathlib import Path
import kg.flow.run
from kg.core.options import RunOptions
from kg.flow.article import Wants
from kg.flow.corpus import outcomes
from kg.load.facts import site_and_files
site, files = site_and_files(Path(sys.argv[1]))
started = time.perf_counter()
next(outcomes(site, files[:1], RunOptions(), Wants(exports=True)))
print(time.perf_counter() - started)
"""


def _median(repeat: int, run: Callable[[], float]) -> float:
    return statistics.median(run() for _ in range(repeat))


def _timed(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def _python(code: str, *args: str) -> float:
    return _timed(lambda: subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True))


def _first_article(data: Path) -> float:
    done = subprocess.run([sys.executable, "-c", _FIRST, str(data)], check=True, capture_output=True, text=True)
    return float(done.stdout.strip())


def _links(out: Path, work: Path) -> tuple[float, float]:
    """Seconds to hard-link every file of `out` into a new folder summing their stats, as a rebuild's child does
    (but kg.nq and void.ttl, written anew), and to remove that folder again."""
    target = Path(tempfile.mkdtemp(dir=work))
    linked = _timed(lambda: Digest().of(offload.walk(out, target, (CORPUS_FILE, VOID_FILE, MARKER))))
    return linked, _timed(lambda: remove(target))


def _copy(path: Path, work: Path) -> float:
    target = work / "kg.nq.copy"

    def copy() -> None:
        with open(path, "rb") as src, open(target, "wb") as dst:
            size, done = os.fstat(src.fileno()).st_size, 0
            while done < size:
                done += os.copy_file_range(src.fileno(), dst.fileno(), size - done)

    try:
        copy()  # the page cache filled, as a rebuild finds it after the last build
        return _timed(copy)
    finally:
        target.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data, out, repeat = args.data, args.out.resolve(), args.repeat
    work = Path(tempfile.mkdtemp(dir=out.parent, prefix=".floors-"))  # the same file system as the folder
    try:
        bare = _median(repeat, lambda: _python("pass"))
        rows = {
            "import the flow": _median(repeat, lambda: _python(_IMPORT)) - bare,
            "first article": _median(repeat, lambda: _first_article(data)),
            "list and stat the facts": _median(repeat, lambda: _timed(lambda: Stats(site_and_files(data)[1]))),
        }
        links = [_links(out, work) for _ in range(repeat)]
        rows["link and sum every export file (beside)"] = statistics.median(a for a, _ in links)
        rows["remove the replaced (beside)"] = statistics.median(b for _, b in links)
        rows["copy kg.nq (beside)"] = _median(repeat, lambda: _copy(out / CORPUS_FILE, work))
    finally:
        remove(work)
    files = sum(1 for e in os.scandir(out) if e.is_file(follow_symlinks=False))
    print(f"{files:,} export files, kg.nq {(out / CORPUS_FILE).stat().st_size / 1e9:.2f} GB, median of {repeat}")
    for name, seconds in rows.items():
        print(f"  {name:40} {seconds:6.3f} s")
    serial = sum(s for name, s in rows.items() if "beside" not in name)
    print(f"  {'in sequence (the first three)':40} {serial:6.3f} s")


if __name__ == "__main__":
    main()
