"""Script injection: a knowledge base whose every published value is hostile, in a browser.

Every field that can reach a page (skill name, folder, description and tags; pattern title,
summary, tags and first heading; roadmap phase and task fields; session fields and titles)
carries payloads that would run script, set `window.__pwned` or open a dialog if they landed
as live HTML, an attribute or a URL. The site is built without `--strict` (the hostile values
are also invalid), served on 127.0.0.1 and opened in Debian's Chromium through Playwright.

Each payload is labelled with its field (`SKD` is a skill description, `RTI` a task id...),
so a dialog message or a `window.__pwned` value names the field that leaked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

import pytest

from .conftest import mkdocs_build, search_site, serve_directory, write_tree

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def hostile(label: str) -> str:
    """One line of payloads for a text field, each naming `label` when it fires.

    Backticks are left to dedicated values: one would turn the rest of a line into code.
    """
    return (
        f"{label} <script>alert('{label}-1')</script> <img src=x onerror=alert('{label}-2')> "
        f"\"><svg onload=alert('{label}-3')> </title><script>alert('{label}-4')</script> "
        f"<img src=x onerror=\"window.__pwned='{label}-m1'\"> "
        f"<script>window.__pwned='{label}-m2'</script> "
        f"[click {label}-5](javascript:alert(5)) <javascript:alert('{label}-6')> "
        f"![m](x){{ onerror=\"window.__pwned='{label}-attr'\" }} | * _ )"
    )


def body(label: str) -> str:
    """Markdown body payloads: links with script URLs and raw HTML (Python-Markdown keeps both)."""
    return (
        f"[x {label}-7](javascript:alert(7)) "
        f"[x {label}-8](data:text/html,<script>alert(8)</script>) "
        f"[x {label}-9](vbscript:msgbox(9))\n\n"
        f"<a href=\"javascript:alert('{label}-10')\">raw</a>\n\n"
        f"<script>alert('{label}-11')</script>\n\n"
        f"<img src=x onerror=alert('{label}-12')>\n\n"
        f"<img src=x onerror=\"window.__pwned='{label}-m3'\">\n\n"
        f"<script>window.__pwned='{label}-m4'</script>\n"
    )


def entities(label: str) -> str:
    """Hostile markup written as entities: inert text in the page, unless decoded on the way."""
    return (
        f"{label} &lt;img src=x onerror=alert('{label}-e')&gt; "
        f"&lt;/title&gt;&lt;script&gt;alert('{label}-t')&lt;/script&gt;"
    )


def q(value: object) -> str:
    """A YAML scalar or list: JSON is YAML, and quotes anything."""
    return json.dumps(value, ensure_ascii=False)


# A skill folder name can carry markup too: no `/`, but quotes, `<`, `>`, spaces.
SKILL_FOLDER = "SKF)<img src=x onerror=alert('SKF')>\"><svg onload=alert('SKF-3')>"
TASK_IDS = [  # a task id only has to be free of spaces
    "<img/src=x/onerror=alert('RTI-1')>",
    "<script>window.__pwned='RTI-m'</script>",
    "\"><svg/onload=alert('RTI-3')>",
    "RTI|`*_)",
]
SESSION_FILE = "sessions/2026/2026-01-02-<img src=x onerror=alert('SEN')>.md"

MKDOCS_YML = """\
site_name: Hostile KB
site_description: A knowledge base in which every value is hostile.
site_url: https://kb.example.org/
edit_uri: https://github.com/acme/kb/edit/main/docs/

theme:
  name: material
  font: false
  features:
    - content.action.edit
    - content.code.copy
    - navigation.indexes
    - navigation.prune
    - navigation.sections
    - navigation.top
    - search.highlight
    - search.suggest

plugins:
  - search
  - tags
  - skillbook:
      elixir_check: false

markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.highlight
  - pymdownx.inlinehilite
  - pymdownx.superfences
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg

validation:
  anchors: warn
"""

SKILL = f"""\
---
name: {q(hostile("SKN"))}
description: {q(hostile("SKD"))}
metadata:
  tags: {q(hostile("SKT") + ", SKT2 x`<img src=x onerror=alert('SKT2')>`y")}
