"""Shared fixtures: knowledge bases written into tmp_path, and the tools tests need."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"


def need_program(name: str, why: str) -> str:
    """The path of `name`, or skip (outside CI) / fail (under CI=true) with the reason."""
    found = shutil.which(name)
    if found:
        return found
    message = f"`{name}` is not on PATH: {why}"
    if IN_CI:
        pytest.fail(message + " (CI must install it: see .ci/run)")
    pytest.skip(message)
    raise AssertionError("unreachable")


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write `files` (repo-relative path -> text or bytes) under root."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


@pytest.fixture
def make_kb(tmp_path: Path) -> Callable[[Mapping[str, str | bytes]], Path]:
    """Write a knowledge base into a fresh folder and return its root."""

    def make(files: Mapping[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "kb", files)

    return make


def mkdocs_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a real `mkdocs build` in `root` (Material's 2.0 notice silenced)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
        check=False,
        timeout=600,
    )


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's site, built once with `--strict` for every test that reads it."""
    site = tmp_path_factory.mktemp("repo-site")
    done = mkdocs_build(REPO, "--strict", "-d", str(site))
    assert done.returncode == 0, done.stderr
    return site
