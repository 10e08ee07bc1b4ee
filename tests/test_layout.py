"""One rule for the layout options, whether `skillbook check` or the plugin reads them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skillbook.cli import main
from skillbook.errors import SkillbookError
from skillbook.layout import layout_from_options, option_path, read_layout
from skillbook.model import Layout

from .conftest import write_tree

OUTSIDE = ["..", "../x", "a/../../x", "a/b/../../../x", "a\\..\\..\\x", "..\\x"]
ABSOLUTE = ["/x", "//x", "/", "C:\\x", "C:/x", "c:x", "\\\\server\\share"]
NOT_A_PATH = ["", "  ", ".", "./", "a/..", "/./"]


@pytest.mark.parametrize("value", OUTSIDE + ABSOLUTE + NOT_A_PATH)
@pytest.mark.parametrize("name", ["skills_dir", "patterns_dir", "sessions_dir", "roadmap"])
def test_a_path_that_is_not_inside_the_repository_is_refused(name: str, value: str) -> None:
    with pytest.raises(SkillbookError) as raised:
        layout_from_options({name: value}, where="mkdocs.yml")
    message = str(raised.value)
    assert message.startswith(f"mkdocs.yml: skillbook option '{name}' must be a ")
    assert "inside the repository" in message and "\n" not in message


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("kb", "kb"),
        ("  kb/skills/ ", "kb/skills"),
        ("docs//skills", "docs/skills"),
        ("./kb/./skills", "kb/skills"),
        ("kb/old/../skills", "kb/skills"),
        ("..kb", "..kb"),  # a name that starts with two dots, not a step out
    ],
)
def test_a_path_is_normalised(value: str, path: str) -> None:
    assert option_path("skills_dir", value, where="mkdocs.yml") == path


@pytest.mark.parametrize("value", [3, True, ["skills"], {"a": 1}])
def test_a_path_must_be_text(value: object) -> None:
    with pytest.raises(SkillbookError, match="'skills_dir' must be a folder inside"):
        layout_from_options({"skills_dir": value}, where="mkdocs.yml")


def test_defaults_and_the_roadmap_beside_the_sessions() -> None:
    assert layout_from_options({}, where="x") == Layout()
    unset: dict[str, Any] = dict.fromkeys(("skills_dir", "roadmap", "max_file_size"))
    assert layout_from_options(unset, where="x") == Layout()  # the plugin's unset options
    layout = layout_from_options({"sessions_dir": "log/", "max_file_size": 10}, where="x")
    assert (layout.sessions_dir, layout.roadmap, layout.max_file_size) == (
        "log",
        "log/roadmap.yml",
        10,
    )
    given = layout_from_options({"sessions_dir": "log", "roadmap": "plan.yml"}, where="x")
    assert given.roadmap == "plan.yml"


@pytest.mark.parametrize("size", [0, -1, True, False, 1.5, "1000"])
def test_the_size_limit_must_be_a_positive_number_of_bytes(size: object) -> None:
    with pytest.raises(SkillbookError) as raised:
        layout_from_options({"max_file_size": size}, where="mkdocs.yml")
    assert str(raised.value) == (
        "mkdocs.yml: skillbook option 'max_file_size' must be a positive number of bytes"
    )


def test_read_layout_uses_the_rule(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"mkdocs.yml": "plugins:\n  - skillbook:\n      skills_dir: kb//skills/\n"}
    )
    assert read_layout(tmp_path).skills_dir == "kb/skills"
    write_tree(tmp_path, {"mkdocs.yml": "plugins:\n  - skillbook:\n      skills_dir: a/../../x\n"})
    with pytest.raises(SkillbookError, match=r"mkdocs\.yml: skillbook option 'skills_dir'"):
        read_layout(tmp_path)


def test_check_refuses_a_folder_that_leaves_the_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(
        tmp_path / "repo",
        {
            "mkdocs.yml": "site_name: x\nplugins:\n  - skillbook:\n      skills_dir: a/../../x\n",
            "skills/retry/SKILL.md": "---\nname: retry\ndescription: Retry.\n---\n# Retry\n",
        },
    )
    code = main(["check", "--no-elixir", str(root)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        f"skillbook: error: {root / 'mkdocs.yml'}: skillbook option 'skills_dir' must be a "
        f"folder inside the repository, not 'a/../../x'\n"
    )
