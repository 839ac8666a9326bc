"""A build killed with `kill -9` while its pool's workers live on: its temp folder is free for the next
build's sweep at once. The marker's flock belongs to the open file, which a forked worker shares; each
child closes its copy at fork (kg.core.swap.hold), so only the build itself holds the lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kg.core.swap import sweep

REPO = Path(__file__).resolve().parents[2]

KILLED = """
import os, signal, sys, time
from pathlib import Path
from kg.core.fsio import TreeWriter

writer = TreeWriter(Path(sys.argv[1]))
worker = os.fork()
if worker == 0:  # a pool worker, still busy with an article when its build is killed
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1), os.dup2(null, 2)  # not the test's pipes: it reads them to their end
    time.sleep(120)
    os._exit(0)
print(worker, writer.tmp, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers are POSIX's")
def test_a_killed_builds_temp_folder_is_swept_while_its_worker_lives(tmp_path: Path) -> None:
    out = tmp_path / "exports"
    process = subprocess.run(
        [sys.executable, "-c", KILLED, str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert process.returncode == -signal.SIGKILL, process.stderr
    worker, tmp = process.stdout.split()
    try:
        os.kill(int(worker), 0)  # alive, with its copy of the build's descriptors but for the lock's
        assert sorted(p.name for p in tmp_path.iterdir()) == [Path(tmp).name]
        assert sweep(out) == [Path(tmp)]
        assert list(tmp_path.iterdir()) == []
    finally:
        os.kill(int(worker), signal.SIGKILL)
