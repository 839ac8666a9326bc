"""Attacks from the network side (issue [hardening] 4, 9, 10): servers that drip their answers,
queries that call out, pages that lead into the local network. Every server is on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from scripted import Handler, Seen, serving

from kg.audit import fetch

# --- deadlines -----------------------------------------------------------------------------------


def _timed(run: Callable[[], Result]) -> tuple[Result, float]:
    started = time.monotonic()
    result = run()
    return result, time.monotonic() - started


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_audit_of_a_dripping_server_ends_at_its_deadline(kg: Callable[..., Result], headers_too: bool) -> None:
    with serving(lambda h, seen: h.drip(headers_too=headers_too)) as server:
        result, took = _timed(lambda: kg("audit", "--allow-private", f"{server.url}/page.html", "--timeout", "2"))
    assert result.exit_code == 3
    assert "no answer within 2 s" in result.stderr
    assert took < 3.5, took


@pytest.mark.parametrize("command", ["dry-run", "publish", "query"])
def test_store_commands_against_a_dripping_server_end_at_their_deadline(
    kg: Callable[..., Result], data: Path, command: str
) -> None:
    def script(h: Handler, seen: Seen) -> None:
        h.drip(content_type="application/n-triples")

    with serving(script) as server:
        if command == "query":
            run = lambda: kg("query", "ASK {}", "--endpoint", f"{server.url}/query", "--timeout", "2")  # noqa: E731
        else:
            extra = ("--dry-run",) if command == "dry-run" else ()
            run = lambda: kg("publish", "--endpoint", server.url, "--data", data, "--timeout", "2", *extra)  # noqa: E731
        result, took = _timed(run)
    assert result.exit_code == 3, result.output
    assert "no complete answer within 2 s" in result.stderr
    assert took < 2 + 3.0, took  # validating the facts takes a moment too


def test_retry_after_cannot_stretch_the_deadline(kg: Callable[..., Result], data: Path) -> None:
    with serving(lambda h, seen: h.reply(503, headers={"Retry-After": "3600"})) as server:
        result, took = _timed(
            lambda: kg("publish", "--endpoint", server.url, "--data", data, "--timeout", "2", "--retries", "5")
        )
    assert result.exit_code == 3
    assert took < 2 + 3.0, took


# --- kg query: no network from the local store -----------------------------------------------------


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    import shutil

    from click.testing import CliRunner
    from conftest import CASES

    from kg.cli.main import main

    root = tmp_path_factory.mktemp("store")
    shutil.copytree(CASES / "site", root / "data")
    result = CliRunner().invoke(main, ["load", "--data", str(root / "data"), "--store", str(root / "a/b/c")])
    assert result.exit_code == 0, result.output  # a store folder whose parents do not exist yet
    yield root / "a/b/c"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "select * {{ service silent <{url}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * {{ BIND(<{url}/sparql> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "ASK {{ ?s ?p ?o FILTER(?o < 1 && ?o > 0) SERVICE<{url}/sparql>{{}} }}",
    ],
)
def test_a_query_on_the_local_store_never_calls_out(
    kg: Callable[..., Result], loaded: Path, tmp_path: Path, query: str
) -> None:
    with serving(lambda h, seen: h.reply(200, b"{}", "application/sparql-results+json")) as server:
        text = query.format(url=server.url)
        (tmp_path / "shared.rq").write_text(text, encoding="utf-8")
        for argument in (text, f"@{tmp_path / 'shared.rq'}"):
            result = kg("query", argument, "--store", loaded)
            assert result.exit_code == 2, result.output
            assert "queries on the local store run without network access, so SERVICE is refused" in result.stderr
    assert server.seen == []


def test_the_word_service_elsewhere_is_fine(kg: Callable[..., Result], loaded: Path) -> None:
    query = (
        "PREFIX service: <http://example.org/service#>\n"
        'SELECT ?service { ?service ?p "SERVICE <http://x>" . # SERVICE <http://y>\n'
        "  OPTIONAL { ?service service:SERVICE <http://example.org/SERVICE> } }"
    )
    result = kg("query", query, "--store", loaded)
    assert result.exit_code == 0, result.output


# --- kg audit: nowhere near the local network --------------------------------------------------------

PAGE = b'<html><script type="application/ld+json">{"@context": "https://schema.org", "@type": "Thing"}</script></html>'


def test_audit_refuses_loopback_and_the_metadata_service(kg: Callable[..., Result]) -> None:
    with serving(lambda h, seen: h.reply(200, PAGE, "text/html")) as server:
        port = server.server_address[1]
        for url, kind in (
            (f"{server.url}/page.html", "127.0.0.1, a loopback address"),
            (f"http://localhost:{port}/page.html", "localhost (127.0.0.1), a loopback address"),
            ("http://169.254.169.254/latest/meta-data/", "169.254.169.254, a link-local address"),
            ("http://[::ffff:10.0.0.1]/", "a private address"),
        ):
            result, took = _timed(lambda url=url: kg("audit", url))  # type: ignore[misc]
            assert result.exit_code == 2, result.output
            assert kind in result.stderr and "pass --allow-private" in result.stderr
            assert took < 1.5
        assert server.seen == []
        assert kg("audit", "--allow-private", f"{server.url}/page.html").exit_code == 0


@pytest.fixture
def loopback_counts_as_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test server stands for a public site; every other non-public address stays refused."""
    real = fetch.address_kind
    monkeypatch.setattr(fetch, "address_kind", lambda ip: None if ip == "127.0.0.1" else real(ip))


@pytest.mark.usefixtures("loopback_counts_as_public")
@pytest.mark.parametrize(
    ("location", "says"),
    [
        ("http://169.254.169.254/latest/meta-data/iam/", "at 169.254.169.254, a link-local address"),
        ("http://10.0.0.7/admin", "at 10.0.0.7, a private address"),
        ("http://[::1]:8080/", "at ::1, a loopback address"),
        ("file:///etc/passwd", "not an http(s) URL"),
    ],
)
def test_audit_does_not_follow_a_redirect_into_the_local_network(
    kg: Callable[..., Result], location: str, says: str
) -> None:
    with serving(lambda h, seen: h.reply(302, headers={"Location": location})) as server:
        result, took = _timed(lambda: kg("audit", f"{server.url}/page.html"))
    assert result.exit_code == 3, result.output
    assert f"redirected to {location}" in result.stderr and says in result.stderr
    assert took < 1.5


def test_audit_judges_the_address_it_reached_not_only_the_name(
    kg: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that resolves to a public address when checked and to a private one when connecting
    (DNS rebinding) is caught at the connection, before a byte is sent."""
    monkeypatch.setattr(fetch, "_vet_name", lambda url, check: None)
    with serving(lambda h, seen: h.reply(200, PAGE, "text/html")) as server:
        result = kg("audit", f"{server.url}/page.html")
    assert result.exit_code == 2 and "a loopback address" in result.stderr
    assert server.seen == []


@pytest.mark.parametrize(
    ("ip", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("64:ff9b::a9fe:a9fe", "link-local"),
        ("2002:a9fe:a9fe::", "link-local"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("fc00::1", "private"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "non-public"),
        ("8.8.8.8", None),
        ("2606:4700::1111", None),
        ("::ffff:8.8.8.8", None),
    ],
)
def test_address_kinds(ip: str, kind: str | None) -> None:
    assert fetch.address_kind(ip) == kind
