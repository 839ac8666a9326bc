"""Incremental builds: the manifest makes a rebuild after no change a stat of every facts and export
file, with the same report and exit code as a full build; anything it does not vouch for (an edited
facts or export file, other options, a same-size edit within the clock tick) runs the full build."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import json_findings, snapshot

import kg.check.idlint
import kg.check.idsummary
import kg.flow.article
import kg.flow.corpus
from benchmarks.corpus import write as write_corpus
from kg.core.errors import InputError
from kg.core.findings import Severity
from kg.core.fsio import MARKER
from kg.core.options import RunOptions
from kg.flow import layered, manifest
from kg.flow.article import process
from kg.flow.build import build
from kg.load import facts


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"), 6, seed=3, violation_rate=0.0)


@pytest.fixture
def site(corpus: Path, tmp_path: Path) -> Path:
    shutil.copytree(corpus, tmp_path / "data")
    return tmp_path / "data"


def _age(path: Path, seconds: int = 10) -> None:
    """Move a file's mtime into the past, as an edit made before the last build."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def _aged(data: Path) -> None:
    for p in (data / "articles").iterdir():
        _age(p)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []

    def counting(site: object, path: Path, *args: object) -> object:
        calls.append(path)
        return process(site, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(kg.flow.corpus, "process", counting)
    return calls


def test_a_rebuild_after_no_change_reads_no_facts_and_writes_nothing(
    site: Path, kg: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _aged(site)
    first = kg("build", "--data", site, "--out", "out", "--cache", "cache", "--format", "json")
    assert first.exit_code == 0
    marker = (tmp_path / "out" / MARKER).stat().st_ino
    before = snapshot(tmp_path / "out")
    calls = _counting(monkeypatch)
    again = kg("build", "--data", site, "--out", "out", "--cache", "cache", "--format", "json")
    assert calls == []
    assert again.exit_code == 0 and json_findings(again.stdout) == json_findings(first.stdout)
    assert again.stdout == first.stdout  # the same report, from the manifest
    assert "out/ is up to date: no facts file changed since the last build" in again.stderr
    assert (tmp_path / "out" / MARKER).stat().st_ino == marker  # the folder was not replaced
    assert snapshot(tmp_path / "out") == before


def test_a_failing_build_is_reported_the_same_without_a_change(kg: Callable[..., Result], tmp_path: Path) -> None:
    """Some articles with violations (not published), the others written: exit 1 both times."""
    site = write_corpus(tmp_path / "flawed", 8, seed=11, violation_rate=0.4)
    _aged(site)
    runs = [kg("build", "--data", site, "--out", "out", "--cache", "cache") for _ in range(2)]
    assert [r.exit_code for r in runs] == [1, 1]
    assert "not published" in runs[0].stderr
    first, second = runs[0].stderr.splitlines(), runs[1].stderr.splitlines()
    assert second[:-1] == first  # the report and the failure, then:
    assert "up to date" in second[-1]
    assert "Repeated on many pages (each shown once):" in runs[1].stderr  # the same Google warnings


def test_an_edited_facts_file_is_rebuilt(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _aged(site)
    options = RunOptions(cache_dir=tmp_path / "cache")
    build(site, tmp_path / "out", options)
    changed = sorted((site / "articles").iterdir())[2]
    changed.write_text(changed.read_text(encoding="utf-8").replace("Treatment", "Therapy", 1), encoding="utf-8")
    calls = _counting(monkeypatch)
    done = build(site, tmp_path / "out", options)
    assert not done.unchanged and calls == [changed]
    build(site, tmp_path / "fresh", RunOptions())
    fresh, out = snapshot(tmp_path / "fresh"), snapshot(tmp_path / "out")
    del fresh[MARKER], out[MARKER]
    assert out == fresh


def test_a_same_size_edit_in_the_same_clock_tick_is_seen(site: Path, tmp_path: Path) -> None:
    """A file saved just before a build and edited again in the same clock tick keeps size and mtime:
    the manifest re-hashes files whose mtime is within 2 s of the build's start."""
    options = RunOptions(cache_dir=tmp_path / "cache")
    changed = sorted((site / "articles").iterdir())[1]
    changed.touch()  # saved just now
    build(site, tmp_path / "out", options)
    st, text = changed.stat(), changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("Treatment", "Treatmenu", 1), encoding="utf-8")
    os.utime(changed, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert changed.stat().st_size == st.st_size
    assert not build(site, tmp_path / "out", options).unchanged
    assert b"Treatmenu" in b"".join(snapshot(tmp_path / "out").values())


def test_an_edited_or_extra_export_file_makes_a_full_build_that_restores_it(site: Path, tmp_path: Path) -> None:
    _aged(site)
    options, out = RunOptions(cache_dir=tmp_path / "cache"), tmp_path / "out"
    build(site, out, options)
    good = snapshot(out)
    jsonld = next(out.glob("*.jsonld"))
    jsonld.write_bytes(b"{}")
    assert not build(site, out, options).unchanged
    assert snapshot(out).keys() == good.keys() and jsonld.read_bytes() == good[jsonld.name]
    (out / "stray.txt").write_text("x", encoding="utf-8")
    assert not build(site, out, options).unchanged
    assert not (out / "stray.txt").exists()
    assert build(site, out, options).unchanged


@pytest.mark.parametrize(
    "change",
    ["fail_on", "shard", "site", "added", "removed", "out"],
)
def test_what_invalidates_the_manifest(change: str, site: Path, tmp_path: Path) -> None:
    _aged(site)
    options, out = RunOptions(cache_dir=tmp_path / "cache"), tmp_path / "out"
    build(site, out, options)
    assert build(site, out, options).unchanged
    shard = None
    articles = sorted((site / "articles").iterdir())
    if change == "fail_on":
        options = RunOptions(cache_dir=tmp_path / "cache", fail_on=Severity.WARNING)
    elif change == "shard":
        shard = (1, 1)
    elif change == "site":
        (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    elif change == "added":
        shutil.copy(articles[0], site / "articles" / "zz-copy.yml")
    elif change == "removed":
        articles[0].unlink()
    else:
        shutil.copytree(out, tmp_path / "moved")
        out = tmp_path / "moved"
    assert not manifest.up_to_date(site, out, options, shard)


def test_no_manifest_without_a_cache_or_after_a_failed_input(site: Path, tmp_path: Path) -> None:
    build(site, tmp_path / "out", RunOptions())
    assert not (tmp_path / "cache").exists()
    options = RunOptions(cache_dir=tmp_path / "cache")
    build(site, tmp_path / "out", options)
    assert layered.manifest_whole(tmp_path / "cache", tmp_path / "out") is not None
    (site / "articles" / "broken.yaml").write_text("slug: [", encoding="utf-8")
    with pytest.raises(InputError):
        build(site, tmp_path / "out", options)
    assert layered.manifest_whole(tmp_path / "cache", tmp_path / "out") is None  # exit 2 is never replayed


def test_the_manifest_lists_facts_files_as_the_loader_does() -> None:
    assert manifest.FACT_SUFFIXES == facts.FACT_SUFFIXES


def test_a_run_killed_before_its_manifest_was_written_is_not_trusted(site: Path, tmp_path: Path) -> None:
    """The folder is swapped in first, the manifest written after: a kill between the two leaves the
    previous build's manifest beside new exports, which it must not vouch for."""
    _aged(site)
    options, out = RunOptions(cache_dir=tmp_path / "cache"), tmp_path / "out"
    build(site, out, options)
    stale = manifest.location(tmp_path / "cache", out).read_bytes()
    changed = sorted((site / "articles").iterdir())[0]
    changed.write_text(changed.read_text(encoding="utf-8").replace("Treatment", "Therapy", 1), encoding="utf-8")
    build(site, out, options)
    manifest.location(tmp_path / "cache", out).write_bytes(stale)  # as if killed right after the swap
    assert manifest.up_to_date(site, out, options, None) is None
    manifest.location(tmp_path / "cache", out).write_bytes(b"\x80\x05garbage")  # damaged: a full build
    assert manifest.up_to_date(site, out, options, None) is None
    assert not build(site, out, options).unchanged
    assert build(site, out, options).unchanged


def test_a_replayed_report_is_kept_rendered_or_rendered_from_the_kept_findings(
    site: Path, kg: Callable[..., Result], tmp_path: Path
) -> None:
    _aged(site)
    first = kg("build", "--data", site, "--out", "out", "--cache", "cache", "--format", "sarif")
    kept = sorted((tmp_path / "cache" / "manifests").glob("*.report"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == first.stdout
    for report in kept:
        report.unlink()
    again = kg("build", "--data", site, "--out", "out", "--cache", "cache", "--format", "sarif")
    assert again.stdout == first.stdout and "up to date" in again.stderr  # rendered from the kept findings
    assert len(list((tmp_path / "cache" / "manifests").glob("*.report"))) == 1  # kept again
    for kept_file in (tmp_path / "cache" / "manifests").glob("*.*"):  # the findings and the report
        kept_file.unlink()
    full = kg("build", "--data", site, "--out", "out", "--cache", "cache", "--format", "sarif")
    assert full.stdout == first.stdout and "files written" in full.stderr  # no findings kept: a full build


def test_a_rebuild_relints_from_the_index_the_last_build_kept(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _aged(site)
    options, out = RunOptions(cache_dir=tmp_path / "cache"), tmp_path / "out"
    build(site, out, options)
    added: list[str] = []
    real = kg.check.idlint.Index.add

    def counting(index: kg.check.idlint.Index, a: kg.check.idsummary.Summary) -> None:
        added.append(Path(a.file).name)
        real(index, a)

    monkeypatch.setattr(kg.check.idlint.Index, "add", counting)
    article = sorted((site / "articles").iterdir())[0]
    text = article.read_text(encoding="utf-8")
    name = text.split("\n  name: ", 1)[1].split("\n", 1)[0]
    for old, new in (("  description: ", "  description: New. "), (f"name: {name}", f"name: {name} renamed")):
        article.write_text(text.replace(old, new, 1), encoding="utf-8")
        rebuilt = build(site, out, options)
        assert added == [article.name]  # only the changed article's summary went into the kept index
        fresh = build(site, tmp_path / "fresh", RunOptions())
        assert list(rebuilt.result.sorted()) == list(fresh.result.sorted())
        added.clear()


def test_the_check_compares_digests_and_reads_no_list_of_articles(site: Path, tmp_path: Path) -> None:
    """The no-change check sums the facts folder as it lists it: a damaged list of articles beside the
    manifest does not change its answer, and the rebuild after a change, which reads that list, builds
    in full with the same result."""
    _aged(site)
    options, out = RunOptions(cache_dir=tmp_path / "cache"), tmp_path / "out"
    build(site, out, options)
    last = manifest.head(tmp_path / "cache", out)
    assert last is not None and last.articles == {} and manifest.up_to_date(site, out, options, None) is not None
    listed = manifest.beside(tmp_path / "cache", out, last.started_ns, "articles")
    listed.write_bytes(b"\x80\x05garbage")
    assert manifest.up_to_date(site, out, options, None) is not None
    changed = sorted((site / "articles").iterdir())[0]
    changed.write_text(changed.read_text(encoding="utf-8").replace("Treatment", "Therapy", 1), encoding="utf-8")
    rebuilt = build(site, out, options)
    assert not rebuilt.unchanged
    assert list(rebuilt.result.sorted()) == list(build(site, tmp_path / "fresh", RunOptions()).result.sorted())
    assert build(site, out, options).unchanged


def test_the_facts_digest_sees_a_renamed_file_and_ignores_what_the_loader_does_not_list(
    site: Path, tmp_path: Path
) -> None:
    _aged(site)
    options, out = RunOptions(cache_dir=tmp_path / "cache"), tmp_path / "out"
    build(site, out, options)
    (site / "articles" / "README.md").write_text("notes", encoding="utf-8")
    (site / "articles" / "drafts.yaml").mkdir()
    assert manifest.up_to_date(site, out, options, None) is not None
    first = sorted(p for p in (site / "articles").glob("*.y*ml") if p.is_file())[0]
    first.rename(first.with_name("zz-" + first.name))  # same inode, size and mtime: only the name differs
    assert manifest.up_to_date(site, out, options, None) is None


def test_a_full_build_links_the_files_the_last_manifest_vouches_for_unread(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other options (here another working folder) mean a full build: the last manifest's files, read a chunk
    at a time, still vouch for each export file left as it was, linked and never read back; one touched
    since is read back (and, with the same bytes, linked too)."""
    _aged(site)
    options, out = RunOptions(cache_dir=tmp_path / "cache"), tmp_path / "out"
    build(site, out, options)
    before = {p.name: p.stat().st_ino for p in out.iterdir() if p.suffix in (".html", ".jsonld", ".ttl")}
    touched = out / sorted(before)[0]
    st = touched.stat()
    os.utime(touched, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    read: list[str] = []
    real, folder = Path.read_bytes, out.resolve()

    def reading(self: Path) -> bytes:
        if self.parent.resolve() == folder:
            read.append(self.name)
        return real(self)

    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    monkeypatch.setattr(Path, "read_bytes", reading)
    again = build(site, out, options)
    monkeypatch.undo()
    assert not again.unchanged and again.recorded is not None
    assert read == [touched.name]
    assert {p.name: p.stat().st_ino for p in out.iterdir() if p.name in before} == before
    build(site, tmp_path / "fresh", RunOptions())
    assert snapshot(out) == snapshot(tmp_path / "fresh")


def test_workers_paced_behind_a_run_of_cached_outcomes_give_the_same_outcomes(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache filled for the first files only (a killed build): the main process reads those while the two
    workers compute the rest, handed to them only a few ahead of the outcomes taken (`AHEAD`, made tiny)."""
    files = sorted((site / "articles").iterdir())
    wants = kg.flow.article.Wants(exports=True)
    options = RunOptions(cache_dir=tmp_path / "cache", jobs=2)
    site_facts = facts.site_and_files(site)[0]
    first = list(kg.flow.corpus.outcomes(site_facts, files[:2], options, wants))
    monkeypatch.setattr(kg.flow.corpus, "AHEAD", 1)
    paced = list(kg.flow.corpus.outcomes(site_facts, files, options, wants))
    alone = list(kg.flow.corpus.outcomes(site_facts, files, RunOptions(), wants))
    assert [o.quads for o in paced] == [o.quads for o in alone] and len(paced) == len(files) == 6
    assert [o.files for o in paced[:2]] == [o.files for o in first]
    assert [o.files for o in paced] == [o.files for o in alone]
