"""KB503: self-contained elixir blocks are compiled and run, and their files' tests pass."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from skillbook.cli import main
from skillbook.elixir_run import Needs, read_needs, run_examples
from skillbook.loader import load
from skillbook.pipeline import analyse

from .conftest import mkdocs_build, need_program, write_tree

MakeKb = Callable[[Mapping[str, str | bytes]], Path]


def pattern(*blocks: str, title: str = "Demo") -> str:
    fences = "\n".join(f"```elixir\n{block}\n```\n" for block in blocks)
    return f"---\ntitle: {title}\nsummary: A demo.\n---\n# {title}\n\n{fences}"


def run(root: Path, timeout: int = 10) -> list[str]:
    return [str(d) for d in run_examples(load(root).documents(), timeout=timeout).diagnostics]


# --- markers, without Elixir ---------------------------------------------------------------


def test_a_block_without_markers_is_compiled() -> None:
    assert read_needs("# lib/my_app/thing.ex\ndefmodule A do\nend") == Needs()
    assert read_needs("x = 1").compiled


def test_needs_names_hex_packages_with_optional_requirements() -> None:
    needs = read_needs("# needs: req ~> 0.5, plug >= 1.16.0, fuse\nReq.get!(url)")
    assert needs.packages == ("req ~> 0.5", "plug >= 1.16.0", "fuse")
    assert not needs.compiled


def test_needs_names_a_runtime_and_excerpt_marks_a_fragment() -> None:
    needs = read_needs("\n# What it does\n# needs: OTP 27, Elixir 1.17\n:tprof.profile(f, %{})")
    assert (needs.otp, needs.elixir, needs.compiled) == (27, "1.17", True)
    excerpt = read_needs("# excerpt: config/runtime.exs\nconfig :my_app, key: 1")
    assert excerpt.excerpt and not excerpt.compiled


def test_markers_count_only_in_the_opening_comments() -> None:
    assert read_needs("x = 1\n# needs: req\n# excerpt").compiled


def test_an_unreadable_needs_item_is_reported_at_its_line(make_kb: MakeKb) -> None:
    root = make_kb({"patterns/demo.md": pattern("# why\n# needs: OTP twenty-seven\nx = 1")})
    # reported even where Elixir is missing: the marker is read in Python
    assert run(root) == [
        "patterns/demo.md:9: KB503 cannot read 'OTP twenty-seven' in '# needs:': write a Hex "
        "package ('req ~> 0.5'), 'OTP 27' or 'Elixir 1.17'"
    ]


def test_without_elixir_the_check_is_skipped_with_a_note(
    make_kb: MakeKb, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb({"patterns/demo.md": pattern("x = 1", "y = 2")})
    monkeypatch.setenv("PATH", "")
    result = run_examples(load(root).documents())
    assert result.diagnostics == ()
    assert result.notes() == ["KB503 skipped for 2 elixir code blocks: no `elixir` on PATH"]


# --- with the real Elixir ------------------------------------------------------------------


@pytest.fixture
def elixir() -> str:
    return need_program("elixir", "KB503 compiles and runs elixir blocks")


@pytest.mark.elixir
def test_compile_errors_runtime_errors_and_failing_tests_at_their_lines(
    elixir: str, make_kb: MakeKb
) -> None:
    demo = pattern(
        "defmodule Demo do\n  def double(n), do: n * 2\nend",  # lines 8-10: fine
        "defmodule Broken do\n  def go, do: missing()\nend",  # 14-16
        "1 = Demo.double(1)",  # 20
        'defmodule DemoTest do\n  use ExUnit.Case\n\n  test "doubles" do\n'
        '    assert Demo.double(2) == 5\n  end\n\n  test "fine", do: assert(Demo.double(0) == 0)\nend',
    )
    root = make_kb({"patterns/demo.md": demo})
    assert run(root) == [
        "patterns/demo.md:15: KB503 elixir code block does not compile: undefined function "
        "missing/0 (expected Broken to define such a function or for it to be imported, but "
        "none are available)",
        "patterns/demo.md:20: KB503 elixir code block raised ** (MatchError) no match of right "
        "hand side value: 2",
        'patterns/demo.md:28: KB503 test "doubles" failed: Assertion with == failed '
        "(assert Demo.double(2) == 5); left: 4; right: 5",
    ]


@pytest.mark.elixir
def test_marked_blocks_are_only_parsed(elixir: str, make_kb: MakeKb) -> None:
    root = make_kb(
        {
            "patterns/demo.md": pattern(
                "# needs: cachex ~> 4.1\ndefmodule Cached do\n  use Cachex\nend",
                '# excerpt: config/runtime.exs\nconfig :my_app, key: System.get_env("KEY")',
            )
        }
    )
    result = run_examples(load(root).documents())
    assert (result.diagnostics, result.compiled, result.parsed_only) == ((), 0, 2)


@pytest.mark.elixir
def test_a_block_for_a_newer_runtime_is_skipped_with_a_note(elixir: str, make_kb: MakeKb) -> None:
    root = make_kb(
        {"patterns/demo.md": pattern("# needs: OTP 99\n:no_such.call()", "# needs: Elixir 9.1\n1")}
    )
    result = run_examples(load(root).documents())
    assert result.diagnostics == ()
    assert [note.split(" (this is")[0] for note in result.skipped] == [
        "patterns/demo.md:8: needs OTP 99",
        "patterns/demo.md:13: needs Elixir 9.1",
    ]


@pytest.mark.elixir
def test_a_block_that_runs_too_long_is_stopped_and_the_rest_still_run(
    elixir: str, make_kb: MakeKb
) -> None:
    root = make_kb({"patterns/demo.md": pattern("Process.sleep(:infinity)", "1 = 2")})
    assert run(root, timeout=1) == [
        "patterns/demo.md:8: KB503 elixir code block did not finish within 1 s",
        "patterns/demo.md:12: KB503 elixir code block raised ** (MatchError) no match of right "
        "hand side value: 2",
    ]


@pytest.mark.elixir
def test_a_block_that_stops_the_vm_is_blamed(elixir: str, make_kb: MakeKb) -> None:
    root = make_kb({"patterns/a.md": pattern("System.halt(3)"), "patterns/b.md": pattern("1")})
    [problem] = run(root)
    assert problem.startswith(
        "patterns/a.md:8: KB503 the Elixir process stopped (exit code 3) while this block"
    )


@pytest.mark.elixir
def test_files_are_isolated_and_run_outside_the_knowledge_base(
    elixir: str, make_kb: MakeKb
) -> None:
    def same_module(value: int) -> str:
        return pattern(
            f'defmodule Same do\n  def value, do: {value}\nend\nFile.write!("written.txt", "x")',
            "defmodule SameTest do\n  use ExUnit.Case\n"
            f'  test "value", do: assert(Same.value() == {value})\nend',
        )

    root = make_kb({"patterns/one.md": same_module(1), "patterns/two.md": same_module(2)})
    result = run_examples(load(root).documents())
    assert (result.diagnostics, result.compiled, result.tests) == ((), 4, 2)
    assert not list(root.rglob("written.txt"))


@pytest.mark.elixir
def test_check_compile_on_the_command_line(
    elixir: str, make_kb: MakeKb, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_kb({"patterns/demo.md": pattern("1 = 2")})
    assert main(["check", str(root), "--compile"]) == 1
    out, err = capsys.readouterr()
    assert "patterns/demo.md:8: KB503 elixir code block raised ** (MatchError)" in out
    assert "note: KB503 compiled 1 elixir code blocks and ran 0 tests" in err
    assert main(["check", str(root)]) == 0  # opt-in: not compiled without --compile
    capsys.readouterr()


def test_compile_refuses_no_elixir_and_a_zero_timeout(
    make_kb: MakeKb, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_kb({"patterns/demo.md": pattern("1")})
    assert main(["check", str(root), "--compile", "--no-elixir"]) == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("--compile runs the elixir blocks it parses: drop --no-elixir")
    )
    with pytest.raises(SystemExit) as exit_info:
        main(["check", str(root), "--compile", "--compile-timeout", "0"])
    assert exit_info.value.code == 2


SITE = "site_name: Demo\nplugins:\n  - skillbook:\n      elixir_compile: {compile}\n{extra}"


@pytest.mark.elixir
@pytest.mark.slow
def test_the_build_reports_kb503_when_asked(elixir: str, tmp_path: Path) -> None:
    skill = "---\nname: demo\ndescription: Demo skill. Use when testing.\n---\n[Demo](../../patterns/demo.md)\n"
    files = {
        "skills/demo/SKILL.md": skill,
        "patterns/demo.md": pattern("1 = 2"),
        "docs/index.md": "# Home\n",
    }
    root = write_tree(tmp_path, files)
    (root / "mkdocs.yml").write_text(SITE.format(compile="true", extra=""), encoding="utf-8")
    done = mkdocs_build(root, "--strict")
    assert done.returncode == 1
    assert "1 error" in done.stderr and "KB503 compiled 1 elixir code blocks" in done.stderr
    (root / "mkdocs.yml").write_text(SITE.format(compile="false", extra=""), encoding="utf-8")
    assert mkdocs_build(root, "--strict").returncode == 0
    timeout = "      elixir_timeout: 0\n"
    (root / "mkdocs.yml").write_text(SITE.format(compile="true", extra=timeout), encoding="utf-8")
    done = mkdocs_build(root)
    assert done.returncode == 1 and "must be 1 second or more, not 0" in done.stderr


def test_analyse_compiles_nothing_unless_asked(make_kb: MakeKb) -> None:
    root = make_kb({"patterns/demo.md": pattern("1 = 2")})
    assert analyse(root, check_elixir=False).examples is None
