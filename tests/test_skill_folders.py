"""Every Markdown file in a skill folder is published, so `skillbook check` reads and checks it
like the skill; its links are the skill's links; the site shows the text the check read."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillbook import site as pages
from skillbook.cli import main
from skillbook.export import build_bundles
from skillbook.pipeline import analyse
from skillbook.render.environment import environment

from .conftest import mkdocs_build, write_tree

SKILL = "---\nname: retry\ndescription: Retry failed calls. Use when a call fails.\n---\n# Retry\n\nSee [notes](references/notes.md).\n"
NOTES = "# Notes\n\nUse [Backoff](../../../patterns/backoff.md) and [Jitter](../../../patterns/jiter.md).\n"
KB = {
    "skills/retry/SKILL.md": SKILL,
    "skills/retry/references/notes.md": NOTES,
    "patterns/backoff.md": "---\ntitle: Backoff\nsummary: Wait.\n---\n# Backoff\n",
}


def test_markdown_in_a_skill_folder_is_loaded_and_checked_but_is_no_skill(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**KB, "skills/retry/.drafts/x.md": "[gone](gone.md)\n"})
    analysis = analyse(root, check_elixir=False)
    kb = analysis.kb
    assert [s.path for s in kb.skills] == ["skills/retry/SKILL.md"]
    assert [d.path for d in kb.skill_docs] == ["skills/retry/references/notes.md"]
    assert "skills/retry/references/notes.md" in [d.path for d in kb.documents()]
    assert kb.files_read == 3
    assert [(d.path, d.code) for d in analysis.report.diagnostics] == [
        ("skills/retry/references/notes.md", "KB301")  # no KB102: frontmatter is optional
    ]


def test_a_pattern_linked_from_a_skills_references_is_used_by_the_skill(tmp_path: Path) -> None:
    root = write_tree(tmp_path, KB)
    analysis = analyse(root, check_elixir=False)
    rel = analysis.relations
    assert rel.patterns_of["skills/retry/SKILL.md"] == ("patterns/backoff.md",)
    assert rel.used_by["patterns/backoff.md"] == ("skills/retry/SKILL.md",)
    assert rel.linked_from["patterns/backoff.md"] == ("skills/retry/SKILL.md",)
    codes = {d.code for d in analysis.report.diagnostics}
    assert "KB303" not in codes and "KB304" not in codes
    (bundle,) = build_bundles(analysis.kb)  # the bundle carries the pattern the notes link
    assert bundle.copied == {"patterns/backoff.md": "references/backoff.md"}


def test_check_reports_a_broken_link_in_references(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path, KB)
    assert main(["check", str(root), "--no-elixir"]) == 1
    assert capsys.readouterr().out == (
        "skills/retry/references/notes.md:3: KB301 link '../../../patterns/jiter.md' points to "
        "patterns/jiter.md, which does not exist\n"
        "1 error, 0 warnings in 3 files\n"
    )


def test_the_site_publishes_the_text_the_check_read(tmp_path: Path) -> None:
    root = write_tree(tmp_path, KB)
    site = pages.Site(analyse(root, check_elixir=False), environment(None), pages.Options())
    (root / "skills/retry/references/notes.md").unlink()  # read once, by the loader
    assert site.source("skills/retry/references/notes.md") == "---\n{}\n---\n\n" + NOTES
    assert site.source("skills/retry/scripts/run.sh") is None


@pytest.mark.slow
def test_the_build_logs_the_broken_link_in_references(tmp_path: Path) -> None:
    config = "site_name: T\nplugins:\n  - skillbook:\n      elixir_check: false\n"
    root = write_tree(tmp_path, {**KB, "mkdocs.yml": config, "docs/index.md": "# Home\n"})
    done = mkdocs_build(root, "-v")  # each diagnostic is a DEBUG line; the summary counts it
    assert done.returncode == 0, done.stderr
    assert (
        "skills/retry/references/notes.md:3: KB301 link '../../../patterns/jiter.md'" in done.stderr
    )
    page = (root / "site/skills/retry/references/notes/index.html").read_text(encoding="utf-8")
    assert 'href="../../../../patterns/backoff/"' in page
    skill_page = (root / "site/skills/retry/index.html").read_text(encoding="utf-8")
    used = skill_page.split('id="skillbook-patterns"')[1]  # listed among the skill's patterns
    assert '<a href="../../patterns/backoff/">Backoff</a>' in used
