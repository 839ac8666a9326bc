"""The real Oxigraph server (PyPI package `oxigraph`) on a free 127.0.0.1 port, for tests and benchmarks."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def binary() -> str:
    """The `oxigraph` CLI next to this Python (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the oxigraph server is not installed: pip install 'oxigraph>=0.5,<0.6'")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OxigraphServer:
    """`oxigraph serve --location DIR --bind 127.0.0.1:PORT`, started and stopped by PID."""

    def __init__(self, location: Path, port: int | None = None) -> None:
        self.location = location
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 15.0) -> OxigraphServer:
        self.process = subprocess.Popen(
            [binary(), "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                stderr = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"oxigraph exited: {stderr}")
            try:
                if requests.get(f"{self.url}/query", params={"query": "ASK {}"}, timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oxigraph did not answer on {self.url} within {timeout} s")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """Kill -9: the server dies without a chance to finish anything."""
        self.stop(signal.SIGKILL)

    def dataset(self) -> str:
        """Every quad the server holds, as sorted N-Quads lines (for byte-for-byte comparisons)."""
        r = requests.get(f"{self.url}/store", headers={"Accept": "application/n-quads"}, timeout=10)
        r.raise_for_status()
        return "".join(sorted(r.text.splitlines(keepends=True)))
