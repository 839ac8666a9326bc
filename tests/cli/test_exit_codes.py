"""The exit-code contract, command by command: 0 clean; 1 findings at or above --fail-on (or stale
exports); 2 bad input or usage; 3 I/O failure. One row per case; add rows for new commands."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from conftest import REPO, snapshot


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]  # {data}, {out}, {tmp} are replaced by paths of the test project
    code: int
    says: str = ""  # expected in stdout or stderr
    setup: Callable[[Path], object] | None = None
    patch: Callable[[pytest.MonkeyPatch], object] | None = None  # the environment, or a failure to inject


def _edit(old: str, new: str) -> Callable[[Path], None]:
    def apply(tmp: Path) -> None:
        path = tmp / "data/articles/mesotherapy.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


def _file_at(name: str) -> Callable[[Path], None]:
    def apply(tmp: Path) -> None:
        (tmp / name).write_text("a file, not a folder", encoding="utf-8")

    return apply


def _write(name: str, text: str) -> Callable[[Path], None]:
    def apply(tmp: Path) -> None:
        (tmp / "data" / name).write_text(text, encoding="utf-8")

    return apply


def _site(old: str, new: str) -> Callable[[Path], None]:
    def apply(tmp: Path) -> None:
        path = tmp / "data/site.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")

    return apply


def _store(tmp: Path) -> None:
    import pyoxigraph

    pyoxigraph.Store(str(tmp / "store")).flush()


def _disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC on the first write of the build's files (a full disk: tests/cli/test_attacks_crash.py mounts one)."""
    import errno

    from kg.core import fsio

    class Full:
        def __init__(self, path: Path, mode: str) -> None:
            self.handle = open(path, mode)  # noqa: SIM115 - closed by close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self) -> None:
            self.handle.close()

        def __enter__(self) -> Full:  # every file fails, kg.nq (on its writer's thread) or not, whichever is first
            return self

        def __exit__(self, *_: object) -> None:
            self.close()

    monkeypatch.setattr(fsio, "open", Full, raising=False)


def _env(**values: str) -> Callable[[pytest.MonkeyPatch], None]:
    def apply(monkeypatch: pytest.MonkeyPatch) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return apply


DEEP_YAML = "slug: deep\npage:\n" + "".join("  " * i + f"  k{i}:\n" for i in range(1, 520)) + "  " * 520 + "  x\n"
DEEP_JSON = '{"slug": "deep", "page": ' + "[" * 1000 + "]" * 1000 + "}"
SERVICE = "SELECT * {{ SERVICE <http://127.0.0.1:9/sparql> {{ ?s ?p ?o }} }}"

NO_ADVERSE_EFFECTS = _edit("  adverse_effects:\n", "  adverse_effects_:\n")
ENUM_ERROR = _edit("frequency: common", "frequency: often")
VIOLATION = _edit("    - condition: Pregnancy\n", "    - condition: Pregnancy\n    - condition: Cellulite\n")
CORRUPT_NQ = _file_at("bad.nq")

