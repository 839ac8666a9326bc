"""Publishing named graphs to a server over the SPARQL 1.1 Graph Store HTTP Protocol.

Each graph is PUT whole (PUT replaces, so a re-run after a failure simply completes the job and a
second run changes nothing). Requests go through one `requests.Session` whose adapter retries
connection errors and 5xx answers with exponential backoff (urllib3 `Retry`). Credentials come
from the environment only and never appear in a message: the URL may not carry them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox
import requests
from requests.auth import AuthBase

from kg.core.errors import InputError, NetworkError
from kg.core.http import RETRY_STATUS, DeadlineExceeded, Guard, GuardedSession, never_connected, same_origin
from kg.core.http import session as guarded_session
from kg.export.dataset import NamedGraph
from kg.export.serialize import nquads
from kg.stores.secrets import ENV_PASSWORD, ENV_TOKEN, ENV_USER, BearerAuth, Credentials, Redactor
from kg.stores.sync import PublishSummary

__all__ = ["ENV_PASSWORD", "ENV_TOKEN", "ENV_USER", "RETRY_STATUS", "BearerAuth", "GraphStore", "Target"]

NQUADS = "application/n-quads"
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
MAX_REDIRECTS = 5
CONNECT_CAP = 10.0  # seconds to connect; sending and the answer get the whole --timeout


@dataclass(frozen=True)
class Server:
    """Where a kind of server keeps its Graph Store endpoint, relative to its root URL."""

    gsp: str
    bulk: str | None  # accepts one N-Quads POST holding every graph
    update: str | None = None  # SPARQL 1.1 Update endpoint (chunked bulk loads drop graphs there)
    query: str | None = None  # SPARQL 1.1 Query endpoint (a bulk load counts its graphs back there)
    content_type: str = "application/n-triples"  # what a PUT body is declared as
    digest: bool = False  # user/password go as HTTP Digest rather than Basic


SERVERS: dict[str, Server] = {
    "oxigraph": Server("/store", "/store", "/update", "/query"),
    "fuseki": Server("/{dataset}/data", "/{dataset}", "/{dataset}/update", "/{dataset}/sparql"),
    "graphdb": Server(
        "/repositories/{dataset}/rdf-graphs/service",
        "/repositories/{dataset}/statements",
        "/repositories/{dataset}/statements",
        "/repositories/{dataset}",
    ),
    # Virtuoso's authenticated endpoint wants Digest; N-Triples bodies are valid Turtle.
    "virtuoso": Server("/sparql-graph-crud-auth", None, "text/turtle", digest=True),
    "generic": Server("", None),
}


def check_endpoint(url: str) -> None:
    """An http(s) URL without credentials (they belong in the environment, never on a command line)."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise InputError.about(
            "{endpoint} must not contain credentials; set {user}/{password} or {token} in the environment instead",
            user=ENV_USER,
            password=ENV_PASSWORD,
            token=ENV_TOKEN,
        )
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
            raise InputError.about(
                "unknown {server} {kind!r}; one of: {kinds}", kind=self.server, kinds=", ".join(SERVERS)
            )
        if self.server == "generic" and not self.gsp_path:
            raise InputError.about("{server} generic needs {gsp_path} (the Graph Store endpoint path, e.g. /store)")
        if "{dataset}" in self.path_template and not self.dataset:
            raise InputError.about("{server} {kind} needs {dataset} (the dataset or repository name)", kind=self.server)
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

    @property
    def update_url(self) -> str | None:
        return self.url(self.kind.update) if self.kind.update is not None else None

    @property
    def query_url(self) -> str | None:
        return self.url(self.kind.query) if self.kind.query is not None else None


def auth_from_env(environ: Mapping[str, str] | None = None, *, digest: bool = False) -> AuthBase | None:
    """Credentials from KG_STORE_TOKEN (Bearer) or KG_STORE_USER + KG_STORE_PASSWORD (Basic/Digest),
    checked before use (InputError, exit 2, naming the variable and never its value)."""
    credentials = Credentials.from_env(os.environ if environ is None else environ, digest=digest)
    return None if credentials is None else credentials.auth(digest=digest)


def session(*, retries: int = 5, backoff: float = 0.5, auth: AuthBase | None = None) -> GuardedSession:
    """A session that retries connection errors and 5xx answers with exponential backoff, each request
    within its deadline (kg.core.http), following no redirect by itself."""
    s = guarded_session(Guard(), retries=retries, backoff=backoff)
    s.auth = auth
    s.trust_env = False  # no ~/.netrc credentials sneaking in (this also ignores proxy variables)
    s.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE") or True
    return s


