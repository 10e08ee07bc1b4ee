"""Comparing with a previously published discovery index: what changed, and KB601."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skillbook.cli import main

from .conftest import mkdocs_build, serve_directory, write_tree
from .test_build import GOOD

VERSIONED = GOOD["skills/retry/SKILL.md"].replace(
    'metadata:\n  tags: "resilience, retry"',
    'metadata:\n  tags: "resilience, retry"\n  version: "1.0.0"',
)


EXTRA = "---\nname: extra\ndescription: An extra skill. Use in tests.\n---\n# Extra\n"


def _kb(tmp_path: Path) -> Path:
    files = {**GOOD, "skills/retry/SKILL.md": VERSIONED, "skills/extra/SKILL.md": EXTRA}
    return write_tree(tmp_path / "kb", files)


def test_export_lists_changes_and_warns_when_the_version_stayed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _kb(tmp_path)
    assert main(["export", str(root), "--out", str(tmp_path / "v1")]) == 0
    previous = tmp_path / "published-index.json"
    shutil.copy(tmp_path / "v1/.well-known/agent-skills/index.json", previous)
    capsys.readouterr()

    skill = root / "skills/retry/SKILL.md"
    skill.write_text(skill.read_text("utf-8") + "\nAlso cap the delay.\n", "utf-8")
    shutil.rmtree(root / "skills/extra")  # a skill removed
    args = ["export", str(root), "--out", str(tmp_path / "v2"), "--previous-index", str(previous)]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "since the previous index: removed extra" in err
    assert "since the previous index: changed retry" in err
    assert "skills/retry/SKILL.md:6: KB601 skill 'retry' changed since the previous index" in err

    skill.write_text(skill.read_text("utf-8").replace('"1.0.0"', '"1.1.0"'), "utf-8")
    assert main(args) == 0
    assert "KB601" not in capsys.readouterr().err  # the version was raised


def test_check_refuses_what_is_not_an_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _kb(tmp_path)
    (tmp_path / "other.json").write_text('{"skills": []}', "utf-8")
    assert main(["check", str(root), "--previous-index", str(tmp_path / "other.json")]) == 2
    assert "not a discovery index" in capsys.readouterr().err
    assert main(["check", str(root), "--previous-index", str(tmp_path / "missing.json")]) == 2
    assert "cannot be read" in capsys.readouterr().err


@pytest.mark.slow
def test_the_build_compares_with_the_published_site(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    assert mkdocs_build(root, "-q", "-d", str(tmp_path / "published")).returncode == 0
    skill = root / "skills/retry/SKILL.md"
    skill.write_text(skill.read_text("utf-8") + "\nAlso cap the delay.\n", "utf-8")
    with serve_directory(tmp_path / "published") as base:
        config = root / "mkdocs.yml"
        config.write_text(
            config.read_text("utf-8").replace(
                "      elixir_check: false\n",
                f"      elixir_check: false\n      previous_index: {base}.well-known/agent-skills/index.json\n",
            ),
            "utf-8",
        )
        done = mkdocs_build(root, "--strict")
    assert done.returncode == 1  # KB601 is a warning: --strict fails on it
    assert "since the previous index: changed retry" in done.stderr
    assert "KB601" in done.stderr