MATRIX: dict[str, Case] = {
    "build clean": Case(("build", "--data", "{data}", "--out", "{out}"), 0, "files written"),
    "build violation": Case(("build", "--data", "{data}", "--out", "{out}"), 1, "nothing was written", VIOLATION),
    "build --fail-on warning": Case(
        ("build", "--data", "{data}", "--out", "{out}", "--fail-on", "warning"),
        1,
        "13 warnings at or above warning; nothing was written",
    ),
    "build --check stale": Case(("build", "--data", "{data}", "--out", "{tmp}/exports-old", "--check"), 1, "is stale"),
    "build bad facts": Case(("build", "--data", "{data}", "--out", "{out}"), 2, "'often' is not one of", ENUM_ERROR),
    "build usage": Case(("build", "--frobnicate"), 2, "No such option"),
    "build unwritable": Case(
        ("build", "--data", "{data}", "--out", "{tmp}/file/exports"),
        3,
        "cannot create the export folder",
        _file_at("file"),
    ),
    "validate clean": Case(("validate", "--data", "{data}"), 0, "0 violations"),
    "validate --fail-on warning": Case(("validate", "--data", "{data}", "--fail-on", "warning"), 1, "13 warnings"),
    "validate --fail-on info": Case(
        ("validate", "--data", "{data}", "--fail-on", "info", "--format", "json"), 1, '"fail_on": "info"'
    ),
    "validate violation": Case(("validate", "--data", "{data}", "--format", "sarif"), 1, '"level": "error"', VIOLATION),
    "validate bad facts": Case(("validate", "--data", "{data}", "--format", "github"), 2, "::error file=", ENUM_ERROR),
    "validate missing path": Case(("validate", "--data", "{data}", "{tmp}/nope.yaml"), 2, "no such file"),
    "validate usage": Case(("validate", "--format", "pdf"), 2, "Invalid value for '--format'"),
    "diff same": Case(("diff", "{tmp}/exports-old", "{tmp}/exports-old"), 0, "no changes"),
    "diff unknown side": Case(
        ("diff", "{tmp}/exports-old", "no-such-rev"), 2, "no-such-rev: no such folder, file or git revision"
    ),
    "diff corrupt": Case(("diff", "{tmp}/exports-old/kg.nq", "{tmp}/bad.nq"), 2, "not readable as N-Quads", CORRUPT_NQ),
    "init new": Case(("init", "new-article", "--data", "{data}"), 0, "delete the line 'draft: true'"),
    "init existing": Case(("init", "mesotherapy", "--data", "{data}"), 2, "already exists"),
    "init bad slug": Case(("init", "New Article", "--data", "{data}"), 2, "is not a valid slug"),
    "init unwritable": Case(("init", "x", "--out", "{tmp}/file/x.yaml"), 3, "cannot create", _file_at("file")),
    "show mermaid": Case(("show", "mesotherapy", "--data", "{data}"), 0, "flowchart LR"),
    "show unknown": Case(("show", "nope", "--data", "{data}"), 2, "no article with slug 'nope'"),
    "show broken facts": Case(("show", "mesotherapy", "--data", "{data}"), 2, "'often' is not one of", ENUM_ERROR),
    "preview clean": Case(("preview", "mesotherapy", "--data", "{data}"), 0, 'id="breadcrumb"'),
    "preview unknown": Case(("preview", "nope", "--data", "{data}"), 2, "no article with slug 'nope'"),
    "preview broken facts": Case(
        ("preview", "mesotherapy", "--data", "{data}"), 2, "'often' is not one of", ENUM_ERROR
    ),
    "preview unwritable": Case(
        ("preview", "mesotherapy", "--data", "{data}", "--out", "{tmp}/file/p.html"),
        3,
        "cannot write the preview",
        _file_at("file"),
    ),
    "audit export": Case(("audit", "{tmp}/exports-old/mesotherapy.jsonld"), 0, "0 violations"),
    "audit --fail-on warning": Case(
        ("audit", "{tmp}/exports-old/mesotherapy.html", "--fail-on", "warning"), 1, "warning"
    ),
    "audit missing file": Case(("audit", "{tmp}/nope.html"), 2, "no such file"),
    "audit unreachable": Case(
        ("audit", "http://127.0.0.1:9/page.html", "--timeout", "1", "--allow-private"), 3, "cannot connect"
    ),
    "load clean": Case(("load", "--data", "{data}", "--store", "{tmp}/store"), 0, "triples loaded into"),
    "load violation": Case(("load", "--data", "{data}", "--store", "{tmp}/store"), 1, "nothing was loaded", VIOLATION),
    "load bad facts": Case(
        ("load", "--data", "{data}", "--store", "{tmp}/store"), 2, "'often' is not one of", ENUM_ERROR
    ),
    "query no store": Case(("query", "ASK {{}}", "--store", "{tmp}/nostore"), 2, "no store here"),
    "query usage": Case(("query", "ASK {{}}", "--format", "pdf"), 2, "Invalid value for '--format'"),
    "publish unreachable": Case(
        ("publish", "--endpoint", "http://127.0.0.1:9", "--data", "{data}", "--retries", "0"),
        3,
        "cannot reach http://127.0.0.1:9",
    ),
    "publish violation": Case(
        ("publish", "--endpoint", "http://127.0.0.1:9", "--data", "{data}"),
        1,
        "nothing was loaded or published",
        VIOLATION,
    ),
    "extract seed-like text": Case(
        ("extract", "{tmp}/article.txt"),
        0,
        "draft: true",
        lambda tmp: (tmp / "article.txt").write_text(
            "Peels\n\nA chemical peel is a cosmetic treatment.\n", encoding="utf-8"
        ),
    ),
    "extract missing file": Case(("extract", "{tmp}/nope.html"), 2, "nope.html"),
    "extract existing out": Case(
        ("extract", "{tmp}/article.txt", "--out", "{data}/site.yaml"),
        2,
        "already exists",
        lambda tmp: (tmp / "article.txt").write_text("Peels\n", encoding="utf-8"),
    ),
    "publish usage": Case(
        ("publish", "--endpoint", "http://127.0.0.1:9", "--dry-run", "--bulk"), 2, "cannot be combined"
    ),
    # [hardening] item 7: each of these was a traceback with exit 1
    "build YAML nested 520 deep": Case(
        ("build", "--data", "{data}", "--out", "{out}"),
        2,
        "nests more than 64 levels deep",
        _write("articles/mesotherapy.yaml", DEEP_YAML),
    ),
    "validate JSON nested 1000 deep": Case(
        ("validate", "--data", "{data}"), 2, "nests more than 64 levels deep", _write("articles/deep.json", DEEP_JSON)
    ),
    "build base_iri with #": Case(
        ("build", "--data", "{data}", "--out", "{out}"),
        2,
        "must not have a '#' fragment",
        _site("base_iri: https://getlabtest.com/", "base_iri: https://getlabtest.com/#/"),
    ),
    "build url with %zz": Case(
        ("build", "--data", "{data}", "--out", "{out}"),
        2,
        "has a '%' not followed by two hexadecimal digits",
        _edit("slug: mesotherapy\n", "slug: mesotherapy\nurl: https://getlabtest.com/a%zz\n"),
    ),
    "build disk full": Case(
        ("build", "--data", "{data}", "--out", "{out}"), 3, "No space left on device", patch=_disk_full
    ),
    "publish non-Latin-1 Digest user": Case(
        ("publish", "--endpoint", "http://127.0.0.1:9", "--server", "virtuoso", "--data", "{data}"),
        2,
        "outside Latin-1",
        patch=_env(KG_STORE_USER="\u7528\u6237", KG_STORE_PASSWORD="pw-\u03c0"),
    ),
    "query token with CR": Case(
        ("query", "ASK {{}}", "--endpoint", "http://127.0.0.1:9/q"),
        2,
        "KG_STORE_TOKEN ends with a line break",
        patch=_env(KG_STORE_TOKEN="tok\r"),
    ),
    "query unreachable SERVICE": Case(("query", SERVICE, "--store", "{tmp}/store"), 2, "SERVICE is refused", _store),
    # item 5: a trailing newline passed jsonschema's `$`
    "build date with a newline": Case(
        ("build", "--data", "{data}", "--out", "{out}"),
        2,
        "is not an ISO 8601 date",
        _edit("page:\n", 'page:\n  date_published: "2024-01-01\\n"\n'),
    ),
    "validate language with a newline": Case(
        ("validate", "--data", "{data}"), 2, "is not a BCP 47 language tag", _site("language: en", 'language: "en\\n"')
    ),
    # item 8 and 11
    "load into a fresh folder": Case(("load", "--data", "{data}", "--store", "{tmp}/a/b/c"), 0, "triples loaded into"),
    "validate JSON with a lone surrogate": Case(
        ("validate", "--data", "{data}"),
        2,
        "\\ud800 is half of a surrogate pair",
        _write("articles/odd.json", '{"slug": "odd\\ud800"}'),
    ),
}


