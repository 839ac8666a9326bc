"""Fetch one web page for an audit, defensively: one deadline for the whole page (connecting,
redirects, retries and every byte of the body), a size cap, a redirect limit, a content-type check,
a clear user agent, retries with backoff on 5xx and refused connections.

Only public addresses are fetched unless `allow_private` is set: loopback, private, link-local
(169.254.169.254, where cloud metadata lives), multicast and other non-public addresses are refused,
judged after name resolution and again by the address each connection actually reached, at every
redirect (redirects are followed one by one, here, not by the HTTP library).

Failures to get the page raise NetworkError (exit 3); a page that is not HTML or JSON, or a URL that
names a non-public address, raises InputError (exit 2). Nothing is cached and nothing but the given
URL (and its redirects) is fetched.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from kg import __version__
from kg.core.errors import InputError, NetworkError
from kg.core.http import DeadlineExceeded, Guard, PeerCheck, never_connected, session

USER_AGENT = f"medkg/{__version__} (+audit)"
ACCEPT = "text/html, application/xhtml+xml, application/ld+json, application/json;q=0.9, */*;q=0.1"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
JSON_TYPES = frozenset({"application/ld+json", "application/json"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0  # seconds for the whole page: connecting, redirects, retries, every byte
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    retries: int = 2  # on 5xx and refused connections, within the timeout
    backoff: float = 0.5
    allow_private: bool = False  # fetch from loopback, private and link-local addresses too


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    text: str
    media_type: str  # "text/html", "application/ld+json" ...

    @property
    def is_html(self) -> bool:
        return self.media_type in HTML_TYPES


def _decode(body: bytes, header_charset: str | None) -> str:
    charset = header_charset
    if charset is None:
        m = _META_CHARSET.search(body[:4096])
        charset = m.group(1).decode("ascii") if m else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def address_kind(ip: str) -> str | None:
    """Why an address is not a public one ("loopback", "link-local" …), or None for a public one.
    IPv4 addresses inside IPv6 ones (mapped, 6to4, Teredo, NAT64) are judged as what they carry."""
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return "unreadable"
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if inner is None and address in _NAT64:
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None and (kind := address_kind(str(inner))):
            return kind
    for kind, test in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("private", address.is_private),
    ):
        if test:
            return kind
    return None if address.is_global else "non-public"


class _Refused(Exception):  # not an OSError: the HTTP library must not retry it
    def __init__(self, host: str, ip: str, kind: str) -> None:
        super().__init__(host, ip, kind)
        self.host, self.ip, self.kind = host, ip, kind

    def where(self) -> str:
        at = self.ip if self.ip == self.host.strip("[]") else f"{self.host} ({self.ip})"
        return f"{at}, a {self.kind} address"


def _refuse_non_public(host: str, ip: str) -> None:
    if kind := address_kind(ip):
        raise _Refused(host, ip, kind)


def _vet_name(url: str, check: PeerCheck) -> None:
    """Judge a URL's host by the addresses it resolves to (the connection is judged again by the
    address it reaches; this catches a proxy's destinations and names the problem before connecting)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(
            host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except (OSError, UnicodeError):
        return  # unknown host: the request fails with its own message
    for info in infos:
        check(host, str(info[4][0]))


def _read(response: requests.Response, url: str, limits: Limits) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise NetworkError.about(
            "{url}: the page is {size:,} bytes, over the {cap:,}-byte cap (raise it with {max_bytes})",
            url=url,
            size=int(declared),
            cap=limits.max_bytes,
        )
    body = bytearray()
    for chunk in response.iter_content(chunk_size=65536):
        body += chunk
        if len(body) > limits.max_bytes:
            raise NetworkError.about(
                "{url}: the page is over the {cap:,}-byte cap (raise it with {max_bytes})",
                url=url,
                cap=limits.max_bytes,
            )
    return bytes(body)


_REDIRECTS = (301, 302, 303, 307, 308)


def fetch(url: str, limits: Limits | None = None, types: frozenset[str] = HTML_TYPES | JSON_TYPES) -> Page:
    """GET a page (one of the media `types`) within `limits.timeout` seconds all told; redirects
    followed here, one by one, each target judged (scheme, address) before it is fetched."""
    limits = limits or Limits()
    check = None if limits.allow_private else _refuse_non_public
    guard = Guard(peer_check=check)
    current = url
    try:
        with (
            session(guard, retries=limits.retries, backoff=limits.backoff, methods=("GET",), trust_env=True) as http,
            guard.deadline(limits.timeout),
        ):
            http.headers.update({"User-Agent": USER_AGENT, "Accept": ACCEPT})
            for _ in range(limits.max_redirects + 1):
                if check is not None:
                    _vet_name(current, check)
                with http.get(
                    current, timeout=(limits.timeout, limits.timeout), stream=True, allow_redirects=False
                ) as response:
                    location = response.headers.get("Location") if response.status_code in _REDIRECTS else None
                    if location is not None:
                        target = urljoin(current, location)
                        if urlsplit(target).scheme.lower() not in ("http", "https"):
                            raise NetworkError(f"{url}: redirected to {target[:200]}, not an http(s) URL; not followed")
                        current = target
                        continue
                    page = _page(response, url, limits, types)
                    guard.check()  # a body cut short by the deadline is not the page
                    return page
            raise NetworkError(f"{url}: more than {limits.max_redirects} redirects")
    except _Refused as e:
        if current == url:
            raise InputError.about(
                "{url}: {where}; kg audit fetches public pages only: pass {allow_private} to "
                "audit a page on this machine or a private network",
                url=url,
                where=e.where(),
            ) from None
        raise NetworkError.about(
            "{url}: redirected to {target}, at {where}; not followed (pass {allow_private} to follow it)",
            url=url,
            target=current[:200],
            where=e.where(),
        ) from None
    except DeadlineExceeded:
        pass
    except requests.RequestException as e:
        if not guard.expired:
            if isinstance(e, requests.ConnectionError | requests.exceptions.RetryError):
                raise NetworkError(f"{url}: cannot connect ({type(e).__name__})") from None
            raise NetworkError(f"{url}: {type(e).__name__}: {e}") from None
    if never_connected(guard):
        raise NetworkError(f"{url}: cannot connect (retried for {limits.timeout:g} s)")
    raise NetworkError.about(
        "{url}: no answer within {seconds:g} s (the whole page, redirects included; raise "
        "{timeout} if it is just slow)",
        url=url,
        seconds=limits.timeout,
    )


def _page(response: requests.Response, url: str, limits: Limits, types: frozenset[str]) -> Page:
    if response.status_code >= 400:
        raise NetworkError(f"{url}: HTTP {response.status_code} {response.reason}")
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type not in types:
        raise InputError(f"{url}: the server sent {media_type or 'no content type'}, not an HTML page or JSON-LD")
    body = _read(response, url, limits)
    explicit = "charset" in response.headers.get("Content-Type", "").lower()
    charset = requests.utils.get_encoding_from_headers(response.headers) if explicit else None
    return Page(response.url, _decode(body, charset), media_type)
