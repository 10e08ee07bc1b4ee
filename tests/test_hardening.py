"""Hostile and broken input: every run finishes, reports at file and line, and loses no file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Mapping
from pathlib import Path

import pytest

from skillbook.analysis import Analysis
from skillbook.diagnostics import Diagnostic
from skillbook.frontmatter import parse_yaml, split
from skillbook.headings import anchors_of, headings_in
from skillbook.markdown_scan import links_in, scan
from skillbook.pipeline import analyse
from skillbook.yaml_compose import MAX_DEPTH

from .conftest import mkdocs_build, write_tree

SKILL = "---\nname: {name}\ndescription: {description}\n---\n# {name}\n\n[Backoff](../../patterns/backoff.md)\n"
PATTERN = "---\ntitle: Backoff\nsummary: Wait, then retry.\n---\n# Backoff\n\n[retry](../skills/retry/SKILL.md)\n"
GOOD = {
    "skills/retry/SKILL.md": SKILL.format(
        name="retry", description="Retry failed calls. Use when a call fails."
    ),
    "patterns/backoff.md": PATTERN,
}
BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    + "i2: *i\n"
)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`skillbook check ARGS` in a child process (a crash there cannot take pytest down)."""
    return subprocess.run(
        [sys.executable, "-m", "skillbook.cli", "check", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def check(root: Path) -> Analysis:
    return analyse(root, check_elixir=False)


def lines(result: Analysis) -> list[str]:
    return [str(d) for d in result.report.diagnostics]


def codes_at(result: Analysis, path: str) -> list[tuple[int | None, str]]:
    return [(d.line, d.code) for d in result.report.diagnostics if d.path == path]


def only(result: Analysis, path: str, code: str) -> Diagnostic:
    found = [d for d in result.report.diagnostics if d.path == path and d.code == code]
    assert len(found) == 1, lines(result)
    return found[0]


def skill_file(frontmatter_text: str) -> str:
    return f"---\n{frontmatter_text}---\n# retry\n\n[Backoff](../../patterns/backoff.md)\n"


# 1. Hostile YAML ---------------------------------------------------------------------------


def test_alias_bomb_in_frontmatter_is_refused_fast_and_small(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**GOOD, "skills/retry/SKILL.md": skill_file(BOMB)})
    tracemalloc.start()
    started = time.perf_counter()
    result = check(root)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 5 and peak < 50 * 2**20  # a billion laughs expanded would be gigabytes
    found = only(result, "skills/retry/SKILL.md", "KB103")
    assert found.line == 3  # the first alias, on the line of key `b`
    assert "aliases (*a) are not allowed" in found.message
    assert [s.name for s in result.kb.skills] == ["retry"]  # still an entry, named by folder


def test_merge_keys_are_aliases_too() -> None:
    parsed = parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n", 2)
    assert parsed.error == ("aliases (*b) are not allowed: write the value out", 4)


def test_alias_bomb_in_the_roadmap_is_refused(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**GOOD, "sessions/roadmap.yml": BOMB})
    found = only(check(root), "sessions/roadmap.yml", "KB401")
    assert found.line == 2 and "aliases (*a) are not allowed" in found.message


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system ['touch pwned']",
        "!!python/name:os.system",
        "!custom thing",
    ],
)
def test_python_and_custom_tags_are_refused(tmp_path: Path, value: str) -> None:
    root = write_tree(
        tmp_path,
        {**GOOD, "skills/retry/SKILL.md": skill_file(f"name: retry\ndescription: {value}\n")},
    )
    found = only(check(root), "skills/retry/SKILL.md", "KB103")
    assert found.line == 3 and "is not allowed: only plain YAML" in found.message
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deep_flow_nesting_is_reported_not_crashed_on(tmp_path: Path, depth: int) -> None:
    # 100,000 levels crash libyaml's composer outright (a segfault), so run in a child process
    value = "[" * depth + "]" * depth
    write_tree(tmp_path, {**GOOD, "skills/retry/SKILL.md": skill_file(f"x: {value}\n")})
    done = cli(str(tmp_path), "--format", "json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    kb103 = [d for d in report["diagnostics"] if d["code"] == "KB103"]
    assert [(d["line"], d["message"]) for d in kb103] == [
        (2, f"frontmatter is not valid YAML: nested more than {MAX_DEPTH} levels deep")
    ]


def test_deep_block_nesting_in_the_roadmap_is_reported(tmp_path: Path) -> None:
    roadmap = "phases:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(200))
    root = write_tree(tmp_path, {**GOOD, "sessions/roadmap.yml": roadmap})
    found = only(check(root), "sessions/roadmap.yml", "KB401")
    assert found.message == f"roadmap nested more than {MAX_DEPTH} levels deep"
    assert found.line == MAX_DEPTH + 1


def test_nesting_within_the_limit_is_fine() -> None:
    value = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)  # the mapping is a level too
    assert parse_yaml(f"x: {value}\n", 2).error is None


