"""What only a browser shows: search, click-through relations, tags, a screenshot.

Runs Debian's Chromium headless through Playwright (no browser download) against this
repository's site, built into a temporary folder and served on 127.0.0.1.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from .conftest import mkdocs_build, search_site, serve_directory, write_tree

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def site_url(repo_site: Path) -> Iterator[str]:
    with serve_directory(repo_site) as url:
        yield url


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    try:
        yield tab
    finally:
        context.close()


def test_search_finds_the_circuit_breaker_pattern(page: object, site_url: str) -> None:
    page.goto(site_url)  # type: ignore[attr-defined]
    # the search index loads in a web worker; until it is ready a query shows no results
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !/Initializing/i.test(document.querySelector('.md-search-result__meta')?.textContent || '')",
        timeout=60_000,
    )
    result = search_site(
        page,  # type: ignore[arg-type]
        "circuit breaker",
        ".md-search-result__item a[href*='patterns/circuit_breaker/']",
    )
    result.click()
    page.wait_for_url("**/patterns/circuit_breaker/**")  # type: ignore[attr-defined]
    assert page.locator("h1").first.inner_text().strip().lower().startswith("circuit breaker")  # type: ignore[attr-defined]


def test_skill_to_pattern_and_back_through_the_backlink(page: object, site_url: str) -> None:
    page.goto(site_url + "skills/resilience-patterns/")  # type: ignore[attr-defined]
    section = page.locator("#skillbook-patterns + ul")  # type: ignore[attr-defined]
    section.locator("a[href*='circuit_breaker']").first.click()
    page.wait_for_url("**/patterns/circuit_breaker/")  # type: ignore[attr-defined]
    used_by = page.locator("#skillbook-used-by + ul")  # type: ignore[attr-defined]
    used_by.locator("a[href*='skills/resilience-patterns/']").first.click()
    page.wait_for_url("**/skills/resilience-patterns/")  # type: ignore[attr-defined]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "skill-page.png"), full_page=False)  # type: ignore[attr-defined]
    assert (ARTIFACTS / "skill-page.png").stat().st_size > 10_000


def test_tags_page_lists_the_skills(page: object, site_url: str) -> None:
    page.goto(site_url + "tags/")  # type: ignore[attr-defined]
    links = page.locator("article a[href*='skills/']")  # type: ignore[attr-defined]
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    for name in ("distributed-systems", "resilience-patterns", "performance-profiling"):
        assert any(name in (h or "") for h in hrefs), name


def test_dark_mode_toggle_keeps_the_dashboard_readable(page: object, site_url: str) -> None:
    page.goto(site_url + "status/")  # type: ignore[attr-defined]
    page.locator("form[data-md-component='palette'] label").first.click()  # type: ignore[attr-defined]
    scheme = page.locator("body").get_attribute("data-md-color-scheme")  # type: ignore[attr-defined]
    assert scheme == "slate"
    chart = page.locator("svg.skillbook-chart")  # type: ignore[attr-defined]
    color = chart.evaluate("el => getComputedStyle(el).color")
    background = page.locator("body").evaluate("el => getComputedStyle(el).backgroundColor")  # type: ignore[attr-defined]
    assert color != background
    assert page.locator("svg.skillbook-chart title").first.text_content() == "Burn-up: phase 2"  # type: ignore[attr-defined]


def test_the_site_requests_nothing_but_its_own_files(page: object, site_url: str) -> None:
    """Offline by construction: no CDN, no font service, no repository API."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))  # type: ignore[attr-defined]
    for path in [
        "",
        "skills/resilience-patterns/",
        "patterns/circuit_breaker/",
        "status/",
        "tags/",
    ]:
        page.goto(site_url + path, wait_until="networkidle")  # type: ignore[attr-defined]
    page.locator("label.md-search__icon, .md-search__input").first.click()  # type: ignore[attr-defined]
    page.locator("input.md-search__input").fill("mnesia")  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert requested, "no request was recorded"
    outside = [url for url in requested if not url.startswith((site_url, "data:", "blob:"))]
    assert outside == []


CHART_MKDOCS = """\
site_name: Chart KB
theme:
  name: material
  font: false
plugins:
  - search
  - skillbook:
      elixir_check: false
"""


def chart_kb(sessions: int) -> dict[str, str | bytes]:
    """A phase of 40 tasks and `sessions` session logs, one day apart, each claiming one."""
    files: dict[str, str | bytes] = {"mkdocs.yml": CHART_MKDOCS, "docs/index.md": "# Home\n"}
    tasks = "".join(
        f'      - id: "1.{i}"\n        title: Task {i}\n        priority: high\n'
        f"        files: [patterns/p{i}.md]\n"
        for i in range(1, 41)
    )
    files["sessions/roadmap.yml"] = f"phases:\n  - id: 1\n    title: One\n    tasks:\n{tasks}"
    day = date(2026, 1, 1)
    for i in range(1, sessions + 1):
        when = (day + timedelta(days=i * 3)).isoformat()
        files[f"sessions/2026/{when}-s.md"] = (
            f'---\ndate: {when}\nphase: 1\nhours: 1\ncompleted: ["1.{i}"]\n---\n# Session {i}\n'
        )
    return files


@pytest.fixture(scope="module")
def chart_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    built = {}
    for count in (1, 40):
        root = write_tree(tmp_path_factory.mktemp(f"chart-{count}"), chart_kb(count))
        done = mkdocs_build(root)
        assert done.returncode == 0, done.stderr
        built[count] = root / "site"
    return built


# every <text> of the chart, as drawn: its box, and the SVG's box
TEXT_BOXES = """svg => {
  const outer = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  });
  return {svg: {left: outer.left, right: outer.right, top: outer.top, bottom: outer.bottom,
                height: outer.height}, texts};
}"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("sessions", [1, 40])
def test_the_burnup_chart_shows_every_label_inside_it(
    browser: object, chart_sites: dict[int, Path], width: int, sessions: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    try:
        tab = context.new_page()
        with serve_directory(chart_sites[sessions]) as url:
            tab.goto(url + "status/")
            boxes = tab.locator("svg.skillbook-chart").first.evaluate(TEXT_BOXES)
    finally:
        context.close()
    svg, texts = boxes["svg"], boxes["texts"]
    assert svg["height"] > 100  # drawn to its own proportions, not the 150 px default
    labels = [t["text"] for t in texts]
    assert "0" in labels and "40" in labels
    dates = [t for t in texts if t["text"].startswith("2026-")]
    assert dates[0]["text"] == "2026-01-04"
    assert dates[-1]["text"] == f"{date(2026, 1, 1) + timedelta(days=sessions * 3):%Y-%m-%d}"
    for t in texts:
        assert svg["left"] - 0.5 <= t["left"] and t["right"] <= svg["right"] + 0.5, t
        assert svg["top"] - 0.5 <= t["top"] and t["bottom"] <= svg["bottom"] + 0.5, t
    for before, after in itertools.pairwise(dates):
        assert before["right"] < after["left"], (before, after)  # no two dates overlap
    if width == 390:
        height = min(t["bottom"] - t["top"] for t in dates)
        assert height >= 8, height  # still legible on a phone
