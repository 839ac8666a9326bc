"""A run's findings, pages and @id summaries on disk: every report renders the same bytes as from
memory, and the store's folder goes when the run ends, also on Ctrl-C."""

from __future__ import annotations

import heapq
import json
import os
import pickle
import subprocess
import tempfile
from itertools import chain, groupby
from operator import attrgetter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kg.core.result
from benchmarks.corpus import write as write_corpus
from kg.core.findings import Finding, Row, Severity, as_row, from_row
from kg.core.listing import Listing, Names
from kg.core.options import RunOptions
from kg.core.result import Carried, Result, merged
from kg.core.runstore import RunStore
from kg.flow.build import validate
from kg.flow.built import Checked
from kg.flow.manifest import KEPT_RULE
from kg.reports import jsonstream
from kg.reports.context import RenderContext
from kg.reports.jsonstream import Lazy
from kg.reports.registry import RENDERERS


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Articles with findings repeated on every page, some with their own violations."""
    return write_corpus(tmp_path_factory.mktemp("spill"), 8, violation_rate=0.4)


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temporary folder for this test: where a run's store goes."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _checked(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Checked:
    monkeypatch.chdir(corpus.parent)
    return validate(Path("data"), RunOptions(), illustrate=True)


def _reports(checked: Checked) -> dict[str, str]:
    ctx = RenderContext(Severity.WARNING, "site/", illustrations=checked.illustrations)
    return {name: render(checked.result, ctx) for name, render in RENDERERS.items()}


def test_a_run_past_the_bound_renders_exactly_as_one_kept_in_memory(
    corpus: Path, temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = _checked(corpus, monkeypatch)
    assert kept.result.on_disk is None and len(kept.result) > 20
    monkeypatch.setattr(kg.core.result, "BOUND", 5)
    spilled = _checked(corpus, monkeypatch)
    folder = spilled.result.on_disk
    assert folder is not None and Path(folder).parent == temp
    assert _reports(spilled) == _reports(kept)
    assert [spilled.result.count(s) for s in Severity] == [kept.result.count(s) for s in Severity]
    assert list(spilled.result.added(family="idlint")) == list(kept.result.added(family="idlint"))
    spilled.result.close()
    assert list(temp.iterdir()) == []  # the run's stores are gone, the @id lint's since the lint ran


@pytest.mark.parametrize("others", [0, kg.core.result.OTHERS])
@pytest.mark.parametrize("bound", [5, 20000])
def test_findings_carried_as_rows_render_exactly_as_findings_added(
    bound: int, others: int, corpus: Path, temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild carries its unchanged articles' findings as blocks of rows: every report, count and
    selection is as if each had been added (kept in memory, or past the bound on disk; another file's
    finding seen again on every article remembered as added, or added again)."""
    monkeypatch.setattr(kg.core.result, "OTHERS", others)
    kept = _checked(corpus, monkeypatch)
    by_file = [list(group) for _, group in groupby(kept.result.sorted(), key=attrgetter("file"))]
    assert len(by_file) > 3
    carried = Result(articles=kept.result.articles, triples=kept.result.triples, bound=bound)
    carried.add_pages(kept.result.pages())
    for n, findings in enumerate(by_file):
        site_wide = Finding("data/site.yaml", 1, 1, Severity.INFO, "seen by every article")
        if n % 2 or "/articles/" not in findings[0].file:
            carried.extend(findings)
        else:  # an article's own file's rows as a block, another file's as a finding
            carried.carry(Carried.of(findings[0].file, sorted({as_row(f) for f in [*findings, site_wide]})))
    reference = Result(kept.result.sorted(), kept.result.articles, kept.result.triples, kept.result.pages())
    reference.extend([site_wide])
    with_pictures = Checked(carried, kept.illustrations)
    assert _reports(with_pictures) == _reports(Checked(reference, kept.illustrations))
    assert [carried.count(s) for s in Severity] == [reference.count(s) for s in Severity]
    assert len(carried) == len(reference)
    for values in ({"family": "idlint"}, {"severity": Severity.WARNING, "family": "medkg"}):
        selected = [f for f in carried.sorted() if all(getattr(f, k) == v for k, v in values.items())]
        assert selected == list(reference.added(**values))
    on_disk = Path(carried.on_disk) / "carried" if carried.on_disk else None  # the blocks past the bound
    assert (on_disk is not None and on_disk.stat().st_size > 0) == (bound == 5)