---
# {entities("SKH")}

Uses [the pattern](../../patterns/hostile_fm.md) and [the other](../../patterns/no_fm.md),
and [the other skill](../{quote(SKILL_FOLDER)}/SKILL.md).

{body("SKB")}"""

FOLDER_SKILL = """\
---
description: A skill whose folder name is hostile (its name falls back to the folder).
---
No heading, so the page title is the name, which is the folder's.

Uses [the pattern](../../patterns/hostile_fm.md).
"""

PATTERN = f"""\
---
title: {q(hostile("PTT"))}
summary: {q(hostile("PTS"))}
tags: {q([hostile("PTG"), "PTG2 x`<img src=x onerror=alert('PTG2')>`y"])}
---
# Pattern with frontmatter

{body("PTB")}"""

PATTERN_WITHOUT_FRONTMATTER = f"""\
# {entities("PTH")}

PTP" autofocus onfocus="alert('PTP')" data-x=" is the first paragraph: the fallback summary.
"""

ROADMAP = f"""\
phases:
  - id: 1
    title: {q(hostile("RPT"))}
    tasks:
      - id: {q(TASK_IDS[0])}
        title: {q(hostile("RTT"))}
        priority: {q(hostile("RPR"))}
        blocked: {q(hostile("RTB"))}
        files:
          - skills/plain-skill/SKILL.md
          - patterns/hostile_fm.md
          - patterns/no_fm.md
      - id: {q(TASK_IDS[1])}
        title: Second task
        priority: high
        files:
          - {q(f"skills/{SKILL_FOLDER}/SKILL.md")}
          - "RTF1 <img src=x onerror=alert('RTF1')>.md"
          - "[click](javascript:alert('RTF5')).md"
          - "RTF|pipe`tick*star_under).md"
      - id: {q(TASK_IDS[2])}
        title: Third task
        priority: low
        files: ["RTF2 <script>alert('RTF2')</script>.md"]
      - id: {q(TASK_IDS[3])}
        title: Fourth task
        priority: medium
        files: []
"""

SESSION = f"""\
---
date: {q(hostile("SED"))}
phase: {q(hostile("SEP"))}
hours: {q(hostile("SEH"))}
completed: {q([TASK_IDS[0], "<img/src=x/onerror=alert('SEC-1')>", hostile("SEC")])}
---
# {entities("SET")}

