"""Publishing named graphs to a server over the SPARQL 1.1 Graph Store HTTP Protocol.

Each graph is PUT whole (PUT replaces, so a re-run after a failure simply completes the job and a
second run changes nothing). Requests go through one `requests.Session` whose adapter retries
connection errors and 5xx answers with exponential backoff (urllib3 `Retry`). Credentials come
from the environment only and never appear in a message: the URL may not carry them.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth
from urllib3.util.retry import Retry

from kg.core.errors import InputError, NetworkError
from kg.export.dataset import NamedGraph
from kg.export.serialize import nquads
from kg.stores.sync import PublishSummary

ENV_USER, ENV_PASSWORD, ENV_TOKEN = "KG_STORE_USER", "KG_STORE_PASSWORD", "KG_STORE_TOKEN"
NQUADS = "application/n-quads"
RETRY_STATUS = (500, 502, 503, 504)


@dataclass(frozen=True)
class Server:
    """Where a kind of server keeps its Graph Store endpoint, relative to its root URL."""

    gsp: str
    bulk: str | None  # accepts one N-Quads POST holding every graph
    content_type: str = "application/n-triples"  # what a PUT body is declared as
    digest: bool = False  # user/password go as HTTP Digest rather than Basic


SERVERS: dict[str, Server] = {
    "oxigraph": Server("/store", "/store"),
    "fuseki": Server("/{dataset}/data", "/{dataset}"),
    "graphdb": Server("/repositories/{dataset}/rdf-graphs/service", "/repositories/{dataset}/statements"),
    # Virtuoso's authenticated endpoint wants Digest; N-Triples bodies are valid Turtle.
    "virtuoso": Server("/sparql-graph-crud-auth", None, "text/turtle", digest=True),
    "generic": Server("", None),
}


def check_endpoint(url: str) -> None:
    """An http(s) URL without credentials (they belong in the environment, never on a command line)."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise InputError.about("{endpoint} must not contain credentials; set {user}/{password} or {token} in the "
                               "environment instead", user=ENV_USER, password=ENV_PASSWORD, token=ENV_TOKEN)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError.about("{endpoint} must be an http:// or https:// URL, got {url!r}", url=url)


def root_of(endpoint: str, path: str) -> str | None:
    """The root URL when `endpoint` is already the Graph Store URL (root + `path`, e.g. `…/store`);
    None when it is not."""
    e, p = endpoint.rstrip("/"), "/" + path.strip("/")
    root = e[: -len(p)] if p != "/" and e.endswith(p) else ""
    return root if root and urlsplit(root).hostname else None


@dataclass(frozen=True)
class Target:
    """A server: its root URL, its kind, and (Fuseki, GraphDB) the dataset or repository name."""

    endpoint: str
    server: str = "oxigraph"
    dataset: str | None = None
    gsp_path: str | None = None

    def __post_init__(self) -> None:
        check_endpoint(self.endpoint)
        if self.server not in SERVERS:
            raise InputError.about("unknown {server} {kind!r}; one of: {kinds}", kind=self.server,
                                   kinds=", ".join(SERVERS))
        if self.server == "generic" and not self.gsp_path:
            raise InputError.about("{server} generic needs {gsp_path} (the Graph Store endpoint path, e.g. /store)")
        if "{dataset}" in self.path_template and not self.dataset:
            raise InputError.about("{server} {kind} needs {dataset} (the dataset or repository name)",
                                   kind=self.server)
        root = root_of(self.endpoint, self.path_template.format(dataset=self.dataset or ""))
        if root is not None:  # the Graph Store URL itself, as servers' docs show it: its root is meant
            object.__setattr__(self, "endpoint", root)

    @property
    def kind(self) -> Server:
        return SERVERS[self.server]

    @property
    def path_template(self) -> str:
        return self.gsp_path or self.kind.gsp

    def url(self, template: str) -> str:
        path = template.format(dataset=self.dataset or "")
        return self.endpoint.rstrip("/") + "/" + path.lstrip("/")

    @property
    def gsp_url(self) -> str:
        return self.url(self.path_template)

    @property
    def bulk_url(self) -> str | None:
        return self.url(self.kind.bulk) if self.kind.bulk is not None else None


