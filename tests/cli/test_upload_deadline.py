"""An upload takes the whole --timeout, and never more (issue [scale2] 4): the connect cap bounds only
connecting. The server is a real process on 127.0.0.1 that reads request bodies slowly."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest
from conftest import REPO

from kg.core.errors import NetworkError
from kg.stores import gsp
from kg.stores.gsp import GraphStore, Target

BODY = b"<urn:s> <urn:p> <urn:o> <urn:g> .\n" * 150_000  # 5.1 MB: more than the socket buffers hold


@pytest.fixture
def slow_reader() -> Iterator[Callable[[float], str]]:
    """Start `tests/slowreader.py` at a given read rate (bytes/s); its URL. Stopped by PID after the test."""
    started: list[subprocess.Popen[str]] = []

    def start(rate: float) -> str:
        proc = subprocess.Popen(
            [sys.executable, str(REPO / "tests" / "slowreader.py"), str(rate)], stdout=subprocess.PIPE, text=True
        )
        started.append(proc)
        assert proc.stdout is not None
        return f"http://127.0.0.1:{proc.stdout.readline().strip()}"

    yield start
    for proc in started:
        proc.kill()
        proc.wait()


def _post(url: str, timeout: float) -> float:
    store = GraphStore(Target(url), timeout=timeout, retries=0)
    started = time.monotonic()
    try:
        store.post_nquads(memoryview(BODY), "bulk load of a test body")
    finally:
        store.close()
    return time.monotonic() - started


def test_an_upload_longer_than_the_connect_cap_completes_within_the_timeout(
    slow_reader: Callable[[float], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gsp, "CONNECT_CAP", 0.3)  # the 10 s cap, scaled down: the upload takes ~1.5 s
    took = _post(slow_reader(len(BODY) / 1.5), timeout=20)
    assert took > 0.3  # it really outlasted the connect cap


def test_a_slow_reading_server_cannot_hold_an_upload_past_its_deadline(slow_reader: Callable[[float], str]) -> None:
    started = time.monotonic()
    with pytest.raises(NetworkError, match=r"no complete answer within 2 s"):
        _post(slow_reader(len(BODY) / 30), timeout=2)
    # The server would take 30 s to read the body; the deadline ended it long before. The margin is wide
    # (a loaded machine starts the server and Python late), which keeps this a check of the cut, not a timing.
    assert time.monotonic() - started < 15
