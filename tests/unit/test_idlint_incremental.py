"""The incremental @id lint (an index kept from the last build relints what its changes can affect) gives
exactly the findings of a full lint of the same summaries, after every edit of a random sequence."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.check import idlint, idsummary
from kg.core.runstore import RunStore
from kg.flow.sitelint import Kept

BASE = "https://a.example/"
_IDS = [f"{BASE}{p}" for p in ("x", "x/y", "x/y/z", "y", "p1", "p1#f", "p2", "q/x", "q")]
_PAGES = [f"{BASE}{p}" for p in ("p1", "p2", "p3", "x")]
_NAMES = ["Aspirin", "aspirin", "ASPIRIN", "Water", "Ice"]
_TYPES = ["Drug", "MedicalEntity", "Person", "Thing", "MedicalCondition"]
W = ("b.yaml", 3, 4, "name")
_FILES = [f"data/articles/{n}.yaml" for n in ("a", "b", "c", "d", "e")]


@st.composite
def summaries(draw: st.DrawFn, file: str) -> idsummary.Summary:
    """A small summary over shared @ids, names, types and pages, so the rules meet often."""
    page = draw(st.sampled_from(_PAGES))
    described = draw(
        st.dictionaries(
            st.sampled_from(_IDS),
            st.tuples(
                st.frozensets(st.sampled_from(_NAMES), max_size=2), st.frozensets(st.sampled_from(_TYPES), max_size=2)
            ),
            max_size=4,
        )
    )
    subjects = [page, *described]
    references = draw(st.frozensets(st.tuples(st.sampled_from(subjects), st.sampled_from(_IDS + _PAGES)), max_size=3))
    relative = draw(st.frozensets(st.tuples(st.sampled_from(subjects), st.sampled_from(["", "rel/x"])), max_size=1))
    where = {s: (file, n, 1, f"field{n}") for n, s in enumerate(sorted(set(subjects)))}
    return idsummary.Summary(file, page, described, tuple(sorted(references)), tuple(sorted(relative)), where)


@st.composite
def histories(draw: st.DrawFn) -> tuple[dict[str, idsummary.Summary], list[tuple[str, idsummary.Summary | None]]]:
    """Summaries of a first build, then edits: (file, its new summary), None when the file is removed
    (an edit of a file not there adds it)."""
    first = {f: draw(summaries(f)) for f in draw(st.lists(st.sampled_from(_FILES), unique=True, max_size=4))}
    edits = []
    for _ in range(draw(st.integers(1, 6))):
        file = draw(st.sampled_from(_FILES))
        edits.append((file, draw(st.none() | summaries(file))))
    return first, edits


@settings(max_examples=200)
@given(histories())
def test_an_incremental_lint_equals_a_full_lint_after_every_edit(
    history: tuple[dict[str, idsummary.Summary], list[tuple[str, idsummary.Summary | None]]],
) -> None:
    first, edits = history
    current = dict(first)
    with RunStore() as store:
        index = idlint.Index(store.db)
        for s in first.values():
            index.add(s)
        assert index.run() == idlint.lint([current[f] for f in sorted(current)], BASE)
        for file, summary in edits:
            if summary is None:
                index.remove(file)
                current.pop(file, None)
            else:
                index.add(summary)
                current[file] = summary
            assert index.run() == idlint.lint([current[f] for f in sorted(current)], BASE)


@settings(max_examples=200)
@given(histories())
def test_names_an_article_marks_as_parts_lint_as_when_each_is_asked(
    history: tuple[dict[str, idsummary.Summary], list[tuple[str, idsummary.Summary | None]]],
) -> None:
    """A name row marked a part by its own article (its page, a fragment, nested under an @id it describes)
    is one the index calls a part, and the lint finds what it finds when every @id is asked (the marks
    cleared), after every edit."""
    first, edits = history
    with RunStore() as marked, RunStore() as asked:
        by_mark, by_asking = idlint.Index(marked.db), idlint.Index(asked.db)
        for file, summary in [*first.items(), *edits]:
            for index in (by_mark, by_asking):
                index.add(summary) if summary is not None else index.remove(file)
            asked.db.execute("UPDATE nam SET own = 0")
            assert all(by_mark.part(s) for (s,) in marked.db.execute("SELECT s FROM nam WHERE own = 1"))
            assert by_mark.run() == by_asking.run()


def test_nested_nodes_their_articles_own_are_not_asked_about(monkeypatch: pytest.MonkeyPatch) -> None:
    """A contraindication named alike under each treatment (as in every article of a large site) needs no
    lookup of its owner: the rebuild's lint asked ~7,600 of them, one by one, for one changed article."""
    asthma = (frozenset({"Asthma"}), frozenset({"MedicalContraindication"}))
    articles = [
        idsummary.Summary(
            f"{n}.yaml",
            f"{BASE}p{n}",
            {f"{BASE}t{n}": (frozenset({f"Drug {n}"}), frozenset({"Drug"})), f"{BASE}t{n}/c/asthma": asthma},
            (),
            (),
            {},
        )
        for n in range(3)
    ]
    asked: list[str] = []

    def part(self: idlint.Index, s: str) -> bool:
        asked.append(s)
        return False

    monkeypatch.setattr(idlint.Index, "part", part)
    with RunStore() as store:
        index = idlint.Index(store.db)
        for a in articles:
            index.add(a)
        assert index.run() == []
    assert asked == []