class BearerAuth(AuthBase):
    """`Authorization: Bearer <token>`; repr never shows the token."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self._token}"
        return r

    def __repr__(self) -> str:
        return "BearerAuth(***)"


def auth_from_env(environ: Mapping[str, str] | None = None, *, digest: bool = False) -> AuthBase | None:
    """Credentials from KG_STORE_TOKEN (Bearer) or KG_STORE_USER + KG_STORE_PASSWORD (Basic/Digest)."""
    env = os.environ if environ is None else environ
    user, password, token = env.get(ENV_USER), env.get(ENV_PASSWORD), env.get(ENV_TOKEN)
    if token and (user or password):
        raise InputError(f"set either {ENV_TOKEN} or {ENV_USER}/{ENV_PASSWORD}, not both")
    if token:
        return BearerAuth(token)
    if user or password:
        if not (user and password):
            raise InputError(f"{ENV_USER} and {ENV_PASSWORD} must be set together")
        return HTTPDigestAuth(user, password) if digest else HTTPBasicAuth(user, password)
    return None


def session(*, retries: int = 5, backoff: float = 0.5, auth: AuthBase | None = None) -> requests.Session:
    """A session that retries connection errors and 5xx answers with exponential backoff."""
    retry = Retry(total=retries, connect=retries, read=retries, status=retries, other=0,
                  status_forcelist=RETRY_STATUS, backoff_factor=backoff, raise_on_status=False,
                  allowed_methods=frozenset({"GET", "HEAD", "PUT", "POST", "DELETE"}))
    s = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    s.auth = auth
    s.trust_env = False  # no ~/.netrc credentials sneaking in (this also ignores proxy variables)
    s.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE") or True
    return s


def _secrets(auth: object) -> list[str]:
    """What must not appear in an error message: the token or password of a session's auth."""
    if isinstance(auth, BearerAuth):
        return [auth._token]
    if isinstance(auth, HTTPBasicAuth | HTTPDigestAuth):
        password = auth.password
        text = password.decode("utf-8", "replace") if isinstance(password, bytes) else password
        return [text] if text else []
    return []


_REASONS = (("Connection refused", "connection refused"), ("timed out", "timed out"),
            ("Failed to resolve", "unknown host"), ("Name or service not known", "unknown host"),
            ("RemoteDisconnected", "the server closed the connection"),
            ("Connection reset", "the server closed the connection"),
            ("Connection aborted", "the server closed the connection"))


def failure_reason(e: requests.RequestException) -> str:
    """A short reason for a failed request, without urllib3's nested reprs."""
    text = str(e)
    return next((reason for needle, reason in _REASONS if needle in text), "connection failed")


def _parse_rdf(body: bytes, content_type: str) -> set[ox.Triple]:
    fmt = ox.RdfFormat.from_media_type(content_type) if content_type else None
    try:
        return {q.triple for q in ox.parse(body, fmt or ox.RdfFormat.N_TRIPLES)}
    except (SyntaxError, ValueError) as e:
        raise NetworkError(f"the server answered with RDF medkg cannot read ({content_type or 'no type'}): {e}") \
            from None