@pytest.mark.parametrize("bound", [1, 20000])
def test_the_runs_own_findings_are_selected_without_reading_a_carried_row(
    bound: int, temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build's own notices (kg.flow.keep's, which a record never holds) are found by `added` without the
    carried rows, which a rebuild of 10,000 articles read a second time (~0.2 s) only to find none there."""
    rule = KEPT_RULE
    carried = as_row(Finding("data/articles/a.yaml", 2, 1, Severity.INFO, "kept", rule=rule))
    own = Finding("data/articles/b.yaml", 1, 1, Severity.INFO, "kept", rule=rule)
    with Result(bound=bound) as result:
        result.carry(Carried.of("data/articles/a.yaml", [carried]))
        result.extend([own, Finding("data/articles/b.yaml", 3, 1, Severity.WARNING, "other")])
        assert [f for f in result.sorted() if f.rule == rule] == [from_row(carried), own]

        def unread() -> None:
            raise AssertionError("the carried rows were read")

        monkeypatch.setattr(result, "_carried_blocks", unread)
        assert list(result.added(rule=rule)) == [own]
        assert list(result.added(rule="nothing")) == []


@given(st.lists(st.integers(0, 30)), st.lists(st.lists(st.integers(0, 30), max_size=4)))
def test_rows_merged_into_blocks_come_as_heapq_merges_them(lines: list[int], cuts: list[list[int]]) -> None:
    """Sorted rows into a run of sorted blocks (each before the next, some empty): the same rows in the
    same order as heapq.merge (the message tells a row from a block's row on the same line); a block no
    row falls within goes whole (the same list)."""

    def row(line: int, message: str) -> Row:
        return ("a.yaml", line, 1, 2, message, "", "", "", "")

    values = sorted(chain.from_iterable(cuts))
    blocks, at = [], 0
    for cut in cuts:
        blocks.append([row(v, "block") for v in values[at : at + len(cut)]])
        at += len(cut)
    own = [row(v, "a row") for v in sorted(lines)]
    pieces = list(merged(iter(own), blocks))
    assert list(chain.from_iterable(pieces)) == list(heapq.merge(own, chain.from_iterable(blocks)))
    untouched = [b for b in blocks if b and not any(b[0][1] <= v <= b[-1][1] for v in lines)]
    assert all(any(piece is b for piece in pieces) for b in untouched)


def test_a_finding_seen_again_on_disk_counts_once(temp: Path) -> None:
    findings = [Finding(f"a{i % 4}.yaml", i, 1, Severity(1 + i % 3), f"m{i}") for i in range(12)]
    with Result(findings, bound=3) as spilled:
        spilled.extend(reversed(findings))
        assert spilled.on_disk is not None
        assert list(spilled.sorted()) == sorted(findings)
        assert len(spilled) == 12 and spilled.count(Severity.INFO) == 4
        assert list(spilled.added(file="a1.yaml", severity=2)) == [
            f for f in sorted(findings) if f.file == "a1.yaml" and f.severity == 2
        ]
    assert list(temp.iterdir()) == []


def test_ctrl_c_during_a_run_leaves_no_store_behind(corpus: Path, temp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg.core.result, "BOUND", 5)

    def interrupt(done: int, total: int) -> None:
        if done == 6:
            assert {p.name[:10] for p in temp.iterdir()} == {"medkg-run-"}
            raise KeyboardInterrupt

    monkeypatch.chdir(corpus.parent)
    with pytest.raises(KeyboardInterrupt):
        validate(Path("data"), RunOptions(), progress=interrupt)
    assert list(temp.iterdir()) == []


def test_a_listing_is_the_sorted_paths_of_the_folder(tmp_path: Path) -> None:
    names = ["b.yaml", "a.json", "é.yml", "c.txt", "A.yaml", ".yaml", "x.yaml.bak"]
    for name in names:
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "dir.yaml").mkdir()
    listing = Listing(tmp_path, (".yaml", ".yml", ".json"))
    expected = sorted(p for p in tmp_path.iterdir() if p.suffix in (".yaml", ".yml", ".json") and p.is_file())
    assert list(listing) == expected and len(listing) == 4
    assert listing[-1] == expected[-1] and listing[1:3] == expected[1:3]
    with pytest.raises(IndexError):
        listing[4]


def test_names_held_in_one_buffer_read_back_as_added() -> None:
    added = ["a.yaml", "é.yml", "", "b\udcff.json", "c.yaml"]  # a name the file system gave undecodable
    names = Names(added[:2])
    for name in added[2:]:
        names.append(name)
    assert list(names) == added and len(names) == 5 and names[-1] == "c.yaml" and names[1:3] == added[1:3]
    assert [names[i] for i in range(5)] == added and pickle.loads(pickle.dumps(names))[3] == "b\udcff.json"
    with pytest.raises(IndexError):
        names[5]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


def _lazily(value: object, lazy: bool) -> object:
    """Every other level's lists made Lazy (a generator, read once)."""
    if isinstance(value, list):
        items = [_lazily(v, not lazy) for v in value]
        return Lazy(iter(items)) if lazy else items
    if isinstance(value, dict):
        return {k: _lazily(v, not lazy) for k, v in value.items()}
    return value


@given(_JSON, st.booleans())
def test_json_in_pieces_is_json_dumps_byte_for_byte(value: object, lazy: bool) -> None:
    assert "".join(jsonstream.chunks(_lazily(value, lazy))) == json.dumps(value, indent=2, ensure_ascii=False)


def test_a_store_left_by_a_killed_run_goes_with_the_next_run(temp: Path) -> None:
    dead = subprocess.Popen(["true"])  # its process id is free once it has been waited for
    dead.wait()
    left = temp / f"medkg-run-{dead.pid}-x1"
    live = temp / "medkg-run-1-x2"  # process 1 is alive
    other = temp / "medkg-run-notapid"
    for folder in (left, live, other):
        folder.mkdir()
    (left / "run.sqlite").write_bytes(b"")
    with RunStore() as store:
        assert Path(store.folder).name.startswith(f"medkg-run-{os.getpid()}-")
        assert sorted(p.name for p in temp.iterdir()) == sorted([live.name, other.name, Path(store.folder).name])
