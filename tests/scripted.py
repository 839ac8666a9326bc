"""Hostile HTTP servers on 127.0.0.1 for the attack tests: each answers by a script, records what it
was sent, and can drip its answer a byte at a time or echo the credentials it receives."""

from __future__ import annotations

import base64
import contextlib
import html
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, quote_plus


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Script = Callable[["Handler", Seen], None]


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, script: Script) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.script = script
        self.seen: list[Seen] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        seen = Seen(self.command, self.path, dict(self.headers), self.rfile.read(length) if length else b"")
        self.server.seen.append(seen)
        with contextlib.suppress(OSError):  # the client hung up (as it should, at its deadline)
            self.server.script(self, seen)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any

    def log_message(self, format: str, *args: object) -> None:
        pass

    def reply(
        self, status: int, body: bytes = b"", content_type: str = "text/plain", headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def drip(self, *, every: float = 0.5, headers_too: bool = False, content_type: str = "text/html") -> None:
        """Headers (or, with headers_too, the status line and headers themselves) then one byte every
        `every` seconds, for minutes: each read gets a byte well within any per-read timeout."""
        if headers_too:
            head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: 100000\r\n".encode()
            for byte in head:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(every)
        else:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", "100000")
            self.end_headers()
        for _ in range(100000):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(every)


@contextmanager
def serving(script: Script) -> Iterator[Server]:
    server = Server(script)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def credential_forms(headers: dict[str, str]) -> list[str]:
    """What an echoing server can send back of the Authorization header: as received, the secret
    itself, and the secret URL-, JSON- and HTML-escaped (the username too, for Basic)."""
    value = headers.get("Authorization", "")
    scheme, _, credentials = value.partition(" ")
    secrets = [credentials]
    if scheme == "Basic":
        user, _, password = base64.b64decode(credentials).decode("utf-8").partition(":")
        secrets = [credentials, user, password]
    forms = [value]
    for s in secrets:
        forms += [
            s,
            quote(s, safe=""),
            quote_plus(s),
            json.dumps(s)[1:-1],
            json.dumps(s, ensure_ascii=False)[1:-1],
            html.escape(s),
        ]
    return forms
