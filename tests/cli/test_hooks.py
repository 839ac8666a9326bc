"""The pre-commit hooks, run by pre-commit itself on a throwaway repository (repo: local, no network)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


def _local_config() -> str:
    """The manifest's hooks as `repo: local` hooks running this checkout (language: system)."""
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    for hook in hooks:
        assert hook["entry"].startswith("kg ")
        hook["entry"] = f"{sys.executable} -m kg {hook['entry'][3:]}"
        hook["language"] = "system"
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)


def _run(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PRE_COMMIT), "run", "--all-files", "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed next to this Python")
def test_hooks_pass_on_a_clean_repo_and_fail_on_bad_facts_and_stale_exports(tmp_path: Path) -> None:
    repo = tmp_path / "content"
    shutil.copytree(REPO / "data", repo / "data")
    shutil.copytree(REPO / "exports", repo / "exports")
    (repo / ".pre-commit-config.yaml").write_text(_local_config(), encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@invalid",
    }
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)

    clean = _run(repo, env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "medkg validate facts" in clean.stdout and "medkg exports are up to date" in clean.stdout

    article = repo / "data/articles/mesotherapy.yaml"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("    - condition: Diabetes\n", ""), encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    stale = _run(repo, env)
    assert stale.returncode == 1
    assert "contraindication 'Diabetes' removed" in stale.stdout and "is stale" in stale.stdout

    article.write_text(text.replace("frequency: common", "frequency: often", 1), encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    bad = _run(repo, env)
    assert bad.returncode == 1
    assert "'often' is not one of: very-common, common, uncommon, rare, very-rare, unknown" in bad.stdout
