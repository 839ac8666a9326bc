"""Corpus builds at scale: parallel = serial bytes, shards partition the corpus, the cache is exact."""

from __future__ import annotations

import gc
import multiprocessing
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import snapshot

import kg.flow.corpus
from benchmarks.corpus import write as write_corpus
from kg.cli.main import GC_THRESHOLDS
from kg.core.fsio import MARKER
from kg.core.options import Engine, RunOptions
from kg.core.profiles import Profile
from kg.flow.article import Wants, process
from kg.flow.build import build
from kg.flow.bundled import bundled_files
from kg.flow.corpus import fingerprint


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"), 24, seed=5, violation_rate=0.0)


def test_parallel_output_is_byte_identical_to_serial(corpus: Path, tmp_path: Path) -> None:
    serial = build(corpus, tmp_path / "serial", RunOptions(jobs=1))
    parallel = build(corpus, tmp_path / "parallel", RunOptions(jobs=2))
    assert list(serial.result.sorted()) == list(parallel.result.sorted())
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "parallel")
    assert serial.files == 3 * 24 + 2 + len(bundled_files())  # + kg.nq, void.ttl, the ontology and shapes files


def _quads(folder: Path) -> set[bytes]:
    return set((folder / "kg.nq").read_bytes().splitlines())


def test_shards_together_hold_exactly_the_single_build(corpus: Path, tmp_path: Path) -> None:
    build(corpus, tmp_path / "whole", RunOptions())
    files: dict[str, bytes] = {}
    quads: set[bytes] = set()
    for k in (1, 2, 3):
        result = build(corpus, tmp_path / f"shard-{k}", RunOptions(), shard=(k, 3))
        shard_files = snapshot(tmp_path / f"shard-{k}")
        quads |= _quads(tmp_path / f"shard-{k}")
        for name in ("kg.nq", "void.ttl", MARKER, *bundled_files()):  # corpus-wide files, checked below
            del shard_files[name]
        assert not set(shard_files) & set(files), "an article in two shards"
        files.update(shard_files)
        assert result.result.articles == len(shard_files) // 3
    whole = snapshot(tmp_path / "whole")
    for name in ("kg.nq", "void.ttl", MARKER, *bundled_files()):
        del whole[name]
    assert files == whole
    assert quads == _quads(tmp_path / "whole")


def test_cache_recomputes_only_changed_articles(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache"
    shutil.copytree(corpus, data)
    calls: list[Path] = []
    real = process

    def counting(site: object, path: Path, *args: object) -> object:
        calls.append(path)
        return real(site, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(kg.flow.corpus, "process", counting)
    cached = RunOptions(cache_dir=cache)
    build(data, tmp_path / "first", cached)
    assert len(calls) == 24
    calls.clear()
    build(data, tmp_path / "second", cached)
    assert calls == []
    assert snapshot(tmp_path / "first") == snapshot(tmp_path / "second")

    changed = sorted((data / "articles").iterdir())[3]
    changed.write_text(changed.read_text(encoding="utf-8").replace("Treatment", "Therapy", 1), encoding="utf-8")
    build(data, tmp_path / "third", cached)
    assert calls == [changed]
    build(data, tmp_path / "fresh", RunOptions())
    assert snapshot(tmp_path / "third") == snapshot(tmp_path / "fresh")


def test_cache_key_covers_engine_and_bundled_data() -> None:
    native, exports = RunOptions(profile=None), Wants(exports=True)
    assert fingerprint(native, exports) != fingerprint(RunOptions(engine=Engine.PYSHACL, profile=None), exports)
    assert fingerprint(native, exports) != fingerprint(native, Wants())
    assert fingerprint(native, exports) != fingerprint(RunOptions(profile=Profile("google-2026-11")), exports)
    assert fingerprint(native, exports) == fingerprint(RunOptions(profile=None, jobs=4, cache_dir=Path("x")), exports)


def test_parallel_build_with_violations_writes_only_the_clean_articles(
    tmp_path: Path, kg: Callable[..., Result]
) -> None:
    data = write_corpus(tmp_path, 12, seed=3, violation_rate=0.5)
    result = kg("build", "--data", data, "--out", tmp_path / "out", "--jobs", "2", "--no-cache")
    assert result.exit_code == 1
    assert "not published (their last good exports are kept)" in result.stderr
    named = result.stderr.split("kept): ")[1].split(";")[0].split(", ")
    failing = {f.split("/")[-1].removesuffix(".yaml") for f in named}
    written = {p.stem for p in (tmp_path / "out").glob("*.jsonld")}
    assert failing and written and not failing & written
    assert failing | written == {p.stem for p in (data / "articles").glob("*.yaml")}


def test_parallel_build_reports_every_bad_file(tmp_path: Path, kg: Callable[..., Result]) -> None:
    data = write_corpus(tmp_path, 6, seed=3, violation_rate=0.0)
    (data / "articles/a-broken.yaml").write_text("slug: [", encoding="utf-8")
    (data / "articles/b-empty.yaml").write_text("", encoding="utf-8")
    result = kg("build", "--data", data, "--out", tmp_path / "out", "-j", "2", "--no-cache")
    assert result.exit_code == 2
    assert "a-broken.yaml:2:1: violation: invalid YAML" in result.stderr
    assert "b-empty.yaml:1:1: violation: the file is empty" in result.stderr


@pytest.mark.parametrize("shard", ["0/2", "3/2", "x", "1/0"])
def test_bad_shard_is_a_usage_error(shard: str, kg: Callable[..., Result]) -> None:
    result = kg("build", "--shard", shard)
    assert result.exit_code == 2
    assert "K/N" in result.stderr


def _thresholds(_: int) -> tuple[int, int, int]:
    return gc.get_threshold()


def test_a_run_raises_the_collector_thresholds_and_its_workers_inherit_them(
    kg: Callable[..., Result], corpus: Path
) -> None:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        assert kg("validate", "--data", corpus, "--help").exit_code == 0
        assert gc.get_threshold() == GC_THRESHOLDS != (700, 10, 10)
        with multiprocessing.get_context("fork").Pool(1) as pool:  # as kg.flow.corpus starts its workers
            assert pool.map(_thresholds, [0]) == [GC_THRESHOLDS]
    finally:
        gc.set_threshold(*before)