class GraphStore:
    """A Graph Store Protocol endpoint (a kg.stores.sync.Store): GET, PUT, DELETE and bulk POST of named graphs."""

    def __init__(self, target: Target, *, auth: AuthBase | None = None, timeout: float = 30.0,
                 retries: int = 5, backoff: float = 0.5) -> None:
        self.target = target
        self.timeout = (min(timeout, 10.0), timeout)  # connect, read
        self.http = session(retries=retries, backoff=backoff, auth=auth)

    def close(self) -> None:
        self.http.close()

    def _request(self, method: str, url: str, what: str, *, params: dict[str, str] | None = None,
                 data: bytes | mmap.mmap | None = None, headers: dict[str, str] | None = None) -> requests.Response:
        try:
            response = self.http.request(method, url, timeout=self.timeout, params=params, data=data, headers=headers)
        except requests.RequestException as e:
            raise NetworkError(f"{what}: cannot reach {self.target.endpoint}: {failure_reason(e)}") from None
        if response.status_code == 404 and method in ("GET", "DELETE"):
            return response
        if response.status_code in (401, 403):
            raise NetworkError(f"{what}: {self.target.endpoint} refused the credentials (HTTP "
                               f"{response.status_code}); check {ENV_USER}/{ENV_PASSWORD} or {ENV_TOKEN}")
        if response.status_code >= 400:
            detail = " ".join(response.text.split())[:200]
            for secret in _secrets(self.http.auth):
                detail = detail.replace(secret, "***")
            raise NetworkError(f"{what}: {self.target.endpoint} answered HTTP {response.status_code}"
                               + (f": {detail}" if detail else ""))
        return response

    def held(self, iri: str) -> set[ox.Triple]:
        """The triples the server holds in a graph (none when it does not know the graph)."""
        r = self._request("GET", self.target.gsp_url, f"reading <{iri}>", params={"graph": iri},
                          headers={"Accept": "application/n-triples, text/turtle;q=0.9"})
        if r.status_code == 404:
            return set()
        return _parse_rdf(r.content, r.headers.get("Content-Type", "").split(";")[0].strip())

    def replace(self, graph: NamedGraph) -> None:
        """Replace the server's copy of one graph with a PUT (idempotent)."""
        self._request("PUT", self.target.gsp_url, f"publishing <{graph.iri}>", params={"graph": graph.iri},
                      data=graph.ntriples(), headers={"Content-Type": self.target.kind.content_type})

    def drop(self, iri: str) -> None:
        """Drop a graph the build no longer has with a DELETE (already gone is fine)."""
        self._request("DELETE", self.target.gsp_url, f"dropping <{iri}>", params={"graph": iri})

    def post_quads(self, graphs: list[NamedGraph], body: bytes | mmap.mmap) -> None:
        """Add every graph in one N-Quads request (for first loads into an empty store)."""
        self.post_nquads(body, f"bulk load of {len(graphs)} graphs")

    def post_nquads(self, body: bytes | mmap.mmap, what: str) -> None:
        url = self.target.bulk_url
        if url is None:
            raise InputError.about("{bulk} is not available for {server} {kind}; publish without {bulk}",
                                   kind=self.target.server)
        self._request("POST", url, what, data=body, headers={"Content-Type": NQUADS})


def publish_exports(store: GraphStore, corpus: Path, others: Iterable[NamedGraph]) -> tuple[int, PublishSummary]:
    """Bulk-load a build's kg.nq as written (memory-mapped, never read whole into memory), then PUT
    the graphs kg.nq does not hold (shapes, description): a CI job publishes the artefact it built.
    Returns the number of quads posted and the graphs PUT."""
    try:
        with open(corpus, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as body:
            store.post_nquads(body, f"bulk load of {corpus}")
            quads = sum(body[i:i + (1 << 24)].count(b"\n") for i in range(0, len(body), 1 << 24))
    except OSError as e:
        raise InputError(f"{corpus}: cannot read the build's N-Quads: {e.strerror or e}") from None
    summary = PublishSummary()
    for g in others:
        store.replace(g)
        summary.published[g.iri] = len(g)
    return quads, summary


def publish_bulk(store: GraphStore, graphs: Iterable[NamedGraph]) -> PublishSummary:
    """One N-Quads POST with every graph: fast for a first load; it adds, it does not replace."""
    graphs = list(graphs)
    store.post_quads(graphs, b"".join(nquads(g.iri, g.triples) for g in graphs))
    return PublishSummary({g.iri: len(g) for g in graphs})
