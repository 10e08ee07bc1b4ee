"""WCAG 2.2 AA, measured by axe-core in Debian's Chromium, light and dark, 1280 and 390 px.

axe-core comes from tools/axe (an npm lock file, installed by `npm ci --prefix tools/axe`)
and is put into each page by the test: nothing is downloaded while the tests run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import IN_CI, REPO, mkdocs_build, serve_directory, write_tree

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = REPO / "tools/axe/node_modules/axe-core/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCHEMES = ["default", "slate"]
WIDTHS = [1280, 390]
# skillbook's own markup: its classes, and the task tables it lays out
OURS = ['[class*="skillbook"]', "table:has(.skillbook-state)"]


def _axe_source() -> str:
    if not AXE.is_file():
        message = "tools/axe/node_modules is missing: run `npm ci --prefix tools/axe`"
        if IN_CI:
            pytest.fail(message + " (CI must install it: see .ci/run)")
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def _violations(browser: Any, url: str, pages: list[str], include: list[str] | None) -> list[str]:
    """Every violation on the pages, in each scheme and width, as one line each."""
    source = _axe_source()
    found: list[str] = []
    for scheme in SCHEMES:
        for width in WIDTHS:
            # the reader's system setting picks the scheme, through the site's palette toggle
            context = browser.new_context(
                viewport={"width": width, "height": 900},
                color_scheme="dark" if scheme == "slate" else "light",
            )
            tab = context.new_page()
            try:
                for page in pages:
                    tab.goto(url + page)
                    shown = tab.evaluate("document.body.getAttribute('data-md-color-scheme')")
                    assert shown == scheme, f"/{page} shows the {shown} scheme, not {scheme}"
                    tab.add_script_tag(content=source)
                    result = tab.evaluate(
                        r"""async ([tags, include]) => {
                            const where = include
                              ? {include: include.filter(s => document.querySelector(s)).map(s => [s])}
                              : document;
                            if (include && where.include.length === 0) return [];
                            const r = await axe.run(where, {runOnly: {type: "tag", values: tags}});
                            return r.violations.map(v => [v.id, v.impact,
                              v.nodes.slice(0, 3).map(n => n.target.join(" ") + " " +
                                (n.failureSummary || "").replace(/\s+/g, " ").slice(30, 140)).join(", ")]);
                        }""",
                        [TAGS, include],
                    )
                    found += [f"{scheme} {width} /{page}: {v} ({i}) at {t}" for v, i, t in result]
            finally:
                context.close()
    return found


@pytest.fixture(scope="module")
def repo_url(repo_site: Path) -> Iterator[str]:
    with serve_directory(repo_site) as url:
        yield url


def test_this_repositorys_site_has_no_serious_violation(browser: Any, repo_url: str) -> None:
    pages = [
        "",
        "skills/",
        "patterns/",
        "skills/resilience-patterns/",
        "patterns/circuit_breaker/",
        "status/",
        "sessions/",
    ]
    found = _violations(browser, repo_url, pages, None)
    assert [v for v in found if "(serious)" in v or "(critical)" in v] == []


MKDOCS_YML = """\
site_name: Problems
theme:
  name: material
  font: false
  palette:  # light and dark, as the reader's system says
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {icon: material/weather-night, name: Dark}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {icon: material/weather-sunny, name: Light}
plugins:
  - search
  - skillbook:
      elixir_check: false
"""
ROADMAP = """\
phases:
  - id: 1
    title: First
    tasks:
      - id: "1.1"
        title: Done one
        priority: high
        files: [skills/good/SKILL.md, patterns/used.md]
      - id: "1.2"
        title: Waiting
        priority: low
        blocked: "waits for a decision"
        files: [skills/broken/SKILL.md, patterns/missing_one.md, patterns/missing_two.md]
"""
PROBLEMS: dict[str, str | bytes] = {
    "mkdocs.yml": MKDOCS_YML,
    "docs/index.md": "# Home\n",
    "skills/good/SKILL.md": (
        "---\nname: good\ndescription: A valid skill.\n---\n# Good\n\n"
        "Uses [the pattern](../../patterns/used.md).\n"
    ),
    # many problems: an error mark on its card, a long notice
    "skills/broken/SKILL.md": (
        "---\nname: Broken Name\ndescription: 5\nversion: 2\n---\n# Broken\n\n"
        + "".join(f"See [gone {i}](../../patterns/gone_{i}.md).\n" for i in range(8))
    ),
    "patterns/used.md": "---\ntitle: Used\nsummary: Used by the good skill.\n---\n# Used\n",
    "sessions/roadmap.yml": ROADMAP,
    "sessions/2026/2026-01-02-start.md": (
        "---\ndate: 2026-01-02\nphase: 1\nhours: 1\ncompleted: ['1.1', '1.2']\n---\n# Start\n"
    ),
}


@pytest.fixture(scope="module")
def problems_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = write_tree(tmp_path_factory.mktemp("a11y"), PROBLEMS)
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    with serve_directory(root / "site") as url:
        yield url


def test_skillbooks_markup_has_no_violation(browser: Any, problems_url: str) -> None:
    """Error marks, blocked tasks, missing files, notices, filters: none fails any rule."""
    pages = ["skills/", "patterns/", "skills/broken/", "skills/good/", "status/", "sessions/"]
    assert _violations(browser, problems_url, pages, OURS) == []


def test_phones_see_the_page_not_a_wall_of_problems_or_a_sideways_table(
    browser: Any, problems_url: str
) -> None:
    """At 390 px a long notice folds past its first items, and the task and session tables
    lay out their cells to fit instead of scrolling sideways."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    tab = context.new_page()
    try:
        tab.goto(problems_url + "skills/broken/")
        notice = tab.locator(".skillbook-notice")
        assert notice.locator(":scope > ul > li").count() == 3
        assert "more" in notice.locator("details > summary").inner_text()
        assert notice.bounding_box()["height"] < 400  # half the first screen at most
        for page in ("status/", "sessions/"):
            tab.goto(problems_url + page)
            widths = tab.evaluate(
                "() => Array.from(document.querySelectorAll('article table')).map("
                "t => [t.scrollWidth, t.closest('.md-typeset__scrollwrap').clientWidth])"
            )
            assert widths and all(inner <= outer for inner, outer in widths), (page, widths)
    finally:
        context.close()
