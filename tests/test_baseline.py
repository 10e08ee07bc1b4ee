"""Baselines: `--write-baseline` records today's findings, `--baseline` reports only new ones,
matched by code, file and content, so edits that move lines do not bring old ones back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillbook.baseline import FORMAT, fingerprint, read_baseline
from skillbook.cli import main
from skillbook.diagnostics import diagnostic
from skillbook.errors import SkillbookError

from .conftest import mkdocs_build, write_tree

SKILL = (
    "---\nname: retry\ndescription: Retry failed calls. Use when a call fails.\nversion: '1.0'\n---\n# Retry\n\n"
    "[Backoff](../../patterns/backof.md)\n"
)
FILES = {
    "skills/retry/SKILL.md": SKILL,
    "patterns/backoff.md": "---\ntitle: Backoff\nsummary: Wait.\n---\n# Backoff\n",
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path / "kb", FILES)
    baseline = tmp_path / "baseline.json"
    code, out, err = run(
        capsys, "check", str(root), "--no-elixir", "--write-baseline", str(baseline)
    )
    assert (code, out) == (0, "")
    assert err.startswith(f"skillbook: wrote 3 findings to {baseline};")
    data = json.loads(baseline.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and data["version"] == 1
    assert [(f["code"], f["path"], f["line"]) for f in data["findings"]] == [
        ("KB303", "patterns/backoff.md", 1),
        ("KB203", "skills/retry/SKILL.md", 4),
        ("KB301", "skills/retry/SKILL.md", 8),
    ]

    # nothing new: the run passes, even under --strict, and says what it left out
    code, out, err = run(
        capsys, "check", str(root), "--no-elixir", "--strict", "--baseline", str(baseline)
    )
    assert (code, out) == (0, "0 errors, 0 warnings in 2 files\n")
    assert err == f"note: 3 findings of the baseline {baseline} not shown\n"

    # an unrelated edit moves every finding of the skill down two lines: still known
    skill = root / "skills/retry/SKILL.md"
    moved = SKILL.replace("# Retry\n", "# Retry\n\nRetry, with a pause.\n")
    skill.write_text(moved, encoding="utf-8")
    code, out, _ = run(capsys, "check", str(root), "--no-elixir", "--baseline", str(baseline))
    assert (code, out) == (0, "0 errors, 0 warnings in 2 files\n")

    # a new finding appears, and only it; the same kind of finding on a new line is new too
    skill.write_text(moved + "[Again](../../patterns/backof.md#x)\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(root), "--no-elixir", "--baseline", str(baseline))
    assert code == 1
    assert out == (
        "skills/retry/SKILL.md:11: KB301 link '../../patterns/backof.md#x' points to "
        "patterns/backof.md, which does not exist; did you mean '../../patterns/backoff.md'?\n"
        "1 error, 0 warnings in 2 files\n"
    )

    # fixing a known finding leaves it in the baseline, which the note says
    skill.write_text(moved.replace("version: '1.0'\n", ""), encoding="utf-8")
    code, out, err = run(capsys, "check", str(root), "--no-elixir", "--baseline", str(baseline))
    assert code == 0
    assert err == (
        f"note: 2 findings of the baseline {baseline} not shown; 1 finding of it no longer "
        f"found: --write-baseline {baseline} drops them\n"
    )
    # writing it again over the old baseline is allowed
    assert run(capsys, "check", str(root), "--no-elixir", "--write-baseline", str(baseline))[0] == 0
    assert len(json.loads(baseline.read_text(encoding="utf-8"))["findings"]) == 2


def test_an_edit_of_the_line_itself_is_a_new_finding() -> None:
    d = diagnostic("skills/x/SKILL.md", 4, "KB203", "unknown field 'version'")
    moved = diagnostic("skills/x/SKILL.md", 9, "KB203", "unknown field 'version'")
    assert fingerprint(d, "version: '1.0'") == fingerprint(moved, "  version:   '1.0' ")
    assert fingerprint(d, "version: '1.0'") != fingerprint(d, "version: '2.0'")
    assert fingerprint(d, "x") != fingerprint(
        diagnostic("skills/y/SKILL.md", 4, "KB203", d.message), "x"
    )
    # numbers in the message are blanked: a count that grows is the same finding
    a = diagnostic("skills/x/SKILL.md", 501, "KB501", "body is 612 lines")
    b = diagnostic("skills/x/SKILL.md", 501, "KB501", "body is 613 lines")
    assert fingerprint(a, "") == fingerprint(b, "")


def test_each_recorded_finding_hides_one_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "kb", FILES)
    baseline = tmp_path / "b.json"
    run(capsys, "check", str(root), "--no-elixir", "--write-baseline", str(baseline))
    skill = root / "skills/retry/SKILL.md"
    skill.write_text(SKILL + "\n[Backoff](../../patterns/backof.md)\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(root), "--no-elixir", "--baseline", str(baseline))
    assert (
        code == 1 and out.count("KB301") == 1 and out.startswith("skills/retry/SKILL.md:10: KB301")
    )


def test_refuses_what_is_not_a_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path / "kb", FILES)
    other = tmp_path / "package.json"
    other.write_text('{"name": "x"}\n', encoding="utf-8")
    code, out, err = run(capsys, "check", str(root), "--write-baseline", str(other))
    assert (code, out) == (2, "")
    assert (
        err
        == f"skillbook: error: {other}: exists and is not a skillbook baseline; not overwritten\n"
    )
    assert other.read_text(encoding="utf-8") == '{"name": "x"}\n'
    code, _, err = run(capsys, "check", str(root), "--baseline", str(other))
    assert code == 2 and "not a skillbook baseline" in err and err.count("\n") == 1
    code, _, err = run(capsys, "check", str(root), "--baseline", str(tmp_path / "none.json"))
    assert code == 2 and "no such baseline" in err
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(SkillbookError, match="not a skillbook baseline"):
        read_baseline(tmp_path / "bad.json")
    code, _, err = run(capsys, "check", str(root), "--baseline", "a", "--write-baseline", "b")
    assert code == 2 and "drop --baseline" in err


@pytest.mark.slow
def test_the_build_and_the_check_read_the_baseline_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = "site_name: t\nplugins:\n  - skillbook:\n      baseline: skillbook-baseline.json\n"
    root = write_tree(tmp_path / "kb", {**FILES, "docs/index.md": "# Home\n"})
    assert (
        run(
            capsys,
            "check",
            str(root),
            "--no-elixir",
            "--write-baseline",
            str(root / "skillbook-baseline.json"),
        )[0]
        == 0
    )
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    code, out, _ = run(capsys, "check", str(root), "--no-elixir", "--strict")
    assert (code, out) == (0, "0 errors, 0 warnings in 2 files\n")
    done = mkdocs_build(root, "--strict")
    assert done.returncode == 0, done.stderr
    (root / "skillbook-baseline.json").unlink()
    done = mkdocs_build(root)
    assert done.returncode == 1 and "baseline" in done.stderr