A session.
"""

NAMED_SESSION = """\
---
date: 2026-01-02
phase: 1
hours: 1
completed: []
---
A session log with a hostile file name and no heading: its title is the file name.
"""

FILES: dict[str, str] = {
    "mkdocs.yml": MKDOCS_YML,
    "docs/index.md": "# Home\n\nA hostile knowledge base.\n",
    "docs/tags.md": "# Tags\n\n<!-- material/tags -->\n",
    "skills/plain-skill/SKILL.md": SKILL,
    f"skills/{SKILL_FOLDER}/SKILL.md": FOLDER_SKILL,
    "patterns/hostile_fm.md": PATTERN,
    "patterns/no_fm.md": PATTERN_WITHOUT_FRONTMATTER,
    "sessions/roadmap.yml": ROADMAP,
    "sessions/2026/2026-01-01-hostile.md": SESSION,
    SESSION_FILE: NAMED_SESSION,
}

PAGES = {  # test id: page
    "home": "",
    "skills": "skills/",
    "patterns": "patterns/",
    "skill": "skills/plain-skill/",
    "skill-in-hostile-folder": "skills/" + quote(SKILL_FOLDER) + "/",
    "pattern": "patterns/hostile_fm/",
    "pattern-without-frontmatter": "patterns/no_fm/",
    "tags": "tags/",
    "status": "status/",
    "sessions": "sessions/",
    "session": "sessions/2026/2026-01-01-hostile/",
    "session-with-hostile-name": "sessions/2026/" + quote(SESSION_FILE.split("/")[-1][:-3]) + "/",
}

# Text a reader must see as text, not as markup: page -> element (first match) -> samples.
VISIBLE = {
    "skills/": {
        "article": [
            "SKD <script>alert('SKD-1')</script>",  # description, in a card
            "SKN <script>alert('SKN-1')</script>",  # name, in a card
            "SKT2 x`<img src=x onerror=alert('SKT2')>`y",  # tag, in a card
        ],
    },
    "patterns/": {
        "article table": [
            "PTT <script>alert('PTT-1')</script>",  # title
            "PTS <script>alert('PTS-1')</script>",  # summary
            "PTG2 x`<img src=x onerror=alert('PTG2')>`y",  # tag
        ],
    },
    "skills/plain-skill/": {
        ".md-tags": [  # Material's tags under the title
            "SKT <script>alert('SKT-1')</script>",
            "SKT2 x`<img src=x onerror=alert('SKT2')>`y",
        ],
        "#skillbook-patterns + ul": ["PTS <script>alert('PTS-1')</script>"],
        "article small": ["<img/src=x/onerror=alert('RTI-1')>"],  # "Produced by roadmap task"
    },
    "status/": {
        "article h2": ["RPT <script>alert('RPT-1')</script>"],  # phase title
        "article table": [  # the tasks, not the problems below
            "RTT <script>alert('RTT-1')</script>",  # task title
            "RTB <script>alert('RTB-1')</script>",  # blocked reason
            "<script>window.__pwned='RTI-m'</script>",  # task id
            "RTI|`*_)",  # task id
            "RTF2 <script>alert('RTF2')</script>.md",  # a missing file
            "RTF|pipe`tick*star_under).md",  # a missing file
        ],
    },
    "sessions/": {
        "article table": [
            "<img/src=x/onerror=alert('SEC-1')>",  # a completed entry
            "SEC <script>alert('SEC-1')</script>",  # a completed entry
        ],
    },
}

# Page titles, which the theme shows in <title>, the header and the navigation.
TITLES = {  # test id: (page, text the title must show)
    "pattern": ("patterns/hostile_fm/", " ".join(hostile("PTT").split())),
    "pattern-without-frontmatter": (
        "patterns/no_fm/",
        "PTH <img src=x onerror=alert('PTH-e')> </title><script>alert('PTH-t')</script>",
    ),
    "session": (
        "sessions/2026/2026-01-01-hostile/",
        "SET <img src=x onerror=alert('SET-e')> </title><script>alert('SET-t')</script>",
    ),
    "session-with-hostile-name": (PAGES["session-with-hostile-name"], "alert('SEN')>"),
    "skill-in-hostile-folder": (PAGES["skill-in-hostile-folder"], SKILL_FOLDER),
}

# Queries whose search results show hostile titles and tags.
SEARCHES = ["2026", "SKT", "PTG"]

FIND_ON_ATTRIBUTES = """root => {
  const found = [];
  for (const el of document.querySelector(root).querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith('on')) {
        found.push(`<${el.tagName.toLowerCase()} ${attr.name}="${attr.value.slice(0, 60)}">`);
      }
    }
  }
  return found;
}"""
SCRIPT_URLS = 'a[href^="javascript:" i], [href^="data:" i], [href^="vbscript:" i]'
SEARCH_READY = (
    "() => !/Initializing/i.test("
    "document.querySelector('.md-search-result__meta')?.textContent || '')"
)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """The hostile knowledge base built without --strict: (site, return code, log)."""
    root = write_tree(tmp_path_factory.mktemp("hostile"), FILES)
    site = root / "site"
    done = mkdocs_build(root, "-d", str(site))
    return site, done.returncode, done.stderr


@pytest.fixture(scope="module")
def site_url(hostile_build: tuple[Path, int, str]) -> Iterator[str]:
    site, returncode, log = hostile_build
    if returncode != 0:
        pytest.fail(f"the hostile knowledge base does not build:\n{log[-3000:]}")
    with serve_directory(site) as url:
        yield url


class Visit:
    """A tab that records every dialog (dismissed), page error and console error."""

    def __init__(self, tab: Page) -> None:
        self.tab = tab
        self.dialogs: list[str] = []
        self.page_errors: list[str] = []
        self.console_errors: list[str] = []
        tab.on("dialog", self._dialog)
        tab.on("pageerror", lambda error: self.page_errors.append(str(error)))
        tab.on("console", self._console)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def reset(self) -> None:
        """Forget what happened so far: count only what comes next."""
        self.dialogs.clear()
        self.page_errors.clear()
        self.console_errors.clear()
        self.tab.evaluate("window.__pwned = undefined")

    def problems(self, root: str = "html") -> list[str]:
        """Every sign that content ran as code, or became a live attribute or URL under `root`."""
        tab = self.tab
        found = [f"dialog opened: {d}" for d in self.dialogs]
        found += [f"page error: {e}" for e in self.page_errors]
        pwned = tab.evaluate("window.__pwned")
        if pwned:
            found.append(f"window.__pwned set to {pwned!r}")
        urls = tab.locator(root).first.evaluate(
            "(el, s) => [...el.querySelectorAll(s)].map(e => e.outerHTML.slice(0, 100))",
            SCRIPT_URLS,
        )
        found += [f"script URL: {u}" for u in urls]
        found += [f"event handler attribute: {a}" for a in tab.evaluate(FIND_ON_ATTRIBUTES, root)]
        return found

    def report(self, where: str, problems: list[str]) -> str:
        console = "; ".join(self.console_errors)[:300]
        return (
            f"{where}: {len(problems)} signs of injected script\n  "
            + "\n  ".join(problems)
            + f"\n  (console errors: {console or 'none'})"
        )


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    try:
        yield Visit(tab)
    finally:
        context.close()


def test_the_hostile_site_builds(hostile_build: tuple[Path, int, str]) -> None:
    site, returncode, log = hostile_build
    assert returncode == 0, log[-3000:]
    for path in PAGES.values():
        assert (site / unquote(path) / "index.html").is_file(), path


@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_no_content_runs_as_script(visit: Visit, site_url: str, path: str) -> None:
    visit.tab.goto(site_url + path, wait_until="networkidle")
    problems = visit.problems()
    assert not problems, visit.report(f"/{unquote(path)}", problems)


@pytest.mark.parametrize("path", sorted(VISIBLE))
def test_hostile_text_is_shown_as_text(visit: Visit, site_url: str, path: str) -> None:
    visit.tab.goto(site_url + path, wait_until="networkidle")
    missing = []
    for selector, samples in VISIBLE[path].items():
        text = " ".join(visit.tab.locator(selector).first.inner_text().split())
        missing += [f"{selector}: {sample}" for sample in samples if sample not in text]
    assert not missing, f"/{path}: not shown as text:\n  " + "\n  ".join(missing)


@pytest.mark.parametrize(("path", "title"), list(TITLES.values()), ids=list(TITLES))
def test_titles_are_text(visit: Visit, site_url: str, path: str, title: str) -> None:
    tab = visit.tab
    tab.goto(site_url + path, wait_until="networkidle")
    shown = {
        "<title>": tab.evaluate("document.title"),
        "header": tab.locator("[data-md-component='header-topic']").first.text_content() or "",
    }
    wrong = {where: text for where, text in shown.items() if title not in " ".join(text.split())}
    assert not wrong, f"/{unquote(path)}: the title {title!r} is not shown as text in {wrong}"


@pytest.mark.parametrize("query", SEARCHES)
def test_search_results_run_no_content(visit: Visit, site_url: str, query: str) -> None:
    """Material renders result titles and tags from the search index as HTML."""
    tab = visit.tab
    tab.goto(site_url + "status/", wait_until="networkidle")
    tab.wait_for_function(SEARCH_READY, timeout=60_000)
    visit.reset()  # the navigation's own injections are the other test's: count the results'
    search_site(tab, query)
    tab.wait_for_timeout(500)  # images in the results fail to load, then their handlers run
    problems = visit.problems(".md-search-result")
    assert not problems, visit.report(f"search {query!r}", problems)