_REASONS = (
    ("Connection refused", "connection refused"),
    ("timed out", "timed out"),
    ("Failed to resolve", "unknown host"),
    ("Name or service not known", "unknown host"),
    ("RemoteDisconnected", "the server closed the connection"),
    ("Connection reset", "the server closed the connection"),
    ("Connection aborted", "the server closed the connection"),
)


def failure_reason(e: requests.RequestException) -> str:
    """A short reason for a failed request, without urllib3's nested reprs."""
    text = str(e)
    return next((reason for needle, reason in _REASONS if needle in text), "connection failed")


def send(
    http: GuardedSession,
    method: str,
    url: str,
    what: str,
    *,
    timeout: float,
    redact: Redactor,
    shown: str | None = None,
    **kwargs: object,
) -> requests.Response:
    """One request, answer read whole, within `timeout` seconds all told (retries, backoff and
    redirects included). Redirects are followed only within the same origin (scheme, host, port),
    and only where the method survives them (307/308; any for GET); a redirect elsewhere is refused,
    so data and credentials never go to a server nobody named. `response.url` is where it went.
    Messages name the server as `shown` (default: `url`)."""
    guard = http.guard
    name = shown or url
    seconds = max(timeout, 0.001)
    current, ends = url, time.monotonic() + seconds
    try:
        with guard.deadline(seconds):
            for _ in range(MAX_REDIRECTS + 1):
                response = http.request(method, current, timeout=(min(seconds, CONNECT_CAP), seconds), **kwargs)
                guard.check()  # a body cut short by the deadline is not an answer
                location = response.headers.get("Location") if response.is_redirect else None
                if location is None:
                    return response
                target = urljoin(current, location)
                if not same_origin(url, target):
                    raise NetworkError.about(
                        "{what}: {name} redirected to {target}, another server; medkg sends "
                        "data and credentials only where it was told to: if that server is "
                        "right, give it as {endpoint}",
                        what=what,
                        name=name,
                        target=redact(target, 200),
                    )
                if method != "GET" and response.status_code not in (307, 308):
                    raise NetworkError(
                        f"{what}: {name} answered HTTP {response.status_code} (a redirect that would "
                        f"turn {method} into GET) to {redact(target, 200)}; give that URL instead"
                    )
                current = target
            raise NetworkError(f"{what}: {name}: more than {MAX_REDIRECTS} redirects")
    except DeadlineExceeded:
        pass
    except requests.RequestException as e:
        if not guard.expired and time.monotonic() < ends:  # a socket's timeout may beat the guard's timer
            raise NetworkError(f"{what}: cannot reach {name}: {failure_reason(e)}") from None
    if never_connected(guard):
        raise NetworkError(
            f"{what}: cannot reach {name}: connection refused or unreachable (retried for {seconds:g} s)"
        )
    raise NetworkError.about(
        "{what}: {name}: no complete answer within {seconds:g} s (raise {timeout} if the server is just slow)",
        what=what,
        name=name,
        seconds=seconds,
    )


def _parse_rdf(body: bytes, content_type: str, redact: Redactor) -> set[ox.Triple]:
    fmt = ox.RdfFormat.from_media_type(content_type) if content_type else None
    try:
        return {q.triple for q in ox.parse(body, fmt or ox.RdfFormat.N_TRIPLES)}
    except (SyntaxError, ValueError) as e:
        raise NetworkError(
            f"the server answered with RDF medkg cannot read ({redact(content_type, 80) or 'no type'})"
            f": {redact(str(e), 300)}"
        ) from None


