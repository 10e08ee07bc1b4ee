"""`skillbook export --format claude-plugin`: a marketplace Claude Code's own validator passes."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path

import pytest
from skills_ref import validate

from skillbook.cli import main

from .conftest import IN_CI, REPO, write_tree
from .test_build import GOOD

CLAUDE = REPO / "tools/claude-code/node_modules/@anthropic-ai/claude-code-linux-x64/claude"


def _export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    files = {**GOOD, "mkdocs.yml": "site_name: Team Skills\nsite_author: The Team\n"}
    root = write_tree(tmp_path / "kb", files)
    out = tmp_path / "market"
    assert main(["export", str(root), "--format", "claude-plugin", "--out", str(out)]) == 0
    assert capsys.readouterr().out.endswith("plugin team-skills, 2 skills\n")
    return out


def test_the_marketplace_holds_one_plugin_with_every_skill(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _export(tmp_path, capsys)
    market = json.loads((out / ".claude-plugin/marketplace.json").read_text("utf-8"))
    assert market["name"] == "team-skills" and market["owner"] == {"name": "The Team"}
    [entry] = market["plugins"]
    assert entry["source"] == "./plugins/team-skills"
    plugin = out / "plugins/team-skills"
    manifest = json.loads((plugin / ".claude-plugin/plugin.json").read_text("utf-8"))
    assert (manifest["name"], manifest["version"]) == ("team-skills", "0.1.0")
    skills = sorted(p.name for p in (plugin / "skills").iterdir())
    assert skills == ["retry", "timeouts"]
    for name in skills:
        assert validate(plugin / "skills" / name) == []
    # the same files as the bundle of `skillbook export`
    assert (plugin / "skills/retry/references/backoff.md").is_file()


def _validate(path: Path, home: Path) -> subprocess.CompletedProcess[str]:
    if not CLAUDE.is_file():
        why = "tools/claude-code is not installed (npm ci --prefix tools/claude-code)"
        if platform.machine() != "x86_64":
            pytest.skip(
                f"Claude Code's validator is pinned for linux x64 only; this is {platform.machine()}"
            )
        if IN_CI:
            pytest.fail(why)
        pytest.skip(why)
    env = dict(os.environ, HOME=str(home), DISABLE_TELEMETRY="1", DISABLE_AUTOUPDATER="1")
    return subprocess.run(
        [str(CLAUDE), "plugin", "validate", "--strict", "--json", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_claude_code_validates_the_marketplace_and_the_plugin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _export(tmp_path, capsys)
    home = tmp_path / "home"
    home.mkdir()
    for path in (out, out / "plugins/team-skills"):
        done = _validate(path, home)
        assert done.returncode == 0, done.stdout + done.stderr
    # the validator can fail: a marketplace without its owner is refused
    manifest = out / ".claude-plugin/marketplace.json"
    data = json.loads(manifest.read_text("utf-8"))
    del data["owner"]
    manifest.write_text(json.dumps(data), "utf-8")
    assert _validate(out, home).returncode != 0
