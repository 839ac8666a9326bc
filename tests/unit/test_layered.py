"""What a rebuild keeps beside the manifest: maps written as a base and a layer (kg.flow.layered), and
the partitions in SQLite (kg.flow.partstore), each read back as the whole a full build would write."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Literal, URIRef

from kg.core.runstore import RunStore
from kg.export.dataset import Partitions
from kg.flow import layered, manifest, partstore


def _files(cache: Path, out: Path, build: int) -> list[str]:
    return sorted(p.name.split(".", 2)[2] for p in (cache / "manifests").glob(f"*.{build}.*"))


def _over(cache: Path, out: Path, build: int, value: dict[str, int]) -> layered.Stream:
    """`value` as a rebuild gives it: a layer over build `build`'s map (what it changed, what is gone)."""
    last = layered.stream(cache, out, build, "records")
    assert last is not None
    before = dict(last.items())
    changed = {n: v for n, v in value.items() if before.get(n, not v) != v}
    return layered.Stream(last, layered.Layer(changed, frozenset(before.keys() - value.keys())))


def test_a_few_changes_are_a_layer_over_the_last_base_and_many_a_new_base(tmp_path: Path) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    first = {f"a{i:03}.yaml": i for i in range(200)}
    layered.write(cache, out, 1, "records", first, len(first))
    assert layered.read(cache, out, 1, "records") == (first, set())
    second = {**first, "a005.yaml": -5, "new.yaml": 7}
    del second["a010.yaml"]
    layered.write(cache, out, 2, "records", _over(cache, out, 1, second), len(second))
    assert _files(cache, out, 2) == ["records", "records-layer"]
    value, changed = layered.read(cache, out, 2, "records") or ({}, set())
    assert value == second and list(value) == list(second) and changed == {"a005.yaml", "new.yaml"}
    base = manifest.beside(cache, out, 1, "records").stat().st_ino
    assert manifest.beside(cache, out, 2, "records").stat().st_ino == base  # linked, not written again
    third = {**second, **{f"a{i:03}.yaml": -i for i in range(100, 180)}}  # 83 changed since the base: > 64
    layered.write(cache, out, 3, "records", _over(cache, out, 2, third), len(third))
    assert _files(cache, out, 3) == ["records"]
    assert layered.read(cache, out, 3, "records") == (third, set())


def _fold(*parts: Partitions) -> partstore.Fold:
    fold = partstore.Fold(RunStore().db)
    for p in parts:
        fold.merge(p)
    return fold


def _parts(graph: str, *subjects: str) -> Partitions:
    return Partitions().add([(URIRef(s), RDF.type, URIRef("https://x/C")) for s in subjects], graph)


def test_partitions_taken_out_and_put_in_give_the_counts_of_a_recount(tmp_path: Path) -> None:
    a, b, c = _parts("g1", "https://x/1", "https://x/2"), _parts("g2", "https://x/2", "https://x/3"), _parts("g3")
    whole = Partitions()
    for p in (a, b):
        whole.merge(p)
    path = tmp_path / "parts"
    partstore.create(path, _fold(a, b), 1)
    store = partstore.Store.open(path, 1)
    assert store is not None and partstore.Store.open(path, 2) is None  # another build's: not used
    counts = store.apply([b], [_parts("g2", "https://x/4"), c])  # g2 changed: 3 gone, 4 added
    recount = Partitions()
    for p in (a, _parts("g2", "https://x/4"), c):
        recount.merge(p)
    assert counts == recount.counts() and counts.classes == {"https://x/C": 3}
    store.close()  # not committed: the file is still build 1's, unchanged
    again = partstore.Store.open(path, 1)
    assert again is not None
    assert again.apply([], []) == whole.counts()
    again.commit(tmp_path / "parts-2", 2)
    assert sqlite3.connect(tmp_path / "parts-2").execute("SELECT build FROM meta").fetchone() == (2,)


def test_partitions_folded_into_the_run_store_every_few_subjects_equal_those_merged_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(partstore.Fold, "HELD", 4)
    rng = random.Random(3)
    graphs = [
        Partitions().add(
            [(URIRef(f"https://x/{rng.randrange(40)}"), RDF.type, URIRef(f"https://x/C{rng.randrange(5)}"))]
            + [(BNode(f"b{i}"), URIRef(f"https://x/p{rng.randrange(3)}"), Literal(i)) for i in range(rng.randrange(3))]
            + [(BNode("b"), RDF.type, URIRef("https://x/C0"))],
            f"g{n}",
        )
        for n in range(60)
    ]
    whole = Partitions()
    for g in graphs:
        whole.merge(g)
    fold = _fold(*graphs)
    assert fold.counts() == whole.counts() and list(fold.counts().classes) == sorted(whole.classes)
    assert list(fold.typed()) == sorted((c, s, n) for c, subjects in whole.classes.items() for s, n in subjects.items())


def test_a_stream_over_a_stream_reads_the_map_a_rebuild_writes(tmp_path: Path) -> None:
    """A rebuild's records: its computed entries as a layer over the last build's stream (itself a base and a
    layer), merged in name order as the base is read, without loading the base whole; a base whose names are
    out of order is damage (ValueError)."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(manifest, "CHUNK", 3)  # the base read a few entries at a time
        layered.write(cache, out, 1, "records", {f"a{i:02}.yaml": i for i in range(20)}, 20)
    second = {f"a{i:02}.yaml": i for i in range(20) if i != 4} | {"a05.yaml": -5, "a30.yaml": 30}
    layered.write(cache, out, 2, "records", _over(cache, out, 1, second), len(second))
    last = layered.stream(cache, out, 2, "records")
    assert last is not None and dict(last.items()) == second and last.changed == {"a05.yaml", "a30.yaml"}
    assert last.layer is not None and last.layer.gone == {"a04.yaml"}
    now = layered.Stream(
        last, layered.Layer({"a04.yaml": 4, "a09.yaml": -9, "a31.yaml": 31}, frozenset({"a07.yaml", "a30.yaml"}))
    )
    order = sorted((second.keys() - {"a07.yaml", "a30.yaml"}) | {"a04.yaml", "a31.yaml"})
    expected = {n: {"a04.yaml": 4, "a09.yaml": -9, "a31.yaml": 31}.get(n, second.get(n)) for n in order}
    assert list(now.items()) == list(expected.items())
    assert now.get("a05.yaml") == -5 and now.get("a31.yaml") == 31
    with pytest.raises(KeyError):
        now.get("a01.yaml")  # only in the base file
    path, flat = now.over_file()
    assert path == manifest.beside(cache, out, 2, "records")  # build 2 linked build 1's base as its own
    assert flat.changed == {"a04.yaml": 4, "a05.yaml": -5, "a09.yaml": -9, "a31.yaml": 31}
    assert flat.gone == {"a07.yaml", "a30.yaml"}  # a04 came back; a30 was the layer's own, gone again
    layered.write(cache, out, 3, "records", now, len(expected))
    assert layered.read(cache, out, 3, "records") == (expected, {"a04.yaml", "a05.yaml", "a09.yaml", "a31.yaml"})
    manifest.put(manifest.beside(cache, out, 4, "records"), manifest.chunks([("b.yaml", 1), ("a.yaml", 2)]))
    unordered = layered.Stream(manifest.beside(cache, out, 4, "records"), layered.Layer({"c.yaml": 3}))
    with pytest.raises(ValueError, match=r"'a\.yaml' comes after 'b\.yaml'"):
        list(unordered.items())
