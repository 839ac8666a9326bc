"""Attacks on the credentials (issue [hardening] 2, 7, 10): servers on 127.0.0.1 that echo them back
in every form, on every failure path; credentials HTTP cannot carry; redirects to another server."""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from click.testing import Result
from scripted import Handler, Seen, credential_forms, serving

from kg.stores.gsp import GraphStore, Target
from kg.stores.secrets import Redactor

USER = "lo ader+\u00fc@example"
PASSWORD = 'S3cr/et "pass"+w\u00f6rd<&>%41='
TOKEN = 'tok/en+3fa9"<&>%41=x'
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def forms_of(secret: str) -> set[str]:
    """Every way the tests look for a secret: as is, escaped for URLs, JSON and HTML, in Base64, and
    its first six characters (a secret cut in half by a truncated message still leaks its start)."""
    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        html.escape(secret),
        html.escape(secret, quote=False),
        base64.b64encode(secret.encode()).decode(),
        secret[:6],
    }
    return {f for f in forms if len(f) >= 4}


SECRET_FORMS = sorted(set().union(*(forms_of(s) for s in (USER, PASSWORD, TOKEN, BASIC))), key=len)


def assert_nothing_leaked(result: Result, root: Path) -> None:
    """No line of output and no file under `root` holds any form of any credential."""
    texts = {"stdout/stderr": result.stdout + result.stderr}
    texts |= {str(p): p.read_bytes().decode("utf-8", "replace") for p in root.rglob("*") if p.is_file()}
    for where, text in texts.items():
        for line in text.splitlines():
            leaked = [f for f in SECRET_FORMS if f in line]
            assert not leaked, f"{where}: {leaked} in {line!r}"