def test_very_long_lines_are_reported_not_crashed_on(tmp_path: Path) -> None:
    long_value = "a" * 500_000
    long_key = "k" * 2000
    root = write_tree(
        tmp_path,
        {
            **GOOD,
            "skills/retry/SKILL.md": skill_file(f"name: retry\ndescription: {long_value}\n")
            + "word " * 100_000
            + "\n",
            "skills/other/SKILL.md": skill_file(f"name: other\n{long_key}: 1\n"),
        },
    )
    started = time.perf_counter()
    result = check(root)
    assert time.perf_counter() - started < 10
    kb202 = only(result, "skills/retry/SKILL.md", "KB202")
    assert kb202.line == 3 and "1024" in kb202.message
    kb103 = only(result, "skills/other/SKILL.md", "KB103")
    assert kb103.line == 3


# 2. Broken bytes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", [(1, "KB102"), (1, "KB304")]),
        (b"---\n", [(1, "KB103"), (1, "KB304")]),
        (b"---\nname: retry\ndescription: Retry when it fails.\n", [(1, "KB103"), (1, "KB304")]),
        (
            b"---\r\nname: retry\r\ndescription: Retry when it fails.\r\n---\r\n[B](../../patterns/backoff.md)\r\n",
            [],
        ),
        (
            b"---\rname: retry\rdescription: Retry when it fails.\r---\r[B](../../patterns/backoff.md)\r",
            [],
        ),
        (
            b"---\nname: retry\r\ndescription: Retry when it fails.\r---\n\n[B](../../patterns/backoff.md)\n",
            [],
        ),
        (
            b"\xef\xbb\xbf---\nname: retry\ndescription: Retry when it fails.\n---\n[B](../../patterns/backoff.md)\n",
            [],
        ),
        (
            b"---\nname: retry\ndescription: Retry when it fails.\n---\n\nsome \x00 binary\n[B](../../patterns/backoff.md)\n",
            [(6, "KB101")],
        ),
        (
            b"---\nname: retry\ndescription: R\xe9try when it fails.\n---\n[B](../../patterns/backoff.md)\n",
            [(3, "KB101")],
        ),
    ],
    ids=[
        "empty",
        "only-dashes",
        "never-closed",
        "crlf",
        "lone-cr",
        "mixed",
        "bom",
        "nul",
        "latin1",
    ],
)
def test_broken_bytes(
    tmp_path: Path, content: bytes, expected: list[tuple[int | None, str]]
) -> None:
    root = write_tree(tmp_path, {**GOOD, "skills/retry/SKILL.md": content})
    result = check(root)
    got = [(line, code) for line, code in codes_at(result, "skills/retry/SKILL.md")]
    assert sorted(got, key=str) == sorted(expected, key=str), lines(result)
    assert [s.folder for s in result.kb.skills] == ["retry"]


def test_bad_bytes_are_replaced_and_the_rest_is_checked(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            **GOOD,
            "skills/retry/SKILL.md": b"---\nname: retry\ndescription: R\xe9try \x00.\n---\n"
            b"[gone](../../patterns/nowhere.md)\n",
        },
    )
    result = check(root)
    assert result.kb.skills[0].description == "R\ufffdtry \ufffd."
    assert {d.code for d in result.report.diagnostics if d.path == "skills/retry/SKILL.md"} >= {
        "KB101",
        "KB301",
    }


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            **GOOD,
            "mkdocs.yml": "site_name: x\nplugins:\n  - skillbook:\n      max_file_size: 1000\n",
            "patterns/huge.md": "---\ntitle: Huge\nsummary: Big.\n---\n" + "x" * 2000,
        },
    )
    done = cli(str(root))
    assert (
        "patterns/huge.md: KB106 is 2,034 bytes, over the limit of 1,000 (option max_file_size); "
        "it is not loaded"
    ) in done.stdout
    assert done.returncode == 1


