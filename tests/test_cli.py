"""`skillbook check` and `skillbook status` end to end: exact output and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from skillbook.cli import main

from .conftest import write_tree

BROKEN = {
    "skills/retry/SKILL.md": (
        "---\nname: retries\ndescription: Retry failed calls. Use when a call fails.\n---\n# Retry\n\n"
        "[Backoff](../../patterns/backof.md)\n"
    ),
    "patterns/backoff.md": "---\ntitle: Backoff\nsummary: Wait, then retry.\n---\n# Backoff\n",
}
CLEAN_SKILL = (
    "---\nname: retry\ndescription: Retry failed calls. Use when a call fails.\n---\n# Retry\n\n"
    "[Backoff](../../patterns/backoff.md)\n"
)
CLEAN = {
    "skills/retry/SKILL.md": CLEAN_SKILL,
    "patterns/backoff.md": (
        "---\ntitle: Backoff\nsummary: Wait, then retry.\n---\n# Backoff\n\n"
        "[retry](../skills/retry/SKILL.md)\n"
    ),
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path, BROKEN)
    code, out, _ = run(capsys, "check", str(root), "--no-elixir")
    assert code == 1
    assert out == (
        "patterns/backoff.md:1: KB303 no skill links to this pattern: link it from the skill that uses it\n"
        "skills/retry/SKILL.md:2: KB204 name 'retries' must equal the folder name 'retry'\n"
        "skills/retry/SKILL.md:7: KB301 link '../../patterns/backof.md' points to patterns/backof.md, "
        "which does not exist; did you mean '../../patterns/backoff.md'?\n"
        "2 errors, 1 warning in 2 files\n"
    )


def test_check_pauses_the_cyclic_collector_until_its_report_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Turned back on while the analysis is alive, the collector would walk all of it once
    more; it is paused until the report is out, and on again after."""
    import gc

    from skillbook import cli, diagnostics

    seen: list[bool] = []
    real = diagnostics.format_text

    def formatting(report: diagnostics.Report) -> str:
        seen.append(gc.isenabled())
        return real(report)

    monkeypatch.setitem(cli.FORMATTERS, "text", formatting)
    root = write_tree(tmp_path, BROKEN)
    assert gc.isenabled()
    code, out, _ = run(capsys, "check", str(root), "--no-elixir")
    assert code == 1 and "KB301" in out
    assert seen == [False]
    assert gc.isenabled()


def test_github_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path, BROKEN)
    code, out, _ = run(capsys, "check", str(root), "--format", "github", "--no-elixir")
    assert code == 1
    assert out == (
        "::warning file=patterns/backoff.md,line=1,title=KB303::no skill links to this pattern%3A "
        "link it from the skill that uses it\n".replace("%3A", ":")
        + "::error file=skills/retry/SKILL.md,line=2,title=KB204::name 'retries' must equal the "
        "folder name 'retry'\n"
        "::error file=skills/retry/SKILL.md,line=7,title=KB301::link '../../patterns/backof.md' "
        "points to patterns/backof.md, which does not exist; did you mean '../../patterns/backoff.md'?\n"
        "2 errors, 1 warning in 2 files\n"
    )


def test_github_escapes_properties_and_newlines() -> None:
    from skillbook.diagnostics import Report, diagnostic, format_github

    report = Report.of([diagnostic("a,b:c.md", None, "KB101", "50% bad\nline")], 1)
    assert (
        format_github(report).splitlines()[0]
        == "::error file=a%2Cb%3Ac.md,title=KB101::50%25 bad%0Aline"
    )


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path, BROKEN)
    code, out, _ = run(capsys, "check", str(root), "--format", "json", "--no-elixir")
    assert code == 1
    data = json.loads(out)
    assert data["errors"] == 2 and data["warnings"] == 1 and data["files"] == 2
    assert data["diagnostics"][1] == {
        "path": "skills/retry/SKILL.md",
        "line": 2,
        "code": "KB204",
        "severity": "error",
        "message": "name 'retries' must equal the folder name 'retry'",
    }


def test_warnings_pass_unless_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = dict(CLEAN)
    files["patterns/orphan.md"] = "---\ntitle: Orphan\nsummary: Nobody links here.\n---\n"
    root = write_tree(tmp_path, files)
    assert run(capsys, "check", str(root), "--no-elixir")[0] == 0
    assert run(capsys, "check", str(root), "--no-elixir", "--strict")[0] == 1


def test_clean_knowledge_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path, CLEAN)
    assert run(capsys, "check", str(root), "--no-elixir") == (
        0,
        "0 errors, 0 warnings in 2 files\n",
        "",
    )


def test_missing_root_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", str(tmp_path / "nope"))
    assert (code, out) == (2, "")
    assert err == f"skillbook: error: {tmp_path / 'nope'}: no such folder\n"


def test_bad_mkdocs_yml_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"mkdocs.yml": "site_name: [unclosed\n"})
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 2
    assert err.startswith(f"skillbook: error: {tmp_path / 'mkdocs.yml'}: cannot be read as YAML")
    assert len(err.splitlines()) == 1


def test_bad_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--format", "xml"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_folders_come_from_mkdocs_yml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        "mkdocs.yml": (
            "site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
            "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
            "plugins:\n  - skillbook:\n      skills_dir: kb/skills\n      patterns_dir: kb/patterns\n"
        ),
        "kb/skills/retry/SKILL.md": CLEAN["skills/retry/SKILL.md"].replace(
            "../../patterns/", "../../patterns/"
        ),
        "kb/patterns/backoff.md": CLEAN["patterns/backoff.md"],
    }
    root = write_tree(tmp_path, files)
    code, out, _ = run(capsys, "check", str(root), "--no-elixir")
    assert (code, out) == (0, "0 errors, 0 warnings in 2 files\n")


