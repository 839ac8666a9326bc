"""A rebuild after a few changed facts files (kg.flow.records): it computes the changed articles only,
reads no cached outcome of the others, and leaves the same bytes, report and exit code as a full build
without a cache of the same history."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import rebuilds
import yaml
from click.testing import Result
from rebuilds import Build, articles, description, edit, same

from kg.check import idlint, idsummary
from kg.core import offload, spill
from kg.core.result import Result as CoreResult
from kg.flow import corpus as flow_corpus
from kg.flow import layered, records
from kg.flow.article import process
from kg.flow.cache import Cache
from kg.flow.folder import facts_digest, scan
from kg.flow.manifest import FACT_SUFFIXES, head

corpus, site = rebuilds.corpus, rebuilds.site  # the fixtures, shared


def _fail(path: Path) -> None:
    """A violation: a condition both indicated and contraindicated."""
    facts = yaml.safe_load(path.read_text(encoding="utf-8"))
    treatment = facts["treatment"]
    treatment.setdefault("contraindications", []).append({"condition": treatment["indications"][0]["condition"]})
    path.write_text(yaml.safe_dump(facts, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _headline(data: Path, build: Build) -> None:  # the @id summary changes: the lint redoes what it affects
    edit(articles(data)[3], "  headline: '", "  headline: 'Renamed ")


def _added(data: Path, build: Build) -> None:
    source = articles(data)[1]
    text = source.read_text(encoding="utf-8").replace(f"slug: {source.stem}", "slug: added-article", 1)
    (data / "articles" / "treatment-0000015.yaml").write_text(text, encoding="utf-8")


def _removed(data: Path, build: Build) -> None:
    articles(data)[4].unlink()


def _now_failing(data: Path, build: Build) -> None:
    _fail(articles(data)[5])


def _slug_taken(data: Path, build: Build) -> None:  # an earlier file takes a later unchanged one's slug
    first, taken = articles(data)[1], articles(data)[2]
    edit(first, f"slug: {first.stem}", f"slug: {taken.stem}")


def _facts_noted(data: Path, cache: Path, out: Path) -> None:
    """The rebuild's manifest (none when the build found a problem) holds the facts' digest as the no-change
    check sums the folder (it changed the last one's by what it computed and left: no pass over every article)."""
    last = head(cache, out)
    assert last is None or last.facts == facts_digest(data / "articles", last.started_ns, FACT_SUFFIXES, lambda _: True)


def _fixed(data: Path, build: Build) -> None:
    path = articles(data)[5]
    original = path.read_text(encoding="utf-8")
    _fail(path)
    assert build("delta", "--cache", "cache").exit_code == build("full", "--no-cache").exit_code == 1
    path.write_text(original, encoding="utf-8")


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(
    ("change", "changed"),
    [(description, 1), (_headline, 1), (_added, 1), (_removed, 0), (_now_failing, 1), (_fixed, 1), (_slug_taken, 1)],
)
def test_a_rebuild_after_a_change_equals_a_full_build(
    change: Callable[[Path, Build], None], changed: int, jobs: str, site: Path, tmp_path: Path, kg: Build
) -> None:
    def build(out: str, *args: str) -> Result:
        return kg("build", "--data", site, "--out", out, "--jobs", jobs, *args)

    assert build("delta", "--cache", "cache").exit_code == 0
    assert build("full", "--no-cache").exit_code == 0
    change(site, build)
    calls: list[Path] = []
    reads: list[str] = []
    real_get = Cache.get

    def counting(site_: object, path: Path, *args: object) -> object:
        calls.append(path)
        return process(site_, path, *args)  # type: ignore[arg-type]

    def reading(self: Cache, key: str) -> object:
        reads.append(key)
        return real_get(self, key)

    added: list[str] = []
    real_add = idlint.Index.add

    def adding(self: idlint.Index, a: idsummary.Summary) -> None:
        added.append(a.file)
        real_add(self, a)

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(flow_corpus, "process", counting)
        patched.setattr(Cache, "get", reading)
        patched.setattr(idlint.Index, "add", adding)
        delta = build("delta", "--cache", "cache")
    assert len(calls) + len(reads) == changed  # computed or read from the cache: the changed articles only
    assert len(added) == changed  # the lint index kept took the changed articles' summaries only
    last = layered.manifest_whole(tmp_path / "cache", tmp_path / "delta")  # the folder's stats, carried, not scanned:
    assert last is None or last.exports == dict(scan(tmp_path / "delta"))  # as a scan finds
    assert not list((tmp_path / "cache" / "manifests").glob("*.names.tmp"))  # the names it kept as they came
    _facts_noted(site, tmp_path / "cache", tmp_path / "delta")
    same(delta, build("full", "--no-cache"), tmp_path)
    _headline(site, build)  # a second rebuild, from what the first kept (a layer over the first base)
    same(build("delta", "--cache", "cache"), build("full", "--no-cache"), tmp_path)
    _facts_noted(site, tmp_path / "cache", tmp_path / "delta")


@pytest.mark.parametrize("gone", ["lint", "parts", "records"])
def test_a_rebuild_whose_kept_files_are_gone_builds_in_full(gone: str, site: Path, tmp_path: Path, kg: Build) -> None:
    def build(out: str, *args: str) -> Result:
        return kg("build", "--data", site, "--out", out, *args)

    assert build("delta", "--cache", "cache").exit_code == build("full", "--no-cache").exit_code == 0
    (kept,) = (tmp_path / "cache" / "manifests").glob(f"*.{gone}")
    kept.unlink()
    _headline(site, build)
    same(build("delta", "--cache", "cache"), build("full", "--no-cache"), tmp_path)
    description(site, build)  # and the next rebuild starts from what that full build kept
    same(build("delta", "--cache", "cache"), build("full", "--no-cache"), tmp_path)


@pytest.mark.parametrize("few", [layered.FEW, 0])
def test_records_are_read_and_written_a_chunk_at_a_time(
    few: int, site: Path, tmp_path: Path, kg: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records are the largest entries kept per article (~8 KB): a pickle holds `records.CHUNK` of them, as a full
    build logs them and as a rebuild writes them whole (past a layer's size); a rebuild reading across the chunks'
    edges leaves what a full build does."""
    monkeypatch.setattr(records, "CHUNK", 3)
    monkeypatch.setattr(layered, "FEW", few)

    def build(out: str, *args: str) -> Result:
        return kg("build", "--data", site, "--out", out, *args)

    def chunks() -> list[int]:
        (kept,) = (tmp_path / "cache" / "manifests").glob("*.records")
        with open(kept, "rb") as fh:
            return [len(pickle.load(fh)) for _ in iter(lambda: fh.peek(1), b"")]

    assert build("delta", "--cache", "cache").exit_code == 0
    assert chunks() == [3, 3, 2]
    for change in (_headline, _added, _removed, description):
        change(site, build)
        same(build("delta", "--cache", "cache"), build("full", "--no-cache"), tmp_path)
        sizes, listed = chunks(), len(articles(site))
        assert sizes == [3] * (len(sizes) - 1) + [sizes[-1]] and 0 < sizes[-1] <= 3
        assert sum(sizes) == (8 if few else listed)  # a layer leaves the base as it was


@pytest.mark.parametrize("few", [layered.FEW, 0])
def test_a_rebuild_keeps_its_export_files_stats_as_a_scan_finds_them(
    few: int, site: Path, tmp_path: Path, kg: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a layer over the last build's (only the files it wrote stat'ed), or, past a layer's size, by a scan of
    the new folder: either way the map a scan finds, and a digest the next build's up-to-date check agrees with."""
    monkeypatch.setattr(layered, "FEW", few)

    def build(*args: str) -> Result:
        return kg("build", "--data", site, "--out", "delta", "--cache", "cache", *args)

    assert build().exit_code == 0
    for change, code in ((_headline, 0), (_added, 0), (_removed, 0), (_now_failing, 1)):
        change(site, build)
        assert build().exit_code == code
        last = layered.manifest_whole(tmp_path / "cache", tmp_path / "delta")
        assert last is not None and last.exports == dict(scan(tmp_path / "delta"))
        layer = (tmp_path / "cache" / "manifests").glob("*.exports-layer")
        assert bool(list(layer)) == bool(few)
        assert "is up to date" in build().stderr


def test_a_rebuild_reports_in_every_format_as_a_full_build(
    site: Path, tmp_path: Path, kg: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unchanged articles' findings are carried as rows, the changed one's and the lint's redone."""
    calls: list[Path] = []

    def counting(site_: object, path: Path, *args: object) -> object:
        calls.append(path)
        return process(site_, path, *args)  # type: ignore[arg-type]

    def build(out: str, *args: str) -> Result:
        return kg("build", "--data", site, "--out", out, *args)

    assert build("delta", "--cache", "cache").exit_code == build("full", "--no-cache").exit_code == 0
    for n, fmt in enumerate(["json", "sarif", "junit", "github", "text"]):
        edit(articles(site)[n], "  headline: '", f"  headline: 'Renamed {fmt} ")
        with monkeypatch.context() as patched:
            patched.setattr(flow_corpus, "process", counting)
            delta = build("delta", "--cache", "cache", "--format", fmt)
        assert calls == [articles(site)[n]]  # a rebuild: the changed article computed, no other
        calls.clear()
        full = build("full", "--no-cache", "--format", fmt)
        same(delta, full, tmp_path)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a child is forked only where os.fork is")
def test_a_rebuild_links_checks_and_removes_by_children_and_equals_a_full_build(
    site: Path, tmp_path: Path, kg: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large site's rebuild links the last folder's files into the new one taking its digest as it goes, and
    removes the replaced folder, by forked children (kg.core.offload): here from the second file on, through every
    kind of change and three changes at once (the pool's workers forked while the linking child runs); an export
    file edited since the last build is found before the swap, and the build then runs in full."""
    monkeypatch.setattr(offload, "FORK_FROM", 2)
    forked: list[offload.Child] = []

    class Counted(offload.Child):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            forked.append(self)

    monkeypatch.setattr(offload, "Child", Counted)

    def build(out: str, *args: str) -> Result:
        return kg("build", "--data", site, "--out", out, "--jobs", "2", *args)

    def three(data: Path, build: Build) -> None:
        for article in articles(data)[5:]:
            edit(article, "  headline: '", "  headline: 'Again ")

    def layer() -> bool:
        return bool(list((tmp_path / "cache" / "manifests").glob("*.records-layer")))

    assert build("delta", "--cache", "cache").exit_code == 0
    for change in (_headline, _added, _removed, _slug_taken, _now_failing, three):
        forked.clear()
        change(site, build)
        delta = build("delta", "--cache", "cache")
        assert len(forked) == 2 and all(child.pid == 0 for child in forked)  # links with the digest, removal: waited
        same(delta, build("full", "--no-cache"), tmp_path)
        assert layer() and sorted(p.name for p in tmp_path.iterdir()) == ["cache", "data", "delta", "full"]
    edited = sorted((tmp_path / "delta").glob("*.jsonld"))[-1]
    edited.write_text(edited.read_text(encoding="utf-8") + " ", encoding="utf-8")
    description(site, build)
    same(build("delta", "--cache", "cache"), build("full", "--no-cache"), tmp_path)
    assert not layer()  # built in full: the records written anew


@pytest.mark.parametrize("damage", ["cut mid-pickle", "last chunk gone"])
def test_a_rebuild_whose_records_are_damaged_builds_in_full(
    damage: str, site: Path, tmp_path: Path, kg: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records are read once, as the unchanged articles are carried over (the plan reads the manifest's
    articles only): records that end early are found there, before the swap, and the build runs in full,
    with the result a build without a cache gives; the next rebuild starts from what that build kept."""
    monkeypatch.setattr(records, "CHUNK", 3)
    reads: list[str] = []
    real_chunked = spill.chunked

    def reading(path: Path) -> Any:
        reads.append(path.suffix)
        return real_chunked(path)

    monkeypatch.setattr(layered, "chunked", reading)

    def build(out: str, *args: str) -> Result:
        return kg("build", "--data", site, "--out", out, *args)

    assert build("delta", "--cache", "cache").exit_code == 0
    _headline(site, build)
    reads.clear()
    same(build("delta", "--cache", "cache"), build("full", "--no-cache"), tmp_path)
    assert reads.count(".records") == 1  # once, by the carry
    (kept,) = (tmp_path / "cache" / "manifests").glob("*.records")
    data = kept.read_bytes()
    with open(kept, "rb") as fh:
        pickle.load(fh), pickle.load(fh)
        two = fh.tell()
    kept.write_bytes(data[: len(data) // 2] if damage == "cut mid-pickle" else data[:two])
    assert list((tmp_path / "cache" / "manifests").glob("*.records-layer"))  # the rebuild wrote a layer over it
    description(site, build)
    same(build("delta", "--cache", "cache"), build("full", "--no-cache"), tmp_path)
    assert not list((tmp_path / "cache" / "manifests").glob("*.records-layer"))  # in full: a new base
    _added(site, build)
    reads.clear()
    same(build("delta", "--cache", "cache"), build("full", "--no-cache"), tmp_path)
    assert reads.count(".records") == 1 and list((tmp_path / "cache" / "manifests").glob("*.records-layer"))


def _lines_moved(path: Path) -> None:
    """Every finding of the article at another line: its rows go and come."""
    path.write_text("# moved down a line\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_rebuilds_report_changes_the_last_gathering_without_reading_the_findings(
    fmt: str, site: Path, tmp_path: Path, kg: Build
) -> None:
    def build(out: str, *args: str) -> Result:
        return kg("build", "--data", site, "--out", out, "--format", fmt, *args)

    def unread(self: object) -> None:
        raise AssertionError("every finding read")

    assert build("delta", "--cache", "cache").exit_code == build("full", "--no-cache").exit_code == 0
    for changed in (articles(site)[6], articles(site)[7], articles(site)[6]):  # past the places shown (5)
        _lines_moved(changed)
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(CoreResult, "rows", unread)
            delta = build("delta", "--cache", "cache")
        same(delta, build("full", "--no-cache"), tmp_path)  # as a build of every article reports it
    _lines_moved(articles(site)[1])  # a place shown: the last gathering does not say, so every finding is read
    same(build("delta", "--cache", "cache"), build("full", "--no-cache"), tmp_path)


def test_a_rebuild_sets_the_replaced_kg_nq_aside_and_the_next_build_frees_it(
    site: Path, tmp_path: Path, kg: Build
) -> None:
    def build(*args: str) -> Result:
        return kg("build", "--data", site, "--out", "out", *args)

    def aside() -> list[bytes]:
        return [p.read_bytes() for p in (tmp_path / "cache" / "manifests").glob("*-aside/*")]

    assert build("--cache", "cache").exit_code == 0
    assert aside() == []  # nothing was replaced
    first = (tmp_path / "out" / "kg.nq").read_bytes()
    os.link(tmp_path / "out" / "kg.nq", tmp_path / "mine.nq")  # a user's own name for it
    description(site, build)
    assert build("--cache", "cache").exit_code == 0
    assert aside() == [first]  # moved, not freed with its folder: the next build frees it
    second = (tmp_path / "out" / "kg.nq").read_bytes()
    assert second != first
    _lines_moved(articles(site)[6])
    assert build("--cache", "cache").exit_code == 0
    assert aside() == [second]  # the first freed beside this build, the second set aside
    assert (tmp_path / "mine.nq").read_bytes() == first  # the user's link: the bytes it had, never written over
    _lines_moved(articles(site)[7])
    assert build("--no-cache").exit_code == 0  # without the cache nothing is set aside (nor freed)
    assert aside() == [second]
