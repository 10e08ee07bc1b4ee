"""What only a browser shows: search, click-through relations, tags, a screenshot.

Runs Debian's Chromium headless through Playwright (no browser download) against this
repository's site, built into a temporary folder and served on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import search_site, serve_directory

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