@pytest.fixture(params=["basic", "bearer"])
def credentials(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "basic":
        monkeypatch.setenv("KG_STORE_USER", USER)
        monkeypatch.setenv("KG_STORE_PASSWORD", PASSWORD)
    else:
        monkeypatch.setenv("KG_STORE_TOKEN", TOKEN)
    return str(request.param)


def echo(status: int, *, content_type: str = "text/plain") -> Callable[[Handler, Seen], None]:
    """Answer `status` with a body that echoes the credentials in every form, the first of them
    straddling the 200th character (where messages used to be cut before redaction)."""

    def script(h: Handler, seen: Seen) -> None:
        forms = credential_forms(seen.headers)
        h.reply(status, ("x" * 190 + " | ".join(forms)).encode(), content_type)

    return script


def _publish_put_fails(status: int) -> Callable[[Handler, Seen], None]:
    def script(h: Handler, seen: Seen) -> None:
        if seen.method == "GET":
            h.reply(404)
        else:
            echo(status)(h, seen)

    return script


def _bad_rdf(h: Handler, seen: Seen) -> None:
    forms = credential_forms(seen.headers)
    h.reply(200, ("<http://e/s> <http://e/p> " + " ".join(forms) + " .\n").encode(), "text/turtle")


def _odd_type(h: Handler, seen: Seen) -> None:
    h.reply(200, b"{}", "application/x-" + quote(credential_forms(seen.headers)[1], safe=""))


def _bad_results(h: Handler, seen: Seen) -> None:
    forms = credential_forms(seen.headers)
    h.reply(200, ('{"head": {"vars": ' + json.dumps(forms) + "}, ").encode(), "application/sparql-results+json")


def _elsewhere(h: Handler, seen: Seen) -> None:
    h.reply(307, headers={"Location": "http://127.0.0.2:9/store?t=" + quote(credential_forms(seen.headers)[1])})


PATHS = {  # failure path → (command, server script, exit code)
    "publish: PUT answered 400": ("publish", _publish_put_fails(400), 3),
    "publish: PUT answered 409": ("publish", _publish_put_fails(409), 3),
    "publish: PUT answered 500": ("publish", _publish_put_fails(500), 3),
    "publish: refused credentials": ("publish", echo(401), 3),
    "publish: redirected to another server": ("publish", _elsewhere, 3),
    "dry run: unreadable RDF": ("dry-run", _bad_rdf, 3),
    "dry run: answered 403": ("dry-run", echo(403), 3),
    "dry run: answered 502": ("dry-run", echo(502), 3),
    "query: rejected (400)": ("query", echo(400), 2),
    "query: answered 500": ("query", echo(500), 3),
    "query: odd content type": ("query", _odd_type, 3),
    "query: unreadable results": ("query", _bad_results, 3),
}


@pytest.mark.parametrize("path", PATHS)
def test_no_failure_path_prints_a_credential(
    kg: Callable[..., Result], data: Path, tmp_path: Path, credentials: str, path: str
) -> None:
    command, script, code = PATHS[path]
    with serving(script) as server:
        if command == "query":
            result = kg("query", "SELECT * { ?s ?p ?o }", "--endpoint", f"{server.url}/query", "--timeout", "5")
        else:
            extra = ("--dry-run",) if command == "dry-run" else ()
            result = kg("publish", "--endpoint", server.url, "--data", data, "--retries", "0", "--timeout", "5", *extra)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert server.seen and "Authorization" in server.seen[0].headers  # the credentials were sent, and echoed
    assert_nothing_leaked(result, tmp_path)


def test_a_cross_origin_redirect_is_refused_and_says_where(kg: Callable[..., Result], data: Path) -> None:
    with (
        serving(lambda h, seen: h.reply(204)) as other,
        serving(lambda h, seen: h.reply(307, headers={"Location": f"{other.url}/store?graph=x"})) as first,
    ):
        result = kg("publish", "--endpoint", first.url, "--data", data, "--retries", "0")
    assert result.exit_code == 3
    assert f"redirected to {other.url}/store?graph=x, another server" in result.stderr
    assert other.seen == []  # nothing, and no credentials, went to the server nobody named


def test_a_same_origin_redirect_is_followed_and_recorded(data: Path) -> None:
    def script(h: Handler, seen: Seen) -> None:
        if seen.path.startswith("/store"):
            h.reply(307, headers={"Location": seen.path.replace("/store", "/moved/store", 1)})
        else:
            h.reply(204)

    with serving(script) as server:
        store = GraphStore(Target(server.url), retries=0)
        from kg.export.dataset import NamedGraph

        store.replace(NamedGraph("https://example.org/graph/x", (), "article"))
        store.close()
    assert [(s.method, s.path.split("?")[0]) for s in server.seen] == [("PUT", "/store"), ("PUT", "/moved/store")]
    assert store.destinations == {f"{server.url}/moved/store"}


def test_publish_says_where_the_data_went(kg: Callable[..., Result], data: Path) -> None:
    """A Graph Store that moved (same origin, 307): the graphs follow, and the summary names where they are."""
    graphs: dict[str, bytes] = {}

    def script(h: Handler, seen: Seen) -> None:
        path, _, query = seen.path.partition("?")
        if path == "/store":
            h.reply(307, headers={"Location": f"/moved/store?{query}"})
        elif seen.method == "PUT":
            graphs[query] = seen.body
            h.reply(204)
        elif query in graphs:
            h.reply(200, graphs[query], "application/n-triples")
        else:
            h.reply(404)

    with serving(script) as server:
        result = kg("publish", "--endpoint", server.url, "--data", data, "--retries", "0")
    assert result.exit_code == 0, result.output
    assert f"published to {server.url}/moved/store in " in result.stderr
    assert {s.path.split("?")[0] for s in server.seen} == {"/store", "/moved/store"}


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("KG_STORE_TOKEN", TOKEN + "\r", "ends with a line break (CR or LF)"),
        ("KG_STORE_TOKEN", TOKEN + "\r\n", "ends with a line break (CR or LF)"),
        ("KG_STORE_TOKEN", "tok\x1ben", "contains a control character"),
        ("KG_STORE_TOKEN", "t\u00f6ken-" + TOKEN, "contains a space or a non-ASCII character"),
        ("KG_STORE_PASSWORD", PASSWORD + "\n", "ends with a line break (CR or LF)"),
        ("KG_STORE_USER", "lo:ader", "contains ':'"),
    ],
)
@pytest.mark.parametrize("command", ["publish", "query"])
def test_unusable_credentials_exit_2_without_showing_them(
    kg: Callable[..., Result],
    data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    says: str,
    command: str,
) -> None:
    if variable != "KG_STORE_TOKEN":
        monkeypatch.setenv("KG_STORE_USER", USER)
        monkeypatch.setenv("KG_STORE_PASSWORD", PASSWORD)
    monkeypatch.setenv(variable, value)
    with serving(lambda h, seen: h.reply(204)) as server:
        if command == "query":
            result = kg("query", "ASK {}", "--endpoint", f"{server.url}/query")
        else:
            result = kg("publish", "--endpoint", server.url, "--data", data)
    assert result.exit_code == 2, result.output
    assert f"error: {variable} {says}" in result.stderr and "(the value is not shown)" in result.stderr
    assert server.seen == []
    assert_nothing_leaked(result, tmp_path)


def test_non_latin1_credentials_go_as_utf8_basic(
    kg: Callable[..., Result], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_STORE_USER", "\u7528\u6237")
    monkeypatch.setenv("KG_STORE_PASSWORD", "\u5bc6\u7801-\u03c0")
    with serving(lambda h, seen: h.reply(204)) as server:
        result = kg("query", "ASK {}", "--endpoint", f"{server.url}/query")
    assert result.exit_code == 3  # an empty 204 is no result; what matters is the header that went out
    expected = base64.b64encode("\u7528\u6237:\u5bc6\u7801-\u03c0".encode()).decode()
    assert server.seen[0].headers["Authorization"] == f"Basic {expected}"


def test_digest_refuses_a_username_http_cannot_carry(
    kg: Callable[..., Result], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_STORE_USER", "\u7528\u6237")
    monkeypatch.setenv("KG_STORE_PASSWORD", PASSWORD)
    result = kg("publish", "--endpoint", "http://127.0.0.1:9", "--server", "virtuoso", "--data", data)
    assert result.exit_code == 2
    assert "KG_STORE_USER contains a character outside Latin-1, which HTTP Digest cannot send" in result.stderr


def test_redaction_happens_before_the_cut() -> None:
    redact = Redactor([PASSWORD])
    for pad in range(150, 200):
        shown = redact("x" * pad + PASSWORD + " and more", 200)
        assert PASSWORD[:4] not in shown and len(shown) <= 200
    assert Redactor(["ab"])("the server said ab") == (
        "(not shown: it could hold the credentials, which are too short to hide)"
    )