@pytest.fixture(scope="module")
def old_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("old") / "exports"
    shutil.copytree(REPO / "exports", out)
    (out / "mesotherapy.ttl").write_text((out / "mesotherapy.ttl").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    return out


@pytest.mark.parametrize("name", MATRIX)
def test_exit_code(name: str, kg: Callable[..., Result], data: Path, tmp_path: Path, old_exports: Path) -> None:
    case = MATRIX[name]
    shutil.copytree(old_exports, tmp_path / "exports-old")
    if case.setup:
        case.setup(tmp_path)
    out = tmp_path / "exports"
    args = [a.format(data=data, out=out, tmp=tmp_path) for a in case.args]
    before = snapshot(out)
    if case.patch:
        with pytest.MonkeyPatch.context() as monkeypatch:
            case.patch(monkeypatch)
            result = kg(*args)  # a traceback would raise here: the runner does not catch exceptions
    else:
        result = kg(*args)
    assert result.exit_code == case.code, result.output
    assert case.says in result.stdout + result.stderr
    if case.code and args[0] == "build":
        assert snapshot(out) == before  # a failed build writes nothing


def test_every_command_has_rows() -> None:
    import click

    from kg.cli.main import main

    assert {c.args[0] for c in MATRIX.values()} == set(main.list_commands(click.Context(main)))  # imported lazily


def test_svg_without_graphviz_exits_2(
    kg: Callable[..., Result], data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))  # a real PATH where no `dot` is installed
    result = kg("show", "mesotherapy", "--data", data, "--format", "svg")
    assert result.exit_code == 2
    assert result.stderr == "error: Graphviz is not installed; use --format mermaid or install graphviz\n"


