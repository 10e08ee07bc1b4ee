"""Shared fixtures: knowledge bases written into tmp_path, and the tools tests need."""

from __future__ import annotations

import os
import shutil
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