def test_the_size_limit_option_must_be_positive(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {**GOOD, "mkdocs.yml": "plugins:\n  - skillbook:\n      max_file_size: 0\n"}
    )
    done = cli(str(tmp_path))
    assert done.returncode == 2
    assert "max_file_size' must be a positive number of bytes" in done.stderr
    assert "Traceback" not in done.stderr


# 3. The file system ------------------------------------------------------------------------


def test_symlinks_leading_outside_are_not_followed(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"secret.md": "TOP SECRET\n", "kit/SKILL.md": "x"})
    root = write_tree(tmp_path / "kb", GOOD)
    (root / "patterns" / "leak.md").symlink_to(outside / "secret.md")
    (root / "skills" / "kit").symlink_to(outside / "kit")
    (root / "skills" / "retry" / "references").mkdir()
    (root / "skills" / "retry" / "references" / "passwd").symlink_to("/etc/passwd")
    result = check(root)
    assert codes_at(result, "patterns/leak.md") == [(None, "KB305")]
    assert codes_at(result, "skills/kit") == [(None, "KB305")]
    assert codes_at(result, "skills/retry/references/passwd") == [(None, "KB305")]
    assert (
        "outside the repository; it is not followed" in only(result, "skills/kit", "KB305").message
    )
    assert [p.id for p in result.kb.patterns] == ["backoff"]
    assert [s.folder for s in result.kb.skills] == ["retry"]
    assert result.kb.assets == ()


def test_a_link_through_a_symlink_to_outside_is_kb305(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"notes.md": "# Notes\n"})
    root = write_tree(
        tmp_path / "kb",
        {
            **GOOD,
            "skills/retry/SKILL.md": SKILL.format(name="retry", description="Retry.")
            + "[notes](../../docs/notes.md#notes)\n",
        },
    )
    (root / "docs").symlink_to(outside)
    found = only(check(root), "skills/retry/SKILL.md", "KB305")
    assert "through a symlink that leads outside the repository" in found.message


def test_symlink_loops_do_not_hang_the_walk(tmp_path: Path) -> None:
    root = write_tree(tmp_path, GOOD)
    (root / "skills" / "retry" / "again").symlink_to("..")  # skills/retry/again -> skills/
    (root / "patterns" / "self").symlink_to(".")
    (root / "patterns" / "a.md").symlink_to("b.md")
    (root / "patterns" / "b.md").symlink_to("a.md")
    result = check(root)
    assert codes_at(result, "skills/retry/again") == [(None, "KB101")]
    assert "a folder that contains it" in only(result, "skills/retry/again", "KB101").message
    assert codes_at(result, "patterns/self") == [(None, "KB101")]
    assert codes_at(result, "patterns/a.md") == [(None, "KB101")]
    assert "symlink loop" in only(result, "patterns/a.md", "KB101").message


def test_a_symlink_inside_the_repository_is_followed(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path, {**GOOD, "shared/timeouts.md": PATTERN.replace("Backoff", "Timeouts")}
    )
    (root / "patterns" / "timeouts.md").symlink_to("../shared/timeouts.md")
    result = check(root)
    assert sorted(p.id for p in result.kb.patterns) == ["backoff", "timeouts"]
    assert not [d for d in result.report.diagnostics if d.code in ("KB101", "KB305")]


def test_names_that_collide_on_case_insensitive_systems(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            **GOOD,
            "patterns/Backoff.md": PATTERN.replace("title: Backoff", "title: Backoff two"),
            "patterns/caf\u00e9.md": PATTERN.replace("title: Backoff", "title: Cafe one"),
            "patterns/cafe\u0301.md": PATTERN.replace("title: Backoff", "title: Cafe two"),
            "skills/retry/references/A.md": "# A\n",
            "skills/retry/references/a.md": "# a\n",
        },
    )
    result = check(root)
    collisions = {d.path for d in result.report.diagnostics if d.code == "KB205"}
    assert collisions == {
        "patterns/backoff.md",
        "patterns/caf\u00e9.md",
        "skills/retry/references/a.md",
    }
    assert "only by case or accents" in only(result, "patterns/backoff.md", "KB205").message


def test_unreadable_files_are_reported(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "kb", GOOD)
    (root / "skills" / "retry" / "SKILL.md").chmod(0)
    command = [sys.executable, "-m", "skillbook.cli", "check", str(root), "--format", "json"]
    if os.geteuid() == 0:  # root reads anything: drop the capabilities that let it
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    (root / "skills" / "retry" / "SKILL.md").chmod(0o644)
    report = json.loads(done.stdout)
    found = [(d["path"], d["line"], d["code"], d["message"]) for d in report["diagnostics"]]
    assert ("skills/retry/SKILL.md", None, "KB101", "cannot be read: Permission denied") in found


