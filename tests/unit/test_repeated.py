"""Repeated findings gathered in one read of the rows: the same groups, and the same others in the same
order, as reading them twice (count the pages of each kind first, then show those under the threshold)."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st

from kg.core.findings import Row, from_row
from kg.reports.repeated import AT_LEAST, gather, key

_ROW = st.tuples(
    st.sampled_from(["a.yaml", "b.yaml", "c.yaml", "d.yaml", "site.yaml"]),
    st.integers(1, 4),
    st.integers(1, 2),
    st.integers(1, 3),
    st.sampled_from(["missing <https://x/1>", "missing <https://x/2>", "too long", "not a date"]),
    st.sampled_from(["", "name"]),
    st.just(""),
    st.sampled_from(["r1", "r2"]),
    st.just("medkg"),
)


@given(st.lists(_ROW, max_size=60, unique=True).map(sorted), st.integers(1, 4))
def test_one_read_gathers_as_two_reads_did(rows: list[Row], at_least: int) -> None:
    reads = 0

    def read() -> list[Row]:
        nonlocal reads
        reads += 1
        return rows

    repeated, others = gather(read, at_least)
    pages: dict[tuple[int, str, str, str], set[str]] = defaultdict(set)
    for r in rows:
        pages[key(r)].add(r[0])
    kinds = {k for k, files in pages.items() if len(files) >= at_least}
    assert [g.key for g in repeated] == sorted(kinds, key=lambda k: (-k[0], k[1], k[2], k[3]))
    assert [(g.count, g.pages) for g in repeated] == [
        (sum(key(r) == g.key for r in rows), len(pages[g.key])) for g in repeated
    ]
    assert list(others) == [from_row(r) for r in rows if key(r) not in kinds]
    assert reads == 1


def test_a_kind_on_fewer_pages_than_the_threshold_is_shown_one_by_one() -> None:
    rows = sorted((f"p{i}.yaml", 1, 1, 2, "missing <https://x/1>", "", "", "r", "g") for i in range(AT_LEAST - 1))
    repeated, others = gather(lambda: rows)
    assert repeated == [] and [f.file for f in others] == [r[0] for r in rows]
