"""[seo2] `kg preview SLUG`: what each search feature can use from the page, rendered by headless
Chromium (DOM read back, and a screenshot)."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

from browser import dump_dom, screenshot, serve
from click.testing import Result
from conftest import CASES


def _png_size(png: Path) -> tuple[int, int]:
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_preview_shows_what_each_feature_uses_and_what_is_missing(
    kg: Callable[..., Result], data: Path, tmp_path: Path
) -> None:
    site = tmp_path / "preview"
    site.mkdir()
    assert kg("preview", "mesotherapy", "--data", CASES / "publisher", "--out", site / "full.html").exit_code == 0
    assert kg("preview", "mesotherapy", "--data", data, "--out", site / "bare.html").exit_code == 0
    with serve(site) as base:
        full, bare = dump_dom(base + "full.html"), dump_dom(base + "bare.html")
        screenshot(base + "full.html", tmp_path / "full.png")
        screenshot(base + "bare.html", tmp_path / "bare.png")
    for section in ("search-result", "article", "breadcrumb", "publisher", "medical-review"):
        assert f'id="{section}"' in full and f'id="{section}"' in bare
    assert full.count("Nothing missing for this feature.") == 5
    assert "Home \u203a News \u203a Health Queries Answered" in full and "Dr Sam Example" in full
    assert "1200\u00d7800 px" in full
    assert "no breadcrumb published" in bare and "(no page URL)" in bare
    assert "add `url:` to each `page.breadcrumb` entry" in bare  # what to add, from the build's findings
    assert _png_size(tmp_path / "full.png") == (1000, 1500) and (tmp_path / "bare.png").stat().st_size > 20_000


def test_preview_unknown_slug_is_bad_input(kg: Callable[..., Result], data: Path) -> None:
    result = kg("preview", "nope", "--data", data)
    assert result.exit_code == 2 and "no article with slug 'nope'" in result.stderr