def test_console_script_runs(tmp_path: Path) -> None:
    root = write_tree(tmp_path, BROKEN)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "skillbook.cli",
            "check",
            str(root),
            "--no-elixir",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["errors"] == 2


# `skillbook` as its console script runs it: `run`, with an exit handler that says whether
# Python's teardown ran
_AS_COMMAND = (
    "import atexit, sys; atexit.register(lambda: sys.stderr.write('torn down\\n')); "
    "from skillbook.cli import run; sys.argv[0] = 'skillbook'; run()"
)


def _command(*args: str, stdout: object = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", _AS_COMMAND, *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )


def test_the_command_ends_once_the_check_is_reported(tmp_path: Path) -> None:
    root = write_tree(tmp_path, BROKEN)
    done = _command("check", str(root), "--no-elixir", "--format", "json")
    assert done.returncode == 1
    assert json.loads(done.stdout)["errors"] == 2  # the report is all there, flushed
    assert "torn down" not in done.stderr
    other = _command("--version")  # the other commands end as usual
    assert other.returncode == 0
    assert "torn down" in other.stderr


def test_a_report_that_cannot_be_written_is_a_one_line_error(tmp_path: Path) -> None:
    root = write_tree(tmp_path, BROKEN)
    with open("/dev/full", "w") as full:
        done = _command("check", str(root), "--no-elixir", stdout=full)
    assert done.returncode == 2
    lines = done.stderr.replace("torn down\n", "").splitlines()
    assert lines == ["skillbook: error: cannot write the report: No space left on device"]


def test_a_reader_that_stops_reading_is_no_error(tmp_path: Path) -> None:
    # a report well over what a pipe holds (64 KiB), written through a buffer
    files = {
        **CLEAN,
        **{f"patterns/p{n}.md": f"# P{n}\n\n[x](missing{n}.md)\n" for n in range(2000)},
    }
    root = write_tree(tmp_path, files)
    command = [sys.executable, "-c", _AS_COMMAND, "check", str(root), "--no-elixir"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    with subprocess.Popen(command, env=env, **pipes) as check:  # type: ignore[call-overload]
        assert check.stdout is not None and check.stderr is not None
        first = check.stdout.readline()
        check.stdout.close()  # as `| head -1` does
        err = check.stderr.read().decode()
        code = check.wait(timeout=60)
    assert first.startswith(b"patterns/p")
    assert code == 1  # what the report says, not a failure to write it
    assert err.replace("torn down\n", "") == ""


def test_without_elixir_kb502_says_once_it_was_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = dict(CLEAN)
    block = "```elixir\ndefmodule A do\nend\n```\n"
    files["patterns/backoff.md"] += "\n" + block + "\n" + block.replace("A", "B")
    root = write_tree(tmp_path / "kb", files)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main(["check", str(root)]) == 0
    out, err = capsys.readouterr()
    assert out == "0 errors, 0 warnings in 2 files\n"
    assert err == "note: KB502 skipped for 2 elixir code blocks: no `elixir` on PATH\n"


def test_finding_nothing_is_an_error_that_says_where_it_looked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"README.md": "# A repository whose skills live elsewhere\n"})
    code, out, err = run(capsys, "check", str(tmp_path), "--no-elixir")
    assert (code, out) == (2, "")
    assert err == (
        f"skillbook: error: no skill and no pattern found in {tmp_path.resolve()} (looked for "
        f"skills/*/SKILL.md and patterns/*.md; no mkdocs.yml there: pass the repository root, "
        f"or set skills_dir and patterns_dir in mkdocs.yml)\n"
    )
    # status has nothing to say, and says it without crashing
    assert run(capsys, "status", str(tmp_path))[0] == 0
    assert run(capsys, "status", str(tmp_path), "--format", "json")[0] == 0


def test_finding_nothing_names_the_mkdocs_yml_that_gave_the_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = "site_name: x\nplugins:\n  - skillbook:\n      skills_dir: kb/skills\n"
    write_tree(tmp_path, {"mkdocs.yml": config, "skills/retry/SKILL.md": CLEAN_SKILL})
    code, out, err = run(capsys, "check", str(tmp_path), "--format", "json", "--no-elixir")
    assert (code, out) == (2, "")
    assert err == (
        f"skillbook: error: no skill and no pattern found in {tmp_path.resolve()} (looked for "
        f"kb/skills/*/SKILL.md and patterns/*.md, the folders {tmp_path}/mkdocs.yml gives: set "
        f"skills_dir and patterns_dir in its skillbook plugin options)\n"
    )


def test_finding_nothing_still_prints_what_the_walk_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"skills/retry.md": "# Retry\n"})
    code, out, err = run(capsys, "check", str(tmp_path), "--format", "json", "--no-elixir")
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines[0].startswith("skills/retry.md: KB105 is not a skill")
    assert lines[-1].startswith("skillbook: error: no skill and no pattern found in ")


def test_python_dash_m_runs_the_command(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "skillbook", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2  # no skill and no pattern there: a usage error, not a traceback
    assert run.stderr.startswith("skillbook: error:"), run.stderr


def test_a_check_imports_neither_dataclasses_nor_inspect() -> None:
    """The check's records are named tuples: `dataclasses`, with the `inspect` it imports,
    took about 18 ms of every run's start, and a frozen dataclass about 1 ms more to define."""
    repo = Path(__file__).resolve().parent.parent
    probe = (
        "import sys; from skillbook.cli import main; "
        "code = main(['check', '--no-elixir', sys.argv[1]]); "
        "print(code, sorted(m for m in ('dataclasses', 'inspect') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(repo)], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "0 []"
