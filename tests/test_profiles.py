"""The `profile` option and `skillbook check --profile`: which client's skill fields are
accepted, and where the profile comes from."""

from __future__ import annotations

import platform
import re
from pathlib import Path

import pytest

from skillbook import schema
from skillbook.cli import main
from skillbook.config import SkillbookConfig, analysis_options
from skillbook.site import Options

from .conftest import IN_CI, write_tree

REPO = Path(__file__).resolve().parents[1]

SKILL = (
    "---\nname: retry\ndescription: Retry failed calls. Use when a call fails.\n"
    "disable-model-invocation: true\n"
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
        ("when_to_use", ["x"], "must be a string, not a list (quote it)"),
        ("paths", {"a": 1}, "must be a string or a list of strings, not a mapping"),
        ("context", "forked", "must be one of inline, fork, not 'forked'"),
        (
            "effort",
            "extreme",
            "must be one of low, medium, high, max or a whole number, not 'extreme'",
        ),
        ("shell", "zsh", "must be one of bash, powershell, not 'zsh'"),
        ("background", "no", "must be true or false, not a string"),
    ],
)
def test_claude_code_types(field: str, value: object, problem: str) -> None:
    data = {"name": "retry", "description": "Retry.", field: value}
    found = list(schema.skill_kind("claude-code").problems(data))
    assert found == [("KB202", field, f"'{field}' {problem}")]
    assert [code for code, _, _ in schema.skill_kind("codex").problems(data)] == ["KB203"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("paths", ["lib/**/*.ex", "test/**/*.exs"]),
        ("paths", "lib/**/*.ex"),
        ("allowed-tools", ["Read", "Bash(mix test:*)"]),
        ("effort", 3),
        ("effort", "high"),
        ("when_to_use", "When a deploy is asked for."),
    ],
)
def test_claude_code_accepts_its_forms(field: str, value: object) -> None:
    data = {"name": "retry", "description": "Retry.", field: value}
    assert list(schema.skill_kind("claude-code").problems(data)) == []


def test_allowed_tools_may_be_a_list_only_for_claude_code() -> None:
    data = {"name": "retry", "description": "Retry.", "allowed-tools": ["Read", "Grep"]}
    assert list(schema.skill_kind("claude-code").problems(data)) == []
    assert [code for code, _, _ in schema.skill_kind("agentskills").problems(data)] == ["KB202"]


CLAUDE = REPO / "tools/claude-code/node_modules/@anthropic-ai/claude-code-linux-x64/claude"
# one field of the client's skill frontmatter schema: key, then its description
_FIELD = re.compile(
    rb'(?:"([\w-]+)"|\b(\w+)):[\w$]+\([^()]*(?:\([^()]*\))?[^()]*\)(?:\.\w+\([^()]*\))*?'
    rb'\.describe\("((?:[^"\\]|\\.)*)"\)'
)


def _client_fields() -> dict[str, str]:
    """The fields of the skill frontmatter schema in the pinned Claude Code binary."""
    if not CLAUDE.is_file():
        why = "tools/claude-code is not installed (npm ci --prefix tools/claude-code)"
        if platform.machine() != "x86_64":
            pytest.skip(f"Claude Code is pinned for linux x64 only; this is {platform.machine()}")
        if IN_CI:
            pytest.fail(why)
        pytest.skip(why)
    data = CLAUDE.read_bytes()
    start = data.find(b'.describe("Display name. Defaults to the filename without extension.")')
    assert start > 0, "the skill frontmatter schema was not found in the client"
    window = data[start - 200 : start + 12_000]
    window = window[: window.find(b"}))", window.find(b"when_to_use"))]
    return {
        (m.group(1) or m.group(2)).decode(): m.group(3).decode("unicode_escape")
        for m in _FIELD.finditer(window)
    }


def test_claude_code_fields_are_the_clients_own() -> None:
    """The claude-code profile accepts exactly the fields the pinned client documents for a
    skill: its schema's fields less those it marks @internal and its camel-case aliases."""
    client = _client_fields()
    documented = {
        name
        for name, text in client.items()
        if not text.startswith("@internal") and "alias of" not in text
    }
    assert {"when_to_use", "paths", "effort", "description"} <= documented  # found the schema
    ours = {f.name for f in schema.skill_kind("claude-code").fields}
    spec = {f.name for f in schema.skill_kind("agentskills").fields}
    assert documented - ours == set()
    assert ours - spec - documented == set()


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown profile"):
        schema.skill_kind("cursor")
