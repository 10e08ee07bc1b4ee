"""Roadmap status computed from the files, and `skillbook status`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillbook.cli import main
from skillbook.pipeline import analyse

from .conftest import REPO, write_tree

SKILL = "---\nname: {n}\ndescription: Skill {n}. Use when {n} is needed.\n---\n# {n}\n\n[p](../../patterns/{p}.md)\n"
PATTERN = "---\ntitle: {t}\nsummary: Pattern {t}.\n---\n# {t}\n\n[s](../skills/{s}/SKILL.md)\n"


def roadmap(*tasks: str) -> str:
    return "phases:\n  - id: 1\n    title: One\n    tasks:\n" + "".join(tasks)


def task(
    task_id: str, files: list[str], blocked: str | None = None, estimate: float | None = None
) -> str:
    text = f'      - id: "{task_id}"\n        title: Task {task_id}\n        priority: high\n'
    text += f"        files: [{', '.join(files)}]\n"
    if blocked:
        text += f"        blocked: {blocked}\n"
    if estimate is not None:
        text += f"        estimate_hours: {estimate}\n"
    return text


def states(root: Path) -> dict[str, str]:
    result = analyse(root, check_elixir=False)
    return {t.task.id: t.state for p in result.status.phases for t in p.tasks}


A = {
    "skills/a/SKILL.md": SKILL.format(n="a", p="pa"),
    "patterns/pa.md": PATTERN.format(t="Pa", s="a"),
}
B = {
    "skills/b/SKILL.md": SKILL.format(n="b", p="pb"),
    "patterns/pb.md": PATTERN.format(t="Pb", s="b"),
}
A_FILES = ["skills/a/SKILL.md", "patterns/pa.md"]
B_FILES = ["skills/b/SKILL.md", "patterns/pb.md"]


def test_all_done(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {**A, **B, "sessions/roadmap.yml": roadmap(task("1.1", A_FILES), task("1.2", B_FILES))},
    )
    assert states(tmp_path) == {"1.1": "done", "1.2": "done"}


def test_partial_and_none(tmp_path: Path) -> None:
    files = {
        **A,
        "sessions/roadmap.yml": roadmap(
            task("1.1", ["skills/a/SKILL.md", "patterns/later.md"]), task("1.2", B_FILES)
        ),
    }
    write_tree(tmp_path, files)
    result = analyse(tmp_path, check_elixir=False)
    phase = result.status.phases[0]
    assert [t.state for t in phase.tasks] == ["in-progress", "planned"]
    assert phase.tasks[0].missing == ("patterns/later.md",)
    assert (phase.tasks_done, phase.files_present, phase.files_total) == (0, 1, 4)


def test_blocked_unless_done(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            **A,
            "sessions/roadmap.yml": roadmap(
                task("1.1", A_FILES, blocked="waiting for review"),
                task("1.2", B_FILES, blocked="no owner"),
            ),
        },
    )
    assert states(tmp_path) == {"1.1": "done", "1.2": "blocked"}


def test_a_file_with_errors_does_not_count_as_done(tmp_path: Path) -> None:
    broken = dict(A)
    broken["skills/a/SKILL.md"] = SKILL.format(n="wrong-name", p="pa")
    write_tree(tmp_path, {**broken, "sessions/roadmap.yml": roadmap(task("1.1", A_FILES))})
    result = analyse(tmp_path, check_elixir=False)
    status = result.status.phases[0].tasks[0]
    assert status.state == "in-progress"
    assert [f.has_errors for f in status.files] == [True, False]


def test_a_file_listed_twice_counts_once(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            **A,
            "sessions/roadmap.yml": roadmap(task("1.1", A_FILES), task("1.2", ["patterns/pa.md"])),
        },
    )
    result = analyse(tmp_path, check_elixir=False)
    assert [str(d) for d in result.report.diagnostics] == [
        "sessions/roadmap.yml:12: KB402 'patterns/pa.md' is listed twice (first on line 8)"
    ]
    assert result.status.phases[0].files_total == 2


def test_claims_hours_and_history(tmp_path: Path) -> None:
    sessions = {
        "sessions/2026/2026-01-08-one.md": '---\ndate: 2026-01-08\nphase: 1\nhours: 2.5\ncompleted: ["1.1"]\n---\n# One\n',
        "sessions/2026/2026-01-09-two.md": '---\ndate: 2026-01-09\nphase: 1\nhours: 1\ncompleted: ["1.2", "7.7"]\n---\n# Two\n',
    }
    write_tree(
        tmp_path,
        {
            **A,
            **sessions,
            "sessions/roadmap.yml": roadmap(
                task("1.1", A_FILES, estimate=3), task("1.2", B_FILES, estimate=2)
            ),
        },
    )
    result = analyse(tmp_path, check_elixir=False)
    phase = result.status.phases[0]
    assert (phase.hours_logged, phase.estimate_hours) == (3.5, 5.0)
    assert [(p.date.isoformat(), p.cumulative) for p in phase.history] == [
        ("2026-01-08", 1),
        ("2026-01-09", 2),
    ]
    codes = [(d.path, d.code) for d in result.report.diagnostics]
    assert ("sessions/2026/2026-01-09-two.md", "KB404") in codes  # 1.2 claimed, not done
    assert ("sessions/2026/2026-01-09-two.md", "KB405") in codes  # 7.7 unknown


def test_status_cli_on_this_repository(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", str(REPO)]) == 0
    text = capsys.readouterr().out
    first = text.splitlines()[0]
    assert first == (
        "Phase 2 Distributed Systems & Patterns  [####################] 11/11 tasks, 42/42 files, 4.75 h logged"
    )
    assert text.count("missing: ") == 0
    assert "2.1 " not in text and "2.11 " not in text  # done tasks are not listed


def test_status_json_on_this_repository(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", str(REPO), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (phase,) = data["phases"]
    assert (phase["id"], phase["tasks_done"], phase["tasks_total"]) == (2, 11, 11)
    first = phase["tasks"][0]
    assert (first["id"], first["priority"], first["status"]) == ("2.1", "high", "done")
    assert first["files"][0] == {
        "path": "skills/distributed-systems/SKILL.md",
        "present": True,
        "errors": False,
    }
    assert [t["status"] for t in phase["tasks"]] == ["done"] * 11
    assert phase["history"] == [
        {
            "date": "2026-01-08",
            "session": "sessions/2026/2026-01-08-phase2-day1-summary.md",
            "completed": ["2.1", "2.2", "2.3"],
            "tasks_claimed": 3,
        },
        {  # the corrections: no task completed, the count carried on
            "date": "2026-12-05",
            "session": "sessions/2026/2026-12-05-phase-2-corrections.md",
            "completed": [],
            "tasks_claimed": 3,
        },
        {
            "date": "2026-12-05",
            "session": "sessions/2026/2026-12-05-phase-2-tasks-2-4-to-2-7.md",
            "completed": ["2.4", "2.5", "2.6", "2.7"],
            "tasks_claimed": 7,
        },
        {
            "date": "2026-12-05",
            "session": "sessions/2026/2026-12-05-phase-2-tasks-2-8-to-2-11.md",
            "completed": ["2.8", "2.9", "2.10", "2.11"],
            "tasks_claimed": 11,
        },
    ]


def test_status_without_roadmap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "no roadmap: sessions/roadmap.yml does not exist\n"
