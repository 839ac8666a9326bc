"""Fetch one web page for an audit, defensively: timeouts, a size cap, a redirect limit, a
content-type check, a clear user agent, retries with backoff on 5xx and refused connections.

Failures to get the page raise NetworkError (exit 3); a page that is not HTML or JSON raises
InputError (exit 2). Nothing is cached and nothing but the given URL (and its redirects) is fetched.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import requests

from kg import __version__
from kg.core.errors import InputError, NetworkError

USER_AGENT = f"medkg/{__version__} (+audit)"
ACCEPT = "text/html, application/xhtml+xml, application/ld+json, application/json;q=0.9, */*;q=0.1"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
JSON_TYPES = frozenset({"application/ld+json", "application/json"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0  # seconds: to connect, between bytes, and for the whole body
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    retries: int = 2  # on 5xx and refused connections, not on timeouts
    backoff: float = 0.5


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


def _read(response: requests.Response, url: str, limits: Limits, started: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise NetworkError.about("{url}: the page is {size:,} bytes, over the {cap:,}-byte cap (raise it with "
                                 "{max_bytes})", url=url, size=int(declared), cap=limits.max_bytes)
    body = bytearray()
    for chunk in response.iter_content(chunk_size=4096):
        body += chunk
        if len(body) > limits.max_bytes:
            raise NetworkError.about("{url}: the page is over the {cap:,}-byte cap (raise it with {max_bytes})",
                                     url=url, cap=limits.max_bytes)
        if time.monotonic() - started > limits.timeout:
            raise NetworkError(f"{url}: the page did not arrive within {limits.timeout:g} s")
    return bytes(body)


def fetch(url: str, limits: Limits | None = None, types: frozenset[str] = HTML_TYPES | JSON_TYPES) -> Page:
    """GET a page; the body is read in chunks and abandoned at the size cap or the deadline."""
    limits = limits or Limits()
    session = requests.Session()
    session.max_redirects = limits.max_redirects
    session.headers.update({"User-Agent": USER_AGENT, "Accept": ACCEPT})
    attempt = 0
    while True:
        started = time.monotonic()
        try:
            with session.get(url, timeout=(limits.timeout, limits.timeout), stream=True) as response:
                if response.status_code >= 500 and attempt < limits.retries:
                    raise _Retry
                if response.status_code >= 400:
                    raise NetworkError(f"{url}: HTTP {response.status_code} {response.reason}")
                media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if media_type not in types:
                    raise InputError(f"{url}: the server sent {media_type or 'no content type'}, not an HTML page "
                                     "or JSON-LD")
                body = _read(response, url, limits, started)
                explicit = "charset" in response.headers.get("Content-Type", "").lower()
                charset = requests.utils.get_encoding_from_headers(response.headers) if explicit else None
                return Page(response.url, _decode(body, charset), media_type)
        except requests.TooManyRedirects:
            raise NetworkError(f"{url}: more than {limits.max_redirects} redirects") from None
        except requests.Timeout:
            raise NetworkError(f"{url}: no answer within {limits.timeout:g} s") from None
        except (_Retry, requests.ConnectionError) as e:
            if attempt >= limits.retries:
                raise NetworkError(f"{url}: cannot connect ({type(e).__name__})") from None
        except requests.RequestException as e:
            raise NetworkError(f"{url}: {type(e).__name__}: {e}") from None
        time.sleep(limits.backoff * 2**attempt)
        attempt += 1


class _Retry(Exception):
    """A 5xx answer worth another try."""
