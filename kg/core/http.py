"""HTTP for every command that talks to a server (audit, publish, query): requests that end on time.

A `requests` timeout bounds each wait for a byte, not a request: a server that answers one byte a
second keeps a client forever. Here every request runs under a `Guard` deadline that covers it
whole (connecting, sending the body, waiting, reading the whole answer, retries and their backoff):
when the deadline passes, a timer shuts the sockets of the request down, the blocked read returns at
once and the caller gets `DeadlineExceeded`. Retries (urllib3 `Retry`) never sleep past the deadline
and stop when it has passed, a server's `Retry-After` included.

A guard can also vet every connection by the address it actually reached (`peer_check`), after
name resolution and before anything is sent, so a host name that resolves (or re-resolves) to a
forbidden address is refused whatever redirect led there.

Name resolution itself is the system resolver's: it is not interrupted (its own timeouts apply).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Collection, Iterator
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

RETRY_STATUS = (500, 502, 503, 504)
PeerCheck = Callable[[str, str], None]  # (host asked for, IP address reached); raises to refuse


class DeadlineExceeded(Exception):
    """A request did not complete within its deadline (not an OSError: urllib3 must not retry it)."""


class Guard:
    """The deadline and address policy of one session's requests."""

    def __init__(self, peer_check: PeerCheck | None = None) -> None:
        self.peer_check = peer_check
        self.expired = False
        self.connected = False  # some connection of this deadline reached its server
        self.refused = False  # some connection attempt failed (refused, unreachable, unknown host)
        self._ends: float | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        """Everything inside must finish within `seconds`, else its sockets are shut down and what
        was blocked on them fails; `expired` tells the caller why. Not reentrant."""
        with self._lock:
            self.expired, self._ends, self._sockets = False, time.monotonic() + seconds, []
            self.connected = self.refused = False
        timer = threading.Timer(seconds, self._expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            with self._lock:
                self._ends, self._sockets = None, []

    def remaining(self) -> float | None:
        """Seconds left before the deadline (0 once passed); None outside a deadline."""
        ends = self._ends
        return None if ends is None else max(0.0, ends - time.monotonic())

    def check(self) -> None:
        if self.expired or self.remaining() == 0.0:
            self.expired = True
            raise DeadlineExceeded

    def watch(self, sock: socket.socket | None) -> None:
        """Shut `sock` down if the deadline passes while it is in use."""
        if sock is None:
            return
        with self._lock:
            if self._ends is not None:
                self._sockets.append(sock)
        self.check()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                # the plain socket's shutdown, even under TLS: it wakes a blocked read at once and
                # leaves the TLS object alone (SSLSocket.shutdown would tear it down under the reader)
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _GuardedConnection:
    """Mixed into urllib3's connections: the connect timeout (clamped to the deadline) bounds only
    connecting; sending the request and its body may take the whole deadline (a 1 GB upload is not
    a slow connect). Vets the peer, and registers every socket a request uses with the guard."""

    guard: Guard
    host: str
    timeout: Any
    proxy: Any
    sock: socket.socket | None
    _connect_cap: Any = None  # the pool's connect timeout, while request() sends under the deadline

    def _new_conn(self) -> socket.socket:
        self.guard.check()
        left = self.guard.remaining()
        sending = self.timeout
        cap = sending if self._connect_cap is None else self._connect_cap
        if left is not None and (not isinstance(cap, int | float) or cap > left):
            cap = max(left, 0.001)
        self.timeout = cap
        try:
            sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        except Exception:
            self.guard.refused = True
            raise
        finally:
            self.timeout = sending
        if self._connect_cap is not None:  # connected inside request(): the body gets the deadline
            sock.settimeout(sending)
        self.guard.connected = True
        self.guard.watch(sock)
        if self.guard.peer_check is not None and self.proxy is None:  # through a proxy: vetted by name before
            try:
                self.guard.peer_check(self.host, str(sock.getpeername()[0]))
            except BaseException:
                sock.close()
                raise
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        self.guard.watch(self.sock)  # a kept-alive connection, reused
        left = self.guard.remaining()
        if left is not None:  # urllib3 sends under conn.timeout, which the pool set to the connect cap
            self._connect_cap, self.timeout = self.timeout, max(left, 0.001)
        try:
            super().request(*args, **kwargs)  # type: ignore[misc]
        finally:
            self._connect_cap = None


class _Retry(Retry):
    """Retry, within the guard's deadline: no sleep past it, no attempt after it."""

    guard: Guard

    def is_exhausted(self) -> bool:
        return super().is_exhausted() or self.guard.expired

    def get_backoff_time(self) -> float:
        left = self.guard.remaining()
        backoff = super().get_backoff_time()
        return backoff if left is None else min(backoff, left)

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        wait = super().get_retry_after(response)
        left = self.guard.remaining()
        return wait if wait is None or left is None else min(wait, left)


class _Adapter(HTTPAdapter):
    def __init__(self, guard: Guard, **kwargs: Any) -> None:
        self._guard = guard
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        guard = {"guard": self._guard}
        http = type("GuardedHTTPConnection", (_GuardedConnection, HTTPConnection), guard)
        https = type("GuardedHTTPSConnection", (_GuardedConnection, HTTPSConnection), guard)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http}),
            "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https}),
        }


class GuardedSession(requests.Session):
    """A requests session whose connections answer to `guard` (deadlines, peer checks). It follows
    no redirect: callers see each 3xx and decide (same origin only, an address check …)."""

    guard: Guard

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def never_connected(guard: Guard) -> bool:
    """Whether a failed request never reached its server (refused, unreachable, unknown host):
    retrying that until the deadline does not make it a timeout."""
    return guard.refused and not guard.connected


def session(
    guard: Guard | None = None,
    *,
    retries: int = 0,
    backoff: float = 0.5,
    methods: Collection[str] = ("GET", "HEAD", "PUT", "POST", "DELETE"),
    statuses: Collection[int] = RETRY_STATUS,
    trust_env: bool = False,
) -> GuardedSession:
    """A session under `guard` that retries connection errors and `statuses` answers with exponential
    backoff, and follows no redirect by itself (callers decide which to follow)."""
    guard = guard or Guard()
    retry_class = type("GuardedRetry", (_Retry,), {"guard": guard})
    retry = retry_class(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        redirect=0,
        status_forcelist=tuple(statuses),
        backoff_factor=backoff,
        raise_on_status=False,
        raise_on_redirect=False,
        allowed_methods=frozenset(methods),
    )
    s = GuardedSession()
    s.guard = guard
    adapter = _Adapter(guard, max_retries=retry)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    s.trust_env = trust_env
    return s


def same_origin(a: str, b: str) -> bool:
    """Same scheme, host and port (RFC 6454), default ports spelled or not."""
    from urllib.parse import urlsplit

    def origin(url: str) -> tuple[str, str, int | None]:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        return scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(scheme)

    return origin(a) == origin(b)
