"""The catalogues in a browser: entries first, and a filter by text and tag that works offline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import mkdocs_build, serve_directory, write_tree

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MKDOCS_YML = """\
site_name: Catalogue test
theme:
  name: material
  font: false
  features: [navigation.instant]
plugins:
  - search
  - skillbook:
      elixir_check: false
"""


def _skill(name: str, tags: str, words: str) -> str:
    return (
        f"---\nname: {name}\ndescription: {words} Use when asked.\nmetadata:\n  tags: {tags}\n---\n"
        f"# {name}\n\nUse [the pattern](../../patterns/shared.md).\n"
    )


FILES: dict[str, str | bytes] = {
    "docs/index.md": "# Home\n",
    # a long section README: before, the cards came after all of it
    "skills/README.md": "# Skills\n\n"
    + "".join(f"## Part {i}\n\n{'Words. ' * 80}\n\n" for i in range(30)),
    "skills/alpha/SKILL.md": _skill("alpha", "otp, testing", "Supervise processes."),
    "skills/beta/SKILL.md": _skill("beta", "otp", "Cluster nodes with libcluster."),
    "skills/gamma/SKILL.md": _skill("gamma", "phoenix", "Render LiveView pages."),
    "patterns/shared.md": "---\ntitle: Shared\nsummary: One pattern.\ntags: [otp]\n---\n# Shared\n",
}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = write_tree(tmp_path_factory.mktemp("catalogue"), {**FILES, "mkdocs.yml": MKDOCS_YML})
    done = mkdocs_build(root, "--strict")
    assert done.returncode == 0, done.stderr
    with serve_directory(root / "site") as url:
        yield url


@pytest.mark.parametrize("width", [1280, 390])
def test_cards_come_before_the_introduction(browser: object, site_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})  # type: ignore[attr-defined]
    tab = context.new_page()
    try:
        tab.goto(site_url + "skills/")
        first_card = tab.locator("[data-skillbook-entry]").first
        assert first_card.bounding_box()["y"] < 800  # on the first screen
        assert tab.locator("h2", has_text="About these skills").count() == 1
    finally:
        context.close()


def _shown(tab: object) -> list[str]:
    entries = tab.locator("[data-skillbook-entry]:visible strong a")  # type: ignore[attr-defined]
    return sorted(entries.all_inner_texts())


def test_the_filter_narrows_by_words_and_by_tag(browser: object, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    requests: list[str] = []
    tab = context.new_page()
    tab.on("request", lambda request: requests.append(request.url))
    try:
        tab.goto(site_url + "skills/")
        form = tab.locator(".skillbook-filter")
        form.wait_for(state="visible")  # hidden until the script runs
        assert _shown(tab) == ["alpha", "beta", "gamma"]
        form.locator("input").fill("liveview")
        assert _shown(tab) == ["gamma"]
        assert "1 of 3 shown" in form.locator("output").inner_text()
        form.locator("input").fill("")
        form.locator("select").select_option("otp")
        assert _shown(tab) == ["alpha", "beta"]
        form.locator("input").fill("cluster")
        assert _shown(tab) == ["beta"]
        assert all(url.startswith(site_url) for url in requests)  # nothing from elsewhere
    finally:
        context.close()


def test_the_patterns_table_filters_too(browser: object, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    tab = context.new_page()
    try:
        tab.goto(site_url + "patterns/")
        form = tab.locator(".skillbook-filter")
        form.wait_for(state="visible")
        rows = tab.locator("tr[data-skillbook-entry]:visible")
        assert rows.count() == 1
        form.locator("input").fill("nothing like this")
        assert rows.count() == 0
    finally:
        context.close()
