"""The HTML snippet proven in a real browser (headless Chromium) and by an independent extractor.

A page served from 127.0.0.1 embeds exports/<slug>.html of the sample and of a build whose every
text field is hostile; the page's own script runs JSON.parse on each JSON-LD script's text and
writes JSON.stringify of the results into a <pre>, which must equal the .jsonld files. extruct
(lxml-based) extracts the same blocks, and their graphs must be isomorphic to the exports'.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import extruct
import pytest
from browser import dump_dom, serve
from conftest import REPO
from rdflib.compare import isomorphic
from test_hostile import PIECES, _write_corpus

from kg.core.findings import Severity
from kg.core.options import RunOptions
from kg.export import jsonld
from kg.flow.build import build

READER = """<script>
  const found = [...document.querySelectorAll('script[type="application/ld+json"]')];
  let out;
  try {
    out = {ok: true, scripts: document.scripts.length, values: found.map((s) => JSON.parse(s.textContent))};
  } catch (e) {
    out = {ok: false, error: String(e)};
  }
  document.getElementById("out").textContent = JSON.stringify(out);
</script>"""
# every hostile piece in every text field, together with the worst of the others
HOSTILE = [f"{p}</script><!--]]>\u2028\u2029\"'\u202eRTL\u202c\u05e9\u05dc\u05d5\u05dd😀👩‍⚕️{p}" for p in PIECES]


def _page(snippets: list[str]) -> str:
    body = "\n".join(f"<section>{s}</section>" for s in snippets)
    return (
        f'<!doctype html>\n<html><head><meta charset="utf-8"><title>medkg snippet</title></head>\n<body>\n{body}\n'
        f'<pre id="out"></pre>\n{READER}\n</body></html>\n'
    )


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict[str, Any]]]:
    """(snippet, JSON-LD document) of the sample's committed exports and of a hostile build."""
    sample = (
        (REPO / "exports/mesotherapy.html").read_text(encoding="utf-8"),
        json.loads((REPO / "exports/mesotherapy.jsonld").read_text(encoding="utf-8")),
    )
    root = tmp_path_factory.mktemp("hostile")
    done = build(_write_corpus(root, HOSTILE), root / "exports", RunOptions())  # the flow `kg build` runs
    assert done.result.count(Severity.VIOLATION) == 0
    files = {p.name: p.read_bytes() for p in (root / "exports").iterdir() if p.is_file()}
    hostile = (files["mesotherapy.html"].decode("utf-8"), json.loads(files["mesotherapy.jsonld"]))
    assert "</script>" in json.dumps(hostile[1], ensure_ascii=False)  # the hostile text really is there
    return [sample, hostile]


def test_chromium_parses_exactly_the_jsonld(exports: list[tuple[str, dict[str, Any]]], tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(_page([s for s, _ in exports]), encoding="utf-8")
    with serve(tmp_path) as base:
        dom = dump_dom(base + "index.html")
    m = re.search(r'<pre id="out">(.*?)</pre>', dom, re.DOTALL)
    assert m, dom[-2000:]
    out = json.loads(html.unescape(m.group(1)))
    assert out["ok"], out
    assert out["scripts"] == 3  # the two snippets and the reader: no text closed a script or opened a new one
    assert out["values"] == [doc for _, doc in exports]


def test_extruct_extracts_the_same_graphs(exports: list[tuple[str, dict[str, Any]]]) -> None:
    found = extruct.extract(_page([s for s, _ in exports]), syntaxes=["json-ld"], errors="strict")["json-ld"]
    assert len(found) == len(exports)
    for extracted, (_, doc) in zip(found, exports, strict=True):
        assert extracted == doc
        assert isomorphic(jsonld.to_graph(extracted), jsonld.to_graph(doc))
