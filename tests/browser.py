"""Real headless Chromium for tests: serve files from 127.0.0.1 and read back the rendered DOM.

Skips with a reason where Chromium is absent, except under CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def chromium() -> str:
    """Path of the Chromium binary; skip (outside CI) or fail (in CI) when there is none."""
    found = next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("Chromium is required in CI (.ci/run installs the Debian package 'chromium')")
    pytest.skip("Chromium is not installed (apt-get install chromium); CI runs this test")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve a folder over HTTP on 127.0.0.1 (a free port); yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def dump_dom(url: str, *, budget_ms: int = 5000) -> str:
    """The DOM after scripts ran, as Chromium serialises it (headless, no network beyond the URL)."""
    binary = chromium()
    with tempfile.TemporaryDirectory(prefix="medkg-chromium-") as profile:
        run = subprocess.run(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--virtual-time-budget={budget_ms}",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def screenshot(url: str, png: Path, *, size: tuple[int, int] = (1000, 1500)) -> None:
    """A PNG of the page as headless Chromium renders it."""
    binary = chromium()
    with tempfile.TemporaryDirectory(prefix="medkg-chromium-") as profile:
        run = subprocess.run(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--window-size={size[0]},{size[1]}",
                f"--screenshot={png}",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert run.returncode == 0 and png.is_file(), run.stderr[-2000:]
