"""A non-editable wheel carries the ontology, shapes and context: `kg build` works from it alone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, snapshot

pytestmark = pytest.mark.slow


def test_wheel_builds_the_sample_from_its_bundled_data(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("medkg-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for bundled in (
        "kg/_bundled/ontology/medkg.ttl",
        "kg/_bundled/shapes/facts.schema.json",
        "kg/_bundled/shapes/medkg.ttl",
        "kg/_bundled/ontology/schemaorg/schemaorgcontext.jsonld",
        "kg/_bundled/ontology/schemaorg/LICENSE.md",
        "kg/_bundled/ontology/schemaorg/vocab-30.0.json",
        "kg/_bundled/ontology/schemaorg/retired.json",
        "kg/_bundled/shapes/google/2026-11.ttl",
        "kg/_bundled/ontology/projection/image-size.rq",
        "kg/_bundled/templates/article.yaml",
        "kg/extract/lexicon.yaml",
        "kg/py.typed",
    ):  # py.typed: type checkers read kg's annotations
        assert bundled in names

    # A fresh venv that sees this environment's dependencies but not this checkout.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    data = tmp_path / "copy-of-data"
    shutil.copytree(REPO / "data", data)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run(
        [str(python), "-c", "import kg; print(kg.__file__)"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(site))
    run = subprocess.run(
        [str(python), "-m", "kg", "build", "--data", str(data), "--out", str(work / "out")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert snapshot(work / "out") == snapshot(REPO / "exports")
    audit = subprocess.run(
        [str(python), "-m", "kg", "audit", str(work / "out" / "mesotherapy.html")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert audit.returncode == 0, audit.stderr  # the bundled vocabulary and Google profile are found
    assert "[google-2026-12:" in audit.stdout and "0 violations" in audit.stdout
