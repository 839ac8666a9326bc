"""kg build: the exports on disk, staleness check, determinism, atomic writes, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import REPO, snapshot

import kg.core.fsio
from kg.core.errors import OutputError
from kg.core.fsio import MARKER
from kg.core.options import RunOptions
from kg.flow.build import build
from kg.flow.bundled import bundled_files

EXPORTS = {
    "kg.nq",
    "mesotherapy.html",
    "mesotherapy.jsonld",
    "mesotherapy.ttl",
    "void.ttl",
    "ontology/medkg.ttl",
    "shapes/medkg.ttl",
    "shapes/schemaorg.ttl",
    "shapes/google/2026-11.ttl",
    "shapes/google/2026-12.ttl",
}


def test_build_writes_every_export_and_a_summary(kg: Callable[..., Result], data: Path, tmp_path: Path) -> None:
    result = kg("build", "--data", data, "--out", tmp_path / "exports")
    assert result.exit_code == 0, result.stderr
    assert set(snapshot(tmp_path / "exports")) == EXPORTS | {MARKER}
    assert "1 article, " in result.stderr and " triples, 0 violations, " in result.stderr
    assert f"{len(EXPORTS)} files written to {tmp_path / 'exports'}/" in result.stderr


def test_committed_exports_are_current(kg: Callable[..., Result]) -> None:
    result = kg("build", "--data", REPO / "data", "--out", REPO / "exports", "--check")
    assert result.exit_code == 0, result.stderr
    articles = len(list((REPO / "data/articles").glob("*.yaml")))
    files = 2 + len(bundled_files()) + 3 * articles  # kg.nq, void.ttl, the ontology and shapes; 3 per article
    assert f"is up to date ({files} files)" in result.stderr


def test_check_reports_stale_files_and_writes_nothing(kg: Callable[..., Result], data: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    kg("build", "--data", data, "--out", out)
    (out / "mesotherapy.ttl").write_text("stale", encoding="utf-8")
    (out / "old.jsonld").write_text("{}", encoding="utf-8")
    (out / "kg.nq").unlink()
    before = snapshot(out)
    result = kg("build", "--data", data, "--out", out, "--check")
    assert result.exit_code == 1
    assert f"changed: {out / 'mesotherapy.ttl'}" in result.stderr
    assert f"missing: {out / 'kg.nq'}" in result.stderr
    assert f"not built: {out / 'old.jsonld'}" in result.stderr
    assert snapshot(out) == before


def test_violations_write_nothing_and_exit_1(kg: Callable[..., Result], data: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    kg("build", "--data", data, "--out", out)
    before = snapshot(out)
    article = data / "articles/mesotherapy.yaml"
    text = article.read_text(encoding="utf-8")
    clash = text.replace("    - condition: Pregnancy\n", "    - condition: Pregnancy\n    - condition: Cellulite\n", 1)
    article.write_text(clash, encoding="utf-8")
    result = kg("build", "--data", data, "--out", out)
    assert result.exit_code == 1, result.stderr
    assert "violation" in result.stderr and "nothing was written" in result.stderr
    assert snapshot(out) == before


def test_one_failing_article_keeps_its_last_good_exports_and_the_others_are_written(
    kg: Callable[..., Result], data: Path, tmp_path: Path
) -> None:
    """Per-article isolation: exit 1 naming the failing article; its files and its graph in kg.nq are
    the last good ones; every other article is written; a new failing article gets no exports."""
    out = tmp_path / "exports"
    sample = data / "articles/mesotherapy.yaml"
    text = sample.read_text(encoding="utf-8")
    (data / "articles/second.yaml").write_text(text.replace("slug: mesotherapy", "slug: second"), encoding="utf-8")
    assert kg("build", "--data", data, "--out", out).exit_code == 0
    before = snapshot(out)
    clash = text.replace("    - condition: Pregnancy\n", "    - condition: Pregnancy\n    - condition: Cellulite\n", 1)
    sample.write_text(clash, encoding="utf-8")
    second = (data / "articles/second.yaml").read_text(encoding="utf-8")
    (data / "articles/second.yaml").write_text(
        second.replace("Recovery is usually quick.", "Recovery is quick."), encoding="utf-8"
    )
    (data / "articles/third.yaml").write_text(clash.replace("slug: mesotherapy", "slug: third"), encoding="utf-8")
    result = kg("build", "--data", data, "--out", out, "--no-cache")
    assert result.exit_code == 1, result.stderr
    assert "not published (their last good exports are kept)" in result.stderr
    assert "articles/mesotherapy.yaml" in result.stderr and "articles/third.yaml" in result.stderr
    after = snapshot(out)
    for name in ("mesotherapy.jsonld", "mesotherapy.html", "mesotherapy.ttl"):
        assert after[name] == before[name]
    assert after["second.ttl"] != before["second.ttl"] and b"Recovery is quick." in after["second.ttl"]
    assert not any(name.startswith("third.") for name in after)
    quads = after["kg.nq"].decode()
    old = [q for q in before["kg.nq"].decode().splitlines() if q.endswith("/graph/mesotherapy> .")]
    assert old and all(q in quads for q in old) and "/graph/third>" not in quads
    assert b"graph/mesotherapy" in after["void.ttl"] and b"graph/third" not in after["void.ttl"]


def test_same_bytes_under_different_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        subprocess.run(
            [sys.executable, "-m", "kg", "build", "--data", str(REPO / "data"), "--out", str(out)],
            check=True,
            env=env,
            capture_output=True,
            cwd=tmp_path,
        )
        outputs.append(snapshot(out))
    assert outputs[0] == outputs[1]
    assert outputs[0] == snapshot(REPO / "exports")


def test_failure_mid_write_leaves_exports_untouched(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "exports"
    build(data, out, RunOptions())
    (out / "keep.txt").write_text("from the previous build", encoding="utf-8")
    before = snapshot(out)
    calls = []

    def failing_open(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(kg.core.fsio, "open", failing_open, raising=False)
    article = data / "articles/mesotherapy.yaml"  # changed facts, so files are written, not carried over
    article.write_text(article.read_text(encoding="utf-8").replace("Mesotherapy", "Meso therapy"), encoding="utf-8")
    with pytest.raises(OutputError, match="No space left on device"):
        build(data, out, RunOptions())
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "exports"]


def test_unwritable_output_exits_3(kg: Callable[..., Result], data: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    result = kg("build", "--data", data, "--out", tmp_path / "file" / "exports")
    assert result.exit_code == 3
    assert "error: " in result.stderr and "cannot create the export folder" in result.stderr


def test_missing_data_folder_exits_2(kg: Callable[..., Result], tmp_path: Path) -> None:
    result = kg("build", "--data", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "nowhere: no such data folder" in result.stderr


def test_unknown_option_is_a_usage_error(kg: Callable[..., Result]) -> None:
    assert kg("build", "--frobnicate").exit_code == 2


def test_unchanged_files_are_carried_over_by_hard_link(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    build(data, out, RunOptions())
    before = {p.name: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    article = data / "articles/mesotherapy.yaml"
    article.write_text(article.read_text(encoding="utf-8").replace("Mesotherapy", "Meso therapy"), encoding="utf-8")
    build(data, out, RunOptions())
    after = {p.name: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    assert set(after) == set(before)
    bundled = {"medkg.ttl", "schemaorg.ttl", "2026-11.ttl", "2026-12.ttl"}  # ontology and shapes: unchanged, reused
    assert all(after[n] != before[n] for n in after if n not in bundled)  # every other file changed
    assert all(after[n] == before[n] for n in bundled)
    build(data, out, RunOptions())
    again = {p.name: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    del again["kg.nq"], after["kg.nq"], again[MARKER], after[MARKER]  # streamed or marked: always written
    assert again == after  # nothing changed: every other file reused
