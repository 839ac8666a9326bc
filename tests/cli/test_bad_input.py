"""Bad input: each case exits 2, names file:line:column and the field, and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import snapshot

from kg.core.errors import InputError
from kg.load.facts import load_corpus

ARTICLE = "data/articles/mesotherapy.yaml"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def _fails(kg: Callable[..., Result], data: Path, expected: str) -> Result:
    out = data.parent / "exports"
    kg("build", "--data", data, "--out", out)
    before = snapshot(out)
    result = kg("build", "--data", data, "--out", out)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr, result.stderr
    assert snapshot(out) == before
    return result


def test_enum_error_names_line_column_field(kg: Callable[..., Result], data: Path) -> None:
    article = data / "articles/mesotherapy.yaml"
    kg("build", "--data", data, "--out", data.parent / "exports")
    _replace(
        article,
        "frequency: rare\n      seriousness: serious\n    - name: Irregular",
        "frequency: often\n      seriousness: serious\n    - name: Irregular",
    )
    line = _line_of(article, "frequency: often")
    _fails(
        kg,
        data,
        f"{ARTICLE}:{line}:18: violation: treatment.adverse_effects[3].frequency: "
        "'often' is not one of: very-common, common, uncommon, rare, very-rare, unknown",
    )


def test_unknown_field_suggests_the_right_one(kg: Callable[..., Result], data: Path) -> None:
    article = data / "articles/mesotherapy.yaml"
    _replace(
        article,
        "      seriousness: minor\n      temporary: true\n    - name: Bruising",
        "      seriousnes: minor\n      temporary: true\n    - name: Bruising",
    )
    line = _line_of(article, "seriousnes: minor")
    _fails(
        kg,
        data,
        f"{ARTICLE}:{line}:7: violation: treatment.adverse_effects[0].seriousnes: "
        "unknown field 'seriousnes' (did you mean 'seriousness'?)",
    )


def test_wrong_type(kg: Callable[..., Result], data: Path) -> None:
    article = data / "articles/mesotherapy.yaml"
    _replace(article, "  personalised: true", "  personalised: 42")
    line = _line_of(article, "personalised: 42")
    _fails(kg, data, f"{ARTICLE}:{line}:17: violation: treatment.personalised: expected true or false, found a number")


def test_missing_required_field(kg: Callable[..., Result], data: Path) -> None:
    article = data / "articles/mesotherapy.yaml"
    _replace(article, "  name: Mesotherapy\n", "")
    _fails(kg, data, "treatment: missing required field 'name'")


def test_malformed_yaml(kg: Callable[..., Result], data: Path) -> None:
    article = data / "articles/mesotherapy.yaml"
    _replace(article, "    - name: Hyaluronic acid", "    - name: [Hyaluronic acid")
    _fails(kg, data, f"{ARTICLE}:")
    result = kg("validate", "--data", data)
    assert result.exit_code == 2
    assert "invalid YAML" in result.stderr


def test_empty_file(kg: Callable[..., Result], data: Path) -> None:
    (data / "articles/empty.yaml").write_text("", encoding="utf-8")
    _fails(kg, data, "data/articles/empty.yaml:1:1: violation: the file is empty")


def test_non_utf8_bytes(kg: Callable[..., Result], data: Path) -> None:
    (data / "articles/latin1.yaml").write_bytes(b"slug: caf\xe9\n")
    _fails(kg, data, "data/articles/latin1.yaml:1:10: violation: the file is not valid UTF-8 (byte 0xe9)")


def test_duplicate_slug(kg: Callable[..., Result], data: Path) -> None:
    text = (data / "articles/mesotherapy.yaml").read_text(encoding="utf-8")
    (data / "articles/zz-copy.yaml").write_text(text, encoding="utf-8")
    line = _line_of(data / "articles/zz-copy.yaml", "slug: mesotherapy")
    _fails(
        kg,
        data,
        f"data/articles/zz-copy.yaml:{line}:7: violation: slug: slug 'mesotherapy' is already "
        "used by data/articles/mesotherapy.yaml",
    )


def test_duplicate_key(kg: Callable[..., Result], data: Path) -> None:
    article = data / "articles/mesotherapy.yaml"
    _replace(article, "slug: mesotherapy\n", "slug: mesotherapy\nslug: other\n")
    _fails(kg, data, "duplicate field 'slug'")


def test_missing_site_yaml(kg: Callable[..., Result], data: Path) -> None:
    (data / "site.yaml").unlink()
    _fails(kg, data, "data/site.yaml: missing: every data folder needs a site.yaml")


def test_ten_megabyte_string(kg: Callable[..., Result], data: Path) -> None:
    article = data / "articles/mesotherapy.yaml"
    _replace(article, "  description: >-\n    A minimally", "  description: " + "x" * 10_000_000 + "\n  x_: >-\n    A")
    _fails(kg, data, "treatment.description: is too long (10000000 characters; at most 5000)")


def test_broken_iri(kg: Callable[..., Result], data: Path) -> None:
    _replace(data / "site.yaml", "base_iri: https://getlabtest.com/", "base_iri: https://getlab test.com/")
    line = _line_of(data / "site.yaml", "base_iri:")
    _fails(
        kg,
        data,
        f"data/site.yaml:{line}:11: violation: base_iri: 'https://getlab test.com/' is not an absolute "
        'http(s) IRI without spaces or any of the characters <>"{}|\\^`',
    )


def test_range_min_above_max(kg: Callable[..., Result], data: Path) -> None:
    article = data / "articles/mesotherapy.yaml"
    _replace(article, "{min: 30, max: 60,", "{min: 90, max: 60,")
    _fails(kg, data, "treatment.procedure.duration.min: min is larger than max")


def test_draft_is_refused(kg: Callable[..., Result], data: Path) -> None:
    article = data / "articles/mesotherapy.yaml"
    _replace(article, "slug: mesotherapy\n", "slug: mesotherapy\ndraft: true\n")
    _fails(kg, data, "draft: this facts file is a draft: review every fact, then delete the line 'draft: true'")


def test_all_problems_reported_at_once(data: Path) -> None:
    (data / "articles/empty.yaml").write_text("", encoding="utf-8")
    (data / "articles/bad.yaml").write_text("slug: Bad Slug\npage: {}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_corpus(data)
    files = {f.file for f in caught.value.findings}
    assert files == {"data/articles/empty.yaml", "data/articles/bad.yaml"} or all(
        f.endswith(("empty.yaml", "bad.yaml")) for f in files
    )
    assert len(caught.value.findings) >= 3
