"""IRIs from text: any file name as a valid IRI segment, and whether a text is an IRI RDF tools accept.

Every IRI medkg writes must parse in rdflib and in pyoxigraph (tests/unit/test_iris.py checks it with
generated file names, slugs and base IRIs): text that comes from outside (a facts file's name, a
`base_iri` or `url` in the facts) is percent-encoded (RFC 3987) or refused, never pasted in.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

# RFC 3987 ucschar: the non-ASCII characters an IRI may hold as they are.
_UCSCHAR = (
    (0xA0, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFEF),
    *((plane << 16, (plane << 16) + 0xFFFD) for plane in range(1, 14)),
    (0xE1000, 0xEFFFD),
)
# RFC 3987 4.1: bidirectional formatting characters must not appear in an IRI.
_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SEGMENT_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@")


def _ucschar(c: str) -> bool:
    code = ord(c)
    return c not in _BIDI and any(low <= code <= high for low, high in _UCSCHAR)


def text_of(name: str) -> str:
    """`name` as text that encodes to UTF-8: lone surrogates (undecodable bytes in a file name) become U+FFFD."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = name.encode("utf-8", "surrogateescape")  # the file name's bytes, as the OS gave them
        except UnicodeEncodeError:
            raw = name.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "replace")
    return name


def iri_segment(text: str) -> str:
    """Any text as one IRI path segment (RFC 3987 ipchar): letters, digits, `-._~`, sub-delims, `:`
    and `@` stay, as do visible non-ASCII characters IRIs allow; everything else (`%`, `/`, spaces of
    any script, invisible characters) is percent-encoded as UTF-8. Distinct texts give distinct
    segments, and no text can end the IRI."""
    out = []
    for c in text_of(text):
        if c in _SEGMENT_ASCII or (c > "\x7f" and _ucschar(c) and c.isprintable() and not c.isspace()):
            out.append(c)
        else:
            out.append("".join(f"%{b:02X}" for b in c.encode("utf-8")))
    return "".join(out)


def iri_path(text: str) -> str:
    """A relative path (`articles/x y.yaml`) as IRI path segments, each escaped by `iri_segment`."""
    return "/".join(iri_segment(part) for part in text.split("/"))


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]')
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def iri_problem(text: str, *, base: bool = False) -> str | None:
    """Why `text` is not an absolute IRI that RDF tools accept (RFC 3987), in words; None when it is.
    With `base`, also refuse what cannot end an IRI that others are made from (a query or fragment)."""
    if not _SCHEME.match(text):
        return "is not an absolute IRI (it must start with a scheme such as https:)"
    if m := _FORBIDDEN.search(text):
        c = m.group()
        shown = "a space" if c == " " else f"'{c}'" if c.isprintable() else f"the control character U+{ord(c):04X}"
        return f"contains {shown}, which IRIs do not allow (percent-encode it)"
    if any(c.isspace() for c in text):
        return "contains a space character, which IRIs do not allow (percent-encode it)"
    if any(c in _BIDI for c in text):
        return "contains a bidirectional formatting character, which IRIs do not allow"
    if any(c > "\x7f" and not _ucschar(c) for c in text):
        return "contains a character IRIs do not allow (a surrogate, private-use or non-character code point)"
    if _BAD_PERCENT.search(text):
        return "has a '%' not followed by two hexadecimal digits (write %25 for a percent sign)"
    if text.count("#") > 1:
        return "has more than one '#'"
    authority = text.split(":", 1)[1]
    if authority.startswith("//"):
        host = re.split(r"[/?#]", authority[2:], maxsplit=1)[0].rsplit("@", 1)[-1]
        port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else ""
        if not host or (port and not port.isdigit()):
            return "has no host, or a port that is not a number"
    if base and ("#" in text or "?" in text):
        return "must not have a '#' fragment or a '?' query: identifiers are made by appending to it"
    try:
        ox.NamedNode(text)  # the strict RFC 3987 parser of the store medkg publishes to has the last word
    except ValueError as e:
        return f"is not a valid IRI ({e})"
    return None
