"""`kg audit` against pages served from 127.0.0.1: every page form, every network failure."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import Result
from conftest import REPO, JsonFinding, json_findings
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kg import __version__
from kg.audit.audit import read_document
from kg.audit.blocks import html_blocks, parse
from kg.audit.fetch import Page
from kg.check import conformance
from kg.export.serialize import script_safe


def script_json(document: object) -> str:
    """JSON-LD text as a page embeds it: inert inside <script>."""
    return script_safe(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False))


EXPORT = REPO / "exports/mesotherapy.jsonld"
SNIPPET = (REPO / "exports/mesotherapy.html").read_text(encoding="utf-8")
PAGE = "https://getlabtest.com/articles/mesotherapy"


def html(*blocks: str, head: str = "") -> bytes:
    scripts = "\n".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    return f"<!doctype html>\n<html><head><title>t</title>{head}\n{scripts}\n</head><body>x</body></html>\n".encode()


NESTED = json.dumps(
    [
        {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "@id": "#page",
            "name": "Nested",
            "about": {
                "@type": "MedicalTherapy",
                "name": "Mesotherapy",
                "adverseOutcome": [{"@type": "MedicalSignOrSymptom", "name": "Bruising"}],
            },
            "breadcrumb": {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": "/"},
                    {"@type": "ListItem", "position": 2, "name": "Nested"},
                ],
            },
        },
        {
            "@context": {"@vocab": "http://schema.org/"},
            "@graph": [{"@id": "https://example.org/org", "@type": "Organization", "name": "Org", "url": {"@id": "/"}}],
        },
    ]
)
MICRODATA = (
    b'<!doctype html><html><body><div itemscope itemtype="https://schema.org/MedicalWebPage">'
    b'<h1 itemprop="name">Microdata only</h1></div></body></html>'
)

ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/sample.html": (200, "text/html; charset=utf-8", html(SNIPPET.split(">", 1)[1].rsplit("</script>", 1)[0])),
    "/broken.html": (
        200,
        "text/html",
        html(
            '{"@context": "https://schema.org", "@type": "WebPage"}',
            '{"@context": "https://schema.org",\n  "name": "x",,\n}',
        ),
    ),
    "/entities.html": (
        200,
        "text/html",
        html(
            "{&quot;@context&quot;: &quot;https://schema.org&quot;, "
            "&quot;@type&quot;: &quot;MedicalTherapy&quot;, "
            "&quot;indication&quot;: &quot;Acne&quot;}"
        ),
    ),
    "/several.html": (
        200,
        "text/html",
        html(
            '{"@context": "https://schema.org", "@id": "https://example.org/t", "@type": "MedicalTherapy"}',
            '<!--\n{"@context": "https://schema.org", "@id": "https://example.org/t", "name": "Mesotherapy"}\n-->',
            '{"@context": "https://schema.org", "@id": "https://example.org/t", "drug": {"@id": "https://example.org/c",'
            ' "@type": "MedicalCondition", "name": "Acne"}}',
        ),
    ),
    "/nested.html": (200, "text/html", html(NESTED)),
    "/microdata.html": (200, "text/html", MICRODATA),
    "/image.png": (200, "image/png", b"\x89PNG"),
    "/big.html": (200, "text/html", html('{"name": "' + "x" * 5000 + '"}')),
}


class _Handler(BaseHTTPRequestHandler):
    agents: list[str] = []  # noqa: RUF012 - shared on purpose: the test reads what the server saw

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        _Handler.agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/slow.html":
            time.sleep(1.0)
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        if self.path == "/big-chunked.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(50):
                    self.wfile.write(b"<p>" + b"y" * 1000 + b"</p>\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up at its size cap, as it should
            return
        status, kind, body = ROUTES.get(self.path, (404, "text/html", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def findings(result: Result) -> list[JsonFinding]:
    return json_findings(result.stdout)


def test_sample_page_audits_clean_and_without_drift(server: str, kg: Callable[..., Result]) -> None:
    result = kg("audit", "--allow-private", f"{server}/sample.html", "--against", EXPORT, "--format", "json")
    assert result.exit_code == 0, result.output
    found = findings(result)
    assert not [f for f in found if f["severity"] == "violation" or f["family"] in ("drift", "schemaorg-vocab")]
    assert {f["file"] for f in found} == {f"{server}/sample.html"}
    # body areas with their indications; no half-made breadcrumb or image
    assert json.loads(result.stdout)["summary"]["triples"] == 185
    assert _Handler.agents[-1] == f"medkg/{__version__} (+audit)"


def test_broken_json_is_located_in_the_page(server: str, kg: Callable[..., Result]) -> None:
    result = kg("audit", "--allow-private", f"{server}/broken.html", "--format", "json", "--profile", "none")
    assert result.exit_code == 1
    (syntax,) = [f for f in findings(result) if f["rule"] == "audit:json-syntax"]
    assert (syntax["line"], syntax["column"], syntax["field"]) == (5, 15, "jsonld[2]")
    assert syntax["message"] == (
        "JSON-LD block 2 is not valid JSON: Expecting property name enclosed in double quotes"
        " (line 5, column 15 of the page); nothing in this block can be read."
    )
    assert json.loads(result.stdout)["summary"]["triples"] == 1  # block 1 was still read


def test_html_encoded_json_is_decoded_and_audited(server: str, kg: Callable[..., Result]) -> None:
    result = kg("audit", "--allow-private", f"{server}/entities.html", "--format", "json", "--profile", "none")
    assert result.exit_code == 1
    assert [f["rule"] for f in findings(result)] == ["audit:html-encoded", "schemaorg:unknown-property"]


def test_several_blocks_merge_into_one_graph(server: str, kg: Callable[..., Result]) -> None:
    result = kg("audit", "--allow-private", f"{server}/several.html", "--format", "json", "--profile", "none")
    found = {f["rule"]: f for f in findings(result)}
    assert sorted(found) == ["audit:wrapper", "schemaorg:range"]
    assert found["audit:wrapper"]["field"] == "jsonld[2]"
    rng = found["schemaorg:range"]
    assert rng["message"].startswith("The value of schema:drug is a MedicalCondition")  # type from block 1
    assert (rng["line"], rng["column"]) == (3, 71)  # the therapy's "@id" in block 1


def test_graph_nested_and_array_forms(server: str, kg: Callable[..., Result]) -> None:
    result = kg("audit", "--allow-private", f"{server}/nested.html", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["triples"] == 22
    rules = {f["rule"] for f in findings(result)}
    assert "google-2026-12:BreadcrumbItem-item" not in rules  # the last item may omit it; the first has "/"
    assert "google-2026-12:Organization-logo" in rules
    assert not [r for r in rules if ":Article-" in r]  # an NHS-style MedicalWebPage without Article: no Article rules


def test_microdata_only_page_says_no_jsonld(server: str, kg: Callable[..., Result]) -> None:
    result = kg("audit", "--allow-private", f"{server}/microdata.html", "--format", "json")
    assert result.exit_code == 0
    (f,) = findings(result)
    assert (f["rule"], f["severity"]) == ("audit:no-jsonld", "warning")
    assert f["message"].startswith(
        "No JSON-LD found on the page; it has 1 microdata item (MedicalWebPage), checked here like JSON-LD"
    )


@pytest.mark.parametrize(
    ("path", "options", "code", "message"),
    [
        ("/missing.html", (), 3, "HTTP 404 Not Found"),
        ("/slow.html", ("--timeout", "0.2"), 3, "no answer within 0.2 s"),
        ("/big.html", ("--max-bytes", "1000"), 3, "over the 1,000-byte cap"),
        ("/big-chunked.html", ("--max-bytes", "1000"), 3, "over the 1,000-byte cap"),
        ("/loop", ("--max-redirects", "2"), 3, "more than 2 redirects"),
        ("/image.png", (), 2, "the server sent image/png, not an HTML page or JSON-LD"),
    ],
)
def test_fetch_failures(
    server: str, kg: Callable[..., Result], path: str, options: tuple[str, ...], code: int, message: str
) -> None:
    started = time.monotonic()
    result = kg("audit", "--allow-private", f"{server}{path}", *options)
    assert result.exit_code == code and result.stdout == ""
    assert result.stderr.startswith(f"error: {server}{path}: ") and message in result.stderr
    assert time.monotonic() - started < 2.0


def test_drift_in_plain_language(tmp_path: Path, kg: Callable[..., Result]) -> None:
    doc = json.loads(EXPORT.read_text(encoding="utf-8"))
    therapy = next(n for n in doc["@graph"] if n["@id"].endswith("/treatment/mesotherapy"))
    therapy["alternateName"] = "Mesotherapie"
    answer = (
        next(n["@id"] for n in doc["@graph"] if n.get("@type") == "Question" and n.get("position") == 5) + "-answer"
    )  # the fifth FAQ entry's answer (FAQ IRIs are keyed by the question's text)
    doc["@graph"] = [n for n in doc["@graph"] if n["@id"] != answer]
    page = tmp_path / "page.html"
    page.write_text(
        f'<html><head><script type="application/ld+json">{script_json(doc)}</script></head></html>', encoding="utf-8"
    )
    result = kg("audit", page, "--against", EXPORT, "--format", "json", "--profile", "none")
    assert result.exit_code == 1
    drift = {f["rule"]: f for f in findings(result) if f["family"] == "drift"}
    assert sorted(drift) == ["drift:only-in-export", "drift:only-on-page"]
    assert drift["drift:only-on-page"]["message"] == (
        f"MedicalTherapy 'Mesotherapy' <https://getlabtest.com/id/treatment/mesotherapy>: 1 statement on the page but "
        f"not in {EXPORT}: alternateName 'Mesotherapie'."
    )
    gone = drift["drift:only-in-export"]
    assert gone["file"] == str(EXPORT) and gone["message"].startswith(
        f"Answer <{answer}>: 2 statements in the export but not on {page}: text "
    )
    assert EXPORT.read_text(encoding="utf-8").splitlines()[gone["line"] - 1].strip() == (f'"@id": "{answer}",')


def test_local_files_and_bad_sources(tmp_path: Path, kg: Callable[..., Result]) -> None:
    assert kg("audit", EXPORT, "--profile", "none").exit_code == 0
    missing = kg("audit", tmp_path / "nope.html")
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    ftp = kg("audit", "ftp://example.org/page.html")
    assert ftp.exit_code == 2 and "only http(s) URLs and local files can be audited" in ftp.stderr


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)
def test_every_json_value_survives_embedding_and_extraction(value: object) -> None:
    """The extractor reads back exactly what the snippet writer embeds, whatever the text (a bare
    null is reported instead: it is no JSON-LD)."""
    assume(value is not None)
    page = f'<html><body><p>before</p><script type="application/ld+json">{script_json(value)}</script></body></html>'
    (block,) = html_blocks(page)
    parse(block)
    assert block.problems == [] and block.value == value


@given(st.text())
def test_extraction_never_crashes_on_arbitrary_script_text(text: str) -> None:
    for block in html_blocks(f'<script type="application/ld+json">{text}</script><p>after</p>'):
        parse(block)
        assert block.value is not None or block.problems


_KEYS = st.sampled_from(
    [
        "@context",
        "@id",
        "@type",
        "@graph",
        "@value",
        "@language",
        "@list",
        "@reverse",
        "@vocab",
        "name",
        "url",
        "author",
        "datePublished",
        "itemListElement",
        "position",
        "image",
        "width",
        "indication",
        "https://schema.org/name",
        "schema:about",
    ]
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.sampled_from(
        [
            "https://schema.org",
            "http://schema.org/",
            "MedicalTherapy",
            "Person",
            "_:b0",
            "#frag",
            "",
            "2026-01-05",
            "https://schema.org/Patient",
            "not a lang!",
            "ht tp://x y",
        ]
    )
    | st.text(max_size=8)
)


_VALUES = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=15
)
_CONTEXTS = st.sampled_from(["https://schema.org", "http://schema.org/", {"@vocab": "https://schema.org/"}])
JSONLD = _VALUES | st.builds(
    lambda context, body: {**body, "@context": context}, _CONTEXTS, st.dictionaries(_KEYS, _VALUES, max_size=5)
)


@settings(max_examples=60)
@given(JSONLD)
def test_any_json_ld_is_audited_without_a_traceback(value: object) -> None:
    """Real JSON-LD written by others: whatever the shape, findings come back, never an exception."""
    page = Page(
        "https://example.org/page.html",
        f'<script type="application/ld+json">{script_json(value)}</script>',
        "text/html",
    )
    document = read_document("page.html", page)
    conformance.check(document.graph, document.locator())
