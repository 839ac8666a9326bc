"""A full build keeps its per-article records and partitions on disk as they arrive (kg.flow.layered.Log,
kg.flow.partstore.Fold): with bounds so small that every few articles go to disk, it leaves the same
bytes, report and kept records as with the default bounds, and a rebuild from them equals a full build.
A rebuild reads those records as it goes (kg.flow.layered.Stream) and carries the unchanged articles'
findings to disk past the Result's bound: the same again, with tiny bounds and over two layers."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from conftest import snapshot

from benchmarks.corpus import write as write_corpus
from kg.core import result, spill
from kg.flow import layered, manifest, partstore

Build = Callable[..., Result]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"), 9, seed=5, violation_rate=0.0)


def _fail(path: Path) -> str:
    """A violation (a condition both indicated and contraindicated); returns the file's text before."""
    text = path.read_text(encoding="utf-8")
    facts = yaml.safe_load(text)
    treatment = facts["treatment"]
    treatment.setdefault("contraindications", []).append({"condition": treatment["indications"][0]["condition"]})
    path.write_text(yaml.safe_dump(facts, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return text


def _history(data: Path, build: Callable[..., Result], cache: str) -> list[Result]:
    """A clean build; one without a cache with an article failing (its last good exports kept, its graph
    read back for the partitions); one with it fixed; a rebuild from that one's records after an edit, and
    another from its layer after a second edit."""
    articles = sorted((data / "articles").iterdir())
    done = [build("--cache", cache)]
    before = _fail(articles[4])
    done.append(build("--no-cache"))
    articles[4].write_text(before, encoding="utf-8")
    done.append(build("--cache", cache))
    text = articles[2].read_text(encoding="utf-8")
    articles[2].write_text(text.replace("  description: ", "  description: Edited. ", 1), encoding="utf-8")
    done.append(build("--cache", cache))
    text = articles[6].read_text(encoding="utf-8")
    articles[6].write_text(text.replace("  description: ", "  description: Edited. ", 1), encoding="utf-8")
    done.append(build("--cache", cache))
    return done


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_build_whose_records_and_partitions_go_to_disk_every_few_articles_is_the_same(
    jobs: str, corpus: Path, tmp_path: Path, kg: Build
) -> None:
    runs: dict[str, list[Result]] = {}
    for name, chunk, held, bound in [("default", manifest.CHUNK, partstore.Fold.HELD, result.BOUND), ("tiny", 2, 3, 3)]:
        data = tmp_path / name / "data"
        shutil.copytree(corpus, data)
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(manifest, "CHUNK", chunk)
            patched.setattr(spill, "CHUNK", chunk)  # a rebuild's folder's names, kept as they come
            patched.setattr(partstore.Fold, "HELD", held)
            patched.setattr(result, "BOUND", bound)
            build = partial(kg, "build", "--data", data, "--out", f"{name}/out", "-j", jobs)
            runs[name] = _history(data, build, f"{name}/cache")
    default, tiny = runs["default"], runs["tiny"]
    assert [r.exit_code for r in tiny] == [r.exit_code for r in default] == [0, 1, 0, 0, 0]
    full = kg("build", "--data", tmp_path / "tiny" / "data", "--out", "tiny/full", "--no-cache")
    assert full.stdout == tiny[-1].stdout and snapshot(tmp_path / "tiny" / "full") == snapshot(
        tmp_path / "tiny" / "out"
    )
    for a, b in zip(default, tiny, strict=True):
        assert a.stdout.replace("default/", "tiny/") == b.stdout
        assert a.stderr.splitlines()[:-1] == [line.replace("tiny/", "default/") for line in b.stderr.splitlines()[:-1]]
    assert snapshot(tmp_path / "default" / "out") == snapshot(tmp_path / "tiny" / "out")
    kept: dict[str, tuple[object, list[tuple[str, manifest.Article]], list[str]]] = {}
    for name in ("default", "tiny"):
        cache, out = tmp_path / name / "cache", tmp_path / name / "out"
        last = layered.manifest_whole(cache, out)
        assert last is not None
        for what in ("records", "articles"):  # rebuilt from records, the manifest's articles kept as a layer
            assert manifest.beside(cache, out, last.started_ns, f"{what}-layer").is_file()
        articles = [(n, a._replace(stat=(0, 0, 0))) for n, a in last.articles.items()]  # other files: other stats
        vouched = layered.vouched(cache, out, last)  # what a full build next would link, read through the layer
        assert all(vouched.vouches(f, last.exports[f], sha) for a in last.articles.values() for f, sha in a.exports)
        records = layered.read(cache, out, last.started_ns, "records")
        assert records is not None
        rows = {n: (r._replace(findings=None), r.findings.rows()) for n, r in records[0].items()}  # not their pickles
        kept[name] = ((rows, records[1]), articles, sorted(last.exports))
    assert len(kept["default"][1]) == 9
    assert repr(kept["default"]).replace("default/", "tiny/") == repr(kept["tiny"])
    # the rebuilds kept their findings (carried in memory, or past the bound as their file's bytes): a report
    # in a new format, rendered from them with nothing built, is the full build's
    for name, bound in [("default", result.BOUND), ("tiny", 3)]:
        data = tmp_path / name / "data"
        expected = kg("build", "--data", data, "--out", f"{name}/full", "--no-cache", "--format", "json")
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(result, "BOUND", bound)
            replayed = kg(
                "build", "--data", data, "--out", f"{name}/out", "--cache", f"{name}/cache", "--format", "json"
            )
        assert "is up to date: no facts file changed" in replayed.stderr
        assert replayed.stdout == expected.stdout and expected.stdout.count('"rule"') > 9
