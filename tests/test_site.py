"""The site's assembly as plain functions of an analysis: no MkDocs build needed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from types import SimpleNamespace

import pytest

from skillbook import site, site_links
from skillbook.pipeline import analyse
from skillbook.render.environment import environment

FILES: dict[str, str | bytes] = {
    "skills/retry/SKILL.md": (
        "---\nname: retry\ndescription: Retry with backoff <b>now</b>.\n"
        "metadata:\n  tags: resilience\n---\n# Retry\n\n"
        "Use [Backoff](../../patterns/backoff.md) and [a guide](../../docs/guide.md).\n"
    ),
    "skills/plain/SKILL.md": "# Plain\n\nNo frontmatter: described by this paragraph.\n",
    "patterns/backoff.md": (
        "---\ntitle: Backoff\nsummary: Wait longer each time.\ntags: [resilience]\n---\n"
        "# Backoff\n\nUsed by [retry](../skills/retry/SKILL.md).\n"
    ),
    "patterns/README.md": "# Patterns\n\nSee [the guide](../docs/guide.md).\n",
    "docs/guide.md": "# Guide\n",
}


@pytest.fixture
def made(make_kb: Callable[[Mapping[str, str | bytes]], Path]) -> site.Site:
    root = make_kb(FILES)
    analysis = analyse(root, check_elixir=False)
    options = site.Options(layout=analysis.kb.layout, site_name="KB", site_url="https://kb.org/")
    return site.Site(analysis, environment(), options)


def test_entries_and_generated_pages(made: site.Site) -> None:
    assert set(made.entry_paths()) == {
        "skills/retry/SKILL.md",
        "skills/plain/SKILL.md",
        "patterns/backoff.md",
    }
    pages = made.generated_pages()
    # no sessions folder and no session log: no journal
    assert set(pages) == {"skills/index.md", "patterns/index.md", "status/index.md"}
    assert made.catalogue_marker in pages["skills/index.md"]
    assert made.edit_uri("skills/retry/SKILL.md") == "../skills/retry/SKILL.md"


def test_nav_lists_single_pages_then_sections(made: site.Site) -> None:
    nav = made.nav(home=True, docs_pages=["index.md", "guide.md", "reference/checks.md"]).items
    assert nav[:3] == [{"Home": "index.md"}, {"Status": "status/index.md"}, "guide.md"]
    assert nav[3] == {
        "Skills": [
            "skills/index.md",
            {"plain": "skills/plain/SKILL.md"},
            {"retry": "skills/retry/SKILL.md"},
        ]
    }
    assert nav[4] == {"Patterns": ["patterns/index.md", {"Backoff": "patterns/backoff.md"}]}
    assert nav[5:] == [{"Reference": ["reference/checks.md"]}]  # no Sessions: there are none


def test_meta_is_escaped_text_from_the_checked_fields(made: site.Site) -> None:
    meta = made.meta("skills/retry/SKILL.md")
    assert meta == site.Meta("Retry", "Retry with backoff &lt;b&gt;now&lt;/b&gt;.", ("resilience",))
    assert made.meta("skills/plain/SKILL.md").title == "Plain"


def test_blocks_lead_only_what_frontmatter_states(made: site.Site) -> None:
    page = SimpleNamespace(src_uri="skills/retry/SKILL.md")
    href = site.relative_href({}, {}, page)  # no page is published: plain relative paths
    retry = made.blocks("skills/retry/SKILL.md", "skills/retry/SKILL.md", href)
    assert "Retry with backoff &lt;b&gt;now&lt;/b&gt;." in retry.lead
    assert "Download skill" in retry.under_title and "Backoff" in retry.after_body
    assert 'href="../../patterns/backoff.md"' in retry.after_body
    plain = made.blocks("skills/plain/SKILL.md", "skills/plain/SKILL.md", href)
    assert plain.lead == ""  # its description came from the body, which the page shows
    catalogue = made.blocks("patterns/index.md", "patterns/index.md", href)
    assert "Backoff" in catalogue.catalogue and catalogue.after_body == ""


def test_exports_and_raw_copies_come_from_the_loaded_text(made: site.Site) -> None:
    made_files, problems = made.exports()
    assert {"catalog.json", "llms.txt", "llms-full.txt", "skills/retry/retry.zip"} <= set(
        made_files
    )
    assert problems == []
    copies = made.raw_copies()
    assert copies["skills/retry/index.md"] == FILES["skills/retry/SKILL.md"]
    assert copies["patterns/backoff/index.md"] == FILES["patterns/backoff.md"]


def test_links_need_rewriting_only_where_the_site_moves_them(made: site.Site) -> None:
    src_of = made.src_paths(
        ["skills/retry/SKILL.md", "patterns/backoff.md", "patterns/index.md"], ["guide.md"]
    )
    assert src_of["docs/guide.md"] == "guide.md"
    assert made.may_need_rewriting("skills/retry/SKILL.md", "skills/retry/SKILL.md", src_of)
    assert not made.may_need_rewriting("patterns/backoff.md", "patterns/backoff.md", src_of)
    # a catalogue page shows its section's README, whose links are written for GitHub
    assert made.may_need_rewriting("patterns/index.md", "patterns/index.md", src_of, generated=True)
    assert not made.may_need_rewriting("status/index.md", "status/index.md", src_of, generated=True)
    out = made.rewrite(
        "[a guide](../../docs/guide.md)",
        "skills/retry/SKILL.md",
        "skills/retry/SKILL.md",
        src_of,
        repo_url=None,
        edit_uri=None,
    )
    assert out == "[a guide](../../guide.md)"


def test_html_helpers() -> None:
    assert (
        site.after_title("<h1>T</h1><p>x</p>", "<p>lead</p>") == "<h1>T</h1>\n<p>lead</p><p>x</p>"
    )
    assert site.after_title("<p>x</p>", "<p>lead</p>") == "<p>lead</p><p>x</p>"
    found = site.headings('<h2 id="uses">Uses <a class="headerlink" href="#uses">¶</a></h2>')
    assert found == [("Uses", "uses", 2)]
    assert (
        site_links.normalise_url("https://x.org/a/docs/../skills/x/") == "https://x.org/a/skills/x/"
    )
    assert (
        site_links.repo_link(
            "skills/x/run.sh",
            repo_url="https://github.com/o/r",
            edit_uri="edit/main/docs/",
            docs_dir="docs",
        )
        == "https://github.com/o/r/blob/main/skills/x/run.sh"
    )