def test_an_edit_relints_a_name_shared_with_an_unchanged_article() -> None:
    """The duplicate-entity warning of an unchanged article goes when the other @id of its name goes."""
    aspirin = (frozenset({"Aspirin"}), frozenset({"Drug"}))
    a = idsummary.Summary("a.yaml", BASE + "p1", {BASE + "x": aspirin}, (), (), {})
    where = {BASE + "y": ("b.yaml", 3, 4, "name")}
    b = idsummary.Summary(
        "b.yaml", BASE + "p2", {BASE + "y": (frozenset({"aspirin"}), frozenset({"Drug"}))}, (), (), where
    )
    with RunStore() as store:
        index = idlint.Index(store.db)
        index.add(a)
        index.add(b)
        (warning,) = index.run()
        assert (warning.file, warning.line, warning.rule) == ("b.yaml", 3, "idlint:duplicate-entity")
        assert warning.message.startswith(f"aspirin has two @ids: {BASE}y here and {BASE}x in a.yaml;")
        index.add(idsummary.Summary("a.yaml", BASE + "p1", {}, (), (), {}))
        assert index.run() == []


def test_an_owner_described_anew_makes_its_parts_no_duplicates() -> None:
    """x/y belongs to x once an article describes x: the warning on another @id of its name goes."""
    drug = frozenset({"Drug"})
    a = idsummary.Summary("a.yaml", BASE + "p1", {BASE + "x/y": (frozenset({"Aspirin"}), drug)}, (), (), {})
    where = {BASE + "y": ("b.yaml", 3, 4, "name")}
    b = idsummary.Summary("b.yaml", BASE + "p2", {BASE + "y": (frozenset({"aspirin"}), drug)}, (), (), where)
    with RunStore() as store:
        index = idlint.Index(store.db)
        index.add(a)
        index.add(b)
        assert [f.rule for f in index.run()] == ["idlint:duplicate-entity"]
        index.add(idsummary.Summary("c.yaml", BASE + "p3", {BASE + "x": (frozenset(), frozenset())}, (), (), {}))
        assert index.run() == []
        index.remove("c.yaml")
        assert [f.rule for f in index.run()] == ["idlint:duplicate-entity"]


def test_a_kept_index_changes_only_when_its_build_commits(tmp_path: Path) -> None:
    """A rebuild that stops before it commits leaves the last build's index as it was; one that commits
    moves it to its own name and id."""
    drug = frozenset({"Drug"})
    a = idsummary.Summary("a.yaml", BASE + "p1", {BASE + "x": (frozenset({"Aspirin"}), drug)}, (), (), {})
    b = idsummary.Summary("b.yaml", BASE + "p2", {BASE + "y": (frozenset({"aspirin"}), drug)}, (), (), {BASE + "y": W})
    first = Kept.create(tmp_path / "1.lint.tmp")
    first.index.add(a)
    first.index.add(b)
    (warning,) = first.index.run()
    first.commit(tmp_path / "1.lint", 1)
    first.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.lint"]
    assert Kept.open(tmp_path / "1.lint", 2) is None  # another build's
    stopped = Kept.open(tmp_path / "1.lint", 1)
    assert stopped is not None
    stopped.index.remove("a.yaml")
    assert stopped.index.run() == []
    stopped.close()
    kept = Kept.open(tmp_path / "1.lint", 1)
    assert kept is not None and kept.index.holding(["a.yaml", "b.yaml", "c.yaml"]) == ["a.yaml", "b.yaml"]
    kept.index.remove("a.yaml")
    assert kept.index.run() == []
    kept.commit(tmp_path / "2.lint", 2)
    kept.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2.lint"]
    again = Kept.open(tmp_path / "2.lint", 2)
    assert again is not None and again.index.holding(["a.yaml", "b.yaml"]) == ["b.yaml"]
    again.index.add(a)
    assert again.index.run() == [warning]
    again.close()
