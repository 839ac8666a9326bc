"""Facts files written to trip the reader (issue [hardening] 7, 11): JSON and YAML read alike (a BOM,
escaped surrogate pairs), lone surrogates and undecodable file names named as what they are, and
drafts written with ordinary permissions."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import Result


def _as_json(data: Path, prefix: str = "") -> Path:
    article = data / "articles/mesotherapy.yaml"
    value = yaml.safe_load(article.read_text(encoding="utf-8"))
    value["page"]["headline"] = "Mesotherapy \U0001f489"
    text = json.dumps(value, ensure_ascii=True)  # the emoji as an escaped surrogate pair
    assert "\\ud83d\\udc89" in text
    article.unlink()
    target = data / "articles/mesotherapy.json"
    target.write_text(prefix + text, encoding="utf-8")
    return target


def test_json_with_a_bom_and_escaped_surrogate_pairs_reads_like_yaml(
    kg: Callable[..., Result], data: Path, tmp_path: Path
) -> None:
    _as_json(data, prefix="\ufeff")
    result = kg("build", "--data", data, "--out", tmp_path / "exports")
    assert result.exit_code == 0, result.output
    assert "Mesotherapy \U0001f489" in (tmp_path / "exports/mesotherapy.jsonld").read_text(encoding="utf-8")


def test_a_lone_surrogate_in_json_is_a_json_error_with_its_place(kg: Callable[..., Result], data: Path) -> None:
    target = _as_json(data)
    target.write_text(target.read_text(encoding="utf-8").replace("\\ud83d\\udc89", "\\udc89\\ud83d"), encoding="utf-8")
    result = kg("validate", "--data", data)
    assert result.exit_code == 2
    assert "invalid JSON: \\udc89 is half of a surrogate pair, not a character" in result.stderr
    assert "invalid YAML" not in result.stderr


def test_a_file_name_that_is_not_utf8_is_reported_and_blocks_only_itself(
    kg: Callable[..., Result], data: Path, tmp_path: Path
) -> None:
    text = (data / "articles/mesotherapy.yaml").read_text(encoding="utf-8")
    other = os.fsdecode(bytes(data / "articles") + b"/\xff\xfe.yaml")
    Path(other).write_text(text.replace("slug: mesotherapy", "slug: other"), encoding="utf-8")
    result = kg("validate", "--data", data)  # a traceback (UnicodeEncodeError) would raise here
    assert result.exit_code == 2
    assert "\ufffd\ufffd.yaml:1:1: violation: the file name is not valid UTF-8" in result.stderr
    assert "1 article, " in result.stderr  # the other article was checked all the same


def test_drafts_written_by_extract_get_ordinary_permissions(kg: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text("Peels\n\nA chemical peel is a cosmetic treatment.\n", encoding="utf-8")
    mask = os.umask(0o022)
    try:
        result = kg("extract", tmp_path / "article.txt", "--out", tmp_path / "draft.yaml")
    finally:
        os.umask(mask)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "draft.yaml").stat().st_mode & 0o777 == 0o644  # was 0600: mkstemp's mode
