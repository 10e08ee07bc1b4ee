"""The plugin's typed configuration (the `skillbook` entry of mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class SkillbookConfig(base.Config):
    """Options of the skillbook plugin; every one has a default."""

    enabled = c.Type(bool, default=True)
    """Turn the plugin off (e.g. `enabled: !ENV [SKILLBOOK, true]`)."""

    skills_dir = c.Type(str, default="skills")
    """Folder of skills, relative to the folder holding mkdocs.yml."""

    patterns_dir = c.Type(str, default="patterns")
    """Folder of patterns, relative to the folder holding mkdocs.yml."""

    sessions_dir = c.Type(str, default="sessions")
    """Folder of session logs, relative to the folder holding mkdocs.yml."""

    roadmap = c.Optional(c.Type(str))
    """The roadmap file; defaults to `<sessions_dir>/roadmap.yml`."""

    elixir_check = c.Type(bool, default=True)
    """Parse ```elixir blocks (KB502) when `elixir` is on PATH."""

    nav = c.Type(bool, default=True)
    """Build the navigation (Home, Skills, Patterns, Status, Sessions, then docs/) when
    mkdocs.yml has no `nav` of its own."""

    nav_max_entries = c.Type(int, default=200)
    """The most skills, patterns or sessions a navigation section lists; a larger section shows
    only its catalogue page, which lists every entry (every page renders its section's
    navigation, so long sections make pages large and builds quadratic)."""

    exports = c.Type(bool, default=True)
    """Publish for machine readers: each skill's bundle zip (and its download button), each
    page's raw Markdown, catalog.json, llms.txt and llms-full.txt."""

    notices = c.Type(bool, default=True)
    """Show a notice listing the problems at the top of pages whose source has any."""

    max_file_size = c.Type(int, default=1024 * 1024)
    """Largest skill, pattern or session file loaded, in bytes (default 1 MiB). A larger file
    is reported (KB106) and its page says it is not published; it is never read whole."""

    sanitize = c.Type(bool, default=True)
    """Remove scripts, event handlers, frames, forms and javascript:/vbscript:/data: URLs from
    the pages of skills, patterns, sessions and the generated pages (`skillbook check` reports
    them as KB306 and KB307). Pages in docs/ are the site's own and are left as written."""

    jobs = c.Optional(c.Type(int))
    """Processes a build may use: the default is one per core. From 1,000 files up the
    knowledge base is read in that many, and the exports and relations are made in a second
    process while MkDocs converts the pages (only on Linux, and never beside another thread,
    as under `mkdocs serve`). `jobs: 1` keeps everything in one process."""

    templates_dir = c.Optional(c.Dir(exists=True))
    """A folder of templates that override the packaged ones by file name."""