class GraphStore:
    """A Graph Store Protocol endpoint (a kg.stores.sync.Store): GET, PUT, DELETE and bulk POST of named graphs."""

    def __init__(
        self,
        target: Target,
        *,
        auth: AuthBase | None = None,
        timeout: float = 30.0,
        retries: int = 5,
        backoff: float = 0.5,
    ) -> None:
        self.target = target
        self.timeout = timeout  # seconds for each request, whole: retries and the answer included
        self.http = session(retries=retries, backoff=backoff, auth=auth)
        self.redact = Redactor.of(auth)
        self.destinations: set[str] = set()  # where data was sent (after same-origin redirects)

    def close(self) -> None:
        self.http.close()

    def _request(
        self,
        method: str,
        url: str,
        what: str,
        *,
        params: dict[str, str] | None = None,
        data: bytes | memoryview | BinaryIO | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        response = send(
            self.http,
            method,
            url,
            what,
            timeout=self.timeout,
            redact=self.redact,
            shown=self.target.endpoint,
            params=params,
            data=data,
            headers=headers,
        )
        if method != "GET":
            self.destinations.add(response.url.split("?", 1)[0])
        if response.status_code == 404 and method in ("GET", "DELETE"):
            return response
        if response.status_code in (401, 403):
            raise NetworkError(
                f"{what}: {self.target.endpoint} refused the credentials (HTTP "
                f"{response.status_code}); check {ENV_USER}/{ENV_PASSWORD} or {ENV_TOKEN}"
            )
        if response.status_code >= 400:
            detail = self.redact(response.text, 200)  # redacted whole, then cut: no secret straddles the cut
            raise NetworkError(
                f"{what}: {self.target.endpoint} answered HTTP {response.status_code}"
                + (f": {detail}" if detail else "")
            )
        return response

    def held(self, iri: str) -> set[ox.Triple]:
        """The triples the server holds in a graph (none when it does not know the graph)."""
        r = self._request(
            "GET",
            self.target.gsp_url,
            f"reading <{iri}>",
            params={"graph": iri},
            headers={"Accept": "application/n-triples, text/turtle;q=0.9"},
        )
        if r.status_code == 404:
            return set()
        return _parse_rdf(r.content, r.headers.get("Content-Type", "").split(";")[0].strip(), self.redact)

    def counts(self, iris: list[str], batch: int = 1000) -> dict[str, int]:
        """The triples the server holds in each of these graphs, by SPARQL queries of `batch` graphs
        each (10,000 graphs counted in about 7 s, where reading each back took minutes; each query
        stays small whatever the corpus size or what else the store holds)."""
        url = self.target.query_url
        if url is None:
            raise InputError.about("{server} {kind} has no known query endpoint", kind=self.target.server)
        held: dict[str, int] = {}
        for start in range(0, len(iris), batch):
            names = " ".join(str(ox.NamedNode(iri)) for iri in iris[start : start + batch])
            r = self._request(
                "POST",
                url,
                f"counting graphs {start + 1}-{min(start + batch, len(iris))} of {len(iris)}",
                data=COUNTS.format(names=names).encode(),
                headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
            )
            try:
                held.update({row["g"]["value"]: int(row["n"]["value"]) for row in r.json()["results"]["bindings"]})
            except (ValueError, KeyError, TypeError) as e:
                raise NetworkError(
                    f"counting graphs: {self.target.endpoint} answered what is not SPARQL JSON results: {e}"
                ) from None
        return held

    def replace(self, graph: NamedGraph) -> None:
        """Replace the server's copy of one graph with a PUT (idempotent)."""
        self.put(graph.iri, graph.ntriples(), self.target.kind.content_type)

    def put(self, iri: str, body: bytes | memoryview | BinaryIO, content_type: str) -> None:
        """PUT a graph's serialisation as is (replacing the graph); a file is sent in blocks from
        where it stands (rewound for a retry by urllib3, for a redirect by requests as it
        prepares the next request; tests/unit/test_put_file.py)."""
        self._request(
            "PUT",
            self.target.gsp_url,
            f"publishing <{iri}>",
            params={"graph": iri},
            data=body,
            headers={"Content-Type": content_type},
        )

    def drop(self, iri: str) -> None:
        """Drop a graph the build no longer has with a DELETE (already gone is fine)."""
        self._request("DELETE", self.target.gsp_url, f"dropping <{iri}>", params={"graph": iri})

    def post_quads(self, graphs: list[NamedGraph], body: bytes) -> None:
        """Add every graph in one N-Quads request (for first loads into an empty store)."""
        self.post_nquads(body, f"bulk load of {len(graphs)} graphs")

    def post_nquads(self, body: bytes | memoryview, what: str) -> None:
        url = self.target.bulk_url
        if url is None:
            raise InputError.about(
                "{bulk} is not available for {server} {kind}; publish without {bulk}", kind=self.target.server
            )
        self._request("POST", url, what, data=body, headers={"Content-Type": NQUADS})

    def drop_graphs(self, iris: Iterable[str], what: str) -> None:
        """Drop graphs (those absent are fine) in one SPARQL update: `DROP SILENT GRAPH` each."""
        url = self.target.update_url
        if url is None:
            raise InputError.about(
                "{bulk} is not available for {server} {kind}; publish without {bulk}", kind=self.target.server
            )
        update = " ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(iri)}" for iri in iris)
        self._request("POST", url, what, data=update.encode(), headers={"Content-Type": "application/sparql-update"})


def publish_bulk(store: GraphStore, graphs: Iterable[NamedGraph]) -> PublishSummary:
    """One N-Quads POST with every graph: fast for a first load; it adds, it does not replace."""
    graphs = list(graphs)
    store.post_quads(graphs, b"".join(nquads(g.iri, g.triples) for g in graphs))
    return PublishSummary({g.iri: len(g) for g in graphs})
