"""Store credentials: read from the environment, checked before use, and kept out of every message.

Checked first: a token or password with a control character (a trailing CR/LF copied from a file)
or a character HTTP cannot carry is refused with a message that names the variable and the kind of
problem, never the value. Then every text that may hold something a server sent (an error body, a
header, a parser's complaint about the body) goes through `Redactor` before it is shortened or
shown: each secret is replaced in every form a server may echo it in (as sent, Base64 of
`user:password`, URL-, JSON- and HTML-escaped), usernames included.
"""

from __future__ import annotations

import base64
import html
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

from requests import PreparedRequest
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from kg.core.errors import InputError

ENV_USER, ENV_PASSWORD, ENV_TOKEN = "KG_STORE_USER", "KG_STORE_PASSWORD", "KG_STORE_TOKEN"
HIDDEN = "***"
SHORT = 3  # a secret this short cannot be hidden in a text without hiding the text


class BearerAuth(AuthBase):
    """`Authorization: Bearer <token>`; repr never shows the token."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self._token}"
        return r

    def __repr__(self) -> str:
        return "BearerAuth(***)"


def _problem(value: str, *, ascii_only: bool = False, latin1: bool = False, forbid: str = "") -> str | None:
    """What makes a credential unusable in an HTTP header, in words that do not show it."""
    if not value:
        return "is empty"
    if value != value.rstrip("\r\n"):
        return "ends with a line break (CR or LF), as copied from a file; remove it"
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
        return "contains a control character; remove it"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid text (undecodable bytes in the environment)"
    if ascii_only and not re.fullmatch(r"[\x21-\x7e]+", value):
        return "contains a space or a non-ASCII character, which a Bearer token cannot hold"
    if latin1:
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            return "contains a character outside Latin-1, which HTTP Digest cannot send"
    if any(c in value for c in forbid):
        return f"contains {' or '.join(repr(c) for c in forbid if c in value)}, which it cannot hold"
    return None


@dataclass(frozen=True, repr=False)
class Credentials:
    """A token, or a user and password; repr never shows them."""

    token: str | None = None
    user: str | None = None
    password: str | None = None

    def __repr__(self) -> str:
        return "Credentials(***)"

    @classmethod
    def from_env(cls, environ: Mapping[str, str], *, digest: bool = False) -> Credentials | None:
        """KG_STORE_TOKEN (Bearer) or KG_STORE_USER + KG_STORE_PASSWORD (Basic, or Digest), checked."""
        user, password, token = environ.get(ENV_USER), environ.get(ENV_PASSWORD), environ.get(ENV_TOKEN)
        if token and (user or password):
            raise InputError(f"set either {ENV_TOKEN} or {ENV_USER}/{ENV_PASSWORD}, not both")
        if token:
            if problem := _problem(token, ascii_only=True):
                raise InputError(f"{ENV_TOKEN} {problem} (the value is not shown)")
            return cls(token=token)
        if user or password:
            if not (user and password):
                raise InputError(f"{ENV_USER} and {ENV_PASSWORD} must be set together")
            if problem := _problem(user, latin1=digest, forbid='"\\' if digest else ":"):
                raise InputError(f"{ENV_USER} {problem} (the value is not shown)")
            if problem := _problem(password):
                raise InputError(f"{ENV_PASSWORD} {problem} (the value is not shown)")
            return cls(user=user, password=password)
        return None

    def auth(self, *, digest: bool = False) -> AuthBase:
        if self.token is not None:
            return BearerAuth(self.token)
        assert self.user is not None and self.password is not None
        if digest:
            return HTTPDigestAuth(self.user, self.password)
        # RFC 7617: user-id and password as UTF-8 (requests would encode str as Latin-1 and fail)
        return HTTPBasicAuth(self.user.encode("utf-8"), self.password.encode("utf-8"))

    def secrets(self) -> list[str]:
        """Every value that must never be shown, Basic's encoded `user:password` included."""
        out = [v for v in (self.token, self.user, self.password) if v]
        if self.user and self.password:
            pair = f"{self.user}:{self.password}".encode()
            out += [base64.b64encode(pair).decode(), base64.urlsafe_b64encode(pair).decode()]
        return out


def _forms(secret: str) -> set[str]:
    """The ways a server may echo a secret back: as sent, escaped for URLs, JSON, HTML, Base64,
    with its spaces collapsed (as messages collapse them), Base64 without padding, and its UTF-8
    bytes misread as Latin-1 or Windows-1252."""
    forms = {secret, " ".join(secret.split()), secret.rstrip("=")}
    forms |= {quote(secret, safe=""), quote(secret), quote_plus(secret)}
    for ensure_ascii in (True, False):
        escaped = json.dumps(secret, ensure_ascii=ensure_ascii)[1:-1]
        forms |= {escaped, escaped.replace("/", "\\/")}
    forms |= {html.escape(secret), html.escape(secret, quote=False), base64.b64encode(secret.encode()).decode()}
    for charset in ("latin-1", "cp1252"):  # UTF-8 read as another charset (a body without one is Latin-1 to HTTP)
        forms.add(secret.encode("utf-8").decode(charset, "replace"))
    return {f for f in forms if f}


class Redactor:
    """Hides secrets in texts that may hold what a server sent."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        secrets = [s for s in secrets if s]
        self._hide_all = any(len(s.strip()) <= SHORT for s in secrets)
        forms = sorted({f for s in secrets for f in _forms(s)}, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, forms)), re.IGNORECASE) if forms else None

    @classmethod
    def of(cls, auth: object) -> Redactor:
        """The redactor for a session's auth (what medkg itself built, from Credentials)."""
        if isinstance(auth, BearerAuth):
            return cls([auth._token])
        if isinstance(auth, HTTPBasicAuth | HTTPDigestAuth):
            user, password = (
                v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in (auth.username, auth.password)
            )
            return cls(Credentials(user=user, password=password).secrets())
        return cls()

    def __call__(self, text: str, limit: int | None = None) -> str:
        """`text` on one line with every secret replaced by ***, then (only then) cut to `limit`."""
        if self._pattern is not None:
            if self._hide_all:
                return "(not shown: it could hold the credentials, which are too short to hide)" if text else ""
            text = self._pattern.sub(HIDDEN, text)
        text = " ".join(text.split())
        if self._pattern is not None:
            text = self._pattern.sub(HIDDEN, text)
        if limit is not None and len(text) > limit:
            text = text[: limit - 1].rstrip() + "…"
        return text