def test_a_named_pipe_never_blocks_the_run(tmp_path: Path) -> None:
    root = write_tree(tmp_path, GOOD)
    os.mkfifo(root / "patterns" / "pipe.md")
    os.mkfifo(root / "skills" / "retry" / "stream.txt")
    result = check(root)
    assert codes_at(result, "patterns/pipe.md") == [(None, "KB101")]
    assert codes_at(result, "skills/retry/stream.txt") == [(None, "KB101")]
    assert "not a regular file" in only(result, "patterns/pipe.md", "KB101").message


def test_directory_named_like_a_file_is_not_read(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**GOOD, "patterns/folder.md/inner.md": "# inner\n"})
    result = check(root)
    assert codes_at(result, "patterns/folder.md/inner.md") == [(None, "KB105")]


# 4. Links ----------------------------------------------------------------------------------


def test_anchors_on_pages_with_repeated_headings_follow_toc() -> None:
    body = "# Guide\n## Example\n## Example\n## Example {#custom}\n## Example\n## Example_1\n"
    assert anchors_of(headings_in(body, 1)) == {
        "guide",
        "example",
        "example_1",
        "custom",
        "example_2",
        "example_3",
    }


def test_anchor_numbering_agrees_with_markdown(tmp_path: Path) -> None:
    import markdown

    body = "# A\n## x\n## x\n### x_1\n## x {#x_2}\n## x\n## \n## \n"
    md = markdown.Markdown(extensions=["toc", "attr_list"])
    md.convert(body)
    ids = set(re.findall(r'id="([^"]*)"', md.convert(body)))
    assert anchors_of(headings_in(body, 1)) == ids


def test_link_kinds_resolve_as_documented(tmp_path: Path) -> None:
    body = (
        "[folder](references/) [script](scripts/run.sh) [up](../../../../etc/passwd)\n"
        "[dup](../../patterns/backoff.md#example_1) [dup2](../../patterns/backoff.md#example_2)\n"
    )
    root = write_tree(
        tmp_path,
        {
            "skills/retry/SKILL.md": SKILL.format(name="retry", description="Retry when it fails.")
            + body,
            "skills/retry/references/notes.md": "# Notes\n",
            "skills/retry/scripts/run.sh": "echo\n",
            "patterns/backoff.md": PATTERN + "## Example\n## Example\n",
        },
    )
    got = [(d.line, d.code, d.message) for d in check(root).report.diagnostics]
    assert got == [
        (8, "KB305", "link '../../../../etc/passwd' leaves the repository"),
        (
            9,
            "KB302",
            "link '../../patterns/backoff.md#example_2': patterns/backoff.md has no heading "
            "with the anchor '#example_2'",
        ),
    ]


# Scanner cost: pathological bodies stay linear ---------------------------------------------


@pytest.mark.parametrize(
    "unit",
    ["](", "[", "`a``", "``x`", "# h\n", "a\n---\n", "[a](b) ", "[a](b (", "```\n", "[x]: y\n"],
)
def test_the_scanner_is_linear_on_pathological_bodies(unit: str) -> None:
    def cost(n: int) -> float:
        text = unit * n
        started = time.perf_counter()
        scan(text, 1)
        links_in(text)
        anchors_of(headings_in(text + " ", 1))
        split(text)
        return time.perf_counter() - started

    small, big = cost(20_000), cost(200_000)
    assert big < 1.0 + 30 * small  # 10x input: linear is ~10x; quadratic would be ~100x


# The build ---------------------------------------------------------------------------------

MKDOCS_YML = """\
site_name: Hostile
site_url: https://kb.example.org/
edit_uri: https://github.com/acme/kb/edit/main/docs/
theme:
  name: material
  font: false
plugins:
  - search
  - tags
  - skillbook:
      elixir_check: false
      max_file_size: 100000
"""


