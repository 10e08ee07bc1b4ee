"""Nothing a user types may destroy or rewrite the knowledge base: a site folder or export
folder that is, contains or lies inside what the knowledge base is read from is refused
before anything is written or deleted, and an export never overwrites a file it did not make."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from skillbook.cli import main
from skillbook.errors import SkillbookError
from skillbook.model import Layout
from skillbook.outputs import MANIFEST, check_output_folder

from .conftest import mkdocs_build, write_tree

MKDOCS_YML = """\
site_name: Test KB
plugins:
  - skillbook:
      elixir_check: false
"""
KB = {
    "mkdocs.yml": MKDOCS_YML,
    "docs/index.md": "# Home\n",
    "skills/retry/SKILL.md": (
        "---\nname: retry\ndescription: Retry failed calls.\n---\n# Retry\n\n"
        "[Backoff](../../patterns/backoff.md)\n"
    ),
    "skills/retry/references/notes.md": "# Notes\n\n[Backoff](../../../patterns/backoff.md)\n",
    "patterns/backoff.md": (
        "---\ntitle: Backoff\nsummary: Wait, then retry.\n---\n# Backoff\n\n"
        "[retry](../skills/retry/SKILL.md)\n"
    ),
    "sessions/roadmap.yml": (
        "phases:\n  - id: 1\n    title: One\n    tasks:\n      - id: '1.1'\n        title: Retry\n"
        "        priority: high\n        files: [skills/retry/SKILL.md, patterns/backoff.md]\n"
    ),
    "sessions/2026/2026-01-08-start.md": "---\ndate: 2026-01-08\nphase: 1\n---\n# Start\n",
}


def tree(root: Path) -> dict[str, str]:
    """Every file under root (hidden ones too) -> the hash of its bytes."""
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


# the pure rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("out", "refused"),
    [
        ("patterns", "is patterns_dir"),
        ("skills", "is skills_dir"),
        ("skills/retry", "lies inside skills_dir"),
        ("patterns/x/y", "lies inside patterns_dir"),
        ("sessions", "is sessions_dir"),
        ("sessions/roadmap.yml", "is roadmap"),
        ("docs", "is docs_dir"),
        ("docs/site", "lies inside docs_dir"),
        (".", "is the repository"),
        ("..", "contains the repository"),
        ("site/../patterns", "is patterns_dir"),
        ("link-to-patterns", "is patterns_dir"),
        ("link-to-patterns/x", "lies inside patterns_dir"),
    ],
)
def test_the_rule_refuses_what_the_knowledge_base_is_read_from(
    tmp_path: Path, out: str, refused: str
) -> None:
    root = write_tree(tmp_path / "kb", KB)
    (root / "link-to-patterns").symlink_to(root / "patterns")
    with pytest.raises(SkillbookError) as caught:
        check_output_folder(root / out, root, Layout(), docs_dir="docs", what="site_dir")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"site_dir {os.path.realpath(root / out)} {refused}")


def test_the_rule_refuses_a_folder_that_contains_a_nested_source(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "kb", {"kb/skills/x/SKILL.md": "x"})
    layout = Layout(skills_dir="kb/skills", patterns_dir="kb/patterns", sessions_dir="kb/s")
    with pytest.raises(SkillbookError, match=r"^--out \S+/kb/kb contains skills_dir "):
        check_output_folder(root / "kb", root, layout, docs_dir=None, what="--out")


@pytest.mark.parametrize("out", ["site", "build/skills", "../elsewhere", "skills-site", "docs2"])
def test_the_rule_lets_other_folders_be(tmp_path: Path, out: str) -> None:
    root = write_tree(tmp_path / "kb", KB)
    check_output_folder(root / out, root, Layout(), docs_dir="docs")


def test_docs_dir_is_a_source_only_when_given(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "kb", KB)
    check_output_folder(root / "docs" / "downloads", root, Layout(), docs_dir=None)


# mkdocs build -------------------------------------------------------------------------------


def _refused_build(root: Path, *args: str, names: tuple[str, str]) -> None:
    before = tree(root)
    done = mkdocs_build(root, *args)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, done.stderr
    assert all(name in errors[0] for name in names), errors[0]
    assert tree(root) == before  # nothing deleted, nothing written


@pytest.mark.slow
@pytest.mark.parametrize(
    ("site_dir", "source"),
    [("patterns", "patterns_dir"), ("skills/x", "skills_dir"), ("link", "patterns_dir")],
)
def test_mkdocs_build_into_a_source_folder_is_refused(
    tmp_path: Path, site_dir: str, source: str
) -> None:
    root = write_tree(tmp_path / "kb", KB)
    (root / "link").symlink_to("patterns")
    _refused_build(root, "-d", site_dir, names=(f"site_dir {root.resolve()}/", source))


@pytest.mark.slow
def test_site_dir_sessions_in_mkdocs_yml_is_refused_and_site_builds(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "kb", {**KB, "mkdocs.yml": MKDOCS_YML + "site_dir: sessions\n"})
    _refused_build(root, names=(f"site_dir {root.resolve()}/sessions is sessions_dir", "sessions"))
    write_tree(root, {"mkdocs.yml": MKDOCS_YML})
    before = tree(root)
    done = mkdocs_build(root)  # into site/, the default
    assert done.returncode == 0, done.stderr
    assert (root / "site" / "patterns" / "backoff" / "index.html").is_file()
    assert {p: h for p, h in tree(root).items() if not p.startswith("site/")} == before


@pytest.mark.slow
def test_a_site_dir_holding_the_knowledge_base_is_refused(tmp_path: Path) -> None:
    nested = {
        f"content/{p}": text for p, text in KB.items() if p.startswith(("skills", "pat", "ses"))
    }
    config = MKDOCS_YML + (
        "      skills_dir: content/skills\n      patterns_dir: content/patterns\n"
        "      sessions_dir: content/sessions\ndocs_dir: pages\n"
    )
    root = write_tree(tmp_path / "kb", {**nested, "mkdocs.yml": config, "pages/index.md": "# H"})
    _refused_build(root, "-d", "content", names=("site_dir", "contains skills_dir"))


@pytest.mark.slow
def test_mkdocs_build_into_the_repository_is_refused(tmp_path: Path) -> None:
    # MkDocs itself refuses a site_dir holding docs_dir; skillbook refuses it when docs_dir
    # lives elsewhere, as the folder still holds mkdocs.yml and the knowledge base
    write_tree(tmp_path, {"shared-docs/index.md": "# Home\n"})
    kb = {**KB, "mkdocs.yml": MKDOCS_YML + "docs_dir: ../shared-docs\n"}
    root = write_tree(tmp_path / "kb", kb)
    _refused_build(root, "-d", ".", names=(f"site_dir {root.resolve()} is the repository", ""))
    plain = write_tree(tmp_path / "plain", KB)
    _refused_build(plain, "-d", ".", names=("site_dir", "docs_dir"))


# skillbook export ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("out", "refused"),
    [
        ("skills", "is skills_dir"),
        ("patterns/x", "lies inside patterns_dir"),
        (".", "is the repository"),
        ("sessions/2026", "lies inside sessions_dir"),
    ],
)
def test_export_into_the_knowledge_base_is_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    out: str,
    refused: str,
) -> None:
    root = write_tree(tmp_path / "kb", KB)
    monkeypatch.chdir(root)
    before = tree(root)
    assert main(["export", "--out", out]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(
        f"skillbook: error: --out {os.path.realpath(root / out)} {refused}"
    )
    assert tree(root) == before


def test_export_never_overwrites_a_file_it_did_not_make(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "kb", KB)
    out = write_tree(tmp_path / "out", {"retry/SKILL.md": "my own notes\n"})
    before = tree(out)
    assert main(["export", str(root), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"skillbook: error: --out {out}: {out}/retry/SKILL.md exists and was not written by "
        f"skillbook export; nothing was written: move it away or choose another folder\n"
    )
    assert tree(out) == before


def test_export_never_writes_through_a_symlink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "kb", KB)
    out = tmp_path / "out"
    out.mkdir()
    (out / "retry").symlink_to(root / "skills" / "retry")
    before = tree(root)
    assert main(["export", str(root), "--out", str(out)]) == 2
    assert "is a symlink or lies behind one" in capsys.readouterr().err
    assert tree(root) == before


def test_export_runs_again_into_its_own_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "kb", KB)
    out = tmp_path / "dist" / "skills"
    sources = tree(root)
    assert main(["export", str(root), "--out", str(out)]) == 0
    made = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert made == [
        ".well-known/agent-skills/index.json",
        ".well-known/agent-skills/retry.zip",
        ".well-known/agent-skills/retry/SKILL.md",
        ".well-known/agent-skills/retry/references/backoff.md",
        ".well-known/agent-skills/retry/references/notes.md",
        "retry.zip",
        "retry/SKILL.md",
        "retry/references/backoff.md",
        "retry/references/notes.md",
    ]
    write_tree(root, {"skills/retry/SKILL.md": KB["skills/retry/SKILL.md"] + "\nMore.\n"})
    assert main(["export", str(root), "--out", str(out)]) == 0
    assert (out / "retry" / "SKILL.md").read_text(encoding="utf-8").endswith("More.\n")
    assert tree(root) == {**sources, "skills/retry/SKILL.md": tree(root)["skills/retry/SKILL.md"]}
    capsys.readouterr()


def test_export_into_a_folder_inside_the_repository_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "kb", KB)
    monkeypatch.chdir(root)
    sources = tree(root)
    assert main(["export", "--out", "build/skills"]) == 0
    assert (root / "build/skills/retry/SKILL.md").is_file()
    assert (root / "build/skills" / MANIFEST).is_file()
    assert {p: h for p, h in tree(root).items() if not p.startswith("build/")} == sources
    assert capsys.readouterr().out.startswith("build/skills/retry/ and retry.zip: 3 files")


def test_export_over_identical_files_from_before_the_record_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "kb", KB)
    out = tmp_path / "out"
    assert main(["export", str(root), "--out", str(out)]) == 0
    (out / MANIFEST).unlink()  # as an export without the record left it
    assert main(["export", str(root), "--out", str(out)]) == 0
    capsys.readouterr()
