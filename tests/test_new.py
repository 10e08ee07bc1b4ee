"""`skillbook new`: each kind passes `skillbook check`; bad or taken names touch nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillbook.cli import main

from .conftest import write_tree

ROADMAP = """\
phases:
  - id: 3
    title: Three
    tasks:
      - id: "3.1"
        title: First
        priority: high
        files: [skills/retry-calls/SKILL.md, patterns/backoff_jitter.md]
"""


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_each_kind_then_check_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {"sessions/roadmap.yml": ROADMAP})
    root = str(tmp_path)
    assert (
        main(
            [
                "new",
                "skill",
                "retry-calls",
                "--root",
                root,
                "--description",
                "Retry calls. Use when a call fails.",
            ]
        )
        == 0
    )
    assert (
        main(["new", "pattern", "backoff_jitter", "--root", root, "--title", "Backoff with jitter"])
        == 0
    )
    assert (
        main(["new", "session", "--root", root, "--date", "2026-02-01", "--slug", "kickoff"]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert (
        out[0]
        == "created skills/retry-calls/SKILL.md: now describe it, link its patterns, and list it in a roadmap task"
    )
    assert out[2].startswith("created sessions/2026/2026-02-01-kickoff.md")
    session = (tmp_path / "sessions/2026/2026-02-01-kickoff.md").read_text()
    assert "phase: 3\n" in session  # the roadmap's phase, so KB405 cannot fire
    assert 'title: "Backoff with jitter"' in (tmp_path / "patterns/backoff_jitter.md").read_text()
    assert main(["check", root]) == 0
    report = capsys.readouterr().out
    assert "0 errors" in report
    # the only warnings are the relations an author adds next
    assert {line.split(" ")[1] for line in report.splitlines()[:-1]} == {"KB303", "KB304"}


def test_new_skill_alone_is_strictly_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "skill", "alone", "--root", str(tmp_path)]) == 0
    assert main(["check", str(tmp_path), "--strict"]) == 0
    assert capsys.readouterr().out.endswith("0 errors, 0 warnings in 1 file\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["new", "skill", "Bad_Name"], "invalid skill name 'Bad_Name'"),
        (["new", "skill", "-lead"], None),
        (["new", "skill", "a" * 65], "65 characters"),
        (["new", "pattern", "Circuit-Breaker"], "invalid pattern id 'Circuit-Breaker'"),
        (["new", "session", "--date", "2026-13-01"], "invalid date '2026-13-01'"),
        (["new", "session", "--phase", "9"], "phase 9 is not in sessions/roadmap.yml"),
    ],
)
def test_invalid_names_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str | None
) -> None:
    write_tree(tmp_path, {"sessions/roadmap.yml": ROADMAP})
    before = snapshot(tmp_path)
    if argv[2].startswith("-") and argv[1] == "skill":
        argv = [*argv[:2], "--root", str(tmp_path), "--", argv[2]]
    else:
        argv = [*argv, "--root", str(tmp_path)]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    if message:
        assert message in err
    assert len(err.strip().splitlines()) == 1
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("argv", "existing"),
    [
        (["new", "skill", "retry"], "skills/retry/SKILL.md"),
        (["new", "pattern", "backoff"], "patterns/backoff.md"),
        (["new", "session", "--date", "2026-02-01"], "sessions/2026/2026-02-01-session.md"),
    ],
)
def test_existing_files_are_never_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], existing: str
) -> None:
    write_tree(tmp_path, {existing: "mine\n"})
    before = snapshot(tmp_path)
    assert main([*argv, "--root", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert snapshot(tmp_path) == before
