"""Real `mkdocs build` runs of small knowledge bases and of this repository."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from skillbook.cli import main

from .conftest import mkdocs_build, write_tree
from .nav_tree import primary_nav

pytestmark = pytest.mark.slow

MKDOCS_YML = """\
site_name: Test KB
site_url: https://kb.example.org/
repo_url: https://github.com/acme/kb
edit_uri: edit/main/docs/
theme:
  name: material
  font: false
  features: [content.action.edit, navigation.indexes]
plugins:
  - search
  - tags
  - skillbook:
      elixir_check: false
"""

SKILL = """\
---
name: retry
description: Retry failed calls with backoff. Use when a dependency fails transiently.
metadata:
  tags: "resilience, retry"
---
# Retry

Use [Backoff](../../patterns/backoff.md#the-formula) and read [notes](references/notes.md).
Related: [timeouts](../timeouts/SKILL.md). Guide: [authoring](../../docs/guide.md).
"""

TIMEOUTS = """\
---
name: timeouts
description: Bound every remote call with a timeout. Use when a call could hang.
---
# Timeouts

See [Backoff](../../patterns/backoff.md).
"""

PATTERN = """\
---
title: Backoff
summary: Wait longer after each failure, with jitter.
tags: [resilience]
---
# Backoff

## The formula

`min(cap, base * 2 ** attempt)`
"""

GOOD = {
    "mkdocs.yml": MKDOCS_YML,
    "docs/index.md": "# Home\n\nSee [the retry skill](../skills/retry/SKILL.md).\n",
    "docs/guide.md": "# Guide\n\nWrite skills.\n",
    "docs/tags.md": "# Tags\n\n<!-- material/tags -->\n",
    "skills/retry/SKILL.md": SKILL,
    "skills/retry/references/notes.md": "# Notes\n\nMore detail.\n",
    "skills/retry/scripts/check.sh": "#!/bin/sh\necho ok\n",
    "skills/timeouts/SKILL.md": TIMEOUTS,
    "patterns/backoff.md": PATTERN,
    "patterns/README.md": "# Patterns\n\nShared quick references.\n",
}


def build(root: Path, *, strict: bool) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    args = [sys.executable, "-m", "mkdocs", "build", "-q" if not strict else "--strict"]
    return subprocess.run(
        args, cwd=root, capture_output=True, text=True, env=env, check=False, timeout=300
    )


def _good_with_option(option: str) -> dict[str, str | bytes]:
    """The good knowledge base, with one more line of plugin options in mkdocs.yml."""
    files: dict[str, str | bytes] = dict(GOOD)
    files["mkdocs.yml"] = MKDOCS_YML.replace(
        "elixir_check: false", f"elixir_check: false\n      {option}"
    )
    return files


def page(root: Path, url: str) -> str:
    return (root / "site" / url / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("good"), GOOD)
    done = build(root, strict=True)
    assert done.returncode == 0, done.stderr
    return root


def test_pages_at_their_urls(good_site: Path) -> None:
    for url in [
        "skills/retry",
        "skills/timeouts",
        "patterns/backoff",
        "skills",
        "patterns",
        "status",
    ]:
        assert (good_site / "site" / url / "index.html").is_file(), url
    assert not (good_site / "site/sessions").exists()  # no session logs: no journal
    assert (good_site / "site/skills/retry/references/notes/index.html").is_file()
    assert (good_site / "site/skills/retry/scripts/check.sh").read_text() == "#!/bin/sh\necho ok\n"


def test_links_resolve_both_ways(good_site: Path) -> None:
    skill = page(good_site, "skills/retry")
    assert 'href="../../patterns/backoff/#the-formula"' in skill
    assert 'href="../timeouts/"' in skill
    assert 'href="references/notes/"' in skill
    assert 'href="../../guide/"' in skill  # ../../docs/guide.md rewritten to its site path
    home = (good_site / "site/index.html").read_text(encoding="utf-8")
    assert 'href="skills/retry/"' in home  # ../skills/retry/SKILL.md from docs/index.md


def test_descriptions_and_summaries_lead_their_pages(good_site: Path) -> None:
    title = '<h1 id="retry">Retry</h1>\n<p class="skillbook-lead">Retry failed calls with backoff.'
    assert title in page(good_site, "skills/retry")
    summary = '<p class="skillbook-lead">Wait longer after each failure, with jitter.</p>'
    assert summary in page(good_site, "patterns/backoff")


def test_a_summary_taken_from_the_body_is_not_shown_twice(tmp_path: Path) -> None:
    files = dict(GOOD)
    files["patterns/backoff.md"] = "# Backoff\n\nWait longer each time.\n"  # no frontmatter
    root = write_tree(tmp_path, files)
    assert build(root, strict=False).returncode == 0
    article = page(root, "patterns/backoff").split("<article", 1)[1].split("</article>", 1)[0]
    assert "skillbook-lead" not in article and article.count("Wait longer each time.") == 1
    assert '<p class="skillbook-lead">Retry failed calls' in page(root, "skills/retry")


def test_relations_on_pages(good_site: Path) -> None:
    skill = page(good_site, "skills/retry")
    section = skill.split('id="skillbook-patterns"', 1)[1]
    assert "Wait longer after each failure, with jitter." in section
    assert 'href="../../patterns/backoff/">Backoff</a>' in section
    assert 'id="skillbook-related"' in skill and "Bound every remote call" in skill
    pattern = page(good_site, "patterns/backoff")
    used_by = pattern.split('id="skillbook-used-by"', 1)[1]
    assert re.findall(r'href="\.\./\.\./skills/(\w+)/">', used_by) == ["retry", "timeouts"]
    assert "Retry failed calls with backoff." in used_by


def test_relation_headings_are_in_the_table_of_contents(good_site: Path) -> None:
    skill = page(good_site, "skills/retry")
    toc = skill.split('class="md-nav md-nav--secondary"', 1)[1].split("</nav>", 1)[0]
    assert 'href="#skillbook-patterns"' in toc and "Patterns this skill uses" in toc
    assert 'href="#skillbook-related"' in toc
    pattern = page(good_site, "patterns/backoff")
    toc = pattern.split('class="md-nav md-nav--secondary"', 1)[1].split("</nav>", 1)[0]
    assert 'href="#skillbook-used-by"' in toc
    assert toc.index('href="#the-formula"') < toc.index('href="#skillbook-used-by"')


def search_entries(root: Path) -> dict[str, str]:
    index = json.loads((root / "site/search/search_index.json").read_text(encoding="utf-8"))
    return {e["location"]: f"{e['title']} {e['text']}" for e in index["docs"]}


def test_search_indexes_the_pages_not_what_the_plugin_adds_to_them(good_site: Path) -> None:
    entries = search_entries(good_site)
    assert "patterns/backoff/#the-formula" in entries  # the page's own sections
    assert "Use Backoff and read notes." in entries["skills/retry/"]
    # the description and the summary are found on their own pages, not in the catalogues
    assert "Retry failed calls with backoff." in entries["skills/retry/"]
    assert "Wait longer after each failure, with jitter." in entries["patterns/backoff/"]
    assert "Retry failed calls" not in entries["skills/"]
    catalogue = " ".join(text for loc, text in entries.items() if loc.startswith("patterns/#"))
    assert "Wait longer" not in entries["patterns/"] + catalogue
    assert "Shared quick references." in entries["patterns/#about-these-patterns"]
    assert not [location for location in entries if "#skillbook-" in location]
    skill = " ".join(text for loc, text in entries.items() if loc.startswith("skills/retry/"))
    assert "Download skill" not in skill and "Wait longer after each failure" not in skill
    pattern = " ".join(text for loc, text in entries.items() if loc.startswith("patterns/backoff"))
    assert "Skills that use this pattern" not in pattern
    # every place the plugin marked in a page's contents got what goes there
    for written in (good_site / "site").rglob("*.html"):
        assert "<!-- skillbook-" not in written.read_text(encoding="utf-8"), written


def test_catalogues(good_site: Path) -> None:
    skills = page(good_site, "skills")
    assert 'href="retry/"' in skills and 'href="timeouts/"' in skills
    assert "2 skills." in skills and "1 pattern" in skills
    patterns = page(good_site, "patterns")
    assert "Shared quick references." in patterns  # patterns/README.md is the introduction
    row = patterns.split('href="backoff/"', 1)[1].split("</tr>", 1)[0]
    assert 'href="../skills/retry/"' in row and 'href="../skills/timeouts/"' in row


def test_edit_urls_point_at_sources(good_site: Path) -> None:
    assert 'href="https://github.com/acme/kb/edit/main/skills/retry/SKILL.md"' in page(
        good_site, "skills/retry"
    )
    assert 'href="https://github.com/acme/kb/edit/main/patterns/backoff.md"' in page(
        good_site, "patterns/backoff"
    )
    assert 'href="https://github.com/acme/kb/edit/main/docs/guide.md"' in page(good_site, "guide")


def test_tags_page_lists_skills_and_patterns(good_site: Path) -> None:
    tags = page(good_site, "tags")
    assert 'href="../skills/retry/"' in tags and 'href="../patterns/backoff/"' in tags


def test_search_index_has_every_entry(good_site: Path) -> None:
    index = (good_site / "site/search/search_index.json").read_text(encoding="utf-8")
    for location in [
        '"location":"skills/retry/"',
        '"location":"patterns/backoff/"',
        '"location":"skills/timeouts/"',
    ]:
        assert location in index


BROKEN = dict(GOOD)
BROKEN["skills/retry/SKILL.md"] = SKILL.replace("name: retry", "name: retries").replace(
    "../timeouts/SKILL.md", "../timeout/SKILL.md"
)


def test_strict_fails_on_exactly_the_check_diagnostics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path, BROKEN)
    assert main(["check", str(root), "--strict", "--no-elixir"]) == 1
    expected = capsys.readouterr().out.splitlines()[:-1]
    assert len(expected) == 2
    done = mkdocs_build(root, "--strict", "-v")
    assert done.returncode == 1
    logged = [  # bundling meets the same broken links: not diagnostics of their own
        line
        for line in re.findall(r"^DEBUG +-  skillbook: (\S+:\d+: KB\d{3} .*)$", done.stderr, re.M)
        if " bundle '" not in line
    ]
    assert logged == expected  # each at DEBUG (-v), with the check's text
    summary = re.findall(r"^(?:WARNING|ERROR) +-  skillbook: .*$", done.stderr, re.MULTILINE)
    assert len(summary) == 1, summary  # one summary line, which --strict counts
    assert all(line.split(": ")[1].split()[0] in summary[0] for line in expected)  # its codes


def test_without_strict_a_broken_kb_still_builds(tmp_path: Path) -> None:
    root = write_tree(tmp_path, BROKEN)
    done = build(root, strict=False)
    assert done.returncode == 0, done.stderr
    skill = page(root, "skills/retry")
    assert "skillbook-notice" in skill and "KB204" in skill  # the page says what is wrong
    assert "Retry failed calls with backoff." in skill
    # search leaves the notice out (the status page's health section names the code: it is
    # that page's content)
    entries = search_entries(root)
    assert "KB204" not in " ".join(v for k, v in entries.items() if not k.startswith("status/"))


def test_bad_frontmatter_does_not_break_the_build(tmp_path: Path) -> None:
    files = dict(GOOD)
    files["patterns/backoff.md"] = PATTERN.replace("tags: [resilience]", "tags: resilience")
    files["skills/timeouts/SKILL.md"] = "---\nname: [unclosed\n---\n# Timeouts\n"
    root = write_tree(tmp_path, files)
    done = build(root, strict=False)
    assert done.returncode == 0, done.stderr
    assert "KB202" in done.stderr and "KB103" in done.stderr
    assert (root / "site/skills/timeouts/index.html").is_file()
    assert build(root, strict=True).returncode == 1


def test_this_repository_builds_strict(repo_site: Path) -> None:
    status = (repo_site / "status/index.html").read_text(encoding="utf-8")
    assert "11 of 11 tasks done" in status
    assert status.count("<small>(missing)</small>") == 0  # 42 planned files, all written
    assert "<svg" in status and "Burn-up: phase 2" in status
    journal = (repo_site / "sessions/index.html").read_text(encoding="utf-8")
    assert "2026-01-08" in journal and 'href="2026/2026-01-08-phase2-day1-summary/"' in journal
    # with `toc: permalink: true`, the relation headings get the same ¶ link as the others
    skill = (repo_site / "skills/resilience-patterns/index.html").read_text(encoding="utf-8")
    assert (
        '<h2 id="skillbook-patterns">Patterns this skill uses<a class="headerlink" '
        'href="#skillbook-patterns" title="Permanent link">\u00b6</a></h2>'
    ) in skill


def test_rebuilds_reuse_parsed_files_until_they_change(tmp_path: Path) -> None:
    """What `mkdocs serve` does: the plugin survives rebuilds and re-parses only changed files."""
    from mkdocs.commands.build import build as mkdocs_build_in_process
    from mkdocs.config import load_config

    root = write_tree(tmp_path, GOOD)
    config = load_config(str(root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        mkdocs_build_in_process(config)
        plugin = config.plugins["skillbook"]
        assert plugin.cache.hits == 0
        pattern = root / "patterns/backoff.md"
        pattern.write_text(PATTERN.replace("Wait longer", "Wait much longer"))
        config = load_config(str(root / "mkdocs.yml"))
        mkdocs_build_in_process(config)
        assert config.plugins["skillbook"] is plugin
        # two skills, references/notes.md and patterns/README.md; not the edited pattern
        assert plugin.cache.hits == 4
        assert "Wait much longer" in page(root, "skills/retry")
    finally:
        config.plugins.on_shutdown()


def test_links_to_relation_headings_pass_anchor_validation(tmp_path: Path) -> None:
    files = dict(GOOD)
    files["mkdocs.yml"] = MKDOCS_YML + "validation:\n  anchors: warn\n"
    files["docs/guide.md"] = (
        "# Guide\n\nWho uses [backoff](../patterns/backoff.md#skillbook-used-by), "
        "and [nothing](../patterns/backoff.md#no-such-heading).\n"
    )
    root = write_tree(tmp_path, files)
    done = build(root, strict=True)
    assert "#no-such-heading" in done.stderr  # validation is on, and finds the broken one
    assert "#skillbook-used-by" not in done.stderr


def test_a_site_can_override_a_template(tmp_path: Path) -> None:
    files = _good_with_option("templates_dir: overrides")
    files["overrides/skills_index.md.j2"] = (
        "# Our skills\n\n{% for s in skills %}- [{{ s.name | md }}]({{ s.link }}) ({{ s.pattern_count }})\n{% endfor %}"
    )
    root = write_tree(tmp_path, files)
    done = build(root, strict=True)
    assert done.returncode == 0, done.stderr
    skills = page(root, "skills")
    assert '<h1 id="our-skills">Our skills' in skills
    assert '<a href="retry/">retry</a> (1)' in skills
    assert "grid cards" not in skills  # the packaged template was not used
    assert "skillbook-used-by" in page(root, "patterns/backoff")  # the others still are


def test_a_site_can_override_the_relations(tmp_path: Path) -> None:
    files = _good_with_option("templates_dir: overrides")
    files["overrides/pattern_relations.html.j2"] = (
        '<h2 id="who">Who uses it</h2>\n<p>{% for s in used_by %}'
        '<a class="user" href="{{ s.link | e }}">{{ s.name | e }}</a> {% endfor %}</p>\n'
    )
    files["overrides/skill_relations.md.j2"] = "retired\n"
    root = write_tree(tmp_path, files)
    done = build(root, strict=True)
    assert done.returncode == 1  # an override that would be ignored fails --strict
    assert "overrides/skill_relations.md.j2 is no longer used" in done.stderr
    (root / "overrides/skill_relations.md.j2").unlink()
    done = build(root, strict=True)
    assert done.returncode == 0, done.stderr
    pattern = page(root, "patterns/backoff")
    assert '<a class="user" href="../../skills/retry/">retry</a>' in pattern
    toc = pattern.split('class="md-nav md-nav--secondary"', 1)[1].split("</nav>", 1)[0]
    assert 'href="#who"' in toc and "Who uses it" in toc
    assert "skillbook-used-by" not in pattern


def test_long_sections_leave_the_navigation_to_their_catalogue(tmp_path: Path) -> None:
    files = _good_with_option("nav_max_entries: 1")
    root = write_tree(tmp_path, files)
    done = build(root, strict=True)
    assert done.returncode == 0, done.stderr
    nav = primary_nav(page(root, "patterns/backoff"))
    skills = nav.find("Skills")  # two skills > 1: the section is its catalogue
    assert skills is not None and skills.href == "../../skills/" and skills.children == []
    patterns = nav.find("Patterns")
    assert patterns is not None and patterns.titles == ["Backoff"]  # one pattern <= 1: listed
    assert 'href="retry/"' in page(root, "skills")  # the catalogue still leads to every skill


def test_exports_can_be_turned_off(tmp_path: Path) -> None:
    files = _good_with_option("exports: false")
    root = write_tree(tmp_path, files)
    done = build(root, strict=True)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    assert not (site / "catalog.json").exists() and not (site / "llms.txt").exists()
    assert (
        not (site / "skills/retry/retry.zip").exists()
        and not (site / "skills/retry/index.md").exists()
    )
    assert "Download skill" not in page(root, "skills/retry")
    assert (site / "schemas/skill.schema.json").is_file()  # editor schemas are not exports


BLOCKING_HOOK = """\
import os
from mkdocs.plugins import event_priority


@event_priority(150)  # before skillbook's on_post_build (priority 100) writes the raw copies
def on_post_build(config, **kwargs):
    os.makedirs(os.path.join(config.site_dir, "skills/retry/index.md"))  # a folder in the way
"""


def test_a_raw_copy_that_cannot_be_written_is_an_error(tmp_path: Path) -> None:
    files = _good_with_option("")
    files["mkdocs.yml"] = str(files["mkdocs.yml"]) + "hooks:\n  - hook.py\n"
    files["hook.py"] = BLOCKING_HOOK
    root = write_tree(tmp_path, files)
    done = build(root, strict=True)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "raw Markdown copy not written" in done.stderr
    assert "skills/retry/index.md" in done.stderr
    assert (root / "site/patterns/backoff/index.md").is_file()  # the others were written


def _site_files(root: Path) -> dict[str, bytes]:
    site = root / "site"
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and not p.name.startswith("sitemap.xml")  # dated
    }


def test_an_old_jobs_option_warns_and_changes_nothing(tmp_path: Path) -> None:
    """`jobs` is retired: a site that still sets it builds, with a warning, the same site."""
    plain = write_tree(tmp_path / "plain", GOOD)
    assert build(plain, strict=True).returncode == 0
    old = write_tree(tmp_path / "old", _good_with_option("jobs: 2"))
    done = mkdocs_build(old)  # not quiet: -q hides warnings
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "option 'jobs' is no longer used and can be removed" in done.stderr
    one, two = _site_files(plain), _site_files(old)
    assert one.keys() == two.keys()
    assert [path for path in one if one[path] != two[path]] == []
    assert "skills/retry/retry.zip" in one


def test_a_site_can_override_a_catalogue(tmp_path: Path) -> None:
    files = _good_with_option("templates_dir: overrides")
    files["overrides/patterns_catalogue.html.j2"] = (
        '<ol class="ours">{% for p in patterns %}<li><a href="{{ p.link | e }}">'
        "{{ p.title | e }}</a> ({{ p.used_by | length }})</li>{% endfor %}</ol>\n"
    )
    files["overrides/skills_index.md.j2"] = "# Our skills\n\nNo list here.\n"  # no catalogue
    root = write_tree(tmp_path, files)
    done = build(root, strict=True)
    assert done.returncode == 0, done.stderr
    patterns = page(root, "patterns")
    assert '<ol class="ours"><li><a href="backoff/">Backoff</a> (2)</li></ol>' in patterns
    assert "<table>" not in patterns.split('<article class="md-content__inner md-typeset">')[1]
    skills = page(root, "skills")
    assert "No list here." in skills and "grid cards" not in skills
    assert "skillbook-catalogue" not in skills + patterns  # the marker never shows


@pytest.mark.parametrize(
    ("template", "text", "expected"),
    [
        ("skills_index.md.j2", "# Skills\n\n{% for s in skills %}\n", "line 3: Unexpected end"),
        ("skill_relations.html.j2", "<p>\n{{ nope }}</p>\n", "line 2: 'nope' is undefined"),
        ("notice.html.j2", "{{ diagnostics | no_such_filter }}", "line 1: No filter named"),
    ],
)
def test_a_broken_template_override_is_an_error_naming_it(
    tmp_path: Path, template: str, text: str, expected: str
) -> None:
    files = _good_with_option("templates_dir: overrides")
    files["skills/bad/SKILL.md"] = "---\nname: bad\n---\n# Bad\n"  # a notice: no description
    files[f"overrides/{template}"] = text
    root = write_tree(tmp_path, files)
    done = build(root, strict=False)
    assert done.returncode == 1
    assert f"skillbook: template {root / 'overrides' / template}" in done.stderr
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_fenced_code_works_on_a_site_without_a_fence_extension(tmp_path: Path) -> None:
    """Every code block of a skill stays a block: nothing swallows the rest of the page."""
    files = dict(GOOD)
    assert "markdown_extensions" not in files["mkdocs.yml"]
    files["skills/retry/SKILL.md"] = (
        SKILL + "\n```elixir\nRetry.run(fun)\n```\n\n## When to use\n\nOften.\n"
    )
    root = write_tree(tmp_path, files)
    done = build(root, strict=True)
    assert done.returncode == 0, done.stderr
    skill = page(root, "skills/retry")
    assert '<h2 id="when-to-use">When to use' in skill
    assert '<span class="filename">Install into' in skill and "<code>curl -fsSLO" in skill
    assert '<code class="language-elixir">Retry.run(fun)' in skill
    assert "```" not in skill


HOOK = """\
from mkdocs.plugins import event_priority


@event_priority(-200)  # after skillbook's own on_page_content
def on_page_content(html, page, **kwargs):
    if page.file.src_uri.startswith("skills/"):
        return html + '<p id="from-a-hook">added</p><script>alert("hook")</script>'
    return html
"""


def test_html_another_plugin_adds_later_is_sanitised_too(tmp_path: Path) -> None:
    files = _good_with_option("")
    files["mkdocs.yml"] = str(files["mkdocs.yml"]) + "hooks:\n  - hook.py\n"
    files["hook.py"] = HOOK
    files["skills/retry/SKILL.md"] = SKILL + '\n<img src="x.png" onerror="alert(1)">\n'
    root = write_tree(tmp_path, files)
    done = build(root, strict=False)
    assert done.returncode == 0, done.stderr
    skill = page(root, "skills/retry")
    article = skill.split('<article class="md-content__inner md-typeset">', 1)[1]
    article = article.split("</article>", 1)[0]
    assert '<p id="from-a-hook">added</p>' in article
    assert 'alert("hook")' not in article and "<script" not in article
    assert 'onerror="' not in article and "event handlers are removed" in article  # KB307
    assert "Patterns this skill uses" in article and "Download skill" in article


@pytest.mark.parametrize(("command", "kept"), [("build", False), ("serve", True)])
def test_a_one_off_build_lets_go_of_the_knowledge_base(
    tmp_path: Path, command: str, kept: bool
) -> None:
    from mkdocs.commands.build import build as mkdocs_build_in_process
    from mkdocs.config import load_config

    from skillbook import headings

    root = write_tree(tmp_path, GOOD)
    config = load_config(str(root / "mkdocs.yml"))
    config.plugins.on_startup(command=command, dirty=False)
    mkdocs_build_in_process(config)
    plugin = config.plugins["skillbook"]
    assert plugin.build is None  # the build's state goes with it
    assert (len(plugin.cache._docs) > 0) is kept  # serve rebuilds reuse the parsed files
    assert (headings._slug.cache_info().currsize > 0) is kept  # the slugs of headings
    assert (root / "site/skills/retry/index.html").is_file()


def test_a_site_without_skills_or_patterns_builds_with_a_warning(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"mkdocs.yml": MKDOCS_YML, "docs/index.md": "# Home\n"})
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    assert (
        f"WARNING -  skillbook: no skill and no pattern found in {root.resolve()} (looked for "
        f"skills/*/SKILL.md and patterns/*.md, the folders {root.resolve()}/mkdocs.yml gives: "
        f"set skills_dir and patterns_dir in its skillbook plugin options); the site has no "
        f"skill or pattern page"
    ) in done.stderr
    assert mkdocs_build(root, "--strict").returncode == 1
