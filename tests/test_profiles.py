"""The `profile` option and `skillbook check --profile`: which client's skill fields are
accepted, and where the profile comes from."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillbook import schema
from skillbook.cli import main
from skillbook.config import SkillbookConfig, analysis_options
from skillbook.site import Options

from .conftest import write_tree

SKILL = (
    "---\nname: retry\ndescription: Retry failed calls.\ndisable-model-invocation: true\n"
    "argument-hint: '[attempts]'\n---\n# Retry\n\n[Backoff](../../patterns/backoff.md)\n"
)
FILES = {
    "skills/retry/SKILL.md": SKILL,
    "patterns/backoff.md": (
        "---\ntitle: Backoff\nsummary: Wait, then retry.\n---\n# Backoff\n\n"
        "[retry](../skills/retry/SKILL.md)\n"
    ),
}
PLUGIN = "site_name: KB\nplugins:\n  - skillbook:\n      profile: {}\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_default_profile_is_the_specification(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, FILES)
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert code == 1
    assert "KB203 unknown field 'disable-model-invocation'" in out
    assert "KB203 unknown field 'argument-hint'" in out


def test_profile_flag_accepts_claude_code_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, FILES)
    code, out, _ = run(capsys, "check", "--profile", "claude-code", str(tmp_path))
    assert (code, out) == (0, "0 errors, 0 warnings in 2 files\n")


def test_profile_comes_from_mkdocs_yml_and_the_flag_wins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {**FILES, "mkdocs.yml": PLUGIN.format("claude-code")})
    assert run(capsys, "check", str(tmp_path))[0] == 0
    code, out, _ = run(capsys, "check", "--profile", "codex", str(tmp_path))
    assert code == 1
    assert "KB203 unknown field 'disable-model-invocation'" in out


def test_unknown_profile_in_mkdocs_yml_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {**FILES, "mkdocs.yml": PLUGIN.format("cursor")})
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 2
    assert "skillbook option 'profile' must be one of agentskills, claude-code, codex" in err


def test_plugin_option_reaches_the_analysis(tmp_path: Path) -> None:
    config = SkillbookConfig()
    config.load_dict({"profile": "claude-code"})
    errors, _ = config.validate()
    assert errors == []
    options = analysis_options(config, tmp_path, Options())
    assert options["profile"] == "claude-code"
    bad = SkillbookConfig()
    bad.load_dict({"profile": "cursor"})
    assert bad.validate()[0]


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("disable-model-invocation", "yes", "must be true or false, not a string"),
        ("user-invocable", 1, "must be true or false, not a number"),
        ("hooks", "lint", "must be a mapping, not a string"),
        ("model", 3, "must be a string, not a number (quote it)"),
    ],
)
def test_claude_code_types(field: str, value: object, problem: str) -> None:
    data = {"name": "retry", "description": "Retry.", field: value}
    found = list(schema.skill_kind("claude-code").problems(data))
    assert found == [("KB202", field, f"'{field}' {problem}")]
    assert [code for code, _, _ in schema.skill_kind("codex").problems(data)] == ["KB203"]


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown profile"):
        schema.skill_kind("cursor")