def test_one_decision_from_a_result_or_an_error() -> None:
    from kg.cli.exits import Verdict, exit_code
    from kg.core.errors import BundledDataError, InputError, NetworkError, OutputError, UnsupportedShapesError
    from kg.core.findings import Finding, Severity
    from kg.core.result import Result

    warning = Finding("f.yaml", 1, 1, Severity.WARNING, "w")
    assert exit_code(None) == exit_code(Verdict(Result([warning]))) == 0
    assert exit_code(Verdict(Result([warning]), Severity.WARNING)) == 1
    assert exit_code(Verdict(Result(), stale=True)) == 1
    assert exit_code(Verdict(Result(problems=[warning]))) == 2
    assert [
        exit_code(e("x")) for e in (InputError, UnsupportedShapesError, OutputError, NetworkError, BundledDataError)
    ] == [2, 2, 3, 3, 3]


def test_library_errors_name_settings_and_the_cli_names_flags(kg: Callable[..., Result], data: Path) -> None:
    from kg.cli.exits import FLAGS
    from kg.core.errors import InputError
    from kg.stores.gsp import Target

    with pytest.raises(InputError) as e:
        Target("http://h:3030/", "fuseki")
    assert str(e.value) == "server kind fuseki needs the dataset name (the dataset or repository name)"
    assert e.value.worded(FLAGS) == "--server fuseki needs --dataset (the dataset or repository name)"
    result = kg("publish", "--endpoint", "http://h:3030/", "--server", "fuseki", "--data", data)
    assert result.stderr == "error: --server fuseki needs --dataset (the dataset or repository name)\n"


def test_missing_bundled_data_is_a_medkg_error_exit_3() -> None:
    from kg.cli.exits import exit_code
    from kg.core import resources
    from kg.core.errors import BundledDataError

    with pytest.raises(BundledDataError, match=r"'shapes/nope\.ttl' is missing from this installation") as e:
        resources.path("shapes", "nope.ttl")
    assert exit_code(e.value) == 3


def test_load_and_publish_gate_like_build(kg: Callable[..., Result], data: Path, tmp_path: Path) -> None:
    """The same per-article flow with the same options: what build refuses, load refuses too."""
    built = kg("build", "--data", data, "--out", tmp_path / "out", "--fail-on", "warning")
    loaded = kg("load", "--data", data, "--store", tmp_path / "store", "--fail-on", "warning")
    assert built.exit_code == loaded.exit_code == 1
    assert "13 warnings at or above warning; nothing was loaded or published" in loaded.stderr
    assert not (tmp_path / "store").exists()
    quiet = kg("load", "--data", data, "--store", tmp_path / "store", "--profile", "none", "--engine", "pyshacl")
    assert quiet.exit_code == 0, quiet.stderr
    assert "1 article, 610 triples, 0 violations, 7 warnings, 1 infos" in quiet.stderr  # no Google profile


def test_html_report_pictures_come_from_the_same_run(kg: Callable[..., Result], data: Path) -> None:
    page = kg("validate", "--data", data, "--format", "html").stdout
    assert page.count('<section class="article"') == 1 and '<pre class="jsonld">{\n  &quot;@context' in page
    assert ("<svg" in page) if shutil.which("dot") else ("flowchart LR" in page)