def hostile_files() -> Mapping[str, str | bytes]:
    return {
        "mkdocs.yml": MKDOCS_YML,
        "docs/index.md": "# Home\n",
        **GOOD,
        "skills/bomb/SKILL.md": skill_file(BOMB),
        "skills/deep/SKILL.md": skill_file("x: " + "[" * 50_000 + "]" * 50_000 + "\n"),
        "skills/latin/SKILL.md": b"---\nname: latin\ndescription: Caf\xe9 \x00.\n---\n# Latin\n",
        "skills/latin/references/bad.md": b"---\ntitle: &a [*a]\n---\n# Caf\xe9\n",
        "skills/template/SKILL.md": skill_file(
            "name: template\ndescription: Steers the theme.\ntemplate: 404.html\nhide: [navigation]\n"
        ),
        "patterns/huge.md": "---\ntitle: Huge\nsummary: Big.\n---\n" + "x" * 200_000,
        "patterns/meta_lines.md": "Title: Not metadata\nSummary: a first line\n\n[r](../skills/retry/SKILL.md)\n",
        "patterns/with space.md": "---\ntitle: Spaced\nsummary: A name with a space.\n---\n# Spaced\n",
        "patterns/caf\u00e9.md": "---\ntitle: Caf\u00e9\nsummary: Accents.\n---\n# Caf\u00e9\n",
        "skills/retry/SKILL.md": SKILL.format(name="retry", description="Retry.")
        + "[Spaced](<../../patterns/with space.md>) [Cafe](../../patterns/caf%C3%A9.md)\n"
        + "[bad](javascript:alert(1)) [data](data:text/html,hi)\n"
        + '<img src="x.png" onerror="window.__pwned=1"><script>window.__pwned=2</script>\n',
        "sessions/roadmap.yml": BOMB,
    }


@pytest.mark.slow
def test_a_hostile_knowledge_base_builds_and_publishes_every_file(tmp_path: Path) -> None:
    root = write_tree(tmp_path, hostile_files())
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    site = root / "site"
    for page in [
        "skills/retry/index.html",
        "skills/bomb/index.html",
        "skills/deep/index.html",
        "skills/latin/index.html",
        "skills/latin/references/bad/index.html",
        "skills/template/index.html",
        "patterns/huge/index.html",
        "patterns/meta_lines/index.html",
        "patterns/with space/index.html",
        "patterns/caf\u00e9/index.html",
    ]:
        assert (site / page).is_file(), page
    latin = (site / "skills/latin/index.html").read_text(encoding="utf-8")
    assert "Caf\ufffd" in latin
    huge = (site / "patterns/huge/index.html").read_text(encoding="utf-8")
    assert "is not published" in huge and "x" * 1000 not in huge
    # nor do the machine-readable exports carry it
    assert not (site / "patterns/huge/index.md").exists()
    assert "x" * 1000 not in (site / "llms-full.txt").read_text(encoding="utf-8")
    assert (site / "patterns/backoff/index.md").is_file()
    # the skill's frontmatter does not steer the theme: the page is a normal page with its nav
    template = (site / "skills/template/index.html").read_text(encoding="utf-8")
    assert "md-nav--primary" in template and "404" not in template.split("<title>")[1][:40]
    # MkDocs would read "Title: ..." first lines as metadata; they stay text here
    assert "Not metadata" in (site / "patterns/meta_lines/index.html").read_text(encoding="utf-8")
    retry = (site / "skills/retry/index.html").read_text(encoding="utf-8")
    article = retry.split('<article class="md-content__inner')[1].split("</article>")[0]
    assert 'href="../../patterns/with%20space/"' in article
    assert 'href="../../patterns/caf%C3%A9/"' in article
    assert not re.search(r"""(href|src)=["']?\s*(javascript|data|vbscript):""", article, re.I)
    assert not re.search(r"<[^>]*\son\w+\s*=", article)  # no event handler attribute
    assert "<script" not in article and "__pwned=2" not in article
    assert ">bad</a>" in article  # the link text stays
    for code in ("KB101", "KB103", "KB106", "KB203", "KB306", "KB307", "KB401"):
        assert f"{code} \u00d7" in done.stderr, code  # counted in the build's summary line
    assert mkdocs_build(root, "--strict").returncode == 1


def test_a_flood_of_one_problem_is_listed_a_hundred_times_then_counted(tmp_path: Path) -> None:
    body = "<script>x</script>\n" * 250
    root = write_tree(
        tmp_path,
        {**GOOD, "skills/retry/SKILL.md": SKILL.format(name="retry", description="R.") + body},
    )
    found = [d for d in check(root).report.diagnostics if d.code == "KB307"]
    assert len(found) == 101
    assert [d.line for d in found[:2]] == [None, 8]  # the summary first, as a file-level line
    assert found[0].message == (
        "and 150 more KB307 in this file, not listed (at most 100 per code and file are shown)"
    )
