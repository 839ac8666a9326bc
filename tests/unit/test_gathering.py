"""A gathering changed by the rows that went and came (kg.reports.repeated.Gathering.changed) is the gathering
of the rows after the change, or None when what it holds does not say: never a different report."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.core.findings import Row
from kg.reports.repeated import SAMPLE, Gathering

FILES = [f"data/articles/a{i:02d}.yaml" for i in range(12)] + ["data/site.yaml"]
KINDS = [  # (severity, rule, field, message): alike but for the nodes they name, or worded alike
    (2, "google:Article-author", "page", "Google recommends naming the author"),
    (2, "left-out-image", "page.image", "Left out: the ImageObject <{node}>"),
    (1, "left-out-website", "", "Left out: the WebSite <https://example.org/#website>"),
    (3, "medkgsh:dose", "treatment", "A dose without a unit"),
]


def row(file: str, line: int, kind: int, node: str = "") -> Row:
    severity, rule, field, message = KINDS[kind]
    said = message.format(node=node or f"https://example.org/{file}#image")
    return (file, line, 3, severity, said, field, "", rule, "shapes")


def said(g: Gathering) -> tuple[object, ...]:
    """All a report shows of a gathering."""
    repeated = [(r.key, r.count, r.pages, r.worded_alike, [f.where for f in r.sample], r.first) for r in g.repeated()]
    return (repeated, list(g.singles()))


rows = st.builds(
    row,
    st.sampled_from(FILES),
    st.integers(1, 4),
    st.integers(0, len(KINDS) - 1),
    st.sampled_from(["", "https://example.org/same#image"]),
)


@settings(max_examples=300, deadline=None)
@given(st.sets(rows, max_size=60), st.sets(st.sampled_from(FILES), max_size=3), st.sets(rows, max_size=12))
def test_a_changed_gathering_is_the_gathering_of_the_rows_after_the_change(
    before: set[Row], replaced: set[str], new: set[Row]
) -> None:
    gone = {r for r in before if r[0] in replaced}
    came = {r for r in new if r[0] in replaced}  # the files replaced: every row of theirs goes, theirs now come
    after = (before - gone) | came
    changed = Gathering.of(sorted(before)).changed(gone, came, lambda file: False)
    if changed is not None:
        assert said(changed) == said(Gathering.of(sorted(after)))
        assert changed.held == Gathering.of(sorted(after)).held
    if gone or came:  # a file whose other rows may stay (carried): its pages cannot be counted
        assert Gathering.of(sorted(before)).changed(gone, came, lambda file: file in replaced) is None


def test_a_change_past_the_places_shown_is_counted_without_the_other_rows() -> None:
    before = [row(f, 3, kind) for f in FILES[:12] for kind in range(3)]
    gone = [r for r in before if r[0] == FILES[8]]
    came = [row(FILES[8], 4, kind) for kind in (0, 1)]  # its lines moved, and one kind went
    changed = Gathering.of(before).changed(gone, came, lambda file: False)
    after = sorted({*before} - {*gone} | {*came})
    assert changed is not None
    assert said(changed) == said(Gathering.of(after))
    assert [r.pages for r in changed.repeated()] == [12, 12, 11]


def test_a_place_shown_that_goes_or_a_kind_falling_to_a_few_pages_says_nothing() -> None:
    before = [row(f, 3, 0) for f in FILES[:12]]
    shown = [r for r in before if r[0] == FILES[SAMPLE - 1]]  # the last place shown: the next is not kept
    assert Gathering.of(before).changed(shown, [], lambda file: False) is None
    thrice = [row(f, line, 0) for f in FILES[:3] for line in (1, 2, 3)]  # 9 places on 3 pages: none held
    assert Gathering.of(thrice).changed(thrice[6:], [], lambda file: False) is None  # 2 pages: shown one by one


def test_a_kind_whose_places_are_all_shown_is_counted_anew() -> None:
    before = [row(f, 3, 0) for f in FILES[:4]]
    changed = Gathering.of(before).changed(before[:1], [], lambda file: False)  # the first place went
    assert changed is not None
    assert said(changed) == said(Gathering.of(before[1:]))
