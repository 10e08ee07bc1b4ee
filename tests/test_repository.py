"""This repository's own knowledge base passes the strictest check, Elixir parsing included."""

from __future__ import annotations

import pytest

from skillbook.cli import main
from skillbook.pipeline import analyse

from .conftest import REPO, need_program


def test_repository_passes_check_strict(capsys: pytest.CaptureFixture[str]) -> None:
    need_program("elixir", "KB502 parses every elixir block of the knowledge base")
    code = main(["check", str(REPO), "--strict"])
    out, err = capsys.readouterr()
    assert (code, out) == (0, "0 errors, 0 warnings in 47 files\n"), out
    assert "skipped" not in err


def test_every_elixir_block_was_parsed() -> None:
    need_program("elixir", "KB502 parses every elixir block of the knowledge base")
    result = analyse(REPO)
    assert result.elixir.skipped is None
    blocks = sum(1 for d in result.kb.documents() for b in d.code_blocks if b.lang == "elixir")
    assert result.elixir.blocks == blocks > 50


def test_every_self_contained_block_compiles_and_its_tests_pass() -> None:
    """KB503 on the whole knowledge base: each unmarked block compiles and runs, and every
    ExUnit test the files define passes (CI runs this with Elixir installed)."""
    need_program("elixir", "KB503 compiles and runs the knowledge base's elixir blocks")
    result = analyse(REPO, compile_elixir=True)
    examples = result.examples
    assert examples is not None and examples.not_run is None
    assert [str(d) for d in examples.diagnostics] == []
    assert examples.compiled > 100 and examples.tests > 250
    # a block marked `# needs: OTP 27` is skipped, with a note, where OTP is older
    assert all("needs OTP" in note or "needs Elixir" in note for note in examples.skipped)


def test_the_authoring_guide_quotes_a_skill_as_it_is() -> None:
    """docs/guide/authoring.md shows resilience-patterns' frontmatter "as it is in this
    repository": it must be."""
    guide = (REPO / "docs/guide/authoring.md").read_text(encoding="utf-8")
    skill = (REPO / "skills/resilience-patterns/SKILL.md").read_text(encoding="utf-8")
    frontmatter = "---\n" + skill.split("---\n", 2)[1] + "---\n"
    assert "```yaml\n" + frontmatter + "```" in guide
