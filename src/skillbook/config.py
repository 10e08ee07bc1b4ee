"""The plugin's typed configuration (the `skillbook` entry of mkdocs.yml), and what it
asks of MkDocs' own configuration: the Markdown extensions and stylesheet its pages need."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.plugins import get_plugin_logger

from skillbook.baseline import Baseline, read_baseline
from skillbook.changes import read_index
from skillbook.check_config import CheckSettings, settings_from_options
from skillbook.elixir import DEFAULT_TIMEOUT
from skillbook.errors import SkillbookError
from skillbook.model import Layout
from skillbook.pipeline import Previous
from skillbook.schema import PROFILES
from skillbook.site import CSS_PATH, JS_PATH, Options

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

log = get_plugin_logger(__name__)

REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "tables")
FENCES = ("fenced_code", "superfences")  # either reads fenced code blocks
RETIRED_TEMPLATES = {  # Markdown templates replaced by HTML ones: an override would be ignored
    "skill_relations.md.j2": "skill_relations.html.j2",
    "pattern_relations.md.j2": "pattern_relations.html.j2",
    "download.md.j2": "download.html.j2",
}


class _Seconds(c.Type[int]):
    """A whole number of seconds, 1 or more."""

    def __init__(self, default: int) -> None:
        super().__init__(int, default=default)

    def run_validation(self, value: object) -> int:
        seconds = super().run_validation(value)
        if seconds < 1:
            raise base.ValidationError(f"must be 1 second or more, not {seconds}")
        return seconds


class _Checks(base.BaseConfigOption[CheckSettings]):
    """The `checks` mapping: select, ignore, severity, per_file (see `check_config`)."""

    def __init__(self) -> None:
        super().__init__()
        self.default: dict[str, object] = {}

    def run_validation(self, value: object) -> CheckSettings:
        try:
            return settings_from_options(value, where="checks")
        except SkillbookError as exc:
            raise base.ValidationError(str(exc)) from exc


class AnalysisOptions(TypedDict):
    check_elixir: bool
    compile_elixir: bool
    compile_timeout: int
    checks: CheckSettings
    profile: str
    baseline: Baseline | None
    previous: Previous | None


def analysis_options(options: SkillbookConfig, root: Path, site: Options) -> AnalysisOptions:
    """The `analyse` keywords the plugin's options set: which Elixir checks run and how long,
    which codes are reported, the baseline of known findings, and the previous discovery
    index to compare with (a path relative to `root`, or a URL), read now (a SkillbookError
    when it cannot be)."""
    previous = None
    if where := options.previous_index:
        if not where.startswith(("http://", "https://")):
            where = str(root / where)
        previous = Previous(read_index(where), site.site_url, site.docs_dir)
    return {
        "check_elixir": options.elixir_check,
        "compile_elixir": options.elixir_compile,
        "compile_timeout": options.elixir_timeout,
        "checks": options.checks,
        "profile": options.profile,
        # read again for every build: `mkdocs serve` sees a baseline written meanwhile
        "baseline": read_baseline(root / options.baseline) if options.baseline else None,
        "previous": previous,
    }


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

    elixir_compile = c.Type(bool, default=False)
    """Also compile and run every self-contained ```elixir block, and the ExUnit tests its
    file defines (KB503). This runs the knowledge base's code, so it is off by default."""

    elixir_timeout = _Seconds(default=DEFAULT_TIMEOUT)
    """Seconds each block, and each test, may run under `elixir_compile`."""

    previous_index = c.Optional(c.Type(str))
    """A previously published discovery index (a path relative to mkdocs.yml's folder, or a
    URL): the build lists the skills added, removed and changed since, and warns (KB601) on
    a changed skill whose metadata.version did not change."""

    nav = c.Type(bool, default=True)
    """Build the navigation (Home, Status and docs/' loose pages, then the Skills, Patterns
    and Sessions sections the knowledge base has, then docs/' folders) when mkdocs.yml has no
    `nav` of its own."""

    nav_max_entries = c.Type(int, default=50)
    """The most skills, patterns or sessions a navigation section lists; a larger section shows
    only its catalogue page, which lists every entry (every page renders its section's
    navigation: past 50 entries a listed section more than doubles its pages, see
    bench/README.md)."""

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

    jobs = c.Deprecated(
        message="skillbook: option '{}' is no longer used and can be removed: the plugin "
        "always runs in MkDocs' own process (`skillbook check --jobs` still reads on "
        "several cores)"
    )
    """Retired: the plugin runs in one process. An old `jobs:` gets a warning, not an error."""

    checks = _Checks()
    """Which codes are reported and how severe they are, as ruff's options do: `select` and
    `ignore` (codes or prefixes such as `KB3`), `severity` (`{KB303: error}`), and
    `per_file` (`{"skills/legacy/**": {ignore: [KB203]}}`). `skillbook check` reads the
    same option; see the check reference."""

    profile = c.Choice(PROFILES, default=PROFILES[0])
    """The agent client whose extra skill fields are accepted: `agentskills` (the
    specification), `claude-code` or `codex`; `skillbook check --profile` overrides it."""

    baseline = c.Optional(c.File(exists=True))
    """A baseline file (`skillbook check --write-baseline FILE`), relative to the folder
    holding mkdocs.yml: the findings it records are left out of the build as they are out of
    `skillbook check`."""

    templates_dir = c.Optional(c.Dir(exists=True))
    """A folder of templates that override the packaged ones by file name."""


def prepare_markdown(config: MkDocsConfig) -> str | None:
    """Add the Markdown extensions the pages need; the `toc` permalink text, if any."""
    for name in REQUIRED_EXTENSIONS:
        if not any(str(ext).endswith(name) for ext in config.markdown_extensions):
            config.markdown_extensions.append(name)
    # skills and patterns are made of fenced code: without a fence extension, a fence
    # swallows the rest of the page
    if not any(str(ext).endswith(FENCES) for ext in config.markdown_extensions):
        config.markdown_extensions.append("fenced_code")
    if CSS_PATH not in [str(css) for css in config.extra_css]:
        config.extra_css.append(CSS_PATH)
    if JS_PATH not in [str(js) for js in config.extra_javascript]:
        config.extra_javascript.append(JS_PATH)
    permalink = config.mdx_configs.get("toc", {}).get("permalink")
    return "\u00b6" if permalink is True else (str(permalink) if permalink else None)


def warn_retired_templates(templates: str | None) -> None:
    for old, new in RETIRED_TEMPLATES.items() if templates else ():
        if (Path(str(templates)) / old).is_file():
            log.warning(
                "%s/%s is no longer used: it is HTML now; write it as %s (see the packaged one)",
                templates,
                old,
                new,
            )


def site_options(
    options: SkillbookConfig, config: MkDocsConfig, layout: Layout, root: Path
) -> Options:
    """What the published pages depend on, from the plugin's options and the site's; the
    Markdown extensions the pages need are turned on on the way."""
    return Options(
        layout=layout,
        docs_dir=Path(os.path.relpath(config.docs_dir, root)).as_posix(),
        exports=options.exports,
        notices=options.notices,
        nav_max_entries=options.nav_max_entries,
        permalink=prepare_markdown(config),
        site_url=config.site_url or None,
        site_name=config.site_name,
        site_description=config.site_description,
    )
